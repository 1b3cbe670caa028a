"""Splink person model on DuckDB: training, scoring with explanations, clustering, incremental."""

from __future__ import annotations

import gc
import logging
import time
from collections import Counter

import duckdb
import pytest
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

from tests.linking.twins import name_levels_agree
from wayhome.errors import InvalidInput
from wayhome.linking import engine
from wayhome.linking.clusters import cluster
from wayhome.linking.comparisons import PERSON_COMPARISONS
from wayhome.linking.engine import (
    MAX_BLOCK_RECORDS,
    LinkageModel,
    LinkType,
    _columns,
    _frames,
    _linker_on,
    _rows,
    _sample_sizes,
    _settings,
    _tables,
    block_keys,
    estimate_u,
    features_of,
    link_records,
    predict,
    train_model,
)
from wayhome.linking.incremental import build_index
from wayhome.linking.records import PersonRecord
from wayhome.linking.synthetic import cross_script_dataset, cross_script_dataset_with_noise


@pytest.fixture(scope="module")
def dataset() -> tuple[list[PersonRecord], dict[str, str]]:
    return cross_script_dataset(400, seed=11)


@pytest.fixture(scope="module")
def model(dataset: tuple[list[PersonRecord], dict[str, str]]) -> LinkageModel:
    return train_model(dataset[0], max_pairs_for_u=2e5)


def test_model_learns_that_agreement_is_evidence(model: LinkageModel) -> None:
    name = {level.label: level.match_weight for level in model.levels["name"]}
    assert name["same name after transliteration"] > 5
    assert name["different"] < 0
    birth = {level.label: level.match_weight for level in model.levels["birth"]}
    assert birth["same date of birth"] > birth["same birth year (a partial date)"]
    assert birth["same birth year (a partial date)"] > birth["different dates"]
    assert 0 < model.prior < 0.01


@pytest.mark.slow
def test_em_learns_from_rare_names_not_from_crowds_of_namesakes() -> None:
    """At scale most pairs sharing a name are strangers with a common name: EM on that block
    took "different date of birth" for what a match looks like (at 20,000 generated records,
    m 0.70 for "different" and 0.15 for "same date of birth"). Pairs sharing a rare name are
    what it learns from now."""
    records, _ = cross_script_dataset(10_000, seed=42)
    birth = {level.label: level.m for level in train_model(records).levels["birth"]}
    assert birth["same date of birth"] > 0.4
    assert birth["different dates"] < 0.1


def test_em_falls_back_to_every_shared_name_when_rare_names_hold_only_matches(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # In this small set the rare names are shared by matches alone: EM drives the m of a
    # level they never show to zero, which Splink refuses; training goes on with every name.
    records, _, _ = cross_script_dataset_with_noise(400, seed=5)
    with caplog.at_level(logging.INFO, logger="wayhome.linking.engine"):
        model = train_model(records, max_pairs_for_u=2e5)
    assert "training on every shared name" in caplog.text
    birth = {level.label: level.match_weight for level in model.levels["birth"]}
    assert birth["same date of birth"] > birth["same birth year (a partial date)"]
    assert birth["same birth year (a partial date)"] > birth["different dates"]


@pytest.mark.parametrize(
    ("left", "right", "label"),
    [
        ("1960-04-02", "1991-04-02", "born more than 5 years apart"),
        ("1960", "1977", "born more than 5 years apart"),
        ("1960", "1958", "different dates"),
        ("1960-04-02", "1961-05-03", "different dates"),
        ("1960-04-02", "1960", "same birth year (a partial date)"),
        ("1960-04-02", "1960-04", "same year and month (a partial date)"),
        ("1960-04-02", "1960-07-09", "same birth year, different days"),
        # one digit of the year mistyped, or two swapped: not "born years apart" (issue 16)
        ("1970-05-19", "1979-05-19", "date of birth one typo apart"),
        ("1970-05-19", "1979", "birth year one digit apart"),
        ("1985-03-12", "1958-03-12", "birth year one digit apart"),
        ("1985-03-12", "1958-04-12", "born more than 5 years apart"),
    ],
)
def test_birth_years_far_apart_weigh_against_a_match(
    model: LinkageModel, left: str, right: str, label: str
) -> None:
    a, b = features_of(
        [
            PersonRecord("a", ("Ivan Petrov",), date_of_birth=left),
            PersonRecord("b", ("Ivan Petrov",), date_of_birth=right),
        ]
    )
    (birth,) = [spec for spec in PERSON_COMPARISONS if spec.name == "birth"]
    assert birth.levels[birth.level_of(a, b)].label == label
    weights = {level.label: level.match_weight for level in model.levels["birth"]}
    assert weights["born more than 5 years apart"] < weights["different dates"] < 0


def test_predict_finds_most_true_pairs_with_explanations(
    model: LinkageModel, dataset: tuple[list[PersonRecord], dict[str, str]]
) -> None:
    records, truth = dataset
    pairs = predict(model, records, threshold_probability=0.5)
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    correct = sum(truth[p.left_id] == truth[p.right_id] for p in pairs)
    assert correct / len(pairs) > 0.9  # precision
    assert correct / true_pairs > 0.7  # recall; the bench measures the real figure
    top = max(pairs, key=lambda p: p.match_weight)
    assert {c.comparison for c in top.contributions} >= {"name", "birth"}
    total = model.prior_weight + sum(c.match_weight for c in top.contributions)
    assert total == pytest.approx(top.match_weight, abs=0.05)
    groups = cluster(pairs, 0.5)
    assert all(len(g) >= 2 for g in groups)


def test_incremental_match_agrees_with_batch_on_a_cross_script_pair(model: LinkageModel) -> None:
    held = [
        PersonRecord("a1", ("Дмитрий Сергеевич Соколов",), date_of_birth="12.05.1998", sex="m"),
        PersonRecord("a2", ("Алексей Соколов",), date_of_birth="1975-01-01", sex="m"),
        PersonRecord("a3", ("Ivan Petrov",), date_of_birth="1998-05-12"),
    ]
    index = build_index(model, features_of(held))
    new = PersonRecord("n1", ("Sokolov, Dima",), date_of_birth="1998-05-12", sex="M")
    started = time.perf_counter()
    found = index.match(new, threshold_probability=0.01)
    assert time.perf_counter() - started < 0.5
    assert found and found[0].right_id == "a1"
    assert all(
        p.right_id != "a2" or p.match_probability < found[0].match_probability for p in found
    )
    batch = {
        frozenset((p.left_id, p.right_id)): p
        for p in predict(model, [*held, new], threshold_probability=0.0)
    }
    assert batch[frozenset(("n1", "a1"))].match_weight == pytest.approx(
        found[0].match_weight, abs=0.5
    )


def test_python_twin_scores_every_batch_pair_as_splink_does(
    model: LinkageModel, dataset: tuple[list[PersonRecord], dict[str, str]]
) -> None:
    # Every level (guarded name levels, typo-tolerant places, term frequencies on the pair
    # levels) must give the same weight in SQL and in Python, or incremental matching drifts.
    records, _ = dataset
    pairs = predict(model, records, threshold_probability=0.01)
    features = features_of(records)
    index = build_index(model, features)
    by_id = {f.unique_id: f for f in features}
    for pair in pairs:
        twin = index.score(by_id[pair.left_id], by_id[pair.right_id])
        assert twin.match_weight == pytest.approx(pair.match_weight, abs=1e-6), (pair, twin)
        assert [c.match_weight for c in twin.contributions] == pytest.approx(
            [c.match_weight for c in pair.contributions], abs=2e-3
        )


def test_link_records_trains_and_scores_in_one_pass(
    model: LinkageModel, dataset: tuple[list[PersonRecord], dict[str, str]]
) -> None:
    records, _ = dataset
    trained, pairs = link_records(records, max_pairs_for_u=2e5)
    assert trained.levels.keys() == model.levels.keys()
    assert trained.prior == pytest.approx(model.prior)
    # The trained linker, given the settled parameters, scores as a fresh one on the model.
    separate = {frozenset((p.left_id, p.right_id)): p for p in predict(trained, records)}
    assert {frozenset((p.left_id, p.right_id)) for p in pairs} == separate.keys()
    for pair in pairs:
        alone = separate[frozenset((pair.left_id, pair.right_id))]
        assert pair.match_weight == pytest.approx(alone.match_weight, abs=1e-9)
        assert pair.contributions == alone.contributions


def test_training_refuses_too_little_data() -> None:
    with pytest.raises(InvalidInput):
        train_model([PersonRecord("a", ("Ivan Petrov",))])


def test_duplicate_ids_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        features_of([PersonRecord("a", ("Ivan Petrov",)), PersonRecord("a", ("Oleg Popov",))])
    assert caught.value.location == "a.record_id"


def test_link_job_needs_two_sources(model: LinkageModel) -> None:
    records = [
        PersonRecord("a", ("Ivan Petrov",), source="x"),
        PersonRecord("b", ("Ivan Petrov",), source="x"),
    ]
    with pytest.raises(InvalidInput) as caught:
        predict(model, records, link_type="link_only")
    assert caught.value.location == "source"


# Pairs of the cross-script bench that no blocking key met, or that only "one name part
# agrees" scored: a typo on top of another scheme puts the other part two edits away.
SURNAME_OR_GIVEN_TYPO_PAIRS = [
    ("Maria Papaaakis", "Μαρία Παπαδάκης"),
    ("Anna Tarulunova", "Анна Тарууунова"),
    ("Чеенанов, Пётр Николаевич", "Pyotr Nikolayevich Cherenanov"),
    ("СухСвушкина, Ирина", "Suchewuuchkina, Irina"),
]


@pytest.mark.parametrize(("left", "right"), SURNAME_OR_GIVEN_TYPO_PAIRS)
def test_a_typo_on_top_of_another_scheme_is_blocked_and_scored_as_similar(
    left: str, right: str
) -> None:
    a, b = features_of([PersonRecord("a", (left,)), PersonRecord("b", (right,))])
    assert set(a.blocking_keys) & set(b.blocking_keys), (a.blocking_keys, b.blocking_keys)
    assert not set(a.name_fuzzy_keys) & set(b.name_fuzzy_keys)
    name = next(spec for spec in PERSON_COMPARISONS if spec.name == "name")
    assert name.levels[name.level_of(a, b)].label == "one name part agrees, the other similar"


def test_a_typo_in_the_surname_start_is_blocked_by_its_first_and_last_letters() -> None:
    # "Krawtschenkko" vs "Kracvhenko": the first four letters differ (krav / krak).
    a, b = features_of(
        [
            PersonRecord("a", ("Nataliia Krawtschenkko",)),
            PersonRecord("b", ("Nataliia Kracvhenko",)),
        ]
    )
    assert "ge|g:natalia|kr|nko" in set(a.blocking_keys) & set(b.blocking_keys)


@pytest.mark.parametrize(
    ("left", "right", "label"),
    [
        # a given name cut short, the surname exact (one deletion would be a pair-key typo)
        ("Anasta Papadakis", "Αναστασία Παπαδάκης", "one name part agrees, the other similar"),
        # same surname, another given name (the generator's decoys): clearly different
        ("Anna Tarunova", "Ольга Тарунова", "one name part agrees, the other clearly different"),
        ("Anna Tarunova", "Ирина Тарунова", "one name part agrees, the other clearly different"),
        # nothing in common
        ("Anna Tarunova", "Ivan Petrov", "different"),
    ],
)
def test_other_part_similar_level_needs_one_exact_part_and_a_close_other(
    left: str, right: str, label: str
) -> None:
    a, b = features_of([PersonRecord("a", (left,)), PersonRecord("b", (right,))])
    name = next(spec for spec in PERSON_COMPARISONS if spec.name == "name")
    assert name.levels[name.level_of(a, b)].label == label


def test_splink_and_python_agree_on_the_other_part_similar_level(model: LinkageModel) -> None:
    # The SQL of the level (list filters, Jaro–Winkler of the one unmatched part) is checked on
    # pairs built to reach it, against its Python twin.
    names = [n for pair in SURNAME_OR_GIVEN_TYPO_PAIRS for n in pair]
    names += ["Anasta Papadakis", "Αναστασία Παπαδάκης", "Anna Tarunova", "Ольга Тарунова"]
    records = [PersonRecord(f"r{i}", (n,), date_of_birth="1990-01-01") for i, n in enumerate(names)]
    seen = name_levels_agree(model, records)
    assert seen["one name part agrees, the other similar"] >= len(SURNAME_OR_GIVEN_TYPO_PAIRS)


@pytest.mark.parametrize("link_type", ["dedupe_only", "link_only", "link_and_dedupe"])
def test_one_pass_u_equals_splinks_random_sampling_when_every_pair_fits(
    dataset: tuple[list[PersonRecord], dict[str, str]], link_type: LinkType
) -> None:
    # With room for every pair both samplers compare all of them, so the u of every level, and
    # which levels no pair reached, must be Splink's own.
    records = dataset[0][:150]
    features = features_of(records)
    frames = _frames(records, features, link_type)
    tables = _tables(frames, None)
    ours = _settings(link_type)
    estimate_u(ours, frames, link_type, None, tables[0].db_api.duckdb_con, max_pairs=1e9, seed=3)
    linker = _linker_on(tables, _settings(link_type))
    linker.training.estimate_u_using_random_sampling(max_pairs=1e9, seed=3, num_chunks=1)
    theirs = linker.misc.save_model_to_json()
    # A level that also counts an earlier level's pairs (`LevelSpec.u_also_counts`: the same
    # patronymic, the same birth date) has at least Splink's u, which counts its own alone.
    specs = {spec.name: spec for spec in PERSON_COMPARISONS}
    compared = pooled = 0
    for mine, splinks in zip(ours["comparisons"], theirs["comparisons"], strict=True):
        levels = specs[mine["output_column_name"]].levels
        for spec, level, reference in zip(
            levels, mine["comparison_levels"], splinks["comparison_levels"], strict=True
        ):
            if level.get("is_null_level"):
                continue
            if spec.u_also_counts and "u_probability" in reference:
                assert level["u_probability"] >= reference["u_probability"]
                pooled += 1
            elif "u_probability" in reference:
                assert level["u_probability"] == pytest.approx(reference["u_probability"])
                compared += 1
            else:
                assert level["u_probability"] == LEVEL_NOT_OBSERVED_TEXT
    assert compared >= 15 and pooled >= 1


def test_u_sample_has_about_the_pairs_asked_for() -> None:
    left, right = _sample_sizes([5000, 5000], "link_only", 3e5)
    assert left * right == pytest.approx(3e5, rel=0.01)
    (alone,) = _sample_sizes([2000], "dedupe_only", 2e5)
    assert alone * (alone - 1) / 2 == pytest.approx(2e5, rel=0.01)
    assert _sample_sizes([30, 40], "link_only", 1e9) == [30, 40]


def test_columns_keep_lists_and_mark_empty_values_missing() -> None:
    (feature,) = features_of([PersonRecord("a", ("Ivan Petrov",), places=("Tver",))])
    row = _rows(_columns([feature], block_keys([feature])))[0]
    assert row["unique_id"] == "a"
    assert row["name_keys"] == feature.name_keys
    assert row["places"] == feature.places
    assert row["identifiers"] is None  # no identifier: missing, not an empty list
    assert row["identifier_text"] is None
    assert row["dob"] is None
    assert "n|" + feature.name_primary in (row["blocking_keys"] or ())


def test_oversized_blocks_are_split_by_birth_year_then_sex_then_dropped() -> None:
    def person(i: int, name: str, born: str | None, sex: str | None) -> PersonRecord:
        return PersonRecord(f"{name}-{i}", (name,), date_of_birth=born, sex=sex)

    records = (
        [person(i, "Ivan Petrov", "1980", "M" if i < 40 else "F") for i in range(60)]
        + [person(i, "Ivan Petrov", "1981", "M") for i in range(60, 90)]
        + [person(i, "Ivan Petrov", None, "M") for i in range(90, 120)]
        + [person(i, "Oleg Sidorov", "1975", "M") for i in range(60)]
        + [person(i, "Pavel Orlov", "1990", "M") for i in range(3)]
    )
    features = features_of(records)
    keys = dict(zip((r.record_id for r in records), block_keys(features), strict=True))
    petrov = "n|" + features[0].name_primary
    # 120 Petrovs: too many; 60 born in 1980 still too many, so split by sex (40 + 20);
    # 30 born in 1981 kept by year; 30 with no birth year lose the key.
    assert petrov + f"|1980|{features[0].sex}" in (keys["Ivan Petrov-0"] or ())
    assert petrov + f"|1980|{features[50].sex}" in (keys["Ivan Petrov-50"] or ())
    assert petrov + "|1981" in (keys["Ivan Petrov-70"] or ())
    assert not [k for k in keys["Ivan Petrov-100"] or () if k.startswith(petrov)]
    # 60 men named Oleg Sidorov born in 1975: too many after both splits, so dropped.
    sidorov = "n|" + features[120].name_primary
    assert not [k for k in keys["Oleg Sidorov-0"] or () if k.startswith(sidorov)]
    # A small block is kept as it is.
    assert "n|" + features[-1].name_primary in (keys["Pavel Orlov-2"] or ())
    # No block of the result is over the cap.
    sizes = Counter(k for kept in keys.values() for k in kept or ())
    assert max(sizes.values()) <= MAX_BLOCK_RECORDS


def test_link_records_leaves_no_tables_in_the_callers_connection(
    dataset: tuple[list[PersonRecord], dict[str, str]],
) -> None:
    connection = duckdb.connect()
    _, pairs = link_records(dataset[0][:120], connection=connection, max_pairs_for_u=1e4)
    assert pairs
    tables = connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    views = connection.execute("SELECT view_name FROM duckdb_views()").fetchall()
    names = [row[0] for row in tables + views]
    assert not [n for n in names if n.startswith(("__wayhome_input", "wh_u_"))]


def test_the_collector_is_paused_for_a_job_and_left_as_it_was(
    dataset: tuple[list[PersonRecord], dict[str, str]],
) -> None:
    seen: list[bool] = []
    original = engine._prepared

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)  # type: ignore[arg-type]

    records = dataset[0][:60]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "_prepared", spy)
        assert gc.isenabled()
        link_records(records, max_pairs_for_u=1e4)
        assert gc.isenabled()
        gc.disable()
        try:
            train_model(records, max_pairs_for_u=1e4)
            assert not gc.isenabled()
        finally:
            gc.enable()
    assert seen == [False, False]
