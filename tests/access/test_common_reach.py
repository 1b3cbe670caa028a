"""Where a record made from others may go: only where every one of them goes."""

from __future__ import annotations

import uuid

from wayhome.access.markings import Marking, Scope, strictest
from wayhome.access.visibility import Reach, common_reach

RU, UK, NL, US = (uuid.uuid4() for _ in range(4))
CASE = Reach(RU, Marking.AMBER, Scope.ALL)


def test_the_strictest_marking_wins() -> None:
    assert strictest([Marking.GREEN, Marking.RED, Marking.AMBER]) is Marking.RED
    assert strictest([Marking.CLEAR, Marking.AMBER_STRICT]) is Marking.AMBER_STRICT
    made = common_reach(RU, [CASE, Reach(UK, Marking.GREEN, Scope.ALL)])
    assert made == Reach(RU, Marking.AMBER, Scope.ALL)


def test_an_owner_only_or_silent_source_leaves_others_out() -> None:
    assert common_reach(RU, [CASE, Reach(UK, Marking.AMBER_STRICT, Scope.OWNER)]) is None
    silent = Reach(UK, Marking.GREEN, Scope.ALL, silent=True)
    assert common_reach(RU, [CASE, silent]) is None
    assert common_reach(UK, [CASE, silent]) == Reach(UK, Marking.AMBER, Scope.OWNER)


def test_named_sources_meet_in_the_agencies_named_on_all() -> None:
    case = Reach(RU, Marking.AMBER, Scope.NAMED, frozenset({NL, US}))
    red = Reach(UK, Marking.RED, Scope.NAMED, frozenset({RU, NL}))
    assert common_reach(RU, [case, red]) == Reach(RU, Marking.RED, Scope.NAMED, frozenset({NL}))
    only_nl = Reach(UK, Marking.RED, Scope.NAMED, frozenset({NL}))
    assert common_reach(RU, [case, only_nl]) is None


def test_red_never_goes_to_all() -> None:
    legacy = Reach(UK, Marking.RED, Scope.ALL)
    assert common_reach(RU, [CASE, legacy]) == Reach(RU, Marking.RED, Scope.OWNER)
