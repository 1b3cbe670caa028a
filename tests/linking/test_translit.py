"""Transliteration tables: each scheme spells the same Cyrillic or Greek name its own way."""

from __future__ import annotations

import pytest

from wayhome.errors import InvalidInput
from wayhome.linking.translit import is_patronymic, script_of, transliterations


@pytest.mark.parametrize(
    ("word", "scheme", "expected"),
    [
        ("Соколов", "icao9303", "sokolov"),
        ("Соколов", "informal_german", "sokolow"),
        ("Соколов", "informal_french", "sokoloff"),
        ("Дмитрий", "icao9303", "dmitrii"),
        ("Дмитрий", "bgn_pcgn", "dmitriy"),
        ("Дмитрий", "gost7.79b", "dmitrij"),
        ("Дмитрий", "informal_english", "dmitry"),
        ("Хрущёв", "icao9303", "khrushchev"),
        ("Хрущёв", "iso9", "hrusev"),
        ("Щербаков", "gost7.79b", "shherbakov"),
        ("Юлия", "icao9303", "iuliia"),
        ("Юлия", "bgn_pcgn", "yuliya"),
        ("Елена", "bgn_pcgn", "yelena"),
        ("Олексій", "ukrainian_national", "oleksii"),
        ("Григорій", "ukrainian_national", "hryhorii"),
        ("Παπαδόπουλος", "elot743", "papadopoulos"),
        ("Γιώργος", "greek_phonetic", "giorgos"),
        ("Ευάγγελος", "elot743", "evangelos"),
    ],
)
def test_scheme_spelling(word: str, scheme: str, expected: str) -> None:
    assert transliterations(word)[scheme] == expected


def test_latin_passes_through_lower_cased() -> None:
    assert transliterations("Sokolov") == {"latin": "sokolov"}


def test_other_scripts_fall_back_to_anyascii() -> None:
    assert transliterations("王")["anyascii"] == "wang"


@pytest.mark.parametrize("word", ["☃☃", "123", "—", "\ue000"])
def test_words_without_letters_are_refused(word: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        transliterations(word, location="names[0]")
    assert caught.value.location == "names[0]"


def test_empty_word_is_refused() -> None:
    with pytest.raises(InvalidInput):
        transliterations("  ")


@pytest.mark.parametrize(
    ("word", "script"),
    [("Соколов", "cyrillic"), ("Sokolov", "latin"), ("Σοφία", "greek"), ("Sоколов", "mixed")],
)
def test_script_of(word: str, script: str) -> None:
    assert script_of(word) == script


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Сергеевич", True), ("Ивановна", True), ("Sergeyevich", True), ("Ильич", True),
     ("Соколов", False), ("Dmitriy", False)],
)  # fmt: skip
def test_patronymic_detection(word: str, expected: bool) -> None:
    assert is_patronymic(word) is expected
