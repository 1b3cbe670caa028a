"""Real places for a fictional case: the child's town east of Moscow, the offender's village."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.geo import distances_km

MOSCOW_GEONAMEID = 524901
_NON_RUSSIAN_LETTERS = set("іїєґІЇЄҐў")


@dataclass(frozen=True)
class Geography:
    """The rows of the gazetteer a world uses (indices into the gazetteer's arrays)."""

    child_home: int
    offender_home: int
    nearby_town: int
    far_city: int
    regions: tuple[str, ...]
    register_pool: npt.NDArray[np.int64]
    register_weights: npt.NDArray[np.float64]


def russian_name(gazetteer: Gazetteer, row: int) -> str:
    """A place's Cyrillic name as a Russian register writes it (the Latin one when unknown)."""
    local = gazetteer.local_names[row]
    if local and not (set(local) & _NON_RUSSIAN_LETTERS) and "ьк" not in local:
        return local
    return gazetteer.names[row]


def _distances(g: Gazetteer, rows: npt.NDArray[np.int64], origin: int) -> npt.NDArray[np.float64]:
    """Distances in km from one place to many."""
    return distances_km(
        g.latitudes[rows],
        g.longitudes[rows],
        float(g.latitudes[origin]),
        float(g.longitudes[origin]),
    )


def _resolvable(g: Gazetteer, row: int) -> bool:
    """Whether the place's Russian name finds this place first (so the register names it well)."""
    matches = g.find(russian_name(g, row))
    if not matches:
        return False
    best = max(matches, key=lambda m: int(g.populations[m.index]))
    return best.index == row


def pick_geography(g: Gazetteer, rng: np.random.Generator, regions: int = 4) -> Geography:
    """Draw the child's town (25-90 km east of Moscow), the offender's village and his region."""
    moscow = g.index_of(MOSCOW_GEONAMEID)
    russia = np.flatnonzero(g.country_mask("RU"))
    from_moscow = _distances(g, russia, moscow)
    east = g.longitudes[russia] > g.longitudes[moscow] + 0.3
    towns = russia[
        east & (from_moscow >= 25) & (from_moscow <= 90)
        & (g.populations[russia] >= 3_000) & (g.populations[russia] <= 150_000)
    ]  # fmt: skip
    child_home = int(rng.choice(towns))
    villages = russia[
        (g.longitudes[russia] > g.longitudes[moscow] + 2.0)
        & (g.latitudes[russia] > g.latitudes[moscow] - 1.0)
        & (from_moscow >= 180) & (from_moscow <= 400)
        & (g.populations[russia] >= 500) & (g.populations[russia] <= 5_000)
    ]  # fmt: skip
    order = rng.permutation(villages)
    for candidate in order:
        home = int(candidate)
        near = _distances(g, russia, home)
        bigger = russia[(near <= 45) & (near > 0) & (g.populations[russia] >= 10_000)]
        if bigger.size and _resolvable(g, home):
            # The market town people go to: a one-word name where there is one.
            plain = [int(row) for row in bigger if " " not in russian_name(g, int(row))]
            choices = plain or [int(row) for row in bigger]
            town = max(choices, key=lambda row: int(g.populations[row]))
            break
    else:  # pragma: no cover - the gazetteer always has such a village
        raise RuntimeError("no village with a town nearby east of Moscow")
    home_distances = _distances(g, russia, home)
    far = russia[(home_distances >= 1_000) & (g.populations[russia] >= 500_000)]
    far_city = int(rng.choice(far))
    nearest_region: dict[str, float] = {}
    for row, km in zip(russia.tolist(), home_distances.tolist(), strict=True):
        code = g.regions[int(g.region_codes[row])]
        if km < nearest_region.get(code, np.inf):
            nearest_region[code] = km
    chosen = tuple(sorted(nearest_region, key=nearest_region.__getitem__)[:regions])
    in_regions = np.isin(g.region_codes[russia], [g.regions.index(code) for code in chosen])
    pool = russia[in_regions]
    weights = np.sqrt(np.maximum(g.populations[pool], 100).astype(np.float64))
    return Geography(
        child_home=child_home,
        offender_home=home,
        nearby_town=town,
        far_city=far_city,
        regions=chosen,
        register_pool=pool,
        register_weights=weights / weights.sum(),
    )
