"""Fusing clues: each kind moves the posterior the right way; one wrong clue cannot ruin it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from wayhome.errors import InvalidInput
from wayhome.locate import activity
from wayhome.locate.clues import (
    Circle,
    ExcludedClue,
    InRegionClue,
    IpClue,
    IpLocation,
    KnownSitesClue,
    PhoneClue,
    PlaceNameClue,
    PostingTimesClue,
    Site,
    SubscriberAddressClue,
    TextClue,
    WithinClue,
)
from wayhome.locate.fusion import LocateConfig, locate, result_as_json
from wayhome.locate.gazetteer import Gazetteer


def _row(gazetteer: Gazetteer, name: str) -> int:
    return gazetteer.find(name)[0].index


def _rank(result_posterior: np.ndarray, row: int) -> int:
    return int(np.sum(result_posterior > result_posterior[row])) + 1


def test_no_clue_gives_the_population_prior(russia: Gazetteer) -> None:
    result = locate([], russia)
    assert result.ranked[0].place.name == "Moscow"
    assert result.posterior.sum() == pytest.approx(1.0)


def test_posting_times_favour_the_persons_time_zone(russia: Gazetteer) -> None:
    posts = activity.sample_posting_times(
        np.random.default_rng(3), 5.0, 100, datetime(2026, 2, 1, tzinfo=UTC)
    )
    result = locate([PostingTimesClue(label="posts", timestamps=posts)], russia)
    zones = np.array(russia.timezones)[russia.timezone_codes]
    prior = locate([], russia).posterior
    ural = zones == "Asia/Yekaterinburg"
    assert result.posterior[ural].sum() > 2 * prior[ural].sum()
    assert result.posterior[zones == "Europe/Moscow"].sum() < prior[zones == "Europe/Moscow"].sum()


def test_known_sites_favour_their_surroundings(russia: Gazetteer) -> None:
    tver = _row(russia, "Тверь")
    site = Site(float(russia.latitudes[tver]) + 0.05, float(russia.longitudes[tver]), "last seen")
    result = locate([KnownSitesClue(label="sites", sites=[site])], russia)
    assert result.ranked[0].place.name == "Tver"
    assert result.ranked[0].contributions["sites"] > 0


def test_a_named_village_and_its_inflection_win(russia: Gazetteer) -> None:
    for clue in (
        TextClue(label="chat", text="да я живу в Пивоварихе, приезжай"),
        PlaceNameClue(label="named", name="Pivovarikha"),
    ):
        result = locate([clue], russia)
        assert result.ranked[0].place.name == "Pivovarikha"
    with pytest.raises(InvalidInput) as error:
        locate([PlaceNameClue(label="named village", name="Nowhereville")], russia)
    assert error.value.location == "named village"


def test_phone_region_and_subscriber_address(russia: Gazetteer) -> None:
    phone = locate([PhoneClue(label="phone", number="+74822123456")], russia)
    tver_region = russia.region_mask("RU.77")
    prior = locate([], russia).posterior
    assert phone.posterior[tver_region].sum() > 20 * prior[tver_region].sum()
    assert "Tver" in [ranked.place.name for ranked in phone.ranked[:3]]
    kostroma = _row(russia, "Kostroma")
    address = SubscriberAddressClue(
        label="isp",
        latitude=float(russia.latitudes[kostroma]),
        longitude=float(russia.longitudes[kostroma]),
    )
    assert locate([address], russia).ranked[0].place.name == "Kostroma"


def test_hard_constraints_cut_the_map(russia: Gazetteer) -> None:
    tver = _row(russia, "Тверь")
    within = WithinClue(label="within 60 km of Tver", km=60.0, place="Тверь")
    result = locate([within], russia)
    assert result.posterior[tver] > 0
    assert result.ranked[0].place.region == "RU.77"
    assert all(ranked.place.region in {"RU.77", "RU.47", "RU.88"} for ranked in result.ranked)
    belarus = locate([InRegionClue(label="Belarus", country="BY")], russia)
    assert belarus.posterior[~russia.country_mask("BY")].sum() == 0
    excluded = locate(
        [
            within,
            ExcludedClue(
                label="searched", place_names=["Тверь"], circles=[Circle(56.0, 37.0, 5.0)]
            ),
        ],
        russia,
    )
    assert excluded.posterior[tver] == 0
    assert excluded.posterior.sum() == pytest.approx(1.0)


def test_contradictory_constraints_are_explained_not_zeroed(russia: Gazetteer) -> None:
    result = locate(
        [
            WithinClue(label="near Tver", km=50.0, place="Тверь"),
            InRegionClue(label="Kazakhstan", country="KZ"),
            TextClue(label="chat", text="живу в Пивоварихе"),
        ],
        russia,
    )
    assert result.is_empty
    assert (
        result.empty_reason
        == "the constraints 'near Tver' and 'Kazakhstan' exclude every place together"
    )
    assert result.ranked == []
    alone = locate([WithinClue(label="ocean", km=5.0, latitude=0.0, longitude=-30.0)], russia)
    assert alone.empty_reason == "the constraint 'ocean' excludes every place"
    soft = locate(
        [WithinClue(label="ocean", km=5.0, latitude=0.0, longitude=-30.0, error_rate=0.1)], russia
    )
    assert not soft.is_empty
    with pytest.raises(InvalidInput):
        locate([InRegionClue(label="region", country="RU", region="999")], russia)


def test_one_wrong_clue_cannot_zero_the_truth(russia: Gazetteer) -> None:
    home = _row(russia, "Пивовариха")
    offset = 8.0
    posts = activity.sample_posting_times(
        np.random.default_rng(5), offset, 80, datetime(2026, 2, 1, tzinfo=UTC)
    )
    right = [
        TextClue(label="chat", text="я живу в Пивоварихе"),
        PostingTimesClue(label="posts", timestamps=posts),
        PhoneClue(label="phone", number="+73952123456"),
    ]
    wrong_ip = IpClue(label="ip", ip="5.6.7.8", located=IpLocation(country="KZ"))
    wrong_sites = KnownSitesClue(label="sites", sites=[Site(55.75, 37.6)])
    for wrong in (wrong_ip, wrong_sites):
        result = locate([*right, wrong], russia)
        assert result.posterior[home] > 0
        assert _rank(result.posterior, home) <= 3
        assert result.contributions_of(home)[wrong.label] < 0
    only_wrong = locate([wrong_ip], russia)
    assert only_wrong.posterior[home] > 0


def test_coverage_sets_grow_with_the_level(russia: Gazetteer) -> None:
    result = locate(
        [PhoneClue(label="phone", number="+74822123456")],
        russia,
        LocateConfig(coverage_levels=(0.5, 0.9, 0.99)),
    )
    counts = [coverage.places for coverage in result.coverage]
    areas = [coverage.area_km2 for coverage in result.coverage]
    people = [coverage.population for coverage in result.coverage]
    assert counts == sorted(counts) and areas == sorted(areas) and people == sorted(people)
    order = np.argsort(-result.posterior)
    assert result.posterior[order[: counts[1]]].sum() >= 0.9
    assert result.posterior[order[: counts[1] - 1]].sum() < 0.9
    assert result.notes and any("Tver" in note for note in result.notes)


def test_result_as_json_is_plain_data(russia: Gazetteer) -> None:
    result = locate([TextClue(label="chat", text="живу в Пивоварихе")], russia)
    data = result_as_json(result)
    text = json.dumps(data, ensure_ascii=False)
    assert "Pivovarikha" in text and "Пивовариха" in text
    assert data["empty_reason"] is None
