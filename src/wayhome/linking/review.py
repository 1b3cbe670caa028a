"""Learning from reviewers: move the two review thresholds and never re-propose a rejected pair.

Proposals at or above `accept_at` are linked at once (and stay open to review); those between
`review_at` and `accept_at` go to a reviewer; below `review_at` nothing is proposed.

The rule, applied to the decisions made so far (each a score and accepted/rejected):
  * `accept_at` becomes the lowest score s such that, among decisions scored at or above s,
    reviewers accepted at least `target_precision` of them (and at least `min_decisions` lie
    there); if no such s exists, it stays where it was.
  * `review_at` becomes the score below which only `miss_rate` of the accepted decisions lie
    (the `miss_rate` quantile of accepted scores), so the queue keeps nearly every true link.
  * Each threshold moves at most `max_step` per adjustment, and `review_at <= accept_at`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wayhome.errors import InvalidInput


@dataclass(frozen=True)
class ReviewThresholds:
    """Automatic-link and review-queue thresholds on the match probability."""

    accept_at: float = 0.99
    review_at: float = 0.5

    def route(self, score: float) -> str:
        """Where a proposal with this score goes: link, review or drop."""
        if score >= self.accept_at:
            return "link"
        if score >= self.review_at:
            return "review"
        return "drop"


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer's verdict on one proposed link."""

    left: str
    right: str
    score: float
    accepted: bool


def pair_key(left: str, right: str) -> frozenset[str]:
    """An order-free key for a pair of entities."""
    return frozenset((left, right))


def _step(current: float, target: float, max_step: float) -> float:
    """Move from current towards target by at most max_step."""
    return current + max(-max_step, min(max_step, target - current))


def adjust_thresholds(
    current: ReviewThresholds,
    decisions: Iterable[ReviewDecision],
    *,
    target_precision: float = 0.99,
    miss_rate: float = 0.02,
    min_decisions: int = 20,
    max_step: float = 0.1,
) -> ReviewThresholds:
    """New thresholds from reviewers' decisions, by the rule in this module's docstring."""
    made = sorted(decisions, key=lambda d: d.score, reverse=True)
    for d in made:
        if not 0.0 <= d.score <= 1.0:
            raise InvalidInput(f"score {d.score} is not in 0..1", location=f"{d.left}/{d.right}")
    if len(made) < min_decisions:
        return current
    accept_at = current.accept_at
    accepted_so_far = 0
    candidate: float | None = None
    for count, decision in enumerate(made, start=1):
        accepted_so_far += decision.accepted
        if count >= min_decisions and accepted_so_far / count >= target_precision:
            candidate = decision.score
    if candidate is not None:
        accept_at = _step(current.accept_at, candidate, max_step)
    accepted_scores = sorted(d.score for d in made if d.accepted)
    review_at = current.review_at
    if accepted_scores:
        index = int(miss_rate * len(accepted_scores))
        review_at = _step(current.review_at, accepted_scores[index], max_step)
    review_at = min(review_at, accept_at)
    return ReviewThresholds(accept_at=round(accept_at, 6), review_at=round(review_at, 6))


@dataclass(frozen=True)
class RejectedPairs:
    """Pairs a reviewer has rejected; they are never proposed again."""

    pairs: frozenset[frozenset[str]] = frozenset()

    def with_decisions(self, decisions: Iterable[ReviewDecision]) -> RejectedPairs:
        """The set after these decisions (a later acceptance lifts an earlier rejection)."""
        pairs = set(self.pairs)
        for decision in decisions:
            key = pair_key(decision.left, decision.right)
            if decision.accepted:
                pairs.discard(key)
            else:
                pairs.add(key)
        return RejectedPairs(frozenset(pairs))

    def allows(self, left: str, right: str) -> bool:
        """False when this pair was rejected before."""
        return pair_key(left, right) not in self.pairs
