"""Spellings across schemes, given-name equivalences from the name dictionary, and the levels
that weigh disagreement (issue 16)."""

from __future__ import annotations

import pytest

from wayhome.linking.comparisons import PERSON_COMPARISONS
from wayhome.linking.engine import features_of
from wayhome.linking.given_names import dictionary_groups, unisex_names
from wayhome.linking.names import name_part
from wayhome.linking.records import PersonRecord, person_features


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
