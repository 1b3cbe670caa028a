"""The map heat layer keeps the probability and checks its window."""

from __future__ import annotations

import numpy as np
import pytest

from wayhome.errors import InvalidInput
from wayhome.locate.clues import PhoneClue
from wayhome.locate.fusion import locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.grid import BoundingBox, grid_layer


def test_grid_keeps_the_mass_inside_its_box(russia: Gazetteer) -> None:
    result = locate([PhoneClue(label="phone", number="+74822123456")], russia)
    box = BoundingBox(south=54.0, west=30.0, north=60.0, east=40.0)
    layer = grid_layer(russia, result.posterior, box, cell_km=10.0, smoothing_cells=0)
    inside = (
        (russia.latitudes >= 54)
        & (russia.latitudes < 60)
        & (russia.longitudes >= 30)
        & (russia.longitudes < 40)
    )
    latitudes = box.south + (np.arange(layer.rows) + 0.5) * (10.0 / 111.32)
    cell_lon_km = (
        (10.0 / (111.32 * np.cos(np.radians(57.0)))) * 111.32 * np.cos(np.radians(latitudes))
    )
    mass = (layer.values * (10.0 * cell_lon_km)[:, None]).sum()
    assert mass == pytest.approx(result.posterior[inside].sum(), rel=1e-6)
    smoothed = grid_layer(russia, result.posterior, box, cell_km=10.0, smoothing_cells=1)
    assert smoothed.values.max() < layer.values.max()
    data = smoothed.to_json()
    assert data["rows"] == layer.rows and len(data["values"]) == layer.rows * layer.cols  # type: ignore[arg-type]


def test_automatic_box_holds_the_probable_places(russia: Gazetteer) -> None:
    result = locate([PhoneClue(label="phone", number="+74822123456")], russia)
    layer = grid_layer(russia, result.posterior)
    assert layer.bbox.south < 56.86 < layer.bbox.north
    assert layer.bbox.west < 35.9 < layer.bbox.east


def test_bad_windows_are_refused(russia: Gazetteer) -> None:
    with pytest.raises(InvalidInput):
        BoundingBox(south=60.0, west=30.0, north=50.0, east=40.0)
    with pytest.raises(InvalidInput):
        BoundingBox(south=50.0, west=30.0, north=95.0, east=40.0)
    with pytest.raises(InvalidInput, match="too many"):
        grid_layer(russia, np.ones(len(russia)), BoundingBox(-80, -179, 80, 179), cell_km=0.5)
    with pytest.raises(InvalidInput):
        grid_layer(russia, np.ones(3))


def test_a_clue_layer_averages_its_likelihood(russia: Gazetteer) -> None:
    result = locate([PhoneClue(label="phone", number="+74822123456")], russia)
    box = BoundingBox(south=54.0, west=30.0, north=60.0, east=40.0)
    layer = grid_layer(russia, result.clues[0].values, box, cell_km=20.0, mode="mean")
    assert layer.unit == "mean value"
    assert 0 < layer.values.max() <= 1.0 + 1e-9
    tver_row = int((56.86 - 54.0) / (20.0 / 111.32))
    assert layer.values[tver_row].max() == pytest.approx(1.0)
    with pytest.raises(InvalidInput):
        grid_layer(russia, result.posterior, box, mode="sum")
