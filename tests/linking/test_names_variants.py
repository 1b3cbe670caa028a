"""Spellings across schemes, given-name equivalences from the name dictionary, and the levels
that weigh disagreement (issue 16)."""

from __future__ import annotations

import pytest

from wayhome.linking.comparisons import PERSON_COMPARISONS
from wayhome.linking.engine import LinkageModel, features_of, predict, train_model
from wayhome.linking.given_names import dictionary_groups, unisex_names
from wayhome.linking.incremental import build_index
from wayhome.linking.names import name_part
from wayhome.linking.records import PersonRecord, person_features
from wayhome.linking.synthetic import cross_script_dataset


@pytest.mark.parametrize(
    ("variant", "full"),
    [
        ("Evgueni", "Евгений"),  # French gu before e
        ("Jewgeni", "Евгений"),  # German
        ("Yevgeny", "Евгений"),
        ("Stas", "Станислав"),  # the dictionary's "= Stas Stanislav"
        ("Sasha", "Александр"),
        ("Slava", "Вячеслав"),
        ("Guennadi", "Геннадий"),
        ("Pjotr", "Пётр"),
    ],
)
def test_given_name_variants_share_a_group(variant: str, full: str) -> None:
    assert name_part(variant).groups & name_part(full).groups


def test_the_dictionary_groups_short_forms_without_chaining() -> None:
    groups = dictionary_groups()
    assert "Stas" in groups["stanislav"]
    # "Al" stands for Albert and for Alfred; Albert and Alfred stay two names.
    assert "Al" in groups["albert"] and "Al" in groups["alfred"]
    assert not name_part("Albert").groups & name_part("Alfred").groups


def test_unisex_names_come_from_the_dictionary() -> None:
    assert {"sascha", "zhenya"} <= unisex_names()
    assert name_part("Саша").unisex and name_part("Женя").unisex
    assert not name_part("Иван").unisex and not name_part("Елена").unisex


@pytest.mark.parametrize(("left", "right"), [("Орёл", "Oryol"), ("Тверь", "Twer")])
def test_places_agree_across_schemes(left: str, right: str) -> None:
    a = person_features(PersonRecord("a", ("Ivan Petrov",), places=(left,)))
    b = person_features(PersonRecord("b", ("Ivan Petrov",), places=(right,)))
    assert a.places == b.places


def _level(comparison: str, left: PersonRecord, right: PersonRecord) -> str:
    a, b = features_of([left, right])
    spec = next(s for s in PERSON_COMPARISONS if s.name == comparison)
    return spec.levels[spec.level_of(a, b)].label


def test_a_different_sex_is_decisive_unless_a_name_is_borne_by_both() -> None:
    yelena = PersonRecord("a", ("Yelena Savchuk",), sex="f")
    ivan = PersonRecord("b", ("Савчук Иван",), sex="m")
    assert _level("sex", yelena, ivan) == "different sex"
    sasha = PersonRecord("c", ("Sasha Savchuk",), sex="f")
    assert _level("sex", sasha, ivan) == "different sex, a given name borne by both"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Матвеев Вадим", "Vadim Prokhorov"),  # a stranger sharing the given name
        ("Сухеванов Роман Олегович", "Артём Олегович Сухеванов"),  # a twin brother
    ],
)
def test_one_part_agreeing_and_the_other_clearly_different(left: str, right: str) -> None:
    label = _level("name", PersonRecord("a", (left,)), PersonRecord("b", (right,)))
    assert label == "one name part agrees, the other clearly different"


@pytest.fixture(scope="module")
def model() -> LinkageModel:
    records, _ = cross_script_dataset(250, seed=3)
    return train_model(records, max_pairs_for_u=1e5)


def test_splink_and_python_agree_on_the_new_levels(model: LinkageModel) -> None:
    # Each pair meets on a name key; between them they reach every level added for issue 16:
    # partial dates, a year digit typo, sex against a unisex name, a family's patronymic.
    pairs = [
        (("Сухеванов Роман Олегович", "1987-08-24", "m"),
         ("Артём Олегович Сухеванов", "1987-08-24", "m")),
        (("Матвеев Вадим", "1970-05-19", "m"), ("Vadim Prokhorov", "1970-05-19", "m")),
        (("Савчук Иван", "1990-02-03", "m"), ("Yelena Savchuk", "1990-02", "f")),
        (("Савчук Саша", "1990-02-03", "m"), ("Sasha Savchuk", "1990", "f")),
        (("Орлов Пётр", "1970-05-19", "m"), ("Pjotr Orlov", "1979", None)),
        (("Орлова Анна", "1985-03-12", "f"), ("Anna Orlova", "1958-03-12", "f")),
        (("Жуков Олег", "1985-03-12", "m"), ("Oleg Zhukov", "1985-07-01", "m")),
    ]  # fmt: skip
    records = [
        PersonRecord(f"r{i}-{j}", (name,), date_of_birth=born, sex=sex)
        for i, pair in enumerate(pairs)
        for j, (name, born, sex) in enumerate(pair)
    ]
    predicted = predict(model, records, threshold_probability=0.0)
    features = {f.unique_id: f for f in features_of(records)}
    index = build_index(model, features.values())
    seen: set[tuple[str, str]] = set()
    for pair in predicted:
        twin = index.score(features[pair.left_id], features[pair.right_id])
        assert twin.match_weight == pytest.approx(pair.match_weight, abs=1e-6)
        # (The batch names a level by its weight, and 0 bits is also "missing": compare bits.)
        assert [c.match_weight for c in twin.contributions] == pytest.approx(
            [c.match_weight for c in pair.contributions], abs=1e-3
        )
        seen |= {(c.comparison, c.level) for c in twin.contributions}
    assert {
        ("birth", "same year and month (a partial date)"),
        ("birth", "birth year one digit apart"),
        ("birth", "same birth year, different days"),
        ("sex", "different sex"),
        ("sex", "different sex, a given name borne by both"),
        ("patronymic", "same patronymic, another given name (a family's)"),
        ("name", "one name part agrees, the other clearly different"),
    } <= seen
