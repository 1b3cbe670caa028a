"""Review feedback moves the thresholds by the documented rule; rejected pairs stay suppressed."""

from __future__ import annotations

import pytest

from wayhome.errors import InvalidInput
from wayhome.linking.review import (
    RejectedPairs,
    ReviewDecision,
    ReviewThresholds,
    adjust_thresholds,
)


def _decisions(scored: list[tuple[float, bool]]) -> list[ReviewDecision]:
    return [ReviewDecision(f"a{i}", f"b{i}", s, ok) for i, (s, ok) in enumerate(scored)]


def test_route() -> None:
    t = ReviewThresholds(accept_at=0.95, review_at=0.4)
    assert [t.route(s) for s in (0.99, 0.5, 0.1)] == ["link", "review", "drop"]


def test_too_few_decisions_change_nothing() -> None:
    current = ReviewThresholds()
    assert adjust_thresholds(current, _decisions([(0.7, True)] * 5)) == current


def test_clean_high_scores_lower_the_accept_threshold_by_at_most_a_step() -> None:
    decisions = _decisions([(0.8 + i * 0.005, True) for i in range(40)])
    new = adjust_thresholds(ReviewThresholds(accept_at=0.99, review_at=0.5), decisions)
    assert new.accept_at == pytest.approx(0.89)  # wanted 0.80, moved by max_step 0.1


def test_rejections_at_high_scores_keep_or_raise_the_accept_threshold() -> None:
    decisions = _decisions([(0.9 + i * 0.002, i % 3 != 0) for i in range(40)])
    new = adjust_thresholds(ReviewThresholds(accept_at=0.95, review_at=0.5), decisions)
    assert new.accept_at == 0.95


def test_review_threshold_follows_the_lowest_accepted_scores() -> None:
    scored = [(0.3, False)] * 20 + [(0.62, True)] * 30 + [(0.95, True)] * 30
    new = adjust_thresholds(ReviewThresholds(accept_at=0.99, review_at=0.5), _decisions(scored))
    assert new.review_at == pytest.approx(0.6)  # towards 0.62 by at most 0.1
    assert new.review_at <= new.accept_at


def test_bad_score_refused() -> None:
    with pytest.raises(InvalidInput):
        adjust_thresholds(ReviewThresholds(), _decisions([(1.2, True)] * 30))


def test_rejected_pairs_suppress_reproposal_in_either_order() -> None:
    rejected = RejectedPairs().with_decisions([ReviewDecision("p1", "p2", 0.8, False)])
    assert not rejected.allows("p2", "p1")
    assert rejected.allows("p1", "p3")
    lifted = rejected.with_decisions([ReviewDecision("p2", "p1", 0.8, True)])
    assert lifted.allows("p1", "p2")
