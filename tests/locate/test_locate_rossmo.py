"""Rossmo's formula: a buffer near the sites, decay beyond it."""

from __future__ import annotations

import numpy as np

from wayhome.locate.clues import Site
from wayhome.locate.geo import destination
from wayhome.locate.rossmo import default_buffer_km, rossmo_scores


def _ring(distances: list[float]) -> tuple[np.ndarray, np.ndarray]:
    points = [destination(55.0, 37.0, 90.0, km) for km in distances]
    return np.array([p[0] for p in points]), np.array([p[1] for p in points])


def test_score_peaks_at_the_buffer_edge_and_decays_outside() -> None:
    distances = [0.0, 2.0, 5.0, 10.0, 50.0, 300.0]
    lat, lon = _ring(distances)
    scores = rossmo_scores(lat, lon, [Site(55.0, 37.0)], buffer_km=5.0)
    assert int(np.argmax(scores)) == 2
    assert scores[0] < scores[1] < scores[2]
    assert scores[3] > scores[4] > scores[5] > 0
    # Outside the buffer the decay is 1/d^f.
    assert abs(scores[3] / scores[4] - (50.0 / 10.0) ** 1.2) < 0.05


def test_several_sites_add_up_and_set_the_default_buffer() -> None:
    sites = [Site(55.0, 37.0), Site(*destination(55.0, 37.0, 90.0, 20.0))]
    assert abs(default_buffer_km(sites) - 10.0) < 0.1
    assert default_buffer_km(sites[:1]) == 5.0
    lat, lon = _ring([10.0, 200.0])
    both = rossmo_scores(lat, lon, sites)
    one = rossmo_scores(lat, lon, sites[:1], buffer_km=10.0)
    assert both[0] > one[0]
    assert both[0] > both[1]
