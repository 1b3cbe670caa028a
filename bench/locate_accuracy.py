"""Accuracy of locating on held-out scenarios of two generators, against Rossmo and the centroid.

The project's generator (wayhome.locate.scenarios) gives the training seeds, on which --tune
chooses the sites' distance scale (median, sigma), the commuter rule (city size, distance,
error rate), the prior exponent and the calibration exponent; the figures are for held-out
seeds of it and of an independent generator (bench/locate_scenarios_independent.py) that shares
no code or parameters with the model.
Ranks are of the true home among the study area's places (Russia's 5,309).

--tune sets the chosen values in place for the rest of the run, so its held-out tables are
for those values; the figures reported in bench/RESULTS.md come from a run without --tune,
on the defaults in likelihood.py and fusion.py (which hold the values a --tune run chose).

Run: PYTHONPATH=src .venv/bin/python bench/locate_accuracy.py [--scenarios 100] [--tune 100]
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from wayhome.errors import InvalidInput
from wayhome.locate import likelihood
from wayhome.locate.clues import (
    Clue,
    IpClue,
    IpLocation,
    KnownSitesClue,
    PhoneClue,
    PostingTimesClue,
    Site,
    TextClue,
)
from wayhome.locate.fusion import CALIBRATION, PRIOR_EXPONENT, LocateConfig, locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.geo import distances_km
from wayhome.locate.likelihood import clue_likelihood
from wayhome.locate.rossmo import rossmo_scores
from wayhome.locate.scenarios import ScenarioGenerator, ScenarioSettings
from wayhome.locate.sources import load_default_gazetteer

sys.path.insert(0, str(Path(__file__).parent))
from locate_scenarios_independent import IndependentGenerator, IndependentScenario, Town

FloatArray = npt.NDArray[np.float64]
REMOVABLE = ("sites", "ip", "times", "phone", "text")
TRAIN_SEED, HELD_OUT_SEED = 1, 2
PRIOR_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
CALIBRATION_GRID = (1.0, 1.25, 1.5, 2.0)
# The calibration the runs use: the library's, or the one --tune chose.
CALIBRATION_USED = [CALIBRATION]
SITE_MEDIAN_GRID = (8.0, 15.0, 25.0)
SITE_SIGMA_GRID = (0.7, 1.0, 1.4)
# The commuter rule (likelihood.py): city size, distance of the sites' centroid, error rate.
COMMUTER_GRID = tuple(
    (people, km, error)
    for people in (300_000, 1_000_000)
    for km in (15.0, 25.0, 50.0)
    for error in (0.5, 0.8, 0.9)
)


@dataclass
class Case:
    """One scenario as the benchmark sees it: clues, the home's row, an IP table, wrong kinds."""

    clues: list[Clue]
    home: int
    wrong: tuple[str, ...]
    databases: tuple[object, ...] = ()


@dataclass
class Outcome:
    """Ranks of the home per method, and whether the 50/90/99 % areas held it."""

    ranks: dict[str, dict[int, float]] = field(default_factory=dict)
    areas: dict[str, dict[float, list[bool]]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    scenario: int = 0

    def add(self, method: str, rank: float, held: dict[float, bool] | None = None) -> None:
        """Record the current scenario's rank (and area hits) for a method."""
        self.ranks.setdefault(method, {})[self.scenario] = rank
        for level, hit in (held or {}).items():
            self.areas.setdefault(method, {}).setdefault(level, []).append(hit)


def rank_of(scores: FloatArray, home: int, study: npt.NDArray[np.bool_]) -> float:
    """Return the home's rank among the study's places (ties count half, as in hit_score)."""
    values = scores[study]
    target = float(scores[home])
    return float(np.sum(values > target) + (np.sum(values == target) + 1) / 2.0)


def wayhome(
    gazetteer: Gazetteer, case: Case, clues: Sequence[Clue], prior: float, out: Outcome, name: str
) -> None:
    """Locate with the product's library and record the rank and the coverage sets' hits."""
    config = LocateConfig(
        ip_databases=case.databases,  # type: ignore[arg-type]
        prior_exponent=prior,
        calibration=CALIBRATION_USED[0],
    )
    started = time.perf_counter()
    result = locate(clues, gazetteer, config)
    out.seconds.append(time.perf_counter() - started)
    study = gazetteer.country_mask("RU")
    if result.is_empty:
        out.add(name, float(study.sum()) / 2, dict.fromkeys((0.5, 0.9, 0.99), False))
        return
    above = int(np.sum(result.posterior > result.posterior[case.home]))
    held = {coverage.level: above < coverage.places for coverage in result.coverage}
    out.add(name, rank_of(result.posterior, case.home, study), held)


def baselines(gazetteer: Gazetteer, case: Case, out: Outcome) -> None:
    """Rossmo's CGT alone and the settlement nearest the sites' centroid."""
    study = gazetteer.country_mask("RU")
    sites = next(c for c in case.clues if isinstance(c, KnownSitesClue)).sites
    cgt = rossmo_scores(gazetteer.latitudes, gazetteer.longitudes, sites)
    out.add("Rossmo CGT alone", rank_of(cgt, case.home, study))
    lat = float(np.mean([s.latitude for s in sites]))
    lon = float(np.mean([s.longitude for s in sites]))
    near = -distances_km(gazetteer.latitudes, gazetteer.longitudes, lat, lon)
    out.add("settlement nearest the sites' centroid", rank_of(near, case.home, study))


def wrong_mention(gazetteer: Gazetteer, case: Case, rng: np.random.Generator) -> TextClue:
    """A mention of a town 300+ km from home: the injected wrong clue."""
    d = distances_km(
        gazetteer.latitudes,
        gazetteer.longitudes,
        float(gazetteer.latitudes[case.home]),
        float(gazetteer.longitudes[case.home]),
    )
    pool = np.flatnonzero(gazetteer.country_mask("RU") & (d > 300) & (gazetteer.populations > 1e4))
    named = int(rng.choice(pool))
    name = gazetteer.local_names[named] or gazetteer.names[named]
    return TextClue(label="wrong text", text=f"я сейчас в городе {name}")


def wrong_phone(
    gazetteer: Gazetteer, case: Case, numbers: dict[str, list[str]], rng: np.random.Generator
) -> PhoneClue:
    """A fixed-line number of a region whose places lie 300+ km from home: the injected wrong
    phone (it replaces the scenario's own phone, if any)."""
    lat, lon = float(gazetteer.latitudes[case.home]), float(gazetteer.longitudes[case.home])
    far = []
    for region, region_numbers in sorted(numbers.items()):
        rows = np.flatnonzero(gazetteer.region_mask(region))
        d = distances_km(gazetteer.latitudes[rows], gazetteer.longitudes[rows], lat, lon)
        if rows.size and d.min() > 300:
            far.append(region_numbers[0])
    return PhoneClue(label="phone", number=str(rng.choice(far)))


def run(gazetteer: Gazetteer, cases: list[Case], prior: float, full: bool = True) -> Outcome:
    """Run Wayhome, the baselines, each clue removed and one wrong clue over a set of cases."""
    out = Outcome()
    rng = np.random.default_rng(7)
    numbers = ScenarioGenerator(gazetteer).region_numbers if full else {}
    for index, case in enumerate(cases):
        out.scenario = index
        wayhome(gazetteer, case, case.clues, prior, out, "Wayhome (defaults)")
        if not full:
            continue
        baselines(gazetteer, case, out)
        for label in REMOVABLE:
            kept = [c for c in case.clues if c.label != label]
            if len(kept) < len(case.clues):
                wayhome(gazetteer, case, kept, prior, out, f"Wayhome without {label}")
        if not case.wrong:
            injected = [*case.clues, wrong_mention(gazetteer, case, rng)]
            wayhome(gazetteer, case, injected, prior, out, "Wayhome + one wrong mention")
            phone = wrong_phone(gazetteer, case, numbers, rng)
            injected = [*(c for c in case.clues if c.label != "phone"), phone]
            wayhome(gazetteer, case, injected, prior, out, "Wayhome + one wrong phone")
    return out


def project_cases(gazetteer: Gazetteer, seed: int, count: int) -> list[Case]:
    """Scenarios of the project's generator."""
    generator = ScenarioGenerator(gazetteer, ScenarioSettings())
    cases = []
    for index in range(count):
        scenario = generator.generate(seed * 100_000 + index)
        cases.append(Case(scenario.clues, scenario.home, scenario.wrong, (scenario.ip_database,)))
    return cases


def _address(seed: int) -> str:
    """A global IPv4 address for a scenario whose IP is known only by its country."""
    rng = np.random.default_rng(seed)
    while True:
        address = ipaddress.IPv4Address(int(rng.integers(1 << 24, (224 << 24) - 1)))
        if address.is_global:
            return str(address)


def independent_cases(gazetteer: Gazetteer, count: int) -> tuple[list[Case], int]:
    """Scenarios of the independent generator as the product's clues; unenterable clues counted."""
    generator = IndependentGenerator()
    cases, refused = [], 0
    for seed in range(count):
        s = generator.generate(seed)
        clues: list[Clue] = [
            KnownSitesClue(label="sites", sites=[Site(lat, lon) for lat, lon in s.sites]),
            IpClue(label="ip", ip=_address(seed), located=IpLocation(country=s.ip_country)),
            PostingTimesClue(label="times", timestamps=s.posts),
        ]
        if s.phone is not None:
            clues.append(PhoneClue(label="phone", number=s.phone))
        if s.text is not None:
            clues.append(TextClue(label="text", text=s.text))
        kept = []
        for clue in clues:
            try:
                clue_likelihood(clue, gazetteer)
                kept.append(clue)
            except InvalidInput:
                refused += 1
        home = gazetteer.index_of(s.home)
        cases.append(Case(kept, home, (s.wrong,) if s.wrong else ()))
    return cases, refused


class _Recording(IndependentGenerator):
    """The independent generator, noting which towns each scenario's lines name."""

    said: list[Town]

    def _say(self, rng: random.Random, town: Town) -> str:
        self.said.append(town)
        return super()._say(rng, town)


def _km_to(latitudes: FloatArray, longitudes: FloatArray, lat: float, lon: float) -> FloatArray:
    """Haversine km from arrays of points to one point (the independent generator's formula)."""
    p1, p2 = np.radians(latitudes), np.radians(lat)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon - longitudes) / 2) ** 2
    )
    return np.asarray(2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def independent_ceiling(count: int) -> list[float]:
    """Ranks of the home under the independent generator's OWN law: its list of possible homes,
    its site distances (uniform 5-60 km, so per km² 1/d) and its mention habits (30 % home,
    50 % district town, 20 % regional capital, 70 % without a district town), the wrong line
    left out. No model can know
    that much; it bounds what any method can reach on these scenarios. Phone, IP and posting
    times are left out (they would add a little)."""
    generator = _Recording()
    homes = generator.homes
    lat = np.array([t.latitude for t in homes])
    lon = np.array([t.longitude for t in homes])
    district = [generator._district_town(t) for t in homes]
    capital = [generator.capitals.get(t.region) for t in homes]
    index = {t.geonameid: i for i, t in enumerate(homes)}
    ranks = []
    for seed in range(count):
        generator.said = []
        scenario: IndependentScenario = generator.generate(seed)
        named = generator.said[:-1] if scenario.wrong == "text" else generator.said
        log_l = np.zeros(len(homes))
        for site_lat, site_lon in scenario.sites:
            d = _km_to(lat, lon, site_lat, site_lon)
            inside = (d >= 5.0) & (d <= 60.0)
            log_l += np.where(inside, -np.log(np.maximum(d, 1e-9)), -np.inf)
        for town in named:
            chance = np.array(
                [
                    0.3 * (homes[i] is town)
                    + 0.5 * (district[i] is town)
                    + (0.2 if district[i] is not None else 0.7) * (capital[i] is town)
                    for i in range(len(homes))
                ]
            )
            log_l += np.log(chance + 1e-4)
        home = index[scenario.home]
        ranks.append(float(np.sum(log_l > log_l[home]) + (np.sum(log_l == log_l[home]) + 1) / 2.0))
    return ranks


def table(title: str, out: Outcome) -> None:
    """Print one Markdown table: top-k shares, median rank and coverage of the areas."""
    print(f"### {title}")
    print()
    print(
        "| method | n | top-1 | top-3 | top-10 | median rank | same scenarios, all clues: "
        "median rank | 50 % area | 90 % area | 99 % area |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    full = out.ranks["Wayhome (defaults)"]
    for method, by_scenario in out.ranks.items():
        ranks = np.array(list(by_scenario.values()))
        paired = np.median([full[index] for index in by_scenario])
        n = ranks.size
        areas = out.areas.get(method, {})
        cells = [
            f"{int(np.sum(ranks <= k))}/{n} ({np.mean(ranks <= k) * 100:.0f} %)" for k in (1, 3, 10)
        ]
        held = [
            f"{np.mean(areas[level]) * 100:.0f} %" if level in areas else "-"
            for level in (0.5, 0.9, 0.99)
        ]
        print(
            f"| {method} | {n} | {' | '.join(cells)} | {np.median(ranks):g} | {paired:g} "
            f"| {' | '.join(held)} |"
        )
    mine = np.array(list(full.values()))
    cgt = np.array(list(out.ranks["Rossmo CGT alone"].values()))
    print()
    print(
        f"Wayhome ranks the home above Rossmo in {int(np.sum(mine < cgt))} scenarios, "
        f"below in {int(np.sum(mine > cgt))}."
    )
    print()


def _score(gazetteer: Gazetteer, cases: list[Case], exponent: float) -> tuple[float, ...]:
    """Return mean log rank, top-1, top-3, top-10 and median rank of Wayhome over cases."""
    outcome = run(gazetteer, cases, exponent, full=False)
    ranks = np.array(list(outcome.ranks["Wayhome (defaults)"].values()))
    return (
        float(np.mean(np.log(ranks))),
        float(np.mean(ranks <= 1)),
        float(np.mean(ranks <= 3)),
        float(np.mean(ranks <= 10)),
        float(np.median(ranks)),
    )


def _row(name: str, score: tuple[float, ...]) -> str:
    """One Markdown row of a tuning table."""
    return (
        f"| {name} | {score[1] * 100:.0f} % | {score[2] * 100:.0f} % | {score[3] * 100:.0f} % "
        f"| {score[4]:g} | {score[0]:.3f} |"
    )


def _set_sites(median_km: float, sigma: float) -> None:
    """Set the sites' distance law in the library, and its reach as likelihood.py derives it."""
    likelihood.SITE_MEDIAN_KM, likelihood.SITE_SIGMA = median_km, sigma
    likelihood.SITE_REACH_KM = median_km * float(np.exp(3.0 * sigma))


def tune(gazetteer: Gazetteer, count: int) -> float:
    """Choose the sites' scale, then the commuter rule, then the prior exponent (lowest mean
    log rank) and the calibration, on training seeds of the project's generator only; the
    library's defaults are then set by hand."""
    cases = project_cases(gazetteer, TRAIN_SEED, count)
    print(f"### Tuning on {count} training scenarios (project generator, seed {TRAIN_SEED})")
    print()
    print("| setting | top-1 | top-3 | top-10 | median rank | mean log rank |")
    print("| --- | --- | --- | --- | --- | --- |")
    defaults = (likelihood.SITE_MEDIAN_KM, likelihood.SITE_SIGMA)
    scored = []
    for median_km in SITE_MEDIAN_GRID:
        for sigma in SITE_SIGMA_GRID:
            _set_sites(median_km, sigma)
            score = _score(gazetteer, cases, PRIOR_EXPONENT)
            print(_row(f"sites median {median_km:g} km, sigma {sigma:g}", score))
            scored.append((score[0], median_km, sigma))
    _, median_km, sigma = min(scored)
    _set_sites(median_km, sigma)
    commuter = (
        likelihood.COMMUTER_POPULATION,
        likelihood.COMMUTER_KM,
        likelihood.COMMUTER_ERROR,
    )
    chosen_commuter, best_commuter = commuter, np.inf
    for people, km, error in COMMUTER_GRID:
        likelihood.COMMUTER_POPULATION, likelihood.COMMUTER_KM = people, km
        likelihood.COMMUTER_ERROR = error
        score = _score(gazetteer, cases, PRIOR_EXPONENT)
        print(_row(f"commuter: {people:,}+ people within {km:g} km, error {error:g}", score))
        if score[0] < best_commuter:
            chosen_commuter, best_commuter = (people, km, error), score[0]
    (
        likelihood.COMMUTER_POPULATION,
        likelihood.COMMUTER_KM,
        likelihood.COMMUTER_ERROR,
    ) = chosen_commuter
    best, best_score = PRIOR_EXPONENT, np.inf
    for exponent in PRIOR_GRID:
        score = _score(gazetteer, cases, exponent)
        print(_row(f"prior exponent {exponent:g}", score))
        if score[0] < best_score:
            best, best_score = exponent, score[0]
    chosen_calibration, best_gap = CALIBRATION, np.inf
    for calibration in CALIBRATION_GRID:
        CALIBRATION_USED[0] = calibration
        outcome = run(gazetteer, cases, best, full=False)
        held = outcome.areas["Wayhome (defaults)"]
        gap = abs(np.mean(held[0.9]) - 0.9) + abs(np.mean(held[0.5]) - 0.5)
        print(
            f"| calibration {calibration:g} | 50 % area {np.mean(held[0.5]) * 100:.0f} % | "
            f"90 % area {np.mean(held[0.9]) * 100:.0f} % | 99 % area "
            f"{np.mean(held[0.99]) * 100:.0f} % | | |"
        )
        if gap < best_gap:
            chosen_calibration, best_gap = calibration, gap
    CALIBRATION_USED[0] = chosen_calibration
    print()
    print(
        f"Chosen: sites median {median_km:g} km, sigma {sigma:g} (library: {defaults[0]:g}, "
        f"{defaults[1]:g}); commuter {chosen_commuter} (library: {commuter}); prior exponent "
        f"{best:g} (library: {PRIOR_EXPONENT:g}); calibration {chosen_calibration:g} (library: "
        f"{CALIBRATION:g})."
    )
    print()
    return best


def main() -> None:
    """Run the benchmark and print a Markdown report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=100)
    parser.add_argument("--tune", type=int, default=0, help="training scenarios; 0: no tuning")
    args = parser.parse_args()
    gazetteer = load_default_gazetteer()
    print(f"## Locating accuracy ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    print()
    print(
        f"Machine: {os.cpu_count()} cores ({platform.machine()}), Python "
        f"{platform.python_version()}, shared with other sessions; load {os.getloadavg()[0]:.1f}."
    )
    print(
        f"Command: `PYTHONPATH=src .venv/bin/python bench/locate_accuracy.py --scenarios "
        f"{args.scenarios} --tune {args.tune}`; gazetteer {len(gazetteer)} places, ranks among "
        f"the {int(gazetteer.country_mask('RU').sum())} of Russia."
    )
    print()
    prior = tune(gazetteer, args.tune) if args.tune else PRIOR_EXPONENT
    sets: list[tuple[str, Callable[[], tuple[list[Case], int]]]] = [
        (
            f"Project generator, held-out seeds (seed {HELD_OUT_SEED})",
            lambda: (project_cases(gazetteer, HELD_OUT_SEED, args.scenarios), 0),
        ),
        (
            "Independent generator (bench/locate_scenarios_independent.py), seeds 0..n-1",
            lambda: independent_cases(gazetteer, args.scenarios),
        ),
    ]
    seconds: list[float] = []
    for title, make in sets:
        cases, refused = make()
        out = run(gazetteer, cases, prior)
        seconds += out.seconds
        if title.startswith("Independent"):
            for index, rank in enumerate(independent_ceiling(args.scenarios)):
                out.scenario = index
                out.add(
                    "ceiling (an oracle, not a model; not tuned): "
                    "the generator's own law (sites + mentions)",
                    rank,
                )
        table(f"{title}, prior exponent {prior}", out)
        if refused:
            print(f"Clues the library refused (not enterable): {refused}.")
            print()
    print(
        f"locate() per call over all runs: median {np.median(seconds) * 1000:.0f} ms, "
        f"p90 {np.percentile(seconds, 90) * 1000:.0f} ms (contended CPU)."
    )


if __name__ == "__main__":
    main()
