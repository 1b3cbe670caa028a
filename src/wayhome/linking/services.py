"""Identity resolution as a service: the operations routes, pages, the CLI and other engines
call, gathered from the modules that hold them, one concern each.

* `assertions.py` — storing links: `store_new`, the one writer of a model's links (owned,
  marked and shared as the stricter end, routed by the review thresholds, audited,
  signalled), and `assert_link`, an analyst's own;
* `reading.py` — one assertion, a filtered page of them (all, an entity's, the review queue)
  and clusters, each shown only to a caller who may see the link and both its ends;
* `listing.py` — links as a reviewer reads them: both records by name, the evidence in words;
* `decisions.py` — accept or reject, one link or many at once (fed back into the thresholds),
  split, thresholds by hand;
* `traversal.py` — an entity's neighbourhood and the evidence path between two;
* `matching.py` — a new person, register extract, persona or report matched against
  everything held;
* `subscriber.py` — `on_signals`, the before-commit subscriber the composition root
  (`wayhome/compose.py`) installs.

Every read and write goes through `Records` or the gate's share functions. Deciding,
splitting or rejecting changes assertions only — never a case, report, person, register
person or persona of any agency.
"""

from __future__ import annotations

from wayhome.linking.assertions import (
    LINK_KINDS,
    FoundLink,
    NewAssertion,
    assert_link,
    link_kind_of,
    pair_key,
    store_assertion,
    store_new,
    stricter_end,
    thresholds,
)
from wayhome.linking.decisions import decide, decide_many, set_thresholds, split
from wayhome.linking.listing import LinkView, describe, list_links
from wayhome.linking.matching import (
    match_person,
    match_persona,
    match_register,
    match_report,
)
from wayhome.linking.reading import (
    LinkFilter,
    LinkState,
    assertion_filter,
    assertions_for,
    cluster_of,
    find_links,
    get_assertion,
    review_queue,
)
from wayhome.linking.subscriber import on_signals
from wayhome.linking.traversal import evidence_path, neighbourhood

__all__ = [
    "LINK_KINDS",
    "FoundLink",
    "LinkFilter",
    "LinkState",
    "LinkView",
    "NewAssertion",
    "assert_link",
    "assertion_filter",
    "assertions_for",
    "cluster_of",
    "decide",
    "decide_many",
    "describe",
    "evidence_path",
    "find_links",
    "get_assertion",
    "link_kind_of",
    "list_links",
    "match_person",
    "match_persona",
    "match_register",
    "match_report",
    "neighbourhood",
    "on_signals",
    "pair_key",
    "review_queue",
    "set_thresholds",
    "split",
    "store_assertion",
    "store_new",
    "stricter_end",
    "thresholds",
]
