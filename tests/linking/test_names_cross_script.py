"""The cross-script cases fixed for issue 4: Latin readings of х and ου, fuzzy keys on short
names, places compared across scripts and with typos, and leave-one-out name frequencies."""

from __future__ import annotations

import pytest

from wayhome.linking.comparisons import PERSON_COMPARISONS
from wayhome.linking.engine import name_tf_lookup
from wayhome.linking.names import analyse_name, compare_names, latin_readings, name_keys
from wayhome.linking.records import PersonRecord, person_features


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Suchowskij", "Suxovskij"),  # German ch and GOST x both write х
        ("Suxovskij", "Сухов­ский".replace("\u00ad", "")),
        ("Suchowskij", "Sukhovsky"),
        ("Christodoulou", "Hristodoulou"),  # Greek χ: ch (ELOT) and h (phonetic)
        ("Oikonomoy", "Oikonomou"),  # anyascii writes ου as oy
        ("Georgioy", "Γεωργίου"),
        ("Charkow", "Kharkov"),
    ],
)
def test_latin_readings_meet(left: str, right: str) -> None:
    assert name_keys(left) & name_keys(right)


def test_latin_readings_keep_the_spelling_itself() -> None:
    readings = latin_readings("Suchowskij")
    assert "suchowskij" in readings
    assert "sukhowskij" in readings
    assert latin_readings("Schukin") == {"schukin"}  # sch is ш, never х


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Tanya Mareviczkaya", "Anya Marevitskaia"),  # tana minus t is ana: two persons
        ("Dina Smirnova", "Nina Smirnova"),  # dina and nina both lose a letter to ina
    ],
)
def test_short_given_names_are_not_fuzzed_into_each_other(left: str, right: str) -> None:
    a, b = analyse_name(left), analyse_name(right)
    assert not set(a.fuzzy_keys) & set(b.fuzzy_keys)
    assert not set(a.pair_keys) & set(b.pair_keys)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Yuliya Repotishcheva", "Yuliya Repotyshcheva"),
        ("Kirill Suxovskij", "Suchowskij, Kirill"),
        ("Mariya Lebedeva", "Мария Лебедева"),
    ],
)
def test_one_typo_or_scheme_still_shares_a_pair_key(left: str, right: str) -> None:
    a, b = analyse_name(left), analyse_name(right)
    assert set(a.pair_keys) & set(b.pair_keys) or set(a.fuzzy_keys) & set(b.fuzzy_keys)


def test_compare_names_explains_a_latin_reading() -> None:
    result = compare_names("Kirill Suxovskij", "Кирилл Суховский")
    assert result.score >= 0.9
    assert any("Suxovskij" in line for line in result.explanation)


def _places_level(left: tuple[str, ...], right: tuple[str, ...]) -> str:
    spec = next(s for s in PERSON_COMPARISONS if s.name == "places")
    a = person_features(PersonRecord("a", ("Ivan Petrov",), places=left))
    b = person_features(PersonRecord("b", ("Ivan Petrov",), places=right))
    return spec.levels[spec.level_of(a, b)].label


@pytest.mark.parametrize(
    ("left", "right"),
    [(("Тверь",), ("Tver",)), (("Twer",), ("Тверь",)), (("Київ",), ("Kyiv",))],
)
def test_places_agree_across_scripts(left: tuple[str, ...], right: tuple[str, ...]) -> None:
    assert _places_level(left, right) == "a place in common"


def test_places_agree_with_typos_once_one_agrees_exactly() -> None:
    left = ("8 lethbridge street", "winston hills", "2767")
    typos = ("8 lethbridbe street", "winstom hills", "2767")
    assert _places_level(left, typos).startswith("three or more places agree")
    # Without one exact agreement, typos alone are not counted as agreement.
    assert not _places_level(left[:2], typos[:2]).startswith(("three", "two"))
    # Short values (house numbers, postcodes) must agree exactly.
    assert _places_level(("6302", "crestfield"), ("6320", "crestfield")) == "a place in common"


def test_name_frequencies_leave_the_pair_out() -> None:
    """Under "different persons" the name's frequency comes from the other records: a name
    held by the two records of a pair and nobody else counts half a record, not one or two."""
    records = [
        PersonRecord("a", ("Ivan Petrov",)),
        PersonRecord("b", ("Петров Иван",)),
        PersonRecord("c", ("Oleg Popov",)),
        PersonRecord("d", ("Anna Sokolova",)),
        PersonRecord("e", ("Anna Sokolova",)),
        PersonRecord("f", ("Анна Соколова",)),
        PersonRecord("g", ("Sokolova, Anna",)),
        PersonRecord("h", ("Pavel Orlov",)),
    ]
    lookup = name_tf_lookup([person_features(r) for r in records])
    petrov = person_features(records[0]).name_primary
    popov = person_features(records[2]).name_primary
    sokolova = person_features(records[3]).name_primary
    assert lookup[petrov] == pytest.approx(0.5 / 8)  # held by the pair only: half a record
    assert lookup[popov] == pytest.approx(0.5 / 8)  # held once: the same floor
    assert lookup[sokolova] == pytest.approx(2 / 8)  # held four times: two others
