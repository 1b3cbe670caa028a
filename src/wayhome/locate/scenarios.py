"""Fictional cases with a known answer, to measure locating: an offender's home and noisy clues.

A home is drawn by population among villages and small towns (500-15,000 people) 30-400 km from
a big city of one country (the case in the issue: a village 298 km from Moscow); the clues are
simulated from it with realistic noise, and some are made wrong on purpose. Everything is
synthetic; the truth is kept. This is the generator the model is tuned on; the benchmark also
reports on an independent one (bench/locate_scenarios_independent.py) that shares no code.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from wayhome.errors import InvalidInput
from wayhome.locate import activity
from wayhome.locate.clues import (
    Clue,
    IpClue,
    IpLocation,
    KnownSitesClue,
    PhoneClue,
    PostingTimesClue,
    Site,
    SubscriberAddressClue,
    TextClue,
    WithinClue,
)
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.geo import destination, distances_km
from wayhome.locate.phones import phone_area

FloatArray = npt.NDArray[np.float64]
START = datetime(2026, 3, 2, tzinfo=UTC)


@dataclass(frozen=True)
class ScenarioIpDatabase:
    """A made-up IP database: the addresses a scenario invented and where they point."""

    table: dict[str, IpLocation] = field(default_factory=dict)

    def locate(self, ip: str) -> IpLocation | None:
        """Return the invented location of an address."""
        return self.table.get(ip)


@dataclass(frozen=True)
class Scenario:
    """One fictional case: the true home (a gazetteer row), the clues, which are wrong."""

    seed: int
    home: int
    hub: int
    clues: list[Clue]
    wrong: tuple[str, ...]
    ip_database: ScenarioIpDatabase


@dataclass(frozen=True)
class ScenarioSettings:
    """Chances of each clue being present and of being wrong."""

    country: str = "RU"
    hub_population: int = 300_000
    min_km: float = 30.0
    max_km: float = 400.0
    # "population": homes drawn by population (a random resident); "villages": uniformly among
    # the settlements of the band, the harder case.
    home_weighting: str = "population"
    min_population: int = 500
    max_population: int = 15_000
    # Sites near the home (exponential distances), or, in this share of cases, near the big city
    # (an offender who travelled to it, as in the case).
    p_travelled: float = 0.1
    site_mean_km: float = 20.0
    max_mentions: int = 2
    p_mention_home: float = 0.4
    p_ip: float = 0.9
    p_ip_city: float = 0.5
    p_ip_wrong: float = 0.1
    p_times: float = 0.8
    p_times_wrong: float = 0.1
    p_phone: float = 0.6
    p_phone_wrong: float = 0.1
    p_text: float = 0.6
    p_text_wrong: float = 0.15
    p_subscriber: float = 0.05
    p_within: float = 0.5
    force_wrong: tuple[str, ...] = ()


def _random_public_ip(rng: np.random.Generator) -> str:
    """Return a random global IPv4 address."""
    while True:
        address = ipaddress.IPv4Address(int(rng.integers(1 << 24, (224 << 24) - 1)))
        if address.is_global:
            return str(address)


def prepositional(name: str) -> str:
    """Put a Russian place name in the prepositional case, as after «в» (roughly; for scenarios)."""
    if not name:
        return name
    last = name[-1]
    if last in "ая":
        return name[:-1] + "е"
    if last == "ь":
        return name[:-1] + "и"
    if last in "ыи":
        return name[:-1] + "ах"
    if last in "оеё" or not ("\u0400" <= last <= "\u04ff"):
        return name
    if last == "й":
        return name[:-1] + "е"
    return name + "е"


def _region_numbers(gazetteer: Gazetteer, country: str) -> dict[str, list[str]]:
    """Map regions to example fixed-line numbers whose prefix the geocoder places there."""
    numbers: dict[str, list[str]] = {}
    if country != "RU":
        return numbers
    for code in range(300, 900):
        number = f"+7{code}2123456"
        try:
            area = phone_area(number, gazetteer, default_country=None, label="scenario")
        except InvalidInput:
            continue
        if area.region is not None:
            numbers.setdefault(area.region, []).append(number)
    return numbers


class ScenarioGenerator:
    """Draws scenarios from one gazetteer; the phone-prefix table is built once."""

    def __init__(self, gazetteer: Gazetteer, settings: ScenarioSettings | None = None) -> None:
        """Prepare the hubs, the country's places and the phone-prefix table."""
        self.gazetteer = gazetteer
        self.settings = settings or ScenarioSettings()
        in_country = gazetteer.country_mask(self.settings.country)
        self.country_rows = np.flatnonzero(in_country)
        self.hubs = self.country_rows[
            gazetteer.populations[self.country_rows] >= self.settings.hub_population
        ]
        self.region_numbers = _region_numbers(gazetteer, self.settings.country)
        self.foreign = [code for code in gazetteer.countries if code != self.settings.country]

    def _wrong(self, rng: np.random.Generator, kind: str, chance: float) -> bool:
        """Say whether this clue is made wrong in this scenario."""
        return kind in self.settings.force_wrong or float(rng.random()) < chance

    def _pick_home(self, rng: np.random.Generator) -> tuple[int, int]:
        """Draw a big city, then a home 30-400 km from it, weighted by population."""
        g = self.gazetteer
        while True:
            hub = int(rng.choice(self.hubs))
            d = distances_km(
                g.latitudes[self.country_rows],
                g.longitudes[self.country_rows],
                float(g.latitudes[hub]),
                float(g.longitudes[hub]),
            )
            ring = self.country_rows[(d >= self.settings.min_km) & (d <= self.settings.max_km)]
            people = g.populations[ring]
            ring = ring[
                (people >= self.settings.min_population) & (people <= self.settings.max_population)
            ]
            if ring.size:
                weights = np.maximum(g.populations[ring], 200).astype(np.float64)
                if self.settings.home_weighting == "villages":
                    weights = np.ones(ring.size)
                return int(rng.choice(ring, p=weights / weights.sum())), hub

    def _other_place(self, rng: np.random.Generator, away_from: int, min_km: float) -> int:
        """Draw a place of the country, by population, at least `min_km` from a place."""
        g = self.gazetteer
        d = distances_km(
            g.latitudes[self.country_rows],
            g.longitudes[self.country_rows],
            float(g.latitudes[away_from]),
            float(g.longitudes[away_from]),
        )
        pool = self.country_rows[d >= min_km]
        weights = np.sqrt(np.maximum(g.populations[pool], 200).astype(np.float64))
        return int(rng.choice(pool, p=weights / weights.sum()))

    def generate(self, seed: int) -> Scenario:
        """Return one scenario; the same seed gives the same scenario."""
        rng = np.random.default_rng(seed)
        g, s = self.gazetteer, self.settings
        home, hub = self._pick_home(rng)
        home_lat, home_lon = float(g.latitudes[home]), float(g.longitudes[home])
        clues: list[Clue] = []
        wrong: list[str] = []
        table: dict[str, IpLocation] = {}

        # Known sites: where the child vanished is near the offender's home, or near the big city.
        anchor = (
            (float(g.latitudes[hub]), float(g.longitudes[hub]))
            if rng.random() < s.p_travelled
            else (home_lat, home_lon)
        )
        sites = []
        for _ in range(int(rng.integers(1, 4))):
            scale = s.site_mean_km
            sites.append(
                Site(
                    *destination(
                        *anchor, float(rng.uniform(0, 360)), float(rng.exponential(scale))
                    ),
                    kind="sighting",
                )
            )
        clues.append(KnownSitesClue(label="sites", sites=sites))

        if rng.random() < s.p_ip:
            ip = _random_public_ip(rng)
            if self._wrong(rng, "ip", s.p_ip_wrong):
                wrong.append("ip")
                vpn = bool(rng.random() < 0.7)
                table[ip] = IpLocation(country=str(rng.choice(self.foreign)))
                clues.append(IpClue(label="ip", ip=ip, vpn=vpn))
            else:
                location = IpLocation(country=s.country)
                if rng.random() < s.p_ip_city:
                    # City databases place an address at its ISP's point of presence.
                    lat, lon = destination(
                        home_lat, home_lon, float(rng.uniform(0, 360)), float(rng.exponential(40.0))
                    )
                    location = IpLocation(
                        country=s.country, latitude=lat, longitude=lon, accuracy_km=100.0
                    )
                table[ip] = location
                clues.append(IpClue(label="ip", ip=ip))

        if rng.random() < s.p_times:
            zone = g.timezones[int(g.timezone_codes[home])]
            offset = activity.zone_offset_hours(zone, home_lon, START)
            shift = float(rng.normal(0.0, 1.0))
            if self._wrong(rng, "times", s.p_times_wrong):
                wrong.append("times")
                shift += float(rng.choice([-7.0, -5.0, 5.0, 8.0]))
            stamps = activity.sample_posting_times(
                rng, offset, int(rng.integers(30, 150)), START, shift_hours=shift
            )
            clues.append(PostingTimesClue(label="times", timestamps=stamps))

        if rng.random() < s.p_phone:
            region = g.regions[int(g.region_codes[home])]
            if self._wrong(rng, "phone", s.p_phone_wrong) and self.region_numbers:
                wrong.append("phone")
                others = [key for key in self.region_numbers if key != region]
                number = str(rng.choice(self.region_numbers[str(rng.choice(others))]))
            elif region in self.region_numbers and rng.random() < 0.5:
                number = str(rng.choice(self.region_numbers[region]))
            else:
                number = f"+79{int(rng.integers(10, 99))}{int(rng.integers(1_000_000, 9_999_999))}"
            clues.append(PhoneClue(label="phone", number=number))

        if rng.random() < s.p_text:
            lines = []
            made_wrong = self._wrong(rng, "text", s.p_text_wrong)
            if made_wrong:
                wrong.append("text")
            for position in range(int(rng.integers(1, s.max_mentions + 1))):
                if made_wrong and position == 0:
                    named = self._other_place(rng, home, 100.0)
                elif rng.random() < s.p_mention_home:
                    named = home
                else:
                    named = self._nearby_town(rng, home)
                name = g.local_names[named] or g.names[named]
                lines.append(
                    f"да я живу в {prepositional(name)}, приезжай"
                    if position == 0
                    else f"завтра еду в {prepositional(name)}."
                )
            clues.append(TextClue(label="text", text=" ".join(lines)))

        if rng.random() < s.p_subscriber:
            lat, lon = destination(
                home_lat, home_lon, float(rng.uniform(0, 360)), float(rng.uniform(0, 2))
            )
            clues.append(SubscriberAddressClue(label="subscriber", latitude=lat, longitude=lon))

        if rng.random() < s.p_within:
            clues.append(
                WithinClue(
                    label="within",
                    km=s.max_km + 50.0,
                    latitude=float(g.latitudes[hub]),
                    longitude=float(g.longitudes[hub]),
                )
            )
        return Scenario(
            seed=seed,
            home=home,
            hub=hub,
            clues=clues,
            wrong=tuple(wrong),
            ip_database=ScenarioIpDatabase(table),
        )

    def _nearby_town(self, rng: np.random.Generator, home: int) -> int:
        """Draw a bigger settlement within 40 km of home (where one shops or works), else home."""
        g = self.gazetteer
        d = distances_km(
            g.latitudes, g.longitudes, float(g.latitudes[home]), float(g.longitudes[home])
        )
        pool = np.flatnonzero((d <= 40.0) & (g.populations > g.populations[home]))
        return int(rng.choice(pool)) if pool.size else home


def without(scenario: Scenario, kind: str) -> Scenario:
    """Return the scenario with the clues of one label removed."""
    return replace(scenario, clues=[clue for clue in scenario.clues if clue.label != kind])


def hit_score(
    gazetteer: Gazetteer,
    scores: FloatArray,
    truth: int,
    study: npt.NDArray[np.bool_],
    cell_deg: float = 0.1,
) -> tuple[float, float]:
    """Return the share of places, and of settled area, searched in ranked order to reach the truth.

    Places tie-broken by half; the area is that of the cell_deg map cells holding the places
    examined, over that of the cells holding all places of the study area.
    """
    rows = np.flatnonzero(study)
    values = scores[rows]
    target = float(scores[truth])
    above = values > target
    ties = int(np.sum(values == target))
    place_share = (int(above.sum()) + (ties + 1) / 2.0) / rows.size
    examined = np.concatenate((rows[above], [truth]))
    return place_share, _cells_area(gazetteer, examined, cell_deg) / _cells_area(
        gazetteer, rows, cell_deg
    )


def _cells_area(gazetteer: Gazetteer, rows: npt.NDArray[np.int64], cell_deg: float) -> float:
    """Return the area in km² of the map cells holding the given places."""
    cells = np.unique(
        np.stack(
            (
                np.floor(gazetteer.latitudes[rows] / cell_deg).astype(np.int64),
                np.floor(gazetteer.longitudes[rows] / cell_deg).astype(np.int64),
            ),
            axis=1,
        ),
        axis=0,
    )
    side = 111.32 * cell_deg
    return float(np.sum(side * side * np.cos(np.radians((cells[:, 0] + 0.5) * cell_deg))))


def quantiles(values: Sequence[float]) -> dict[str, float]:
    """Return the quantiles reported in the benchmark."""
    array = np.array(values, dtype=np.float64)
    points = {"p10": 10, "p25": 25, "median": 50, "p75": 75, "p90": 90}
    result = {name: float(np.percentile(array, q)) for name, q in points.items()}
    result["mean"] = float(array.mean()) if array.size else math.nan
    return result
