"""IP databases: the country table shipped with geoip2fast, and MaxMind-format city files."""

from __future__ import annotations

import dataclasses
import importlib
import ipaddress
from pathlib import Path
from typing import Any, Protocol

from wayhome.errors import InvalidInput
from wayhome.locate.clues import IpClue, IpLocation


class IpDatabase(Protocol):
    """Anything that can say where an IP address is, or None when it does not know."""

    def locate(self, ip: str) -> IpLocation | None:
        """Return what the database knows about the address."""


class MmdbReader(Protocol):
    """The part of maxminddb.Reader that locating uses."""

    def get(self, ip: str) -> Any:
        """Return the record for an address, or None."""


class PackagedCountryDatabase:
    """Country of an IP address from the data file that the geoip2fast package ships."""

    def __init__(self) -> None:
        """Load the IPv4 and IPv6 tables lazily, on first use."""
        self._readers: dict[int, Any] = {}

    def _reader(self, version: int) -> Any:
        """Return the geoip2fast reader for one IP version."""
        if version not in self._readers:
            # Imported by name: the package ships no type information.
            geoip2fast = importlib.import_module("geoip2fast")
            data_file = "geoip2fast.dat.gz" if version == 4 else "geoip2fast-ipv6.dat.gz"
            self._readers[version] = geoip2fast.GeoIP2Fast(geoip2fast_data_file=data_file)
        return self._readers[version]

    def locate(self, ip: str) -> IpLocation | None:
        """Return the address's country, or None if the table has no country for it."""
        version = ipaddress.ip_address(ip).version
        result = self._reader(version).lookup(ip)
        code = str(getattr(result, "country_code", "") or "")
        if len(code) != 2 or not code.isalpha():
            return None
        return IpLocation(country=code.upper())


class MmdbCityDatabase:
    """City-level location from an imported MaxMind-format database (GeoLite2-City, DB-IP)."""

    def __init__(self, reader: MmdbReader) -> None:
        """Wrap an open maxminddb reader (or anything with its `get`)."""
        self._reader = reader

    @classmethod
    def open(cls, path: Path) -> MmdbCityDatabase:
        """Open an .mmdb file, raising InvalidInput naming the file if it cannot be read."""
        import maxminddb

        try:
            return cls(maxminddb.open_database(str(path)))
        except (OSError, ValueError, maxminddb.InvalidDatabaseError) as error:
            raise InvalidInput(
                f"cannot read MaxMind database: {error}", location=str(path)
            ) from error

    def locate(self, ip: str) -> IpLocation | None:
        """Return country and point with the database's accuracy radius, or None."""
        record = self._reader.get(ip)
        if not isinstance(record, dict):
            return None
        country = record.get("country") or record.get("registered_country") or {}
        code = str(country.get("iso_code") or "") if isinstance(country, dict) else ""
        where = record.get("location")
        if not code:
            return None
        if not isinstance(where, dict) or where.get("latitude") is None:
            return IpLocation(country=code)
        return IpLocation(
            country=code,
            latitude=float(where["latitude"]),
            longitude=float(where["longitude"]),
            accuracy_km=float(where.get("accuracy_radius") or 50.0),
        )


def resolve_ip(clue: IpClue, databases: list[IpDatabase]) -> IpClue:
    """Return the clue with its location filled from the first database that knows the address.

    Databases are tried from the most precise (an imported city file) to the least.
    """
    if clue.located is not None:
        return clue
    if clue.ip is None:
        raise InvalidInput("an IP clue needs an address or its country", location=clue.label)
    best: IpLocation | None = None
    for database in databases:
        found = database.locate(clue.ip)
        if found is None:
            continue
        if found.latitude is not None:
            return dataclasses.replace(clue, located=found)
        best = best or found
    if best is None:
        raise InvalidInput(f"no IP database knows where {clue.ip} is", location=clue.label)
    return dataclasses.replace(clue, located=best)
