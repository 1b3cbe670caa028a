"""Accuracy and speed of locating on generated scenarios, against Rossmo's profile alone.

Run: PYTHONPATH=src .venv/bin/python bench/locate_accuracy.py [--scenarios 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from wayhome.locate.clues import KnownSitesClue
from wayhome.locate.fusion import LocateConfig, locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.grid import grid_layer
from wayhome.locate.rossmo import rossmo_scores
from wayhome.locate.scenarios import (
    Scenario,
    ScenarioGenerator,
    ScenarioSettings,
    hit_score,
    quantiles,
    without,
)
from wayhome.locate.sources import load_default_gazetteer

ABLATIONS = ("ip", "times", "phone", "text", "within")
FORCED_WRONG = ("text", "ip", "times", "phone")


@dataclass
class Table:
    """Hit scores per method: by places and by settled area."""

    places: dict[str, list[float]] = field(default_factory=dict)
    area: dict[str, list[float]] = field(default_factory=dict)
    in_sets: dict[float, list[bool]] = field(default_factory=dict)

    def add(self, method: str, scores: tuple[float, float]) -> None:
        """Record one scenario's hit scores for a method."""
        self.places.setdefault(method, []).append(scores[0])
        self.area.setdefault(method, []).append(scores[1])


def fused(
    gazetteer: Gazetteer,
    scenario: Scenario,
    study: np.ndarray,
    table: Table,
    method: str,
    prior_exponent: float = 0.5,
) -> float:
    """Locate one scenario, record its hit scores and return the time it took."""
    config = LocateConfig(ip_databases=(scenario.ip_database,), prior_exponent=prior_exponent)
    started = time.perf_counter()
    result = locate(scenario.clues, gazetteer, config)
    elapsed = time.perf_counter() - started
    table.add(method, hit_score(gazetteer, result.posterior, scenario.home, study))
    if method == "fused (all clues)":
        order = np.argsort(-result.posterior)
        rank = int(np.flatnonzero(order == scenario.home)[0])
        for coverage in result.coverage:
            table.in_sets.setdefault(coverage.level, []).append(rank < coverage.places)
    return elapsed


def rossmo(gazetteer: Gazetteer, scenario: Scenario, study: np.ndarray, table: Table) -> None:
    """Record the hit scores of Rossmo's profile alone, and with the population prior."""
    sites = next(clue for clue in scenario.clues if isinstance(clue, KnownSitesClue))
    scores = rossmo_scores(gazetteer.latitudes, gazetteer.longitudes, sites.sites)
    table.add("Rossmo only", hit_score(gazetteer, scores, scenario.home, study))
    with_prior = locate([sites], gazetteer).posterior
    prior_scores = hit_score(gazetteer, with_prior, scenario.home, study)
    table.add("Rossmo + population prior^0.5", prior_scores)


def run_set(
    gazetteer: Gazetteer, settings: ScenarioSettings, count: int, seed: int
) -> tuple[Table, list[float], list[Scenario]]:
    """Run every method over one set of scenarios."""
    generator = ScenarioGenerator(gazetteer, settings)
    study = gazetteer.country_mask(settings.country)
    scenarios = [generator.generate(seed * 100_000 + index) for index in range(count)]
    table = Table()
    timings = []
    for scenario in scenarios:
        timings.append(fused(gazetteer, scenario, study, table, "fused (all clues)"))
        rossmo(gazetteer, scenario, study, table)
        fused(gazetteer, scenario, study, table, "fused, prior population^1", 1.0)
        for kind in ABLATIONS:
            if any(clue.label == kind for clue in scenario.clues):
                fused(gazetteer, without(scenario, kind), study, table, f"fused without {kind}")
    for kind in FORCED_WRONG:
        forced = ScenarioGenerator(
            gazetteer, ScenarioSettings(home_weighting=settings.home_weighting, force_wrong=(kind,))
        )
        for index in range(count):
            scenario = forced.generate(seed * 100_000 + index)
            if kind in scenario.wrong:
                fused(gazetteer, scenario, study, table, f"fused, {kind} always wrong")
    return table, timings, scenarios


def row(name: str, values: list[float]) -> str:
    """Format one row of quantiles as percentages."""
    q = quantiles(values)
    cells = " | ".join(
        f"{q[key] * 100:.3f}%" for key in ("p10", "p25", "median", "p75", "p90", "mean")
    )
    return f"| {name} | {len(values)} | {cells} |"


def report(title: str, table: Table, scenarios: list[Scenario]) -> None:
    """Print one scenario set's tables and headline figures."""
    print(f"## {title}")
    print()
    for unit, data in (("places", table.places), ("settled area", table.area)):
        print(f"Hit score by {unit}:")
        print()
        print("| method | n | p10 | p25 | median | p75 | p90 | mean |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, values in data.items():
            print(row(name, values))
        print()
    all_clues = np.array(table.places["fused (all clues)"])
    alone = np.array(table.places["Rossmo only"])
    wrong_any = np.array([bool(scenario.wrong) for scenario in scenarios])
    wrong_median = float(np.median(all_clues[wrong_any])) if wrong_any.any() else float("nan")
    print(
        f"- Median hit score (places): fused {np.median(all_clues) * 100:.3f}% vs Rossmo only "
        f"{np.median(alone) * 100:.3f}%: "
        f"{np.median(alone) / max(np.median(all_clues), 1e-12):.1f}× lower (better)."
    )
    print(
        f"- Fused better than Rossmo only in {np.mean(all_clues < alone) * 100:.0f}% of scenarios, "
        f"worse in {np.mean(all_clues > alone) * 100:.0f}%."
    )
    print(
        f"- Scenarios with at least one wrong clue: {int(wrong_any.sum())} of {len(scenarios)}; "
        f"their median fused hit score {wrong_median * 100:.3f}%."
    )
    for level, hits in table.in_sets.items():
        print(f"- Truth inside the {level:.0%} set: {np.mean(hits) * 100:.0f}% of scenarios.")
    print()


def main() -> None:
    """Run the benchmark and print a Markdown report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    gazetteer = load_default_gazetteer()
    load_s = time.perf_counter() - started
    sets = [
        ("Homes drawn by population (a random resident)", ScenarioSettings()),
        (
            "Homes in villages under 5,000 people (the issue's case)",
            ScenarioSettings(home_weighting="villages"),
        ),
    ]
    print(f"# Locating benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    print()
    print(f"Load average before the run: {os.getloadavg()[0]:.1f} (1 min).")
    print(
        f"Machine: {os.cpu_count()} cores ({platform.machine()}), "
        f"Python {platform.python_version()}, shared with other jobs running at the same time."
    )
    print(
        f"Command: `PYTHONPATH=src .venv/bin/python bench/locate_accuracy.py "
        f"--scenarios {args.scenarios} --seed {args.seed}`"
    )
    print(
        f"Gazetteer: {len(gazetteer)} places (loaded in {load_s:.2f} s); study area: the "
        f"{int(gazetteer.country_mask('RU').sum())} places of RU."
    )
    print()
    print(
        "Hit score = share of the study area's places (or settled area: 0.1° cells holding places) "
        "examined in ranked order until the true home is reached; lower is better."
    )
    print()
    all_timings: list[float] = []
    last: list[Scenario] = []
    for title, settings in sets:
        table, timings, scenarios = run_set(gazetteer, settings, args.scenarios, args.seed)
        all_timings += timings
        last = scenarios
        report(title, table, scenarios)

    six = max(last, key=lambda scenario: len(scenario.clues))
    config = LocateConfig(ip_databases=(six.ip_database,))
    result = locate(six.clues, gazetteer, config)
    speed, grid_speed = [], []
    for _ in range(20):
        t0 = time.perf_counter()
        result = locate(six.clues, gazetteer, config)
        speed.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        grid_layer(gazetteer, result.posterior, cell_km=5.0)
        grid_speed.append(time.perf_counter() - t0)
    print("## Speed")
    print()
    print(f"Load average at the speed test: {os.getloadavg()[0]:.1f} (1 min) on 2 cores.")
    print()
    print(
        f"- locate() with {len(six.clues)} clues ({', '.join(c.label for c in six.clues)}) over "
        f"{len(gazetteer)} places: median {np.median(speed) * 1000:.1f} ms, "
        f"max {np.max(speed) * 1000:.1f} ms (20 runs)."
    )
    print(f"- grid_layer() (5 km cells): median {np.median(grid_speed) * 1000:.1f} ms.")
    print(
        f"- locate() over all scenarios: median {np.median(all_timings) * 1000:.1f} ms, "
        f"p90 {np.percentile(all_timings, 90) * 1000:.1f} ms."
    )


if __name__ == "__main__":
    main()
