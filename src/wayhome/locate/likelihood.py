"""Each clue as a likelihood over the gazetteer's places, with the notes that explain it."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from wayhome.errors import InvalidInput
from wayhome.locate import activity
from wayhome.locate.clues import (
    Clue,
    ExcludedClue,
    InRegionClue,
    IpClue,
    KnownSitesClue,
    PhoneClue,
    PlaceNameClue,
    PostingTimesClue,
    SubscriberAddressClue,
    TextClue,
    WithinClue,
)
from wayhome.locate.gazetteer import Gazetteer, PlaceMatch
from wayhome.locate.geo import EARTH_RADIUS_KM, nearby
from wayhome.locate.mentions import find_mentions
from wayhome.locate.phones import phone_area

FloatArray = npt.NDArray[np.float64]
# A name that had to be un-inflected to match is a little less sure than an exact one.
INFLECTED_WEIGHT = 0.7
# Outside an IP's country, or a phone's region, a little likelihood remains (roaming, resale).
OUTSIDE_COUNTRY = 0.02
PHONE_REST_OF_COUNTRY = 0.005
PHONE_NEIGHBOURHOOD_KM = 100.0

# A place mention follows Huff's gravity model of which centre a person goes to (Huff, "A
# probabilistic analysis of shopping center trade areas", Land Economics 1963): a person at home
# h names place t with probability A(t, h) / sum_u A(u, h), A = population / distance^λ. Huff
# estimated λ between about 2 and 3 for trips to shop; λ = 2 is the classic gravity exponent.
# His own settlement counts at MENTION_SELF_KM, so a villager near a town names the town more
# often than his village, and a townsman his town: the "people name the town nearby".
# Beside that choice, "I live in X" names one's own settlement outright in MENTION_SELF_SHARE
# of mentions (an assumption, not tuned: a third, between the two habits).
MENTION_DISTANCE_EXPONENT = 2.0
MENTION_SELF_KM = 5.0
MENTION_SELF_SHARE = 1.0 / 3.0
# Homes farther than this from a named place are given none of the mention's likelihood (the
# gravity share there is under 1 % of a neighbour's); the wrong-clue floor in fusion remains.
MENTION_REACH_KM = 50.0

# Known sites: journey-to-crime distance decay (Canter & Larkin, J. Env. Psych. 1993; Rossmo,
# "Geographic profiling", 2000, ch. 5). A site's distance from home is lognormal, one of the
# decay functions Levine's CrimeStat fits (CrimeStat III, ch. 10); per km² it is divided by the
# ring's circumference (∝ d), so it falls to zero at the home itself: Rossmo's buffer zone. The
# scale is that of rural abductions, not of city burglaries: a median journey of SITE_MEDIAN_KM
# with a spread of e^SITE_SIGMA either side, chosen on training seeds of the project's generator
# (bench/RESULTS.md). Sites combine as a product (Levine's Bayesian journey-to-crime, CrimeStat
# III ch. 13), each mixed with SITE_ERROR so one misplaced sighting cannot zero the home.
SITE_MEDIAN_KM = 15.0
SITE_SIGMA = 1.4
# Beyond this the decay is under 1 % of the site's floor (SITE_ERROR · SITES_WRONG_LEVEL).
SITE_REACH_KM = SITE_MEDIAN_KM * float(np.exp(3.0 * SITE_SIGMA))
SITE_ERROR = 0.1
# How far below its best place a wrong clue still leaves every place, relative to the clue's
# peak; fusion.py mixes each clue with its error rate at this level (see WRONG_LEVEL there). The
# known sites are the case's own facts, so they keep more of their pull than a chat's mention.
WRONG_LEVEL = 0.05
SITES_WRONG_LEVEL = 0.005
# Canter & Larkin's commuter hypothesis ("The environmental range of serial rapists", J. Env.
# Psych. 13, 1993): some offenders travel to an area away from home to offend; big cities draw
# them (the issue's case: a child taken in Moscow by a man living 298 km away). When the sites'
# centroid lies within COMMUTER_KM of a city of COMMUTER_POPULATION or more, the sites may say
# where he went rather than where he lives, so the clue's error rate rises to COMMUTER_ERROR.
# The three were chosen on training seeds of the project's generator (grid 300,000/1,000,000
# people, 15/25/50 km, error 0.5/0.8/0.9; lowest mean log rank; bench/RESULTS.md).
COMMUTER_POPULATION = 1_000_000
COMMUTER_KM = 25.0
COMMUTER_ERROR = 0.9


@dataclass(frozen=True)
class ClueLikelihood:
    """One clue's likelihood of each place (any positive scale), its error rate and notes.

    wrong_level is what a wrong clue of this kind gives any place, as a share of its peak.
    """

    label: str
    kind: str
    values: FloatArray
    error_rate: float
    hard: bool
    notes: tuple[str, ...] = field(default_factory=tuple)
    wrong_level: float = WRONG_LEVEL


def _kernel(gazetteer: Gazetteer, latitude: float, longitude: float, scale_km: float) -> FloatArray:
    """Return a Gaussian fall-off with distance from a point, 1 at the point, 0 past 6 scales."""
    values = np.zeros(len(gazetteer), dtype=np.float64)
    rows, d = nearby(gazetteer.latitudes, gazetteer.longitudes, latitude, longitude, 6.0 * scale_km)
    values[rows] = np.exp(-0.5 * (d / scale_km) ** 2)
    return values


def _pairwise_km(
    lat_a: FloatArray, lon_a: FloatArray, lat_b: FloatArray, lon_b: FloatArray
) -> FloatArray:
    """Return the great-circle distances between every place of a and every place of b."""
    phi_a, phi_b = np.radians(lat_a)[:, None], np.radians(lat_b)[None, :]
    dlon = np.radians(lon_a[:, None] - lon_b[None, :])
    a = np.sin((phi_a - phi_b) / 2.0) ** 2 + np.cos(phi_a) * np.cos(phi_b) * np.sin(dlon / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


@dataclass(frozen=True)
class _LatitudeIndex:
    """The gazetteer's rows sorted by latitude, so that a disc's band is found by bisection."""

    order: npt.NDArray[np.int64]
    latitudes: FloatArray
    people: FloatArray
    # Each place's Huff denominator (sum of attractions around it), filled in as needed.
    attraction: FloatArray


_INDEXES: weakref.WeakKeyDictionary[Gazetteer, _LatitudeIndex] = weakref.WeakKeyDictionary()


def _index(gazetteer: Gazetteer) -> _LatitudeIndex:
    """Return the gazetteer's latitude index, built once."""
    found = _INDEXES.get(gazetteer)
    if found is None:
        order = np.argsort(gazetteer.latitudes, kind="stable")
        people = np.maximum(gazetteer.populations, 100).astype(np.float64)
        found = _LatitudeIndex(
            order, gazetteer.latitudes[order], people, np.full(len(gazetteer), np.nan)
        )
        _INDEXES[gazetteer] = found
    return found


def near_rows(
    gazetteer: Gazetteer, latitude: float, longitude: float, max_km: float
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Return the rows within `max_km` of a point and their distances, by bisection on latitude."""
    index = _index(gazetteer)
    band = max_km / 111.0 + 1e-9
    start, stop = np.searchsorted(index.latitudes, (latitude - band, latitude + band))
    rows = index.order[start:stop]
    widest = min(abs(latitude) + band, 89.0)
    reach = band / max(float(np.cos(np.radians(widest))), 1e-3)
    if reach < 180.0:
        offset = np.abs((gazetteer.longitudes[rows] - longitude + 180.0) % 360.0 - 180.0)
        rows = rows[offset <= reach]
    d = _pairwise_km(
        np.array([latitude]),
        np.array([longitude]),
        gazetteer.latitudes[rows],
        gazetteer.longitudes[rows],
    )[0]
    close = d <= max_km
    return rows[close], d[close]


def _attraction(distance_km: FloatArray, people: FloatArray) -> FloatArray:
    """Return Huff's attraction population / d^λ, own place at MENTION_SELF_KM, 0 beyond reach."""
    value = people / np.maximum(distance_km, MENTION_SELF_KM) ** MENTION_DISTANCE_EXPONENT
    return np.asarray(np.where(distance_km > MENTION_REACH_KM, 0.0, value))


def _mention_rows(gazetteer: Gazetteer, named: int) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Return the homes near a named place and each one's chance of naming it."""
    index = _index(gazetteer)
    lat, lon = float(gazetteer.latitudes[named]), float(gazetteer.longitudes[named])
    homes, d_named = near_rows(gazetteer, lat, lon, MENTION_REACH_KM)
    missing = homes[np.isnan(index.attraction[homes])]
    if missing.size:
        around, _ = near_rows(gazetteer, lat, lon, 2 * MENTION_REACH_KM)
        d = _pairwise_km(
            gazetteer.latitudes[missing],
            gazetteer.longitudes[missing],
            gazetteer.latitudes[around],
            gazetteer.longitudes[around],
        )
        index.attraction[missing] = _attraction(d, index.people[around][None, :]).sum(axis=1)
    named_attraction = _attraction(d_named, np.full(d_named.shape, index.people[named]))
    total = np.maximum(index.attraction[homes], named_attraction)
    chance = (1.0 - MENTION_SELF_SHARE) * named_attraction / total
    chance[homes == named] += MENTION_SELF_SHARE
    return homes, chance


def mention_probability(gazetteer: Gazetteer, named: int) -> FloatArray:
    """Return, for each place h, the chance that a person living in h names place `named`.

    MENTION_SELF_SHARE at the named place itself, plus the rest times Huff's share A(named, h) /
    sum over places u near h of A(u, h), A = population / d^λ, with h's own distance taken as
    MENTION_SELF_KM. Zero beyond MENTION_REACH_KM of the named place.
    """
    values = np.zeros(len(gazetteer), dtype=np.float64)
    homes, chance = _mention_rows(gazetteer, named)
    values[homes] = chance
    return values


def _near_matches(gazetteer: Gazetteer, matches: Sequence[PlaceMatch]) -> FloatArray:
    """Return the chance of each home given a name that may mean any of several places.

    The name is one of the matches: the chances add up, an un-inflected match counting less.
    """
    values = np.zeros(len(gazetteer), dtype=np.float64)
    for match in matches:
        weight = INFLECTED_WEIGHT if match.inflected else 1.0
        homes, chance = _mention_rows(gazetteer, match.index)
        np.add.at(values, homes, weight * chance)
    return values


def _ip(clue: IpClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """An IP's country (and point, from a city database); anonymisers raise its error rate."""
    if clue.located is None:
        raise InvalidInput("the IP address has not been looked up", location=clue.label)
    located = clue.located
    in_country = gazetteer.country_mask(located.country)
    values = np.where(in_country, 1.0, OUTSIDE_COUNTRY)
    if clue.ip is None:
        notes = [f"a capture in {located.country}; only the country is known"]
    else:
        notes = [f"{clue.ip}: {located.country}"]
        if located.latitude is None:
            notes.append("the country only")
    if located.latitude is not None and located.longitude is not None:
        scale = max(located.accuracy_km, 5.0)
        values = values * (0.01 + _kernel(gazetteer, located.latitude, located.longitude, scale))
        notes.append(
            f"within about {scale:.0f} km of {located.latitude:.3f}, {located.longitude:.3f}"
        )
    error_rate = clue.error_rate
    if clue.tor:
        error_rate, note = max(error_rate, 0.97), "Tor exit: nearly no weight"
        notes.append(note)
    elif clue.vpn or clue.proxy:
        error_rate = max(error_rate, 0.7)
        notes.append("VPN or proxy: low weight")
    return ClueLikelihood(clue.label, "ip", values, error_rate, False, tuple(notes))


def _subscriber(clue: SubscriberAddressClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """An ISP's subscriber address: a tight kernel, the places' own spacing allowed for."""
    values = 1e-4 + _kernel(gazetteer, clue.latitude, clue.longitude, max(clue.accuracy_km, 3.0))
    return ClueLikelihood(clue.label, "subscriber address", values, clue.error_rate, False)


def _posting_times(clue: PostingTimesClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Posting hours → UTC offsets → each place's time zone at the time of the posts."""
    offsets = activity.offset_distribution(clue.timestamps)
    moment = activity.median_moment(clue.timestamps)
    zone_values = np.zeros(len(gazetteer.timezones), dtype=np.float64)
    zone_longitudes = np.zeros(len(gazetteer.timezones), dtype=np.float64)
    np.add.at(zone_longitudes, gazetteer.timezone_codes, gazetteer.longitudes)
    counts = np.bincount(gazetteer.timezone_codes, minlength=len(gazetteer.timezones))
    zone_longitudes /= np.maximum(counts, 1)
    for code, zone in enumerate(gazetteer.timezones):
        offset = activity.zone_offset_hours(zone, float(zone_longitudes[code]), moment)
        zone_values[code] = offsets[activity.offset_index(offset)]
    values = zone_values[gazetteer.timezone_codes]
    best = float(activity.OFFSETS_HOURS[int(np.argmax(offsets))])
    note = f"{len(clue.timestamps)} posts; most likely UTC{best:+.2f} h"
    return ClueLikelihood(clue.label, "posting times", values, clue.error_rate, False, (note,))


def site_decay(distance_km: FloatArray) -> FloatArray:
    """Return the journey-to-crime density per km² at distances from a site, 1 at its peak."""
    log_d = np.log(np.maximum(np.asarray(distance_km, dtype=np.float64), 0.05))
    mu = np.log(SITE_MEDIAN_KM)
    log_density = -((log_d - mu) ** 2) / (2.0 * SITE_SIGMA**2) - 2.0 * log_d
    # The density per km² peaks at ln d = mu - 2 sigma²; scaled so that the peak is 1.
    peak_log_d = mu - 2.0 * SITE_SIGMA**2
    peak = -((peak_log_d - mu) ** 2) / (2.0 * SITE_SIGMA**2) - 2.0 * peak_log_d
    return np.asarray(np.exp(log_density - peak))


def _sites(clue: KnownSitesClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Journey-to-crime decay around each known site, multiplied over the sites.

    The clue's Rossmo parameters (buffer_km, f, g) serve rossmo.py's profile, the benchmark's
    baseline; this likelihood's own buffer is the decay's fall near the site.
    """
    floor = np.log(SITE_ERROR * SITES_WRONG_LEVEL)
    log_values = np.full(len(gazetteer), floor * len(clue.sites), dtype=np.float64)
    for site in clue.sites:
        rows, d = near_rows(gazetteer, site.latitude, site.longitude, SITE_REACH_KM)
        near = (1.0 - SITE_ERROR) * site_decay(d) + SITE_ERROR * SITES_WRONG_LEVEL
        log_values[rows] += np.log(near) - floor
    values = np.exp(log_values - log_values.max())
    nearest = SITE_MEDIAN_KM * np.exp(-SITE_SIGMA)
    farthest = SITE_MEDIAN_KM * np.exp(SITE_SIGMA)
    notes = [
        f"{len(clue.sites)} site(s); home most likely {nearest:.0f}-{farthest:.0f} km from each"
    ]
    error_rate = clue.error_rate
    city = commuter_city(gazetteer, clue)
    if city is not None and error_rate < COMMUTER_ERROR:
        error_rate = COMMUTER_ERROR
        notes.append(
            f"the sites lie within {COMMUTER_KM:.0f} km of {gazetteer.names[city]} "
            f"({int(gazetteer.populations[city]):,} people): he may have travelled there to "
            "offend, so they weigh less"
        )
    return ClueLikelihood(
        clue.label,
        "known sites",
        values,
        error_rate,
        False,
        tuple(notes),
        wrong_level=SITES_WRONG_LEVEL,
    )


def commuter_city(gazetteer: Gazetteer, clue: KnownSitesClue) -> int | None:
    """Return the row of the biggest city of COMMUTER_POPULATION+ people within COMMUTER_KM of
    the sites' centroid (a commuter's destination), or None."""
    latitude = float(np.mean([site.latitude for site in clue.sites]))
    # The mean of longitudes on the shorter side of the antimeridian.
    first = clue.sites[0].longitude
    longitude = first + float(
        np.mean([(site.longitude - first + 180.0) % 360.0 - 180.0 for site in clue.sites])
    )
    longitude = (longitude + 180.0) % 360.0 - 180.0
    rows, _ = near_rows(gazetteer, latitude, longitude, COMMUTER_KM)
    if not rows.size:
        return None
    biggest = int(rows[np.argmax(gazetteer.populations[rows])])
    return biggest if int(gazetteer.populations[biggest]) >= COMMUTER_POPULATION else None


def _place_name(clue: PlaceNameClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """A named place: the home is there, or near enough to name it (Huff's share)."""
    matches = gazetteer.find(clue.name)
    if not matches:
        raise InvalidInput(f"no place called {clue.name!r} in the gazetteer", location=clue.label)
    note = f"{clue.name!r} may be {len(matches)} place(s); the home is there or nearby"
    values = _near_matches(gazetteer, matches)
    return ClueLikelihood(clue.label, "place name", values, clue.error_rate, False, (note,))


def _text(clue: TextClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Place mentions in a text: the author lives at or near one of them (Huff's share each)."""
    mentions = find_mentions(clue.text, gazetteer)
    if not mentions:
        values = np.ones(len(gazetteer), dtype=np.float64)
        return ClueLikelihood(clue.label, "text", values, 1.0, False, ("no place mentioned",))
    values = np.zeros(len(gazetteer), dtype=np.float64)
    for mention in mentions:
        values += _near_matches(gazetteer, mention.matches)
    values /= len(mentions)
    notes = tuple(f"mentions {mention.text!r}: lives there or nearby" for mention in mentions)
    return ClueLikelihood(clue.label, "text", values, clue.error_rate, False, notes)


def _phone(clue: PhoneClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """A phone prefix's country and, for fixed lines, region."""
    area = phone_area(
        clue.number, gazetteer, default_country=clue.default_country, label=clue.label
    )
    in_country = gazetteer.country_mask(area.country)
    values = np.where(in_country, 1.0, OUTSIDE_COUNTRY)
    notes = [f"{clue.number}: {area.description or area.country}"]
    if area.region is not None and area.anchor is not None:
        in_region = gazetteer.region_mask(area.region)
        near = _kernel(
            gazetteer,
            float(gazetteer.latitudes[area.anchor]),
            float(gazetteer.longitudes[area.anchor]),
            PHONE_NEIGHBOURHOOD_KM,
        )
        values = values * np.where(in_region, 1.0, np.maximum(PHONE_REST_OF_COUNTRY, 0.1 * near))
        notes.append(f"region {gazetteer.region_label(area.region)}")
    return ClueLikelihood(clue.label, "phone", values, clue.error_rate, False, tuple(notes))


def _within(clue: WithinClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Within a radius of a point or of a named place (its most populous match)."""
    if clue.place is not None:
        matches = gazetteer.find(clue.place)
        if not matches:
            raise InvalidInput(
                f"no place called {clue.place!r} in the gazetteer", location=clue.label
            )
        centre = max(matches, key=lambda match: int(gazetteer.populations[match.index])).index
        latitude, longitude = (
            float(gazetteer.latitudes[centre]),
            float(gazetteer.longitudes[centre]),
        )
    else:
        latitude, longitude = float(clue.latitude or 0.0), float(clue.longitude or 0.0)
    rows, _ = nearby(gazetteer.latitudes, gazetteer.longitudes, latitude, longitude, clue.km)
    values = np.zeros(len(gazetteer), dtype=np.float64)
    values[rows] = 1.0
    return ClueLikelihood(clue.label, "within", values, clue.error_rate, True)


def _in_region(clue: InRegionClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Inside a country or region."""
    mask = gazetteer.country_mask(clue.country)
    if not mask.any():
        raise InvalidInput(f"no place in country {clue.country!r}", location=clue.label)
    if clue.region is not None:
        key = clue.region if "." in clue.region else f"{clue.country.upper()}.{clue.region}"
        mask = gazetteer.region_mask(key)
        if not mask.any():
            raise InvalidInput(f"no place in region {clue.region!r}", location=clue.label)
    return ClueLikelihood(clue.label, "in region", mask.astype(np.float64), clue.error_rate, True)


def _excluded(clue: ExcludedClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Not in places already searched."""
    keep = np.ones(len(gazetteer), dtype=bool)
    for geonameid in clue.geonameids:
        keep[gazetteer.index_of(geonameid)] = False
    for name in clue.place_names:
        rows = gazetteer.places_named_exactly(name)
        if not rows:
            raise InvalidInput(f"no place called {name!r} in the gazetteer", location=clue.label)
        keep[rows] = False
    for circle in clue.circles:
        inside, _ = nearby(
            gazetteer.latitudes,
            gazetteer.longitudes,
            circle.latitude,
            circle.longitude,
            circle.radius_km,
        )
        keep[inside] = False
    return ClueLikelihood(clue.label, "excluded", keep.astype(np.float64), clue.error_rate, True)


def clue_likelihood(clue: Clue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Return a clue's likelihood over the gazetteer's places."""
    if isinstance(clue, IpClue):
        return _ip(clue, gazetteer)
    if isinstance(clue, SubscriberAddressClue):
        return _subscriber(clue, gazetteer)
    if isinstance(clue, PostingTimesClue):
        return _posting_times(clue, gazetteer)
    if isinstance(clue, KnownSitesClue):
        return _sites(clue, gazetteer)
    if isinstance(clue, PlaceNameClue):
        return _place_name(clue, gazetteer)
    if isinstance(clue, TextClue):
        return _text(clue, gazetteer)
    if isinstance(clue, PhoneClue):
        return _phone(clue, gazetteer)
    if isinstance(clue, WithinClue):
        return _within(clue, gazetteer)
    if isinstance(clue, InRegionClue):
        return _in_region(clue, gazetteer)
    if isinstance(clue, ExcludedClue):
        return _excluded(clue, gazetteer)
    raise InvalidInput(f"unknown kind of clue {type(clue).__name__}", location=clue.label)
