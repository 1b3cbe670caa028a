"""Canter's commuter: sites in a big city may say where he went, not where he lives."""

from __future__ import annotations

import pytest

from wayhome.locate import likelihood
from wayhome.locate.clues import Clue, KnownSitesClue, PhoneClue, Site, TextClue
from wayhome.locate.fusion import locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.likelihood import COMMUTER_ERROR, clue_likelihood, near_rows

# Two sightings in Moscow (the case: a child taken in Moscow).
MOSCOW_SITES = KnownSitesClue(
    label="sites", sites=[Site(55.752, 37.617, "last seen"), Site(55.700, 37.500, "sighting")]
)


def _row(gazetteer: Gazetteer, name: str) -> int:
    return gazetteer.find(name)[0].index


def _home_and_city(gazetteer: Gazetteer, clues: list[Clue], home: int) -> tuple[int, float, float]:
    """The home's rank and probability, and the probability within 60 km of Moscow."""
    result = locate(clues, gazetteer)
    near, _ = near_rows(gazetteer, 55.752, 37.617, 60.0)
    rank = int((result.posterior > result.posterior[home]).sum()) + 1
    return rank, float(result.posterior[home]), float(result.posterior[near].sum())


def test_sites_by_a_million_city_weigh_less_and_say_why(russia: Gazetteer) -> None:
    moscow = clue_likelihood(MOSCOW_SITES, russia)
    assert moscow.error_rate == COMMUTER_ERROR
    assert any("Moscow" in note and "travelled" in note for note in moscow.notes)
    village = _row(russia, "Семибратово")
    lat, lon = float(russia.latitudes[village]), float(russia.longitudes[village])
    rural = KnownSitesClue(label="sites", sites=[Site(lat + 0.1, lon, "last seen")])
    own = clue_likelihood(rural, russia)
    assert own.error_rate == rural.error_rate < COMMUTER_ERROR
    assert not any("travelled" in note for note in own.notes)


def test_a_named_home_far_from_the_city_sites_is_found(
    russia: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # He says where he lives (a village of Yaroslavl Oblast, about 210 km from Moscow) and his
    # landline is of that region; the sites are where he took the child, in Moscow.
    village = _row(russia, "Семибратово")
    clues: list[Clue] = [
        MOSCOW_SITES,
        TextClue(label="chat", text="да я живу в Семибратове, приезжай"),
        PhoneClue(label="phone", number="+74852123456"),
    ]
    rank, home, city = _home_and_city(russia, clues, village)
    monkeypatch.setattr(likelihood, "COMMUTER_POPULATION", 10**9)
    rank_before, home_before, city_before = _home_and_city(russia, clues, village)
    assert rank == 1 and rank_before <= 3
    # Without the rule Moscow's surroundings keep a share the sites lend them; with it the
    # home's own clues carry the day.
    assert home > 1.5 * home_before
    assert city < 0.2 * city_before
