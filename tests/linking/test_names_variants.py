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


def test_a_different_sex_is_decisive_unless_both_names_are_borne_by_both() -> None:
    yelena = PersonRecord("a", ("Yelena Savchuk",), sex="f")
    ivan = PersonRecord("b", ("Савчук Иван",), sex="m")
    assert _level("sex", yelena, ivan) == "different sex"
    sasha = PersonRecord("c", ("Sasha Savchuk",), sex="f")
    sasha_m = PersonRecord("d", ("Савчук Саша",), sex="m")
    assert _level("sex", sasha, sasha_m) == "different sex, a given name borne by both"
    # Александр is a boy's name: "Sasha, f" beside him is his sister Александра.
    aleksandr = PersonRecord("e", ("Савчук Александр",), sex="m")
    assert _level("sex", sasha, aleksandr) == "different sex"


@pytest.mark.parametrize(
    ("left", "right", "label"),
    [
        # a stranger sharing the given name
        (
            "Матвеев Вадим",
            "Vadim Prokhorov",
            "a given name agrees, the other name part clearly different",
        ),
        # a twin brother
        (
            "Сухеванов Роман Олегович",
            "Артём Олегович Сухеванов",
            "one name part agrees, the other clearly different",
        ),
        # a twin sister: her surname in its feminine form is the family's
        (
            "Черевунов Георгий",
            "Мария Черевунова",
            "one name part agrees, the other clearly different",
        ),
        # a brother and sister whose given names are one name in its two forms: not a typo
        (
            "Иванов Александр",
            "Иванова Александра",
            "one name part agrees, the other clearly different",
        ),
    ],
)
def test_one_part_agreeing_and_the_other_clearly_different(
    left: str, right: str, label: str
) -> None:
    assert _level("name", PersonRecord("a", (left,)), PersonRecord("b", (right,))) == label


@pytest.mark.parametrize(
    ("left", "right", "label"),
    [
        # a woman's surname written in its masculine form is still hers
        ("Иванова Мария", "Maria Ivanov", "two name parts agree"),
        ("Достоевская Анна", "Anna Dostoevsky", "two name parts agree"),
        # and the other way round (a clerk's slip)
        ("Ivan Petrov", "Ivan Petrova", "two name parts agree"),
        # a typo of a given name is still a typo (neither is the other's feminine form)
        ("Ekaterna Petrova", "Екатерина Петрова", "two name parts agree, one with a typo"),
    ],
)
def test_feminine_surnames_meet_their_masculine_form(left: str, right: str, label: str) -> None:
    assert _level("name", PersonRecord("a", (left,)), PersonRecord("b", (right,))) == label


def test_a_twins_shared_birth_date_weighs_nothing_unless_identifiers_tell_them_apart() -> None:
    roman = PersonRecord("a", ("Сухеванов Роман",), date_of_birth="1987-08-24")
    artyom = PersonRecord("b", ("Артём Сухеванов",), date_of_birth="1987-08-24")
    assert _level("birth", roman, artyom) == "same date of birth, another given name (a twin's)"
    # the same person under a nickname the tables know: the date counts in full
    roma = PersonRecord("c", ("Roma Sukhevanov",), date_of_birth="1987-08-24")
    assert _level("birth", roman, roma) == "same date of birth"
    # both carry document numbers (here two): those decide, and the date counts in full
    with_id = PersonRecord(
        "d", ("Сухеванов Роман",), date_of_birth="1987-08-24", identifiers=("AB123456",)
    )
    other = PersonRecord(
        "e", ("Артём Сухеванов",), date_of_birth="1987-08-24", identifiers=("AB654321",)
    )
    assert _level("birth", with_id, other) == "same date of birth"
    assert _level("birth", with_id, artyom) == "same date of birth, another given name (a twin's)"


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
        (("Савчук Александр", "1990-02-03", "m"), ("Sasha Savchuk", "1990-02-03", "f")),
        (("Черевунов Георгий", "1964-10-14", None), ("Мария Черевунова", "1964-10-14", None)),
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
        ("name", "a given name agrees, the other name part clearly different"),
        ("birth", "same date of birth, another given name (a twin's)"),
    } <= seen
