"""The demo: a world generated from a fixed seed, loaded through the same services as the API."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from wayhome.demo.replay import DEMO_PASSWORD, WorldLoad, load_world_in
from wayhome.synth import generate, write

DEMO_SEED = 2026
DEMO_NOISE = 1

__all__ = [
    "DEMO_NOISE", "DEMO_PASSWORD", "DEMO_SEED", "DemoLoad", "demo_truth", "load_demo",
    "write_demo_world",
]  # fmt: skip

DemoLoad = WorldLoad


def write_demo_world(outdir: Path, seed: int = DEMO_SEED, noise: int = DEMO_NOISE) -> Path:
    """Generate the demo world and write it into outdir; return the folder."""
    write(generate(seed, noise), outdir)
    return outdir


@cache
def demo_truth(seed: int = DEMO_SEED, noise: int = DEMO_NOISE) -> dict[str, Any]:
    """The demo world's ground truth, for tests that check what a viewer sees (never loaded)."""
    return generate(seed, noise).truth


def load_demo(session: Session, seed: int = DEMO_SEED, noise: int = DEMO_NOISE) -> WorldLoad:
    """Create the demo agencies, users and the generated case unless they already exist."""
    with tempfile.TemporaryDirectory(prefix="wayhome-demo-") as folder:
        return load_world_in(session, write_demo_world(Path(folder), seed, noise))
