"""FIRST's Traffic Light Protocol 2.0 markings and the sharing scopes of Wayhome records.

The meanings below are TLP 2.0's published definitions; `docs/architecture.md` explains
how Wayhome maps each onto member agencies.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Marking(StrEnum):
    """A TLP 2.0 label."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    @property
    def meaning(self) -> str:
        """TLP 2.0's published meaning of the label."""
        return TLP_MEANINGS[self]


TLP_MEANINGS: dict[Marking, str] = {
    Marking.CLEAR: "Recipients can spread this to the world; there is no limit on disclosure.",
    Marking.GREEN: "Limited disclosure: recipients can spread this within their community.",
    Marking.AMBER: "Limited disclosure: recipients can only spread this on a need-to-know basis "
    "within their organization and its clients.",
    Marking.AMBER_STRICT: "Limited disclosure: recipients can only spread this on a need-to-know "
    "basis within their organization only.",
    Marking.RED: "For the eyes and ears of individual recipients only, no further disclosure.",
}


# TLP's order from CLEAR (0) to RED (4): the one ranking of markings in Wayhome.
_MARKING_RANK: dict[Marking, int] = {marking: n for n, marking in enumerate(Marking)}


def rank(marking: Marking) -> int:
    """A marking's place in TLP's order, 0 for CLEAR up to RED: higher is stricter."""
    return _MARKING_RANK[marking]


def strictest(markings: Iterable[Marking]) -> Marking:
    """The strictest of some markings, in TLP's order from CLEAR to RED."""
    return max(markings, key=rank)


def strictest_given(markings: Iterable[Marking | None]) -> Marking | None:
    """The strictest of the markings given (None entries carry none), None when none is."""
    present = [marking for marking in markings if marking is not None]
    return strictest(present) if present else None


class Scope(StrEnum):
    """Which agencies a record is shared with, besides its owner."""

    OWNER = "owner"
    NAMED = "named"
    ALL = "all"


# From the widest scope to the narrowest: a record kept by its owner is shared the least.
_SCOPE_RANK: dict[Scope, int] = {Scope.ALL: 0, Scope.NAMED: 1, Scope.OWNER: 2}


def strictness(marking: Marking, scope: Scope) -> tuple[int, int]:
    """How strictly a record is held: its marking's rank first, then its scope's narrowness."""
    return rank(marking), _SCOPE_RANK[scope]


def check_marking_scope(marking: Marking, scope: Scope) -> str | None:
    """Why a marking and scope cannot go together, or None when they can."""
    if marking is Marking.RED and scope is Scope.ALL:
        return "a RED record goes to named recipients only; it cannot be shared with all agencies"
    return None
