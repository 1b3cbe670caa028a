"""Scoring what the product holds against the answer key (key.json); imports nothing from wayhome.

The product side is read by `product.py` into `Held` rows; this module only compares, on the
key's terms (`canon.canonical`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.intake.answer_key.canon import canonical, key_type

HERE = Path(__file__).resolve().parent


def load_key() -> dict[str, Any]:
    """The answer key."""
    key: dict[str, Any] = json.loads((HERE / "key.json").read_text(encoding="utf-8"))
    return key


@dataclass(frozen=True)
class Held:
    """One selector the product holds for a file, as the product reported it."""

    product_type: str
    product_value: str
    original: str

    @property
    def kind(self) -> str:
        return key_type(self.product_type)

    @property
    def value(self) -> str:
        return canonical(self.kind, self.product_value)


@dataclass
class FileScore:
    """One file's outcome: found, missed, look-alikes reported, extras, or refused."""

    name: str
    format: str
    agency: str
    refused: str | None = None
    found: list[dict[str, str]] = field(default_factory=list)
    missed: list[dict[str, str]] = field(default_factory=list)
    may_found: list[dict[str, str]] = field(default_factory=list)
    lookalikes: list[tuple[dict[str, str], Held]] = field(default_factory=list)
    extras: list[Held] = field(default_factory=list)

    @property
    def must_total(self) -> int:
        return len(self.found) + len(self.missed)


def _same(kind: str, value: str, held: Held) -> bool:
    return held.kind == kind and held.value == canonical(kind, value)


def is_lookalike(entry: dict[str, str], held: Held) -> bool:
    """Whether a held selector is the look-alike `entry`: same type, and the same value or
    an original text that overlaps the look-alike's text."""
    if held.kind != entry["type"]:
        return False
    if entry.get("value") and held.value == canonical(entry["type"], entry["value"]):
        return True
    text, original = entry["text"].lower(), held.original.strip().lower()
    return bool(original) and (original in text or text in original)


def score_file(
    name: str, entry: dict[str, Any], held: list[Held] | None, refused: str | None
) -> FileScore:
    """Compare what the product holds for one file with the key's entry for it."""
    score = FileScore(name, entry["format"], entry["agency"], refused)
    if held is None:
        score.missed = list(entry["must_find"])
        return score
    for item in entry["must_find"]:
        hit = any(_same(item["type"], item["value"], h) for h in held)
        (score.found if hit else score.missed).append(item)
    score.may_found = [
        item
        for item in entry["may_find"]
        if any(_same(item["type"], item["value"], h) for h in held)
    ]
    expected = entry["must_find"] + entry["may_find"]
    for h in held:
        if any(_same(item["type"], item["value"], h) for item in expected):
            continue
        bad = next((e for e in entry["must_not_find"] if is_lookalike(e, h)), None)
        if bad is not None:
            score.lookalikes.append((bad, h))
        else:
            score.extras.append(h)
    return score


@dataclass
class LinkScore:
    """A recurring selector: which holding agency sees which other holders."""

    kind: str
    value: str
    holders: list[str]
    seen: dict[str, set[str]]

    @property
    def missing(self) -> dict[str, list[str]]:
        """Per holder, the other holders its look-up does not name."""
        gaps = {}
        for agency in self.holders:
            lacking = sorted(set(self.holders) - {agency} - self.seen.get(agency, set()))
            if lacking:
                gaps[agency] = lacking
        return gaps

    @property
    def correlated(self) -> bool:
        return not self.missing
