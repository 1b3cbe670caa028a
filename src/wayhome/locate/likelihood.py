"""Each clue as a likelihood over the gazetteer's places, with the notes that explain it."""

from __future__ import annotations

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
from wayhome.locate.geo import nearby
from wayhome.locate.mentions import find_mentions
from wayhome.locate.phones import phone_area
from wayhome.locate.rossmo import rossmo_scores

FloatArray = npt.NDArray[np.float64]
# A name that had to be un-inflected to match is a little less sure than an exact one.
INFLECTED_WEIGHT = 0.7
# Outside an IP's country, or a phone's region, a little likelihood remains (roaming, resale).
OUTSIDE_COUNTRY = 0.02
PHONE_REST_OF_COUNTRY = 0.005
PHONE_NEIGHBOURHOOD_KM = 100.0
# How likely a person is to name a place near his home rather than the home itself.
NEIGHBOUR_SHARE = 0.3


@dataclass(frozen=True)
class ClueLikelihood:
    """One clue's likelihood of each place (any positive scale), its error rate and notes."""

    label: str
    kind: str
    values: FloatArray
    error_rate: float
    hard: bool
    notes: tuple[str, ...] = field(default_factory=tuple)


def _kernel(gazetteer: Gazetteer, latitude: float, longitude: float, scale_km: float) -> FloatArray:
    """Return a Gaussian fall-off with distance from a point, 1 at the point, 0 past 6 scales."""
    values = np.zeros(len(gazetteer), dtype=np.float64)
    rows, d = nearby(gazetteer.latitudes, gazetteer.longitudes, latitude, longitude, 6.0 * scale_km)
    values[rows] = np.exp(-0.5 * (d / scale_km) ** 2)
    return values


def _near_matches(
    gazetteer: Gazetteer, matches: Sequence[PlaceMatch], spread_km: float
) -> FloatArray:
    """Return a likelihood that is high at the places a name may mean and lower around them.

    A person names his own settlement, or a bigger one nearby (the town he shops or works in),
    seldom a smaller one: so a neighbour's share is cut by (named population / its population)
    when it is the bigger of the two.
    """
    values = np.zeros(len(gazetteer), dtype=np.float64)
    people = np.maximum(gazetteer.populations, 100).astype(np.float64)
    # Among places sharing a name, a bigger one is more often the one meant.
    weights = np.array(
        [
            (INFLECTED_WEIGHT if match.inflected else 1.0) * np.sqrt(people[match.index])
            for match in matches
        ]
    )
    weights /= weights.sum()
    for weight, match in zip(weights, matches, strict=True):
        rows, d = nearby(
            gazetteer.latitudes,
            gazetteer.longitudes,
            float(gazetteer.latitudes[match.index]),
            float(gazetteer.longitudes[match.index]),
            15.0 * spread_km,
        )
        share = np.exp(-d / spread_km) * np.minimum(1.0, people[match.index] / people[rows])
        values[rows] += weight * NEIGHBOUR_SHARE * share
        values[match.index] += weight
    return values


def _ip(clue: IpClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """An IP's country (and point, from a city database); anonymisers raise its error rate."""
    if clue.located is None:
        raise InvalidInput("the IP address has not been looked up", location=clue.label)
    located = clue.located
    in_country = gazetteer.country_mask(located.country)
    values = np.where(in_country, 1.0, OUTSIDE_COUNTRY)
    notes = [f"{clue.ip}: {located.country}"]
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


def _sites(clue: KnownSitesClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Rossmo's geographic profile of the known sites."""
    values = rossmo_scores(
        gazetteer.latitudes,
        gazetteer.longitudes,
        clue.sites,
        buffer_km=clue.buffer_km,
        f=clue.f,
        g=clue.g,
    )
    return ClueLikelihood(clue.label, "known sites", values, clue.error_rate, False)


def _place_name(clue: PlaceNameClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """A named place: there or nearby."""
    matches = gazetteer.find(clue.name)
    if not matches:
        raise InvalidInput(f"no place called {clue.name!r} in the gazetteer", location=clue.label)
    note = f"{clue.name!r} may be {len(matches)} place(s)"
    values = _near_matches(gazetteer, matches, clue.spread_km)
    return ClueLikelihood(clue.label, "place name", values, clue.error_rate, False, (note,))


def _text(clue: TextClue, gazetteer: Gazetteer) -> ClueLikelihood:
    """Place mentions in a text, each equally likely to be where the author lives."""
    mentions = find_mentions(clue.text, gazetteer)
    if not mentions:
        values = np.ones(len(gazetteer), dtype=np.float64)
        return ClueLikelihood(clue.label, "text", values, 1.0, False, ("no place mentioned",))
    values = np.zeros(len(gazetteer), dtype=np.float64)
    for mention in mentions:
        part = _near_matches(gazetteer, mention.matches, clue.spread_km)
        values += part / part.sum()
    notes = tuple(f"mentions {mention.text!r}" for mention in mentions)
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
