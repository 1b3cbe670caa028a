"""Phone prefixes to regions, and place mentions in free text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wayhome.errors import InvalidInput
from wayhome.locate.clues import TextClue
from wayhome.locate.fusion import locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.mentions import find_mentions
from wayhome.locate.phones import phone_area


def test_fixed_line_prefix_gives_the_region(russia: Gazetteer) -> None:
    area = phone_area("+7 4822 12-34-56", russia, default_country=None, label="phone")
    assert area.country == "RU"
    assert area.region == "RU.77"
    assert area.anchor is not None and russia.names[area.anchor] == "Tver"
    local = phone_area("8 (4942) 12-34-56", russia, default_country="RU", label="phone")
    assert local.region is not None and local.region != area.region


def test_mobile_prefix_gives_only_the_country(russia: Gazetteer) -> None:
    area = phone_area("+79161234567", russia, default_country=None, label="phone")
    assert (area.country, area.region) == ("RU", None)


def test_bad_numbers_are_named(russia: Gazetteer) -> None:
    with pytest.raises(InvalidInput) as error:
        phone_area("hello", russia, default_country=None, label="seller's phone")
    assert error.value.location == "seller's phone"
    with pytest.raises(InvalidInput, match="not a valid"):
        phone_area("+7 000 000 00 00", russia, default_country=None, label="phone")


def test_inflected_and_lowercase_mentions_are_found(russia: Gazetteer) -> None:
    text = "Привет. я живу в кузнечихе, учусь в Нижнем Новгороде. Приезжай!"
    mentions = find_mentions(text, russia)
    assert [mention.text for mention in mentions] == ["кузнечихе", "Нижнем Новгороде"]
    assert len(mentions[0].matches) == 2
    assert text[mentions[1].offset :].startswith("Нижнем")
    assert all(match.inflected for match in mentions[1].matches)


def test_latin_text_mentions_and_no_false_hits(russia: Gazetteer) -> None:
    mentions = find_mentions("We met near Tver, then he drove home to Kostroma.", russia)
    assert [mention.text for mention in mentions] == ["Tver", "Kostroma"]
    assert find_mentions("Я не знаю. Мама дома.", russia) == []


@given(st.text(max_size=80))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_is_scanned_without_error(tiny: Gazetteer, text: str) -> None:
    for mention in find_mentions(text, tiny):
        assert text[mention.offset :].startswith(mention.text)
        assert mention.matches


def test_text_without_places_says_nothing(tiny: Gazetteer) -> None:
    result = locate([TextClue(label="chat", text="ну и что. привет")], tiny)
    assert result.ranked == [] and result.empty_reason == locate([], tiny).empty_reason
    assert [likelihood.notes for likelihood in result.clues] == [("no place mentioned",)]


def test_a_cue_word_is_not_itself_a_place() -> None:
    """Seen in the demo: 'logged in from …' made 'from' a mention of Frome (GB)."""
    from wayhome.locate.gazetteer import PlaceRecord, build_gazetteer

    frome = PlaceRecord(9, "Frome", 51.23, -2.32, 26_000, "GB", "ENG", "Europe/London", ())
    gazetteer = build_gazetteer([frome], region_names={})
    assert find_mentions("he logged in from a cafe", gazetteer) == []
    assert [m.text for m in find_mentions("he lives in Frome now", gazetteer)] == ["Frome"]


@pytest.mark.parametrize(
    ("number", "region", "capital"),
    [
        ("+7 8362 45-67-89", "RU.45", "Yoshkar-Ola"),  # Mari El
        ("+7 8142 45-67-89", "RU.28", "Petrozavodsk"),  # Karelia
        ("+7 8352 45-67-89", "RU.16", "Cheboksary"),  # Chuvashia
        ("+7 843 245-67-89", "RU.73", "Kazan"),  # Tatarstan
    ],
)
def test_numbers_in_republics_give_their_region(
    russia: Gazetteer, number: str, region: str, capital: str
) -> None:
    area = phone_area(number, russia, default_country=None, label="phone")
    assert area.region == region
    assert area.anchor is not None and russia.names[area.anchor] == capital


def test_a_national_number_needs_its_country(russia: Gazetteer) -> None:
    with pytest.raises(InvalidInput) as error:
        phone_area("8 (8362) 45-67-89", russia, default_country=None, label="landline")
    assert error.value.location == "landline"
    assert "without its country code" in error.value.detail
    area = phone_area("8 (8362) 45-67-89", russia, default_country="RU", label="landline")
    assert (area.country, area.region) == ("RU", "RU.45")


def test_a_mention_never_runs_into_the_next_line(russia: Gazetteer) -> None:
    text = "живу во Владимире\n2026-08-03T18:22:26Z | user: x | привет"
    mentions = find_mentions(text, russia)
    assert [mention.text for mention in mentions] == ["Владимире"]
    assert russia.names[mentions[0].matches[0].index] == "Vladimir"


def test_a_bare_name_opening_a_text_or_line_is_a_mention(russia: Gazetteer) -> None:
    assert [m.text for m in find_mentions("Касимов", russia)] == ["Касимов"]
    assert [m.text for m in find_mentions("Тверь, 3 мая", russia)] == ["Тверь"]
    assert [m.text for m in find_mentions("Мама дома.\nКострома\n", russia)] == ["Кострома"]
    # a capitalised word opening a sentence that goes on is still not taken for a place
    assert find_mentions("Кострома красивая, но я там не был", russia) == []


def test_a_place_stated_with_its_preposition_is_found(russia: Gazetteer) -> None:
    for stated in ("в Параньге", "Параньга", "near Tver"):
        assert russia.find(stated), stated
    assert russia.names[russia.find("в Параньге")[0].index] == "Paran’ga"
