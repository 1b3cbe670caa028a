"""Shortest evidence path between two entities."""

from __future__ import annotations

import pytest

from wayhome.errors import InvalidInput
from wayhome.linking.paths import EvidenceEdge, path_confidence, shortest_evidence_path

EDGES = [
    EvidenceEdge("person:A", "persona:d1m_s0k", 0.6, ("handle d1m_s0k ~ dimsok",)),
    EvidenceEdge("persona:d1m_s0k", "pgp:D6E7F8091A2B3C4D", 0.99, ("signed posts",)),
    EvidenceEdge("pgp:D6E7F8091A2B3C4D", "persona:dimsok", 0.99, ("signed posts",)),
    EvidenceEdge("person:A", "persona:dimsok", 0.3, ("style only",)),
    EvidenceEdge("person:Z", "persona:other", 0.9, ()),
]


def test_most_confident_path_may_be_longer() -> None:
    path = shortest_evidence_path(EDGES, "person:A", "persona:dimsok")
    assert path is not None
    assert [e.right for e in path] == ["persona:d1m_s0k", "pgp:D6E7F8091A2B3C4D", "persona:dimsok"]
    assert path_confidence(path) == pytest.approx(0.6 * 0.99 * 0.99)
    assert path[1].evidence == ("signed posts",)


def test_fewest_hops() -> None:
    path = shortest_evidence_path(EDGES, "person:A", "persona:dimsok", by="hops")
    assert path == [EDGES[3]]


def test_unconnected_and_same_node() -> None:
    assert shortest_evidence_path(EDGES, "person:A", "person:Z") is None
    assert shortest_evidence_path(EDGES, "person:A", "nobody") is None
    assert shortest_evidence_path(EDGES, "person:A", "person:A") == []


def test_edges_are_undirected() -> None:
    path = shortest_evidence_path(EDGES, "persona:dimsok", "person:A")
    assert path is not None and len(path) == 3


@pytest.mark.parametrize("score", [0.0, -0.1, 1.5])
def test_bad_scores_refused(score: float) -> None:
    with pytest.raises(InvalidInput) as caught:
        shortest_evidence_path([EvidenceEdge("a", "b", score)], "a", "b")
    assert caught.value.location == "edges[0]"
