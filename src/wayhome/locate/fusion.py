"""Fuse clues into a posterior over places that no single wrong clue can ruin.

Each soft clue's likelihood L (scaled to a maximum of 1) is mixed with a flat one by its error
rate ε: (1-ε)·L + ε·w, where w is what a wrong clue says about any place: L's average under the
prior, but never less than the clue kind's wrong_level (likelihood.py). So one clue multiplies
the odds between any two places by at most ((1-ε+ε·w)/(ε·w))^k, k the calibration — its bound,
`max_pull` — which for a chat's mention (ε 0.35, w 0.05) is 38^k and for the known sites (ε 0.2,
w 0.005) 801^k: a wrong mention cannot outweigh the sites, and a wrong clue lifts above the
truth only places whose other evidence was already within that factor of it.
Hard constraints are investigator statements and multiply as 0/1 masks; when they leave no
place, the result says which of them exclude everything instead of returning zeros.
"""

from __future__ import annotations

import itertools
import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from wayhome.locate.clues import Clue, IpClue
from wayhome.locate.gazetteer import Gazetteer, Place
from wayhome.locate.ipdata import IpDatabase, resolve_ip
from wayhome.locate.likelihood import ClueLikelihood, clue_likelihood

FloatArray = npt.NDArray[np.float64]
# Places with no population in GeoNames are still settlements: counted as this many people.
POPULATION_FLOOR = 200
PRIOR_EXPONENT = 0.0
# The clues' log-likelihoods are multiplied by this before they join the prior: the mixtures'
# floors leave the posterior too wide, so that its 90 % set held the home in nearly every
# training scenario; this sharpening (chosen on training seeds, like the prior) brings the
# 50/90/99 % sets near their levels. It keeps the order of places when the prior is flat.
CALIBRATION = 1.5
NO_CLUES = (
    "no clue says where the person lives: constraints alone only say where not to look, "
    "so no place is ranked"
)


@dataclass(frozen=True)
class LocateConfig:
    """Settings of a locating run; the defaults suit a national search."""

    # Prior ∝ population^a: between "a random resident" (1.0) and "any settlement" (0.0); a was
    # chosen on training seeds of the project's generator only (bench/locate_accuracy.py --tune,
    # bench/RESULTS.md "Locating").
    prior_exponent: float = PRIOR_EXPONENT
    calibration: float = CALIBRATION
    population_floor: int = POPULATION_FLOOR
    coverage_levels: tuple[float, ...] = (0.5, 0.9, 0.99)
    top: int = 20
    area_cell_deg: float = 0.1
    ip_databases: tuple[IpDatabase, ...] = ()


@dataclass(frozen=True)
class RankedPlace:
    """A place, its probability, and each clue's log-likelihood ratio for it (vs the average)."""

    rank: int
    place: Place
    probability: float
    contributions: dict[str, float]


@dataclass(frozen=True)
class CoverageSet:
    """The fewest places holding a share of the probability, and their area and population."""

    level: float
    places: int
    area_km2: float
    population: int


@dataclass(frozen=True, eq=False)
class LocateResult:
    """The posterior over places, the top places, coverage sets, and why it may be empty."""

    posterior: FloatArray
    ranked: list[RankedPlace]
    coverage: list[CoverageSet]
    clues: list[ClueLikelihood]
    empty_reason: str | None = None
    notes: list[str] = field(default_factory=list)
    gazetteer: Gazetteer | None = None
    mixed: list[FloatArray] = field(default_factory=list)

    def contributions_of(self, row: int) -> dict[str, float]:
        """Return each soft clue's log-likelihood ratio for one place against the average place."""
        return {
            likelihood.label: round(float(np.log(part[row])), 3)
            for likelihood, part in zip(self.clues, self.mixed, strict=True)
            if not likelihood.hard
        }

    @property
    def is_empty(self) -> bool:
        """Say whether the constraints excluded every place."""
        return self.empty_reason is not None


def population_prior(gazetteer: Gazetteer, config: LocateConfig) -> FloatArray:
    """Return the prior: people live where people are, so a place weighs by its population."""
    people = np.maximum(gazetteer.populations, config.population_floor).astype(np.float64)
    prior = people**config.prior_exponent
    return np.asarray(prior / prior.sum())


def wrong_level(likelihood: ClueLikelihood, scaled: FloatArray, prior: FloatArray) -> float:
    """Return what a wrong clue says of any place: the prior mean of L/max(L), floored."""
    # Element-wise sums rather than np.dot: BLAS threads stall on a busy shared machine.
    return max(float((prior * scaled).sum()), likelihood.wrong_level)


def max_pull(likelihood: ClueLikelihood, prior: FloatArray, calibration: float = 1.0) -> float:
    """Return the most this clue can multiply the odds between two places: its influence bound."""
    values = np.clip(np.nan_to_num(likelihood.values, nan=0.0, posinf=0.0), 0.0, None)
    peak = float(values.max()) if values.size else 0.0
    if peak <= 0.0 or likelihood.error_rate <= 0.0:
        return math.inf if likelihood.error_rate <= 0.0 and peak > 0.0 else 1.0
    w = wrong_level(likelihood, values / peak, prior)
    epsilon = likelihood.error_rate
    return float(((1.0 - epsilon + epsilon * w) / (epsilon * w)) ** calibration)


def mixed_likelihood(likelihood: ClueLikelihood, prior: FloatArray) -> FloatArray:
    """Return (1-ε)·L/max(L) + ε·w (w from `wrong_level`), divided by its own prior-weighted
    mean, so that 0 means 'as likely as the average place' on a log scale.
    """
    values = np.clip(np.nan_to_num(likelihood.values, nan=0.0, posinf=0.0), 0.0, None)
    peak = float(values.max()) if values.size else 0.0
    if peak <= 0.0:
        return np.ones_like(values)
    scaled = values / peak
    w = wrong_level(likelihood, scaled, prior)
    mixed = (1.0 - likelihood.error_rate) * scaled + likelihood.error_rate * w
    return np.asarray(mixed / float((prior * mixed).sum()))


def _informative(likelihood: ClueLikelihood) -> bool:
    """Say whether a clue says where the person lives (not only where he does not).

    A sure constraint that leaves less than half of the places ("within 150 km of Yaroslavl",
    "in this region") says where to look; one that leaves most of them (an excluded area)
    only says where not to.
    """
    if likelihood.hard:
        kept = float(np.count_nonzero(likelihood.values > 0)) / max(likelihood.values.size, 1)
        return likelihood.error_rate > 0 or kept < 0.5
    return likelihood.error_rate < 1.0


def _empty_reason(hard: Sequence[ClueLikelihood]) -> str:
    """Name the constraints that together exclude every place, smallest group first."""
    for size in range(1, len(hard) + 1):
        for group in itertools.combinations(hard, size):
            mask = np.ones(group[0].values.shape[0], dtype=bool)
            for likelihood in group:
                mask &= likelihood.values > 0
            if not mask.any():
                names = " and ".join(repr(likelihood.label) for likelihood in group)
                if size == 1:
                    return f"the constraint {names} excludes every place"
                return f"the constraints {names} exclude every place together"
    return "the constraints exclude every place"


_CELLS: weakref.WeakKeyDictionary[Gazetteer, dict[float, tuple[npt.NDArray[np.int64], FloatArray]]]
_CELLS = weakref.WeakKeyDictionary()
_CELL_COLUMNS = 1 << 32


def _cells_of(gazetteer: Gazetteer, cell_deg: float) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Return each place's map cell (as one integer) and the cell's km², once per gazetteer."""
    by_size = _CELLS.setdefault(gazetteer, {})
    if cell_deg not in by_size:
        rows = np.floor(gazetteer.latitudes / cell_deg).astype(np.int64)
        cols = np.floor(gazetteer.longitudes / cell_deg).astype(np.int64)
        side = 111.32 * cell_deg
        area = side * side * np.cos(np.radians((rows + 0.5) * cell_deg))
        by_size[cell_deg] = (rows * _CELL_COLUMNS + cols, np.asarray(area, dtype=np.float64))
    return by_size[cell_deg]


def coverage_sets(
    gazetteer: Gazetteer,
    posterior: FloatArray,
    levels: Sequence[float],
    cell_deg: float,
    order: npt.NDArray[np.int64] | None = None,
) -> list[CoverageSet]:
    """Return, for each level, the fewest places holding that share, with area and population.

    The area is that of the map cells (cell_deg square) holding those places. One sort serves
    every level: a cell counts from the first place of it in ranked order.
    """
    if order is None:
        order = np.argsort(-posterior, kind="stable")
    cumulative = np.cumsum(posterior[order])
    counts = [
        min(int(np.searchsorted(cumulative, level - 1e-12)) + 1, order.size) for level in levels
    ]
    if not counts:
        return []
    reach = max(counts)
    chosen = order[:reach]
    keys, areas = _cells_of(gazetteer, cell_deg)
    _, first = np.unique(keys[chosen], return_index=True)
    first.sort()
    area_until = np.cumsum(areas[chosen[first]])
    people_until = np.cumsum(gazetteer.populations[chosen])
    sets = []
    for level, count in zip(levels, counts, strict=True):
        cells = int(np.searchsorted(first, count))
        sets.append(
            CoverageSet(
                level=level,
                places=count,
                area_km2=round(float(area_until[cells - 1]) if cells else 0.0, 1),
                population=int(people_until[count - 1]),
            )
        )
    return sets


def locate(
    clues: Sequence[Clue], gazetteer: Gazetteer, config: LocateConfig | None = None
) -> LocateResult:
    """Return the posterior over places given the clues, ranked, with coverage and reasons."""
    settings = config or LocateConfig()
    resolved = [
        resolve_ip(clue, list(settings.ip_databases))
        if isinstance(clue, IpClue) and clue.located is None
        else clue
        for clue in clues
    ]
    likelihoods = [clue_likelihood(clue, gazetteer) for clue in resolved]
    count = len(gazetteer)
    prior = population_prior(gazetteer, settings)
    log_posterior = np.log(prior)
    mixed: list[FloatArray] = []
    hard = [
        likelihood for likelihood in likelihoods if likelihood.hard and likelihood.error_rate == 0
    ]
    allowed = np.ones(count, dtype=bool)
    for likelihood in hard:
        allowed &= likelihood.values > 0
    if hard and not allowed.any():
        return LocateResult(
            posterior=np.zeros(count),
            ranked=[],
            coverage=[],
            clues=likelihoods,
            empty_reason=_empty_reason(hard),
            gazetteer=gazetteer,
        )
    if not any(_informative(likelihood) for likelihood in likelihoods):
        return LocateResult(
            posterior=np.zeros(count),
            ranked=[],
            coverage=[],
            clues=likelihoods,
            empty_reason=NO_CLUES,
            gazetteer=gazetteer,
        )
    for likelihood in likelihoods:
        part = mixed_likelihood(likelihood, prior)
        mixed.append(part)
        if likelihood.hard and likelihood.error_rate == 0:
            continue
        log_posterior += settings.calibration * np.log(part)
    log_posterior = np.where(allowed, log_posterior, -np.inf)
    log_posterior -= np.max(log_posterior)
    posterior = np.exp(log_posterior)
    posterior /= posterior.sum()
    order = np.argsort(-posterior, kind="stable")
    top = order[: settings.top]
    ranked = [
        RankedPlace(
            rank=position + 1,
            place=gazetteer.place(int(row)),
            probability=float(posterior[row]),
            contributions={
                likelihood.label: round(float(np.log(part[row])), 3)
                for likelihood, part in zip(likelihoods, mixed, strict=True)
                if not likelihood.hard
            },
        )
        for position, row in enumerate(top)
        if posterior[row] > 0
    ]
    notes = [
        f"{likelihood.label}: {note}" for likelihood in likelihoods for note in likelihood.notes
    ]
    return LocateResult(
        posterior=posterior,
        ranked=ranked,
        coverage=coverage_sets(
            gazetteer, posterior, settings.coverage_levels, settings.area_cell_deg, order
        ),
        clues=likelihoods,
        notes=notes,
        gazetteer=gazetteer,
        mixed=mixed,
    )


def result_as_json(result: LocateResult) -> dict[str, object]:
    """Return a locating result as plain data for an API answer or a stored report."""
    return {
        "empty_reason": result.empty_reason,
        "ranked": [
            {
                "rank": ranked.rank,
                "geonameid": ranked.place.geonameid,
                "name": ranked.place.name,
                "local_name": ranked.place.local_name,
                "latitude": ranked.place.latitude,
                "longitude": ranked.place.longitude,
                "population": ranked.place.population,
                "country": ranked.place.country,
                "region": ranked.place.region,
                "probability": ranked.probability,
                "contributions": ranked.contributions,
            }
            for ranked in result.ranked
        ],
        "coverage": [
            {
                "level": coverage.level,
                "places": coverage.places,
                "area_km2": coverage.area_km2,
                "population": coverage.population,
            }
            for coverage in result.coverage
        ],
        "clues": [
            {
                "label": clue.label,
                "kind": clue.kind,
                "error_rate": clue.error_rate,
                "hard": clue.hard,
                "notes": list(clue.notes),
            }
            for clue in result.clues
        ],
        "notes": list(result.notes),
    }
