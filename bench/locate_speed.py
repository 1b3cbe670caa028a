"""Speed of locate() with six clues over the whole embedded gazetteer, and of the grid layer.

locate() includes the coverage sets (50/90/99 %). Two clue sets: one whose posterior is
concentrated, one spread over tens of thousands of places.

Run: PYTHONPATH=src .venv/bin/python bench/locate_speed.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime

import numpy as np

from wayhome.locate import activity
from wayhome.locate.clues import (
    Clue,
    IpClue,
    IpLocation,
    KnownSitesClue,
    PhoneClue,
    PostingTimesClue,
    Site,
    TextClue,
    WithinClue,
)
from wayhome.locate.fusion import locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.grid import grid_layer
from wayhome.locate.sources import load_default_gazetteer


def main() -> None:
    """Time locate() and grid_layer() and print a Markdown summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    gazetteer = load_default_gazetteer()
    load_s = time.perf_counter() - started
    rng = np.random.default_rng(1)
    posts = activity.sample_posting_times(rng, 3.0, 120, datetime(2026, 3, 2, tzinfo=UTC))
    clues = [
        KnownSitesClue(label="sites", sites=[Site(55.75, 37.62), Site(55.80, 37.50)]),
        IpClue(label="ip", ip="5.6.7.8", located=IpLocation("RU", 56.3, 44.0, 100.0)),
        PostingTimesClue(label="times", timestamps=posts),
        PhoneClue(label="phone", number="+78312123456"),
        TextClue(label="chat", text="да я живу в Кузнечихе, приезжай в Нижний Новгород"),
        WithinClue(label="within", km=500.0, latitude=55.75, longitude=37.62),
    ]
    # A spread-out posterior: an IP with only a country, a mobile phone, a name many villages
    # share; the coverage sets then hold tens of thousands of places (the slow case).
    spread = [
        KnownSitesClue(label="sites", sites=[Site(54.6, 39.7)]),
        IpClue(label="ip", ip="5.6.7.8", located=IpLocation("RU")),
        PostingTimesClue(label="times", timestamps=posts),
        PhoneClue(label="phone", number="+79161234567"),
        TextClue(label="chat", text="я из Ивановки, живу в Михайловке"),
        WithinClue(label="within", km=2000.0, latitude=55.75, longitude=37.62),
    ]
    for name, clue_set in (("concentrated", clues), ("spread-out", spread)):
        run(gazetteer, name, clue_set, args.repeat)
    print(f"- Gazetteer: {len(gazetteer)} places, loaded from cache in {load_s:.2f} s.")


def run(gazetteer: Gazetteer, name: str, clues: list[Clue], repeat: int) -> None:
    """Time locate() (coverage sets included) and grid_layer() on one clue set."""
    result = locate(clues, gazetteer)
    timings, cpu_timings, grid_timings = [], [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = locate(clues, gazetteer)
        timings.append(time.perf_counter() - t0)
        cpu_timings.append(time.process_time() - c0)
        t0 = time.perf_counter()
        grid_layer(gazetteer, result.posterior, cell_km=5.0)
        grid_timings.append(time.perf_counter() - t0)
    print(f"{name} posterior (90 % set: {result.coverage[1].places} places):")
    print(f"- Load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
    print(
        f"- locate(), 6 clues: median {np.median(timings) * 1000:.1f} ms, "
        f"p90 {np.percentile(timings, 90) * 1000:.1f} ms, min {np.min(timings) * 1000:.1f} ms "
        f"({repeat} runs); top place {result.ranked[0].place.name}."
    )
    print(
        f"- locate() CPU time (less sensitive to other jobs): median "
        f"{np.median(cpu_timings) * 1000:.1f} ms."
    )
    print(
        f"- grid_layer(), 5 km cells: median {np.median(grid_timings) * 1000:.1f} ms, "
        f"p90 {np.percentile(grid_timings, 90) * 1000:.1f} ms."
    )


if __name__ == "__main__":
    main()
