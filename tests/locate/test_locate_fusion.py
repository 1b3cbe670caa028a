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
    Clue,
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
from wayhome.locate.fusion import (
    LocateConfig,
    coverage_sets,
    locate,
    max_pull,
    population_prior,
    result_as_json,
)
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.geo import destination, distances_km
from wayhome.locate.likelihood import (
    MENTION_REACH_KM,
    MENTION_SELF_SHARE,
    SITE_MEDIAN_KM,
    mention_probability,
    site_decay,
)


def _row(gazetteer: Gazetteer, name: str) -> int:
    return gazetteer.find(name)[0].index


def _rank(result_posterior: np.ndarray, row: int) -> int:
    return int(np.sum(result_posterior > result_posterior[row])) + 1


def test_no_clue_is_explained_instead_of_ranking_the_world(russia: Gazetteer) -> None:
    searched = ExcludedClue(label="searched", place_names=["Тверь"])
    for clues in ([], [searched]):
        result = locate(clues, russia)
        assert result.is_empty and result.ranked == [] and result.coverage == []
        assert result.empty_reason is not None and "no clue" in result.empty_reason
    # A sure area ("within 100 km of Tver") says where to look: its places, evenly, and the
    # search areas are that area (register suspects living there can then be listed).
    within = locate([WithinClue(label="within", km=100.0, place="Тверь")], russia)
    assert not within.is_empty and within.ranked
    tver = russia.find("Тверь")[0].index
    inside = distances_km(
        russia.latitudes, russia.longitudes, russia.latitudes[tver], russia.longitudes[tver]
    )
    assert np.all(within.posterior[inside > 100.0 + 1e-6] == 0.0)
    area = int(np.count_nonzero(within.posterior))
    assert area > 1 and within.coverage[-1].places >= 0.99 * area
    silent = locate([TextClue(label="chat", text="привет, как дела")], russia)
    assert silent.is_empty
    assert not locate([PhoneClue(label="phone", number="+74822123456")], russia).is_empty


def test_posting_times_favour_the_persons_time_zone(russia: Gazetteer) -> None:
    posts = activity.sample_posting_times(
        np.random.default_rng(3), 5.0, 100, datetime(2026, 2, 1, tzinfo=UTC)
    )
    result = locate([PostingTimesClue(label="posts", timestamps=posts)], russia)
    zones = np.array(russia.timezones)[russia.timezone_codes]
    prior = population_prior(russia, LocateConfig())
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
    prior = population_prior(russia, LocateConfig())
    assert phone.posterior[tver_region].sum() > 20 * prior[tver_region].sum()
    assert all(ranked.place.region == "RU.77" for ranked in phone.ranked[:3])
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
    phone = PhoneClue(label="phone", number="+74822123456")
    result = locate([within, phone], russia)
    assert result.posterior[tver] > 0
    assert result.ranked[0].place.region == "RU.77"
    assert all(ranked.place.region in {"RU.77", "RU.47", "RU.88"} for ranked in result.ranked)
    belarus = locate([InRegionClue(label="Belarus", country="BY"), phone], russia)
    assert belarus.posterior[~russia.country_mask("BY")].sum() == 0
    excluded = locate(
        [
            within,
            phone,
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


def _village_with_sites(russia: Gazetteer) -> tuple[int, list[Site]]:
    """A village north-west of Tver and two sightings 12 and 25 km from it."""
    home = _row(russia, "Пивовариха")
    lat, lon = float(russia.latitudes[home]), float(russia.longitudes[home])
    return home, [
        Site(*destination(lat, lon, 40.0, 12.0)),
        Site(*destination(lat, lon, 200.0, 25.0)),
    ]


def test_a_named_town_lifts_the_villages_around_it(russia: Gazetteer) -> None:
    town = _row(russia, "Тверь")
    near = mention_probability(russia, town)
    d = distances_km(
        russia.latitudes,
        russia.longitudes,
        float(russia.latitudes[town]),
        float(russia.longitudes[town]),
    )
    close, far = (d > 5) & (d < 25), (d > 40) & (d < 50)
    assert close.any() and far.any()
    # People around a town name it: the villages near it share its mention, falling with distance.
    assert near[close].mean() > near[far].mean() > 0
    assert near[close].max() > 0.2 * near[town]
    assert near[d > MENTION_REACH_KM].sum() == 0
    # A small village is named by its own people, far more than by its neighbours.
    village = _row(russia, "Пивовариха")
    own = mention_probability(russia, village)
    assert own[village] >= MENTION_SELF_SHARE
    neighbours = own[np.arange(len(own)) != village]
    assert own[village] > 5 * neighbours.max()


def test_one_wrong_mention_moves_the_home_a_bounded_amount(russia: Gazetteer) -> None:
    home, sites = _village_with_sites(russia)
    right = [
        KnownSitesClue(label="sites", sites=sites),
        TextClue(label="chat", text="я живу в Пивоварихе"),
    ]
    before = locate(right, russia)
    wrong = TextClue(label="wrong", text="я сейчас в городе Архангельск")
    after = locate([*right, wrong], russia)
    assert _rank(before.posterior, home) == 1
    assert _rank(after.posterior, home) <= 3
    # The bound: the wrong clue changes the odds of any place against the home by at most its
    # max_pull, whatever the place.
    config = LocateConfig()
    prior = population_prior(russia, config)
    likelihood = next(c for c in after.clues if c.label == "wrong")
    bound = max_pull(likelihood, prior, config.calibration)
    ratio = (after.posterior / after.posterior[home]) / (before.posterior / before.posterior[home])
    assert ratio.max() <= bound * (1 + 1e-9)
    assert ratio.max() > 1.0  # the wrong clue did pull
    sites = next(c for c in after.clues if c.label == "sites")
    sites_bound = max_pull(sites, prior, config.calibration)
    assert sites_bound > 5 * bound  # the case's own sites outweigh a chat's mention


def test_known_sites_fall_off_with_distance_and_avoid_the_doorstep() -> None:
    d = np.geomspace(0.01, 20 * SITE_MEDIAN_KM, 400)
    decay = site_decay(d)
    peak = int(np.argmax(decay))
    assert decay.max() == pytest.approx(1.0, abs=0.01)
    assert peak > 0 and decay[0] < 0.9  # the buffer: fewer offences at the doorstep
    assert np.all(np.diff(decay[peak:]) <= 0)
    assert decay[-1] < 1e-3


def test_coverage_sets_match_a_place_by_place_count(russia: Gazetteer) -> None:
    rng = np.random.default_rng(4)
    posterior = rng.random(len(russia)) ** 8
    posterior /= posterior.sum()
    levels = (0.5, 0.9, 0.99)
    sets = coverage_sets(russia, posterior, levels, 0.1)
    order = np.argsort(-posterior, kind="stable")
    for level, found in zip(levels, sets, strict=True):
        count = int(np.searchsorted(np.cumsum(posterior[order]), level - 1e-12)) + 1
        chosen = order[:count]
        cells = {
            (
                int(np.floor(russia.latitudes[row] / 0.1)),
                int(np.floor(russia.longitudes[row] / 0.1)),
            )
            for row in chosen
        }
        area = sum(
            111.32 * 0.1 * 111.32 * 0.1 * np.cos(np.radians((r + 0.5) * 0.1)) for r, _ in cells
        )
        assert found.places == count
        assert found.area_km2 == pytest.approx(area, abs=0.2)
        assert found.population == int(russia.populations[chosen].sum())


def test_calibration_sharpens_without_reordering(russia: Gazetteer) -> None:
    _home, sites = _village_with_sites(russia)
    clues = [KnownSitesClue(label="sites", sites=sites)]
    soft = locate(clues, russia, LocateConfig(calibration=1.0))
    sharp = locate(clues, russia, LocateConfig(calibration=2.0))
    assert [r.place.geonameid for r in soft.ranked] == [r.place.geonameid for r in sharp.ranked]
    assert sharp.coverage[1].places < soft.coverage[1].places


@pytest.mark.parametrize(
    "wrong",
    [
        TextClue(label="wrong", text="я сейчас в городе Архангельск"),
        PhoneClue(label="wrong", number="+73952123456"),
        IpClue(label="wrong", ip="5.6.7.8", located=IpLocation(country="KZ")),
        KnownSitesClue(label="wrong", sites=[Site(43.1, 131.9)]),
        PlaceNameClue(label="wrong", name="Irkutsk"),
    ],
)
def test_no_kind_of_clue_pulls_more_than_its_bound(russia: Gazetteer, wrong: Clue) -> None:
    home, sites = _village_with_sites(russia)
    right = [
        KnownSitesClue(label="sites", sites=sites),
        TextClue(label="chat", text="я живу в Пивоварихе"),
    ]
    config = LocateConfig()
    before = locate(right, russia, config)
    after = locate([*right, wrong], russia, config)
    likelihood = next(c for c in after.clues if c.label == "wrong")
    bound = max_pull(likelihood, population_prior(russia, config), config.calibration)
    ratio = (after.posterior / after.posterior[home]) / (before.posterior / before.posterior[home])
    assert 1.0 < ratio.max() <= bound * (1 + 1e-9)
    assert _rank(after.posterior, home) <= 3


def test_a_country_only_capture_weighs_by_country_and_says_so(russia: Gazetteer) -> None:
    capture = IpClue(label="capture", ip=None, located=IpLocation(country="KZ"))
    result = locate([capture], russia)
    notes = next(c for c in result.clues if c.label == "capture").notes
    assert notes == ("a capture in KZ; only the country is known",)
    kz = russia.country_mask("KZ")
    assert result.posterior[kz].sum() > 0.5
    assert result.posterior[~kz].max() < result.posterior[kz].max()
