"""Record preparation gives exactly what it gave before it was made faster.

`data/prep_expected.json.gz` was written by `prep_sample.py` from the code before the speed-up
(issue 16): every feature of 600 FEBRL4 rows and 300 cross-script synthetic records (with the
refused ones and their reasons), and every register-style name's analysis and word keys.
"""

from __future__ import annotations

import gzip
import json
import random
from typing import Any

import pytest

from tests.linking import prep_sample
from wayhome.linking import names
from wayhome.linking.translit import strip_accents


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(gzip.decompress(prep_sample.FIXTURE.read_bytes()))
    return loaded


def _differences(label: str, got: Any, want: Any) -> list[str]:
    """The first differing fields, named, so a failure says where."""
    if isinstance(got, dict) and isinstance(want, dict):
        out = []
        for key in sorted(set(got) | set(want)):
            out += _differences(f"{label}.{key}", got.get(key), want.get(key))
        return out
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        out = []
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            out += _differences(f"{label}[{i}]", g, w)
        return out
    return [] if got == want else [f"{label}: {got!r} != {want!r}"]


def _check(label: str, got: Any, want: Any) -> None:
    # Through JSON, so tuples and lists, and key order, compare as the fixture stores them.
    plain = json.loads(json.dumps(got, ensure_ascii=False))
    found = _differences(label, plain, want)
    assert not found, "\n".join(found[:20])


def test_febrl_records_prepare_as_before(expected: dict[str, Any]) -> None:
    _check("febrl", prep_sample.prepare(prep_sample.febrl_records()), expected["febrl"])


def test_cross_script_records_prepare_as_before(expected: dict[str, Any]) -> None:
    _check("synthetic", prep_sample.prepare(prep_sample.synthetic_records()), expected["synthetic"])


def test_register_names_parse_as_before(expected: dict[str, Any]) -> None:
    _check("names", prep_sample.name_rows(prep_sample.register_names()), expected["names"])


def test_skeleton_skips_only_rules_that_cannot_match() -> None:
    """Every rule applied to every spelling (as before) gives what the skipping `skeleton` gives,
    on random spellings over the letters the rules look at."""
    rng = random.Random(16)
    letters = "abcdefghijklmnopqrstuvwxyzëéSCH-' shchtschkhzhtsczckphffouyoiaie"
    for _ in range(20_000):
        spelling = "".join(rng.choice(letters) for _ in range(rng.randint(1, 14)))
        out = strip_accents(spelling.lower())
        for pattern, replacement in names._COMPILED_RULES:
            out = pattern.sub(replacement, out)
        assert names.skeleton(spelling) == out.lower(), spelling
