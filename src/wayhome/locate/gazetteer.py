"""Offline settlements held as numpy arrays, with a name index across scripts and cases."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from wayhome.errors import InvalidInput
from wayhome.locate.geo import check_coordinates
from wayhome.locate.names import fold_name, name_hash, phrase_candidates, without_preposition

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Alternate names kept in the index: Latin (with accents) and Cyrillic; other scripts add size
# without helping the agencies this gazetteer serves first, and the full dump can be imported.
_KEPT_SCRIPT = re.compile(r"^[\u0000-\u024f\u0400-\u04ff\s'’.()-]+$")
_CYRILLIC_NAME = re.compile(r"^[\u0400-\u04ff\s'’.-]+$")
_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class PlaceRecord:
    """One settlement as read from a source, before it joins the arrays."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    population: int
    country: str
    admin1: str
    timezone: str
    alternate_names: Sequence[str] = ()


@dataclass(frozen=True)
class Place:
    """One settlement of the gazetteer as shown to an investigator."""

    index: int
    geonameid: int
    name: str
    local_name: str
    latitude: float
    longitude: float
    population: int
    country: str
    region: str
    timezone: str


@dataclass(frozen=True)
class PlaceMatch:
    """A gazetteer place a name may refer to, and whether the name had to be un-inflected."""

    index: int
    inflected: bool


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Settlements as parallel arrays: coordinates, population, country, region, zone, names."""

    geonameids: IntArray
    latitudes: FloatArray
    longitudes: FloatArray
    populations: IntArray
    country_codes: IntArray
    region_codes: IntArray
    timezone_codes: IntArray
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    timezones: tuple[str, ...]
    names: tuple[str, ...]
    local_names: tuple[str, ...]
    name_keys: IntArray
    name_places: IntArray
    region_names: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        """Count the places."""
        return int(self.latitudes.shape[0])

    def place(self, index: int) -> Place:
        """Return one place by its row number."""
        return Place(
            index=index,
            geonameid=int(self.geonameids[index]),
            name=self.names[index],
            local_name=self.local_names[index] or self.names[index],
            latitude=float(self.latitudes[index]),
            longitude=float(self.longitudes[index]),
            population=int(self.populations[index]),
            country=self.countries[int(self.country_codes[index])],
            region=self.regions[int(self.region_codes[index])],
            timezone=self.timezones[int(self.timezone_codes[index])],
        )

    def index_of(self, geonameid: int) -> int:
        """Return the row of a GeoNames id, or raise InvalidInput if the gazetteer lacks it."""
        rows = np.flatnonzero(self.geonameids == geonameid)
        if rows.size == 0:
            raise InvalidInput(f"no place with GeoNames id {geonameid}", location="geonameid")
        return int(rows[0])

    def places_named_exactly(self, name: str) -> list[int]:
        """Return the rows whose name or alternate name folds to the same key as `name`."""
        key = fold_name(name)
        if not key:
            return []
        wanted = np.int64(name_hash(key))
        start = int(np.searchsorted(self.name_keys, wanted, side="left"))
        stop = int(np.searchsorted(self.name_keys, wanted, side="right"))
        return sorted(int(row) for row in self.name_places[start:stop])

    def find(self, name: str) -> list[PlaceMatch]:
        """Return the places a name may refer to, in any script and in any Russian case; a name
        stated with its preposition («в Параньге») is looked up without it when it matches
        nothing as written."""
        words = name.split()
        found = self._find_words(words)
        shorter = without_preposition(words)
        if not found and shorter is not None:
            found = self._find_words(shorter)
        return found

    def _find_words(self, words: list[str]) -> list[PlaceMatch]:
        """Return the places a name of a few words may refer to, exact matches first."""
        found: dict[int, PlaceMatch] = {}
        if not words or len(words) > 4:
            return []
        for phrase, inflected in phrase_candidates(words):
            for row in self.places_named_exactly(phrase):
                if row not in found or (found[row].inflected and not inflected):
                    found[row] = PlaceMatch(index=row, inflected=inflected)
        return sorted(
            found.values(), key=lambda match: (match.inflected, -self.populations[match.index])
        )

    def country_mask(self, country: str) -> npt.NDArray[np.bool_]:
        """Return which places lie in a country given by its ISO 3166 alpha-2 code."""
        code = country.upper()
        if code not in self.countries:
            return np.zeros(len(self), dtype=bool)
        return np.asarray(self.country_codes == self.countries.index(code), dtype=bool)

    def region_mask(self, region: str) -> npt.NDArray[np.bool_]:
        """Return which places lie in a first-level region given as 'CC.code' (e.g. 'RU.77')."""
        if region not in self.regions:
            return np.zeros(len(self), dtype=bool)
        return np.asarray(self.region_codes == self.regions.index(region), dtype=bool)

    def region_label(self, region: str) -> str:
        """Return a region's name where known, else its code."""
        return self.region_names.get(region, region)


def _codes(values: Sequence[str]) -> tuple[IntArray, tuple[str, ...]]:
    """Turn a column of strings into small integer codes and the table they index."""
    table = sorted(set(values))
    lookup = {value: code for code, value in enumerate(table)}
    return np.array([lookup[value] for value in values], dtype=np.int64), tuple(table)


def build_gazetteer(
    records: Iterable[PlaceRecord], *, region_names: dict[str, str] | None = None
) -> Gazetteer:
    """Build the arrays and the name index from place records."""
    rows = list(records)
    if not rows:
        raise InvalidInput("the gazetteer has no places", location="gazetteer")
    for record in rows:
        check_coordinates(record.latitude, record.longitude, location=f"place {record.geonameid}")
    keys: list[int] = []
    places: list[int] = []
    local_names: list[str] = []
    for row, record in enumerate(rows):
        seen: set[str] = set()
        primary = fold_name(record.name)
        local = ""
        for variant in (record.name, *record.alternate_names):
            if not _KEPT_SCRIPT.match(variant):
                continue
            folded = fold_name(variant)
            # The local name shown is the Cyrillic spelling of the primary name (the longest, so
            # «Тверь» wins over «Твер»), else the first Cyrillic name.
            if _CYRILLIC_NAME.match(variant) and (
                not local
                or (
                    folded == primary and (fold_name(local) != primary or len(variant) > len(local))
                )
            ):
                local = variant
            if folded and folded not in seen:
                seen.add(folded)
                keys.append(name_hash(folded))
                places.append(row)
        local_names.append(local)
    key_array = np.array(keys, dtype=np.int64)
    place_array = np.array(places, dtype=np.int64)
    order = np.lexsort((place_array, key_array))
    country_codes, countries = _codes([record.country for record in rows])
    region_codes, regions = _codes([f"{record.country}.{record.admin1}" for record in rows])
    timezone_codes, timezones = _codes([record.timezone for record in rows])
    return Gazetteer(
        geonameids=np.array([record.geonameid for record in rows], dtype=np.int64),
        latitudes=np.array([record.latitude for record in rows], dtype=np.float64),
        longitudes=np.array([record.longitude for record in rows], dtype=np.float64),
        populations=np.array([max(record.population, 0) for record in rows], dtype=np.int64),
        country_codes=country_codes,
        region_codes=region_codes,
        timezone_codes=timezone_codes,
        countries=countries,
        regions=regions,
        timezones=timezones,
        names=tuple(record.name for record in rows),
        local_names=tuple(local_names),
        name_keys=key_array[order],
        name_places=place_array[order],
        region_names=dict(region_names or {}),
    )


def subset(gazetteer: Gazetteer, keep: npt.NDArray[np.bool_]) -> Gazetteer:
    """Return a gazetteer with only the chosen places, its name index renumbered."""
    rows = np.flatnonzero(keep)
    if rows.size == 0:
        raise InvalidInput("the selection keeps no place", location="gazetteer")
    renumber = np.full(len(gazetteer), -1, dtype=np.int64)
    renumber[rows] = np.arange(rows.size)
    kept_names = keep[gazetteer.name_places]
    return Gazetteer(
        geonameids=gazetteer.geonameids[rows],
        latitudes=gazetteer.latitudes[rows],
        longitudes=gazetteer.longitudes[rows],
        populations=gazetteer.populations[rows],
        country_codes=gazetteer.country_codes[rows],
        region_codes=gazetteer.region_codes[rows],
        timezone_codes=gazetteer.timezone_codes[rows],
        countries=gazetteer.countries,
        regions=gazetteer.regions,
        timezones=gazetteer.timezones,
        names=tuple(gazetteer.names[row] for row in rows),
        local_names=tuple(gazetteer.local_names[row] for row in rows),
        name_keys=gazetteer.name_keys[kept_names],
        name_places=renumber[gazetteer.name_places[kept_names]],
        region_names=gazetteer.region_names,
    )


def join_strings(values: Sequence[str]) -> str:
    """Join strings for storage in one array cell."""
    return _SEPARATOR.join(values)


def split_strings(value: str, count: int) -> tuple[str, ...]:
    """Split `count` strings stored by join_strings."""
    if count == 0:
        return ()
    parts = tuple(value.split(_SEPARATOR))
    if len(parts) != count:
        raise InvalidInput("stored names do not match the places", location="gazetteer cache")
    return parts
