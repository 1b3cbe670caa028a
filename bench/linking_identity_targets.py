"""Identity resolution against issue 16's targets, on held-out seeds of two generators.

Run: PYTHONPATH=src:bench .venv/bin/python bench/linking_identity_targets.py
         [--seeds 101 102] [--nomenklatura /path/to/python] [--generator both|project|independent]

Generators:
  * project: `wayhome.linking.synthetic.identity_decoy_dataset` (the model was tuned on its
    seeds 1-20; these seeds are held out) — a register in Cyrillic and reports under its schemes;
  * independent: `bench/linking_independent_people.py` (imports nothing of wayhome.linking;
    its own names, 14 schemes, decoys and error rates): 1,500 register rows x 1,500 report rows,
    900 true pairs.
Both are linked as a new user would: `link_records(link_type="link_only")`, trained on the
data itself with the defaults. Figures per seed:
  * auto-link (p >= 0.99) precision and recall; review threshold (p >= 0.5) P, R, F1;
  * strangers sharing given name, sex and birth date: pairs, and the share linked at 0.5;
  * twins (same surname, patronymic and birth date, another given name): pairs, auto-linked;
  * nomenklatura logic-v2 (a separate Python, see bench/linking_nomenklatura.py) on the same
    labelled pairs (every true pair and every decoy pair), at its 0.7 threshold, with Wayhome's
    scores of the same pairs beside.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import linking_independent_people as independent
from wayhome.linking.engine import features_of, link_records
from wayhome.linking.incremental import build_index
from wayhome.linking.records import PersonRecord, RejectedRecord
from wayhome.linking.synthetic import identity_decoy_dataset


@dataclass(frozen=True)
class Truth:
    """What a person is, for counting decoy pairs: names in the source script and birth date."""

    given: str
    surname_stem: str
    patronymic: str | None
    born: str
    sex: str


@dataclass
class LabelledSet:
    """Records, the person of each, and the facts about each person."""

    records: list[PersonRecord]
    person_of: dict[str, str]
    facts: dict[str, Truth]


def _stem(surname: str) -> str:
    """A surname without its feminine ending (Смирнова and Смирнов share a family)."""
    for ending, base in (("ая", "ий"), ("ова", "ов"), ("ева", "ев"), ("ёва", "ёв"), ("ина", "ин")):
        if surname.endswith(ending):
            return surname[: -len(ending)] + base
    return surname


def independent_set(seed: int) -> LabelledSet:
    """The independent generator's files as person records (register, report)."""
    register, report, truth, people = independent.generate(seed)
    records = [
        PersonRecord(
            record_id=row.row_id,
            names=(row.name,),
            date_of_birth=row.birth,
            sex=row.sex,
            places=(row.place,) if row.place else (),
            source=source,
        )
        for source, rows in (("register", register), ("report", report))
        for row in rows
    ]
    facts = {
        key: Truth(p.given, _stem(p.surname), p.patronymic, p.born.isoformat(), p.sex)
        for key, p in people.items()
    }
    return LabelledSet(records, truth, facts)


def project_set(seed: int) -> LabelledSet:
    """The project generator's register and reports (`synthetic.identity_decoy_dataset`)."""
    records, truth, people = identity_decoy_dataset(seed=seed)
    facts = {
        key: Truth(p.given, _stem(p.surname), p.patronymic, p.born.isoformat(), p.sex)
        for key, p in people.items()
    }
    return LabelledSet(records, truth, facts)


def _prf(found: set[frozenset[str]], true: set[frozenset[str]]) -> dict[str, float]:
    """Precision, recall, F1."""
    hit = len(found & true)
    p = hit / len(found) if found else 0.0
    r = hit / len(true) if true else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if hit else 0.0,
    }


def _cross_pairs(data: LabelledSet, same: Callable[[Truth, Truth], bool]) -> set[frozenset[str]]:
    """Register x report pairs of different persons whose facts satisfy `same`."""
    by_source: dict[str, list[PersonRecord]] = {}
    for record in data.records:
        by_source.setdefault(record.source or "", []).append(record)
    left, right = by_source["register"], by_source["report"]
    index: dict[tuple[str, str], list[PersonRecord]] = {}
    for record in right:
        fact = data.facts[data.person_of[record.record_id]]
        index.setdefault((fact.born, fact.sex), []).append(record)
        index.setdefault((fact.born, "*"), []).append(record)
    out = set()
    for record in left:
        a_key = data.person_of[record.record_id]
        a = data.facts[a_key]
        for other in index.get((a.born, "*"), []):
            b_key = data.person_of[other.record_id]
            if b_key != a_key and same(a, data.facts[b_key]):
                out.add(frozenset((record.record_id, other.record_id)))
    return out


def _is_stranger(a: Truth, b: Truth) -> bool:
    """Same given name, sex and birth date; another family."""
    return a.given == b.given and a.sex == b.sex and a.surname_stem != b.surname_stem


def _is_twin(a: Truth, b: Truth) -> bool:
    """Same family, patronymic and birth date; another given name."""
    return (
        a.surname_stem == b.surname_stem
        and a.given != b.given
        and (a.patronymic or "")[:-2] == (b.patronymic or "")[:-2]
    )


def evaluate(data: LabelledSet, nomenklatura: str | None) -> dict[str, Any]:
    """Link the set as a new user would and measure it against the targets."""
    out: dict[str, Any] = {"records": len(data.records)}
    rejected: list[RejectedRecord] = []
    started = time.perf_counter()
    model, pairs = link_records(
        data.records, link_type="link_only", threshold_probability=0.01, rejected=rejected
    )
    out["link_seconds"] = round(time.perf_counter() - started, 2)
    out["rejected_records"] = len(rejected)
    groups: dict[str, list[str]] = {}
    source = {r.record_id: r.source for r in data.records}
    for record_id, person in data.person_of.items():
        groups.setdefault(person, []).append(record_id)
    true = {
        frozenset((a, b))
        for ids in groups.values()
        for a in ids
        for b in ids
        if a < b and source[a] != source[b]
    }
    out["true_pairs"] = len(true)
    score = {frozenset((p.left_id, p.right_id)): p.match_probability for p in pairs}
    for name, threshold in (("auto_link_0.99", 0.99), ("review_0.5", 0.5)):
        out[name] = _prf({k for k, v in score.items() if v >= threshold}, true)
    strangers = _cross_pairs(data, _is_stranger)
    twins = _cross_pairs(data, _is_twin)
    linked_strangers = sum(1 for k in strangers if score.get(k, 0.0) >= 0.5)
    out["strangers_same_given_sex_dob"] = {
        "pairs": len(strangers),
        "linked_at_0.5": linked_strangers,
        "rate": round(linked_strangers / len(strangers), 4) if strangers else None,
    }
    out["twins"] = {
        "pairs": len(twins),
        "auto_linked_0.99": sum(1 for k in twins if score.get(k, 0.0) >= 0.99),
        "linked_at_0.5": sum(1 for k in twins if score.get(k, 0.0) >= 0.5),
    }
    # Labelled pairs for the peer: every true pair and every decoy pair (strangers, twins) and
    # every pair of different persons the model scored at all (its near misses).
    negatives = (strangers | twins | set(score)) - true
    labelled = sorted(tuple(sorted(k)) for k in true | negatives)
    features = {
        f.unique_id: f
        for f in features_of(
            [r for r in data.records if r.record_id not in {x.record_id for x in rejected}]
        )
    }
    index = build_index(model, features.values())
    wayhome_scores = [
        index.score(features[a], features[b]).match_probability
        if a in features and b in features
        else 0.0
        for a, b in labelled
    ]
    positives = {frozenset(k) for k in labelled if frozenset(k) in true}
    out["labelled_pairs"] = {"pairs": len(labelled), "true": len(positives)}
    out["labelled_wayhome_0.5"] = _prf(
        {frozenset(k) for k, s in zip(labelled, wayhome_scores, strict=True) if s >= 0.5},
        positives,
    )
    if nomenklatura:
        scores = _nomenklatura_scores(data, labelled, nomenklatura)
        out["nomenklatura_version"] = scores["version"]
        for threshold in (0.5, 0.7):
            out[f"labelled_nomenklatura_{threshold}"] = _prf(
                {
                    frozenset(k)
                    for k, s in zip(labelled, scores["scores"], strict=True)
                    if s >= threshold
                },
                positives,
            )
    return out


def _ftm(record: PersonRecord) -> dict[str, Any]:
    """A record as a FollowTheMoney Person."""
    props: dict[str, list[str]] = {"name": list(record.names)}
    if record.date_of_birth:
        text = record.date_of_birth
        for sep in "./":
            if sep in text and len(text.split(sep)) == 3:
                day, month, year = text.split(sep)
                text = f"{year}-{month}-{day}"
        props["birthDate"] = [text]
    if record.sex:
        props["gender"] = ["male" if record.sex == "m" else "female"]
    if record.places:
        props["address"] = list(record.places)
    return {"id": record.record_id, "schema": "Person", "properties": props}


def _nomenklatura_scores(
    data: LabelledSet, labelled: list[tuple[str, ...]], python: str
) -> dict[str, Any]:
    """logic-v2's scores of the labelled pairs, from its own Python."""
    by_id = {r.record_id: r for r in data.records}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pairs.json"
        path.write_text(
            json.dumps([{"left": _ftm(by_id[a]), "right": _ftm(by_id[b])} for a, b in labelled])
        )
        script = Path(__file__).with_name("linking_nomenklatura.py")
        done = subprocess.run(
            [python, str(script), str(path)], check=True, capture_output=True, text=True
        )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    """Run every chosen generator on every seed and print the figures as JSON lines."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102])
    parser.add_argument("--nomenklatura", default=None)
    parser.add_argument("--generator", default="both")
    args = parser.parse_args()
    makers = {"project": project_set, "independent": independent_set}
    chosen = list(makers) if args.generator == "both" else [args.generator]
    for name in chosen:
        for seed in args.seeds:
            figures = evaluate(makers[name](seed), args.nomenklatura)
            print(json.dumps({"generator": name, "seed": seed, **figures}), flush=True)


if __name__ == "__main__":
    main()
