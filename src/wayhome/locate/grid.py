"""A map heat layer: probability per square km on a latitude-longitude grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wayhome.errors import InvalidInput
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.geo import check_coordinates

FloatArray = npt.NDArray[np.float64]
MAX_CELLS = 4_000_000


@dataclass(frozen=True)
class BoundingBox:
    """A map window: south, west, north, east in degrees."""

    south: float
    west: float
    north: float
    east: float

    def __post_init__(self) -> None:
        """Check the corners and their order."""
        check_coordinates(self.south, self.west, location="bbox south-west")
        check_coordinates(self.north, self.east, location="bbox north-east")
        if not (self.south < self.north and self.west < self.east):
            raise InvalidInput("south must be below north and west left of east", location="bbox")


@dataclass(frozen=True)
class GridLayer:
    """Cell values over a bounding box; row 0 is the southern row, column 0 the western one."""

    bbox: BoundingBox
    rows: int
    cols: int
    values: FloatArray
    unit: str

    def to_json(self) -> dict[str, object]:
        """Return the layer as plain data for a map client."""
        return {
            "bbox": [self.bbox.south, self.bbox.west, self.bbox.north, self.bbox.east],
            "rows": self.rows,
            "cols": self.cols,
            "unit": self.unit,
            "values": [round(float(value), 9) for value in self.values.ravel()],
        }


def bbox_of(
    gazetteer: Gazetteer, weights: FloatArray, share: float = 0.99, margin_deg: float = 0.5
) -> BoundingBox:
    """Return a box around the places that hold `share` of the weights."""
    order = np.argsort(-weights, kind="stable")
    count = int(np.searchsorted(np.cumsum(weights[order]), share * float(weights.sum()))) + 1
    chosen = order[:count]
    latitudes = gazetteer.latitudes[chosen]
    longitudes = gazetteer.longitudes[chosen]
    return BoundingBox(
        south=max(float(latitudes.min()) - margin_deg, -90.0),
        west=max(float(longitudes.min()) - margin_deg, -180.0),
        north=min(float(latitudes.max()) + margin_deg, 90.0),
        east=min(float(longitudes.max()) + margin_deg, 180.0),
    )


def grid_layer(
    gazetteer: Gazetteer,
    weights: FloatArray,
    bbox: BoundingBox | None = None,
    *,
    cell_km: float = 10.0,
    smoothing_cells: int = 1,
    mode: str = "density",
) -> GridLayer:
    """Put place weights on a grid: a posterior as probability per km², a clue as its mean value.

    mode "density" adds each place's weight to its cell and divides by the cell's area (for a
    posterior); mode "mean" averages the places in each cell (for one clue's likelihood, which
    is not additive). A box blur of `smoothing_cells` then spreads values to neighbours so the
    gaps between settlements do not read as certain absence.
    """
    if mode not in ("density", "mean"):
        raise InvalidInput(f"unknown grid mode {mode!r}", location="mode")
    if weights.shape != (len(gazetteer),):
        raise InvalidInput("one weight per place is needed", location="weights")
    if not cell_km > 0:
        raise InvalidInput("cell size must be positive", location="cell_km")
    box = bbox or bbox_of(gazetteer, weights)
    centre_latitude = np.radians((box.south + box.north) / 2.0)
    cell_lat = cell_km / 111.32
    cell_lon = cell_km / (111.32 * max(float(np.cos(centre_latitude)), 0.05))
    rows = max(int(np.ceil((box.north - box.south) / cell_lat)), 1)
    cols = max(int(np.ceil((box.east - box.west) / cell_lon)), 1)
    if rows * cols > MAX_CELLS:
        raise InvalidInput(f"{rows}×{cols} cells is too many; use bigger cells", location="cell_km")
    inside = (
        (gazetteer.latitudes >= box.south)
        & (gazetteer.latitudes < box.north)
        & (gazetteer.longitudes >= box.west)
        & (gazetteer.longitudes < box.east)
    )
    row = ((gazetteer.latitudes[inside] - box.south) / cell_lat).astype(np.int64)
    col = ((gazetteer.longitudes[inside] - box.west) / cell_lon).astype(np.int64)
    cells = (np.minimum(row, rows - 1), np.minimum(col, cols - 1))
    grid = np.zeros((rows, cols), dtype=np.float64)
    np.add.at(grid, cells, weights[inside])
    if mode == "mean":
        counts = np.zeros((rows, cols), dtype=np.float64)
        np.add.at(counts, cells, 1.0)
        if smoothing_cells > 0:
            grid, counts = _box_blur(grid, smoothing_cells), _box_blur(counts, smoothing_cells)
        values = np.divide(grid, counts, out=np.zeros_like(grid), where=counts > 0)
        return GridLayer(bbox=box, rows=rows, cols=cols, values=values, unit="mean value")
    if smoothing_cells > 0:
        grid = _box_blur(grid, smoothing_cells)
    latitudes = box.south + (np.arange(rows) + 0.5) * cell_lat
    area = cell_km * (cell_lon * 111.32 * np.cos(np.radians(latitudes)))
    return GridLayer(bbox=box, rows=rows, cols=cols, values=grid / area[:, None], unit="per km²")


def _box_blur(grid: FloatArray, radius: int) -> FloatArray:
    """Return the grid averaged over (2r+1)² neighbourhoods, mass kept (edges padded with zeros)."""
    size = 2 * radius + 1
    padded = np.pad(grid, radius)
    summed = np.cumsum(np.cumsum(padded, axis=0), axis=1)
    summed = np.pad(summed, ((1, 0), (1, 0)))
    rows, cols = grid.shape
    window = (
        summed[size : size + rows, size : size + cols]
        - summed[:rows, size : size + cols]
        - summed[size : size + rows, :cols]
        + summed[:rows, :cols]
    )
    return np.asarray(window / (size * size))
