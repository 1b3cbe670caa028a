"""Link assertions between personas or persons, built by adding up evidence as log-odds.

Each evidence function (see `persona`) yields a score in 0..1 and an explanation. A score is
turned into a contribution in bits (log2 odds) by the kind's weight: at the kind's baseline
(what two unrelated personas typically score) it adds nothing, at 1.0 it adds `for_bits`, at 0.0
it subtracts `against_bits`. The weights below are set by hand from the benchmark
(bench/RESULTS.md, "Identity resolution") and from how investigators rank the kinds:
a shared PGP key or e-mail address is near-proof, writing style and posting times alone are weak.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from wayhome.errors import InvalidInput


@dataclass(frozen=True)
class EvidenceScore:
    """What one evidence function found: its kind, a score in 0..1 and why."""

    kind: str
    score: float
    explanation: str


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence inside an assertion, with its contribution in bits."""

    kind: str
    detail: str
    contribution: float


@dataclass(frozen=True)
class Assertion:
    """A claim that two entities are the same, with its probability, evidence and author."""

    left: str
    right: str
    score: float
    evidence: tuple[Evidence, ...]
    made_by: str

    @property
    def strong(self) -> bool:
        """True when a strong selector (key, e-mail, wallet, phone) alone supports the link."""
        return any(
            e.kind == "shared_selector" and e.contribution >= STRONG_BITS for e in self.evidence
        )

    @property
    def pair(self) -> frozenset[str]:
        """The two entities, order-free."""
        return frozenset((self.left, self.right))


@dataclass(frozen=True)
class EvidenceWeight:
    """How a score of one kind becomes bits: baseline score, bits at 1.0, bits taken at 0.0."""

    baseline: float
    for_bits: float
    against_bits: float


# Bits of log-odds. A shared strong selector (14 bits, odds ~16000:1) outweighs the prior of
# about 1:1000 on its own; stylometry and posting times (2-3 bits) never do without support.
EVIDENCE_WEIGHTS: dict[str, EvidenceWeight] = {
    "shared_selector": EvidenceWeight(baseline=0.0, for_bits=14.0, against_bits=0.0),
    "handle": EvidenceWeight(baseline=0.6, for_bits=5.0, against_bits=1.0),
    "posting_time": EvidenceWeight(baseline=0.6, for_bits=2.0, against_bits=1.5),
    "stylometry": EvidenceWeight(baseline=0.5, for_bits=3.0, against_bits=1.0),
    "co_occurrence": EvidenceWeight(baseline=0.0, for_bits=3.0, against_bits=0.0),
    "person_match": EvidenceWeight(baseline=0.5, for_bits=12.0, against_bits=6.0),
    "name": EvidenceWeight(baseline=0.5, for_bits=6.0, against_bits=4.0),
}
STRONG_BITS = 10.0
# Prior odds that two personas drawn from a case are one person: about 1 in 1000.
DEFAULT_PRIOR_BITS = -10.0


def contribution(found: EvidenceScore, weights: dict[str, EvidenceWeight] | None = None) -> float:
    """Bits of log-odds that one evidence score adds (positive) or takes away (negative)."""
    table = weights or EVIDENCE_WEIGHTS
    if found.kind not in table:
        raise InvalidInput(f"unknown evidence kind {found.kind!r}", location="evidence.kind")
    if not 0.0 <= found.score <= 1.0 or math.isnan(found.score):
        raise InvalidInput(f"score {found.score} is not in 0..1", location="evidence.score")
    weight = table[found.kind]
    if found.score >= weight.baseline:
        span = 1.0 - weight.baseline
        return weight.for_bits * ((found.score - weight.baseline) / span if span else 1.0)
    return -weight.against_bits * (weight.baseline - found.score) / weight.baseline


def probability_from_bits(bits: float) -> float:
    """Turn log2 odds into a probability."""
    if bits > 60:
        return 1.0
    if bits < -60:
        return 0.0
    odds: float = 2.0**bits
    return odds / (1.0 + odds)


def combine_evidence(
    left: str,
    right: str,
    found: Iterable[EvidenceScore],
    *,
    made_by: str,
    prior_bits: float = DEFAULT_PRIOR_BITS,
    weights: dict[str, EvidenceWeight] | None = None,
) -> Assertion:
    """Add the evidence as log-odds onto the prior and return the resulting link assertion."""
    if left == right:
        raise InvalidInput("an entity cannot be linked to itself", location="right")
    if not made_by:
        raise InvalidInput("an assertion needs an author (a user or a model)", location="made_by")
    items = []
    total = prior_bits
    for item in found:
        bits = contribution(item, weights)
        total += bits
        items.append(Evidence(kind=item.kind, detail=item.explanation, contribution=round(bits, 3)))
    return Assertion(
        left=left,
        right=right,
        score=probability_from_bits(total),
        evidence=tuple(items),
        made_by=made_by,
    )
