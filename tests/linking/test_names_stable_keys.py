"""Issue 4, pass 3: a name's primary key comes out the same in every script, Latin patronymics
under the German and French schemes are recognised, BGN's ë is a letter, and a typo'd name part
is compared with the other record's spellings (not only its given-name group's label)."""

from __future__ import annotations

import pytest

from tests.linking.twins import name_levels_agree
from wayhome.linking.comparisons import PERSON_COMPARISONS
from wayhome.linking.engine import LinkageModel, features_of, train_model
from wayhome.linking.names import (
    _part_skeletons,
    analyse_name,
    name_keys,
    name_part_keys,
    primary_name_key,
    skeleton,
)
from wayhome.linking.records import PersonRecord
from wayhome.linking.synthetic import cross_script_dataset
from wayhome.linking.translit import is_patronymic


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # The shortest skeleton used to win: French ш = ch made Шевченко "cevcenko", ISO 9 made
        # Юлия "ula", while the Latin spellings are "sevcenko" and "ulia".
        ("Шевченко, Наталія", "Shevchenko, Natalija"),
        ("Репотищева, Юлия", "Yuliya Repotishcheva"),
        ("Карулушкин, Игорь", "Igor Karulushkin"),
        ("Софья Мирушкина", "Mirushkina, Sofya"),
        ("Маревицкая Ирина", "Irina Marevitskaya"),
    ],
)
def test_primary_key_is_the_same_across_scripts(left: str, right: str) -> None:
    assert primary_name_key(left) == primary_name_key(right)


def test_primary_key_of_a_latin_part_is_its_own_spelling() -> None:
    # Its readings (ch as kh) still meet other spellings, but do not replace it as the primary
    # (a given name the name dictionary knows, as Richard, is keyed by its group instead).
    assert primary_name_key("Orchard Maxwell") == "maksvel orcard"
    assert "mahvel" in name_keys("Orchard Maxwell")
    assert primary_name_key("Richard Maxwell") == "g:d.richard maksvel"


@pytest.mark.parametrize(
    "word",
    [
        "Kirillowna",  # German -овна
        "Georgiewna",  # German -евна
        "Petriwna",  # German -івна
        "Sergeewitsch",  # German -евич
        "Andreevitch",  # French -евич
        "Ilinitschna",  # German -инична
        "Ilinitchna",  # French -инична
        "Olegovich",
        "Ivanovna",
    ],
)
def test_latin_patronymics_of_every_scheme_are_recognised(word: str) -> None:
    assert is_patronymic(word)


@pytest.mark.parametrize(
    "word", ["Polina", "Elena", "Ina", "Nina", "Kristina", "Iwona", "Ivanov", "Petrovsky"]
)
def test_given_names_and_surnames_are_not_patronymics(word: str) -> None:
    assert not is_patronymic(word)


def test_a_german_patronymic_is_compared_as_a_patronymic_not_a_name_part() -> None:
    analysis = analyse_name("Palakova, Katya Kirillowna")
    assert analysis.patronymics == ("kirilovna",)
    assert "kirilovna" not in analysis.keys
    assert analysis.primary == primary_name_key("Екатерина Палакова")


def test_name_part_keys_list_each_part_with_its_primary_first() -> None:
    parts = name_part_keys("Горорушкин, Сергей Петрович")  # the patronymic is left out
    assert len(parts) == 2
    given, surname = sorted(parts)
    assert given.split(",")[0] == "g:sergei" and "sergei" in given.split(",")
    assert surname.split(",")[0] == "gororuskin" and "gororuckin" in surname.split(",")


def test_bgn_e_diaeresis_is_the_letter_e() -> None:
    assert skeleton("Pëtr") == "petr"
    assert "ptr" not in _part_skeletons("Пётр")  # BGN/PCGN writes ё as ë
    assert "lesa" in _part_skeletons("Лёша")


def _name_level(left: str, right: str) -> str:
    a, b = features_of([PersonRecord("a", (left,)), PersonRecord("b", (right,))])
    name = next(spec for spec in PERSON_COMPARISONS if spec.name == "name")
    return name.levels[name.level_of(a, b)].label


SIMILAR = "one name part agrees, the other similar"
ALIKE = "one name part agrees, the other alike"
DIFFERENT = "one name part agrees, the other clearly different"
OTHER_SURNAME = "a given name agrees, the other name part clearly different"


@pytest.mark.parametrize(
    ("left", "right", "label"),
    [
        # a typo'd given name against the spelling the other record uses ("urui" vs "uri"),
        # where its group's label ("yuri") is too far
        ("ЮрЮй Бондар", "Yuriy Bondar", SIMILAR),
        # Жоа is also Зоя's spelling in the name dictionary (Zoja): alike, no more
        ("Жоа Волананов", "Zhora Volananov", ALIKE),
        # the surname agrees under one spelling only (French ш: Gororouchkin), so the given
        # name is the one part left on each side
        ("Сергей Горорушкин", "Srgej Gororouchkin", ALIKE),
        # a typo in each record's surname: alike, not similar
        ("Ganna Bonadr", "Ганна Бндар", ALIKE),
        ("Natalija Martcshenko", "Nataliya Marchenko", ALIKE),
        # same surname, another given name far from it (a sibling): counts against the pair
        ("Anna Tarunova", "Ольга Тарунова", DIFFERENT),
        ("Ivan Petrov", "Oleg Petrov", DIFFERENT),
        # the same given name, another surname sharing only its ending (Ukrainian -енко)
        ("Наталія Марченко", "Nataliya Tkachenko", OTHER_SURNAME),
        # three edits pass only when the letters are very alike
        ("Oleksij Kovalenko", "Олексій Савченко", OTHER_SURNAME),
    ],
)
def test_one_part_agrees_and_the_other_is_graded(left: str, right: str, label: str) -> None:
    assert _name_level(left, right) == label


@pytest.fixture(scope="module")
def model() -> LinkageModel:
    records, _ = cross_script_dataset(250, seed=3)
    return train_model(records, max_pairs_for_u=1e5)


def test_splink_and_python_agree_on_the_graded_name_levels(model: LinkageModel) -> None:
    pairs_of_names = [
        ("ЮрЮй Бондар", "Yuriy Bondar"),
        ("Жоа Волананов", "Zhora Volananov"),
        ("Ganna Bonadr", "Ганна Бндар"),
        ("Natalija Martcshenko", "Nataliya Marchenko"),
        ("Сергей Горорушкин", "Srgej Gororouchkin"),
        ("Ivan Petrov", "Oleg Petrov"),
        ("Наталія Марченко", "Nataliya Tkachenko"),
    ]
    records = [
        PersonRecord(f"r{i}-{j}", (name,), date_of_birth="1990-01-01")
        for i, pair in enumerate(pairs_of_names)
        for j, name in enumerate(pair)
    ]
    seen = name_levels_agree(model, records)
    assert {SIMILAR, ALIKE, DIFFERENT} <= set(seen)
