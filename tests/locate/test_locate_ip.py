"""IP databases: the shipped country table, MaxMind-format city files, and the resolution order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from wayhome.errors import InvalidInput
from wayhome.locate.clues import IpClue, IpLocation
from wayhome.locate.fusion import LocateConfig, locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.ipdata import MmdbCityDatabase, PackagedCountryDatabase, resolve_ip


class StubReader:
    """Stands in for maxminddb.Reader with a dict of records."""

    def __init__(self, records: dict[str, Any]) -> None:
        self.records = records

    def get(self, ip: str) -> Any:
        return self.records.get(ip)


CITY_RECORD = {
    "country": {"iso_code": "RU"},
    "location": {"latitude": 55.0, "longitude": 38.0, "accuracy_radius": 20},
}


def test_packaged_table_knows_countries_of_public_addresses() -> None:
    database = PackagedCountryDatabase()
    located = database.locate("77.88.55.242")
    assert located is not None and located.country == "RU"
    us = database.locate("8.8.8.8")
    assert us is not None and us.country == "US"


def test_mmdb_records_become_points_with_accuracy() -> None:
    database = MmdbCityDatabase(
        StubReader({"5.6.7.8": CITY_RECORD, "5.6.7.9": {"country": {"iso_code": "DE"}}})
    )
    assert database.locate("5.6.7.8") == IpLocation("RU", 55.0, 38.0, 20.0)
    assert database.locate("5.6.7.9") == IpLocation("DE")
    assert database.locate("5.6.7.10") is None


def test_unreadable_mmdb_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "city.mmdb"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(InvalidInput) as error:
        MmdbCityDatabase.open(path)
    assert error.value.location == str(path)


def test_the_most_precise_database_wins_and_unknown_addresses_are_named() -> None:
    clue = IpClue(label="login IP", ip="5.6.7.8")
    country_only = MmdbCityDatabase(StubReader({"5.6.7.8": {"country": {"iso_code": "RU"}}}))
    city = MmdbCityDatabase(StubReader({"5.6.7.8": CITY_RECORD}))
    resolved = resolve_ip(clue, [country_only, city])
    assert resolved.located is not None and resolved.located.latitude == 55.0
    with pytest.raises(InvalidInput) as error:
        resolve_ip(IpClue(label="login IP", ip="5.6.7.99"), [city])
    assert error.value.location == "login IP"


def test_city_level_ip_pulls_toward_its_point_and_vpn_weakens_it(tiny: Gazetteer) -> None:
    city = MmdbCityDatabase(StubReader({"5.6.7.8": CITY_RECORD}))
    config = LocateConfig(ip_databases=(city,))
    plain = locate([IpClue(label="ip", ip="5.6.7.8")], tiny, config)
    makarikha = tiny.find("Makarikha")[0].index
    prior = locate([], tiny).posterior
    assert plain.posterior[makarikha] > 20 * prior[makarikha]
    alpha = tiny.find("Alpha")[0].index
    assert plain.contributions_of(alpha)["ip"] < plain.contributions_of(makarikha)["ip"]
    vpn = locate([IpClue(label="ip", ip="5.6.7.8", vpn=True)], tiny, config)
    tor = locate([IpClue(label="ip", ip="5.6.7.8", tor=True)], tiny, config)
    assert plain.posterior[makarikha] > vpn.posterior[makarikha] > tor.posterior[makarikha]
    assert np.isclose(tor.posterior.sum(), 1.0)
