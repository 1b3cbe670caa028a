"""Rossmo's criminal geographic targeting (CGT): where an offender's base probably is, given sites.

For a place at distance d from each known site, the score is the sum over sites of
    1 / d^f                              if d > B (distance decay outside the buffer zone)
    B^(g-f) / (2B - d)^g                 if d <= B (fewer offences close to home)
B is the buffer radius, f and g the decay exponents (Rossmo, 'Geographic profiling', 2000).
Distances are great-circle km (Rossmo used Manhattan distance on a city grid).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from wayhome.locate.clues import Site
from wayhome.locate.geo import distance_km, distances_km

FloatArray = npt.NDArray[np.float64]
SINGLE_SITE_BUFFER_KM = 5.0
# Distances below this are treated as this, so a place on top of a site stays finite.
MIN_DISTANCE_KM = 0.5


def default_buffer_km(sites: Sequence[Site]) -> float:
    """Return Rossmo's suggested B: half the mean nearest-neighbour distance between sites."""
    if len(sites) < 2:
        return SINGLE_SITE_BUFFER_KM
    nearest = []
    for i, site in enumerate(sites):
        others = [
            distance_km(site.latitude, site.longitude, other.latitude, other.longitude)
            for j, other in enumerate(sites)
            if j != i
        ]
        nearest.append(min(others))
    return max(float(np.mean(nearest)) / 2.0, 1.0)


def rossmo_scores(
    latitudes: FloatArray,
    longitudes: FloatArray,
    sites: Sequence[Site],
    *,
    buffer_km: float | None = None,
    f: float = 1.2,
    g: float = 1.2,
) -> FloatArray:
    """Return Rossmo's CGT score of each point (higher: more likely the offender's base)."""
    buffer = default_buffer_km(sites) if buffer_km is None else buffer_km
    total = np.zeros_like(latitudes, dtype=np.float64)
    for site in sites:
        d = np.maximum(
            distances_km(latitudes, longitudes, site.latitude, site.longitude), MIN_DISTANCE_KM
        )
        outside = d > buffer
        inside_value = buffer ** (g - f) / np.power(
            np.maximum(2.0 * buffer - d, MIN_DISTANCE_KM), g
        )
        total += np.where(outside, 1.0 / np.power(d, f), inside_value)
    return total
