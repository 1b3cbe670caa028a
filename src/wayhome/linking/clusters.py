"""Clusters of records or personas believed to be one individual: connected components of links.

A cluster is never edited by hand: splitting it means rejecting links, after which the
components are computed again from what remains.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from wayhome.linking.engine import ScoredPair
from wayhome.linking.evidence import Assertion

Node = TypeVar("Node", bound=Hashable)


@dataclass
class UnionFind(Generic[Node]):
    """Disjoint sets with path compression and union by size."""

    parent: dict[Node, Node] = field(default_factory=dict)
    size: dict[Node, int] = field(default_factory=dict)

    def add(self, item: Node) -> None:
        """Make an item its own set if it is new."""
        if item not in self.parent:
            self.parent[item] = item
            self.size[item] = 1

    def find(self, item: Node) -> Node:
        """The representative of the item's set."""
        self.add(item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: Node, b: Node) -> None:
        """Merge the sets holding a and b."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]

    def groups(self) -> list[set[Node]]:
        """All sets, largest first."""
        out: dict[Node, set[Node]] = {}
        for item in self.parent:
            out.setdefault(self.find(item), set()).add(item)
        return sorted(out.values(), key=lambda g: (-len(g), sorted(map(str, g))))


def connected_components(
    nodes: Iterable[Node], links: Iterable[tuple[Node, Node]]
) -> list[set[Node]]:
    """Connected components of an undirected graph; lone nodes form their own component."""
    sets: UnionFind[Node] = UnionFind()
    for node in nodes:
        sets.add(node)
    for a, b in links:
        sets.union(a, b)
    return sets.groups()


def cluster(
    pairs: Iterable[ScoredPair], threshold: float, ids: Iterable[str] = ()
) -> list[set[str]]:
    """Group record ids joined by pairs at or above the match probability threshold."""
    kept = [(p.left_id, p.right_id) for p in pairs if p.match_probability >= threshold]
    return connected_components(ids, kept)


def persona_clusters(
    entities: Iterable[str],
    assertions: Iterable[Assertion],
    accepted: Iterable[frozenset[str]] = (),
    rejected: Iterable[frozenset[str]] = (),
) -> list[set[str]]:
    """Clusters from accepted links plus strong ones; a rejected pair never joins, strong or not."""
    accepted_pairs = set(accepted)
    rejected_pairs = set(rejected)
    links = [
        (a.left, a.right)
        for a in assertions
        if a.pair not in rejected_pairs and (a.pair in accepted_pairs or a.strong)
    ]
    return connected_components(entities, links)


def split_cluster(
    members: set[str], assertions: Iterable[Assertion], cut: Iterable[frozenset[str]]
) -> list[set[str]]:
    """Split a cluster by rejecting the given links and recomputing its components."""
    removed = set(cut)
    inside = [
        (a.left, a.right)
        for a in assertions
        if a.left in members and a.right in members and a.pair not in removed
    ]
    return connected_components(members, inside)
