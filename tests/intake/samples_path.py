"""Where the intake sample files live, and the checksummed values they were generated with."""

from __future__ import annotations

import json
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    """The bytes of one sample file."""
    return (SAMPLES / name).read_bytes()


def sample_values() -> dict[str, str]:
    """The generated wallet, onion and id values the samples contain."""
    values: dict[str, str] = json.loads((SAMPLES / "values.json").read_text("utf-8"))
    return values
