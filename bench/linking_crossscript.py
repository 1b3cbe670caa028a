"""Cross-script persons: Wayhome on a generated, labelled set, with nomenklatura logic-v2 beside.

Run: PYTHONPATH=src .venv/bin/python bench/linking_crossscript.py [people] [nomenklatura_python]

The set comes from `wayhome.linking.synthetic.cross_script_dataset` (Cyrillic, Ukrainian and Greek
names rendered under several schemes, diminutives, typos, swapped order, day/month swaps, age
ranges, missing fields, and decoys sharing a surname). Two figures:
  1. full deduplication: every pair the model links at p >= 0.5 vs the truth (blocking included);
  2. labelled pairs: all true pairs plus all near-miss pairs (different persons sharing a name
     key), each scored by Wayhome (same trained parameters) and, when a Python with nomenklatura
     is given (it cannot share the project venv: it pins an older DuckDB), by logic-v2.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from wayhome.linking.clusters import cluster
from wayhome.linking.engine import ScoredPair, features_of, link_records
from wayhome.linking.incremental import build_index
from wayhome.linking.records import PersonRecord
from wayhome.linking.synthetic import cross_script_dataset_with_noise


def prf(predicted: set[Any], truth: set[Any]) -> dict[str, float]:
    """Precision, recall and F1 of a predicted set against the true set."""
    correct = len(predicted & truth)
    precision = correct / len(predicted) if predicted else 0.0
    recall = correct / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def labelled_pairs(
    records: list[PersonRecord], truth: dict[str, str]
) -> list[tuple[str, str, bool]]:
    """All true pairs, and all different-person pairs that share a name key (near misses)."""
    features = {f.unique_id: f for f in features_of(records)}
    by_key: dict[str, list[str]] = {}
    for f in features.values():
        for key in f.name_keys:
            if not key.startswith("g:"):
                by_key.setdefault(key, []).append(f.unique_id)
    pairs: set[tuple[str, str]] = set()
    by_person: dict[str, list[str]] = {}
    for record_id, person in truth.items():
        by_person.setdefault(person, []).append(record_id)
    for ids in by_person.values():
        pairs |= {tuple(sorted(p)) for p in itertools.combinations(ids, 2)}  # type: ignore[misc]
    for ids in by_key.values():
        if len(ids) <= 60:
            pairs |= {tuple(sorted(p)) for p in itertools.combinations(ids, 2)}  # type: ignore[misc]
    return sorted((a, b, truth[a] == truth[b]) for a, b in pairs)


def to_ftm(record: PersonRecord) -> dict[str, Any]:
    """A record as a FollowTheMoney Person (for nomenklatura); age ranges have no FtM field."""
    props: dict[str, list[str]] = {"name": list(record.names)}
    if record.date_of_birth:
        text = record.date_of_birth
        if "." in text:
            day, month, year = text.split(".")
            text = f"{year}-{month}-{day}"
        props["birthDate"] = [text]
    if record.sex:
        props["gender"] = ["male" if record.sex == "m" else "female"]
    if record.nationalities:
        props["nationality"] = [n.lower() for n in record.nationalities]
    if record.places:
        props["address"] = list(record.places)
    if record.selectors:
        props["phone"] = list(record.selectors)
    return {"id": record.record_id, "schema": "Person", "properties": props}


def main() -> None:
    """Run the benchmark and print its figures as JSON."""
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    nomenklatura_python = sys.argv[2] if len(sys.argv) > 2 else None
    records, truth, noise = cross_script_dataset_with_noise(people, seed=7)
    out: dict[str, Any] = {"people": people, "records": len(records)}

    started = time.perf_counter()
    model, pairs = link_records(records, threshold_probability=0.5)
    out["dedupe_seconds"] = round(time.perf_counter() - started, 2)
    true_pairs = {
        frozenset(p) for ids in _group(truth).values() for p in itertools.combinations(ids, 2)
    }
    linked = {frozenset((p.left_id, p.right_id)) for p in pairs}
    out["dedupe_pairwise"] = prf(linked, true_pairs)
    out["dedupe_recall_by_variation"] = recall_by_variation(true_pairs, linked, noise)
    out["dedupe_false_links_by_variation"] = false_links_by_variation(pairs, truth, noise)
    clustered = {
        frozenset(p)
        for group in cluster(pairs, 0.5)
        for p in itertools.combinations(sorted(group), 2)
    }
    out["dedupe_after_clustering"] = prf(clustered, true_pairs)

    labelled = labelled_pairs(records, truth)
    out["labelled_pairs"] = len(labelled)
    out["labelled_positives"] = sum(1 for *_, same in labelled if same)
    features = {f.unique_id: f for f in features_of(records)}
    index = build_index(model, features.values())
    started = time.perf_counter()
    wayhome_scores = [
        index.score(features[a], features[b]).match_probability for a, b, _ in labelled
    ]
    out["wayhome_pair_scoring_seconds"] = round(time.perf_counter() - started, 2)
    positives = {(a, b) for a, b, same in labelled if same}
    out["wayhome_labelled_at_0.5"] = prf(
        {(a, b) for (a, b, _), s in zip(labelled, wayhome_scores, strict=True) if s >= 0.5},
        positives,
    )

    if nomenklatura_python:
        by_id = {r.record_id: r for r in records}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "pairs.json"
            path.write_text(
                json.dumps(
                    [{"left": to_ftm(by_id[a]), "right": to_ftm(by_id[b])} for a, b, _ in labelled]
                )
            )
            script = Path(__file__).with_name("linking_nomenklatura.py")
            started = time.perf_counter()
            done = subprocess.run(
                [nomenklatura_python, str(script), str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            out["nomenklatura_seconds"] = round(time.perf_counter() - started, 2)
            scores = json.loads(done.stdout)
            out["nomenklatura_version"] = scores["version"]
        for threshold in (0.5, 0.7):
            out[f"nomenklatura_logic_v2_labelled_at_{threshold}"] = prf(
                {
                    (a, b)
                    for (a, b, _), s in zip(labelled, scores["scores"], strict=True)
                    if s >= threshold
                },
                positives,
            )
    print(json.dumps(out, indent=2))


def _kinds(record_ids: frozenset[str], noise: dict[str, tuple[str, ...]]) -> set[str]:
    """The variations of a pair's two records, Latin schemes folded into one 'latin'."""
    return {"latin" if v.startswith("latin:") else v for r in record_ids for v in noise[r]}


def recall_by_variation(
    true_pairs: set[frozenset[str]],
    linked: set[frozenset[str]],
    noise: dict[str, tuple[str, ...]],
) -> dict[str, str]:
    """For each generator variation: true pairs carrying it, how many were missed, recall."""
    seen: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for pair in true_pairs:
        kinds = _kinds(pair, noise)
        seen.update(kinds)
        if pair not in linked:
            missed.update(kinds)
    order = sorted(seen, key=lambda k: (missed[k] / seen[k], k), reverse=True)
    return {
        k: f"{seen[k]} pairs, {missed[k]} missed, recall {1 - missed[k] / seen[k]:.3f}"
        for k in order
    }


def false_links_by_variation(
    pairs: list[ScoredPair], truth: dict[str, str], noise: dict[str, tuple[str, ...]]
) -> dict[str, int]:
    """For each variation: how many false links involve a record carrying it."""
    counts: Counter[str] = Counter()
    for p in pairs:
        if truth[p.left_id] != truth[p.right_id]:
            counts.update(_kinds(frozenset((p.left_id, p.right_id)), noise))
    return dict(counts.most_common())


def _group(truth: dict[str, str]) -> dict[str, list[str]]:
    """Record ids by true person."""
    groups: dict[str, list[str]] = {}
    for record_id, person in sorted(truth.items()):
        groups.setdefault(person, []).append(record_id)
    return groups


if __name__ == "__main__":
    main()
