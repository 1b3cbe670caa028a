"""The independent scenario generator: no code shared with the model, the setting it promises."""

from __future__ import annotations

import ast
import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

SOURCE = Path(__file__).parents[2] / "bench" / "locate_scenarios_independent.py"


@pytest.fixture(scope="module")
def independent() -> ModuleType:
    """The generator module, loaded from bench/ as the benchmark loads it."""
    spec = importlib.util.spec_from_file_location("locate_scenarios_independent", SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_it_imports_nothing_of_wayhome() -> None:
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported, "the parse found no imports at all"
    assert not any(name.split(".")[0] == "wayhome" for name in imported)


def test_scenarios_keep_the_promised_setting(independent: ModuleType) -> None:
    generator = independent.IndependentGenerator()
    by_id = {town.geonameid: town for town in generator.towns}
    wrong = 0
    for seed in range(30):
        scenario = generator.generate(seed)
        assert generator.generate(seed).home == scenario.home  # reproducible
        home = by_id[scenario.home]
        assert 500 <= home.population <= 15_000 and home.longitude < 60.0
        assert 1 <= len(scenario.sites) <= 3
        for lat, lon in scenario.sites:
            km = independent._km(home.latitude, home.longitude, lat, lon)
            assert 5.0 - 1e-6 <= km <= 60.0 + 1e-6
        assert 90 <= len(scenario.posts) <= 110
        assert all(post.utcoffset() is not None for post in scenario.posts)
        wrong += scenario.wrong is not None
    # About one scenario in six has a wrong clue.
    assert 1 <= wrong <= 12
    assert math.isclose(independent._km(55.0, 37.0, 55.0, 37.0), 0.0)
