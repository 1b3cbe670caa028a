"""The batch model (Splink SQL) and its Python twin (`MatchIndex.score`) on the same pairs."""

from __future__ import annotations

from collections import Counter

import pytest

from wayhome.linking.engine import LinkageModel, features_of, predict
from wayhome.linking.incremental import build_index
from wayhome.linking.records import PersonRecord


def name_levels_agree(model: LinkageModel, records: list[PersonRecord]) -> Counter[str]:
    """Score every blocked pair both ways; assert the name level and the weight agree, and
    return how often each name level was reached."""
    pairs = predict(model, records, threshold_probability=0.0)
    features = features_of(records)
    index = build_index(model, features)
    by_id = {f.unique_id: f for f in features}
    seen: Counter[str] = Counter()
    for pair in pairs:
        sql_level = next(c.level for c in pair.contributions if c.comparison == "name")
        twin = index.score(by_id[pair.left_id], by_id[pair.right_id])
        assert next(c.level for c in twin.contributions if c.comparison == "name") == sql_level
        assert twin.match_weight == pytest.approx(pair.match_weight, abs=1e-6)
        seen[sql_level] += 1
    return seen
