"""Name keys and comparison across scripts, schemes, order, diminutives, patronymics and typos."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wayhome.errors import InvalidInput
from wayhome.linking.names import (
    compare_names,
    name_fuzzy_pair_keys,
    name_keys,
    name_pair_keys,
    primary_name_key,
    skeleton,
)

# Fictional, real-shaped names.
SAME_PERSON = [
    ("Дмитрий Соколов", "Dmitriy Sokolov"),
    ("Дмитрий Соколов", "Dmitrij Sokolow"),
    ("Дмитрий Соколов", "Dmitri Sokoloff"),
    ("Дмитрий Сергеевич Соколов", "Sokolov, Dima"),
    ("Соколов Дмитрий", "Dmitry Sokolov"),
    ("Александр Петров", "Sasha Petrov"),
    ("Александр Петров", "Alexander Petrow"),
    ("Юлия Кузнецова", "Yuliya Kuznetsova"),
    ("Юлия Кузнецова", "Iuliia Kuznetsova"),
    ("Олександр Шевченко", "Oleksandr Shevchenko"),
    ("Олександр Шевченко", "Aleksandr Shevchenko"),
    ("Никита Хрущёв", "Nikita Chruschtschow"),
    ("Никита Хрущёв", "Nikita Khrushchev"),
    ("Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"),
    ("Γεώργιος Παπαδόπουλος", "Yorgos Papadopoulos"),
    ("Евгений Щербаков", "Jewgeni Schtscherbakow"),
    ("Dmitriy Sokolov", "Dmitriy Sokolv"),
    ("Anna Ivanova", "Ivanova Anna"),
    ("D. Sokolov", "Dmitri Sokolov"),
]
DIFFERENT_PEOPLE = [
    ("Дмитрий Соколов", "Алексей Соколов"),
    ("Дмитрий Соколов", "Dmitriy Smirnov"),
    ("Анна Петрова", "Мария Петрова"),
    ("Γιώργος Παπαδόπουλος", "Νίκος Παπαδάκης"),
    ("Ivan Petrov", "Oleg Sidorov"),
]


@pytest.mark.parametrize(("left", "right"), SAME_PERSON)
def test_same_person_scores_high(left: str, right: str) -> None:
    result = compare_names(left, right)
    assert result.score >= 0.9, result.explanation
    assert result.explanation


@pytest.mark.parametrize(("left", "right"), DIFFERENT_PEOPLE)
def test_different_people_score_low(left: str, right: str) -> None:
    assert compare_names(left, right).score <= 0.5


def test_explanation_names_the_diminutive_and_the_scheme() -> None:
    result = compare_names("Дмитрий Соколов", "Dima Sokoloff")
    text = " ".join(result.explanation)
    assert "diminutive" in text
    assert "transliteration" in text


def test_patronymic_on_one_side_is_not_counted_but_said() -> None:
    with_patronymic = compare_names("Дмитрий Сергеевич Соколов", "Dmitriy Sokolov")
    assert with_patronymic.score == 1.0
    assert any("patronymic" in line for line in with_patronymic.explanation)


def test_disagreeing_patronymics_lower_the_score() -> None:
    same = compare_names("Иван Петрович Сидоров", "Ivan Petrovich Sidorov").score
    other = compare_names("Иван Петрович Сидоров", "Ivan Olegovich Sidorov").score
    assert other < same


def test_keys_meet_across_scripts() -> None:
    keys = {name: name_keys(name) for name in ("Соколов", "Sokolov", "Sokolow", "Sokoloff")}
    assert set.intersection(*keys.values()) == {"sokolov"}


def test_diminutive_shares_group_key() -> None:
    assert "g:dmitri" in name_keys("Дима") & name_keys("Dmitriy")
    assert "g:aleksandr" in name_keys("Саша") & name_keys("Alexander")


def test_primary_key_ignores_order_and_diminutives() -> None:
    assert primary_name_key("Соколов Дмитрий") == primary_name_key("Dima Sokolow")


def test_pair_keys_need_two_parts() -> None:
    assert name_pair_keys("Dima Sokolov") & name_pair_keys("Дмитрий Соколов")
    assert not name_pair_keys("Alexei Sokolov") & name_pair_keys("Дмитрий Соколов")


def test_fuzzy_pair_keys_tolerate_one_typo() -> None:
    assert name_fuzzy_pair_keys("Dmitriy Sokolov") & name_fuzzy_pair_keys("Dmitriy Sokolv")
    assert not name_fuzzy_pair_keys("Dmitriy Sokolov") & name_fuzzy_pair_keys("Dmitriy Kozlov")


def test_two_word_ovich_is_a_surname() -> None:
    assert compare_names("Иван Карпович", "Ivan Petrov").score <= 0.5


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [("sokoloff", "sokolov"), ("sokolow", "sokolov"), ("dmitriy", "dmitri"), ("dmitrij", "dmitri"),
     ("shcherbakov", "serbakov"), ("schtscherbakow", "serbakov"), ("zhukov", "zukov")],
)  # fmt: skip
def test_skeleton(spelling: str, expected: str) -> None:
    assert skeleton(spelling) == expected


@pytest.mark.parametrize("bad", ["", "   ", "☃ ☃", "--"])
def test_bad_names_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        compare_names(bad, "Ivan Petrov")


@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщыэюя", min_size=2, max_size=12))
def test_any_cyrillic_word_matches_itself_in_icao(word: str) -> None:
    from wayhome.linking.translit import transliterations

    latin = transliterations(word)["icao9303"]
    if latin:
        assert compare_names(word, latin).score == 1.0


@given(st.text(min_size=1, max_size=20))
def test_compare_never_crashes_on_text(text: str) -> None:
    try:
        result = compare_names(text, "Ivan Petrov")
    except InvalidInput:
        return
    assert 0.0 <= result.score <= 1.0
