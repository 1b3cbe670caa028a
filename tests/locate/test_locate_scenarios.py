"""Generated scenarios: reproducible, truthful, and fused locating beats Rossmo alone on them."""

from __future__ import annotations

import numpy as np

from wayhome.locate.clues import KnownSitesClue, TextClue
from wayhome.locate.fusion import LocateConfig, locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.mentions import find_mentions
from wayhome.locate.rossmo import rossmo_scores
from wayhome.locate.scenarios import (
    ScenarioGenerator,
    ScenarioSettings,
    hit_score,
    prepositional,
    quantiles,
    without,
)


def test_prepositional_case_round_trips_through_the_matcher(russia: Gazetteer) -> None:
    assert prepositional("Макариха") == "Макарихе"
    assert prepositional("Тверь") == "Твери"
    assert prepositional("Мытищи") == "Мытищах"
    assert prepositional("Иваново") == "Иваново"
    for name in ("Пивовариха", "Тверь", "Мытищи", "Иркутск"):
        assert russia.find(prepositional(name)), name


def test_scenarios_are_reproducible_and_keep_the_truth(russia: Gazetteer) -> None:
    generator = ScenarioGenerator(russia)
    first, again = generator.generate(11), generator.generate(11)
    assert first.home == again.home and [c.label for c in first.clues] == [
        c.label for c in again.clues
    ]
    assert russia.countries[int(russia.country_codes[first.home])] == "RU"
    for seed in range(20):
        scenario = generator.generate(seed)
        assert 500 <= int(russia.populations[scenario.home]) <= 15_000
        texts = [c for c in scenario.clues if isinstance(c, TextClue)]
        assert all(1 <= len(find_mentions(c.text, russia)) <= 2 for c in texts), texts
    assert "sites" not in [c.label for c in without(first, "sites").clues]
    forced = ScenarioGenerator(
        russia, ScenarioSettings(force_wrong=("text",), p_text=1.0)
    ).generate(3)
    assert "text" in forced.wrong


def test_fused_beats_rossmo_on_generated_cases(russia: Gazetteer) -> None:
    generator = ScenarioGenerator(russia, ScenarioSettings(home_weighting="villages"))
    study = russia.country_mask("RU")
    fused, rossmo = [], []
    for seed in range(12):
        scenario = generator.generate(seed)
        result = locate(scenario.clues, russia, LocateConfig(ip_databases=(scenario.ip_database,)))
        fused.append(hit_score(russia, result.posterior, scenario.home, study)[0])
        sites = next(c for c in scenario.clues if isinstance(c, KnownSitesClue))
        scores = rossmo_scores(russia.latitudes, russia.longitudes, sites.sites)
        rossmo.append(hit_score(russia, scores, scenario.home, study)[0])
    assert all(0 < value <= 1 for value in fused + rossmo)
    assert np.median(fused) <= np.median(rossmo)
    assert np.mean(np.log(fused)) < np.mean(np.log(rossmo))
    assert quantiles(fused)["median"] == np.median(fused)


def test_hit_score_counts_places_ranked_above_the_truth(tiny: Gazetteer) -> None:
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 0.0])
    study = np.array([True] * 5 + [False])
    places, area = hit_score(tiny, scores, 2, study)
    assert places == 3 / 5
    assert 0 < area <= 1
    assert hit_score(tiny, scores, 0, study)[0] == 1 / 5
