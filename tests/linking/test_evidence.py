"""Assertions: evidence added as log-odds; clusters from accepted and strong links; splits."""

from __future__ import annotations

import pytest

from wayhome.errors import InvalidInput
from wayhome.linking.clusters import (
    UnionFind,
    cluster,
    connected_components,
    persona_clusters,
    split_cluster,
)
from wayhome.linking.engine import ScoredPair
from wayhome.linking.evidence import (
    EVIDENCE_WEIGHTS,
    EvidenceScore,
    combine_evidence,
    contribution,
)


def test_contribution_is_zero_at_baseline_and_signed_around_it() -> None:
    base = EVIDENCE_WEIGHTS["handle"].baseline
    assert contribution(EvidenceScore("handle", base, "")) == 0.0
    assert contribution(EvidenceScore("handle", 1.0, "")) == EVIDENCE_WEIGHTS["handle"].for_bits
    assert (
        contribution(EvidenceScore("handle", 0.0, "")) == -EVIDENCE_WEIGHTS["handle"].against_bits
    )


def test_shared_key_alone_makes_a_strong_link_style_alone_does_not() -> None:
    key = combine_evidence(
        "p1", "p2", [EvidenceScore("shared_selector", 1.0, "same pgp")], made_by="model"
    )
    style = combine_evidence(
        "p1", "p3", [EvidenceScore("stylometry", 0.95, "style")], made_by="model"
    )
    assert key.strong and key.score > 0.9
    assert not style.strong and style.score < 0.1


def test_evidence_adds_up() -> None:
    weak = [
        EvidenceScore("handle", 0.95, "h"),
        EvidenceScore("posting_time", 0.9, "t"),
        EvidenceScore("stylometry", 0.9, "s"),
        EvidenceScore("co_occurrence", 1.0, "c"),
    ]
    together = combine_evidence("p1", "p2", weak, made_by="analyst:7")
    alone = combine_evidence("p1", "p2", weak[:1], made_by="analyst:7")
    assert together.score > alone.score
    assert [e.kind for e in together.evidence] == [
        "handle",
        "posting_time",
        "stylometry",
        "co_occurrence",
    ]
    assert together.made_by == "analyst:7"


@pytest.mark.parametrize(
    ("found", "location"),
    [(EvidenceScore("astrology", 1.0, ""), "evidence.kind"),
     (EvidenceScore("handle", 1.5, ""), "evidence.score")],
)  # fmt: skip
def test_bad_evidence(found: EvidenceScore, location: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        combine_evidence("a", "b", [found], made_by="m")
    assert caught.value.location == location


def test_self_link_and_missing_author_refused() -> None:
    with pytest.raises(InvalidInput):
        combine_evidence("a", "a", [], made_by="m")
    with pytest.raises(InvalidInput):
        combine_evidence("a", "b", [], made_by="")


def test_union_find() -> None:
    sets: UnionFind[str] = UnionFind()
    sets.union("a", "b")
    sets.union("c", "d")
    sets.union("b", "d")
    sets.add("e")
    assert sets.find("a") == sets.find("c")
    assert sets.groups() == [{"a", "b", "c", "d"}, {"e"}]


def test_connected_components_keep_lone_nodes() -> None:
    assert connected_components(["x", "y", "z"], [("x", "y")]) == [{"x", "y"}, {"z"}]


def _pair(a: str, b: str, p: float) -> ScoredPair:
    return ScoredPair(a, b, 0.0, p, ())


def test_cluster_by_threshold() -> None:
    pairs = [_pair("r1", "r2", 0.99), _pair("r2", "r3", 0.6), _pair("r4", "r5", 0.2)]
    assert cluster(pairs, 0.5, ids=["r4", "r5"]) == [{"r1", "r2", "r3"}, {"r4"}, {"r5"}]
    assert cluster(pairs, 0.9) == [{"r1", "r2"}]


def _link(a: str, b: str, kind: str, score: float) -> object:
    return combine_evidence(a, b, [EvidenceScore(kind, score, kind)], made_by="model")


def test_persona_clusters_use_accepted_and_strong_links_and_respect_rejections() -> None:
    strong = combine_evidence(
        "p1", "p2", [EvidenceScore("shared_selector", 1.0, "pgp")], made_by="m"
    )
    weak = combine_evidence("p2", "p3", [EvidenceScore("handle", 0.9, "h")], made_by="m")
    other = combine_evidence("p4", "p5", [EvidenceScore("handle", 0.9, "h")], made_by="m")
    entities = ["p1", "p2", "p3", "p4", "p5"]
    assertions = [strong, weak, other]
    assert persona_clusters(entities, assertions) == [{"p1", "p2"}, {"p3"}, {"p4"}, {"p5"}]
    accepted = [weak.pair]
    assert persona_clusters(entities, assertions, accepted)[0] == {"p1", "p2", "p3"}
    rejected = [strong.pair]
    assert {"p1", "p2"} not in persona_clusters(entities, assertions, accepted, rejected)


def test_split_cluster_by_rejecting_links_leaves_records_untouched() -> None:
    a = combine_evidence("p1", "p2", [EvidenceScore("shared_selector", 1.0, "e")], made_by="m")
    b = combine_evidence("p2", "p3", [EvidenceScore("shared_selector", 1.0, "e")], made_by="m")
    members = {"p1", "p2", "p3"}
    parts = split_cluster(members, [a, b], [b.pair])
    assert parts == [{"p1", "p2"}, {"p3"}]
    assert members == {"p1", "p2", "p3"}
