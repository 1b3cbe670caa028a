"""Shared gazetteers for the locating tests: Russia and neighbours, and a tiny made-up one."""

from __future__ import annotations

from pathlib import Path

import pytest

from wayhome.locate.gazetteer import Gazetteer, PlaceRecord, build_gazetteer
from wayhome.locate.sources import load_default_gazetteer


@pytest.fixture(scope="session")
def russia(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """Russia, Belarus and Kazakhstan from the embedded GeoNames extract (built once per run)."""
    cache = Path(tmp_path_factory.mktemp("gazetteer-cache"))
    return load_default_gazetteer(cache, countries=("RU", "BY", "KZ"))


@pytest.fixture(scope="session")
def tiny() -> Gazetteer:
    """Six made-up settlements on a line east of a city, one hour of longitude apart at the end."""
    records = [
        PlaceRecord(1, "Alpha", 55.0, 37.0, 1_000_000, "RU", "48", "Europe/Moscow", ("Альфа",)),
        PlaceRecord(2, "Beta", 55.0, 37.5, 5_000, "RU", "48", "Europe/Moscow", ("Бета",)),
        PlaceRecord(3, "Makarikha", 55.0, 38.0, 600, "RU", "47", "Europe/Moscow", ("Макариха",)),
        PlaceRecord(4, "Gamma", 55.0, 45.0, 50_000, "RU", "47", "Europe/Samara", ("Гамма",)),
        PlaceRecord(5, "Delta", 55.0, 60.0, 80_000, "RU", "71", "Asia/Yekaterinburg", ("Дельта",)),
        PlaceRecord(6, "Epsilon", 50.0, 30.0, 70_000, "UA", "12", "Europe/Kyiv", ("Эпсилон",)),
    ]
    return build_gazetteer(records, region_names={"RU.47": "Moskovskaya Oblast"})
