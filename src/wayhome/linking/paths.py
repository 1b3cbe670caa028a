"""The chain of evidence that connects two entities (persons, personas, selectors, cases).

By confidence: Dijkstra over −log(score), so the path returned is the one whose links are
jointly most believable. By hops: breadth-first, the fewest links.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from wayhome.errors import InvalidInput


@dataclass(frozen=True)
class EvidenceEdge:
    """A link between two entities with its score in (0, 1] and the evidence behind it."""

    left: str
    right: str
    score: float
    evidence: tuple[str, ...] = ()

    def other(self, node: str) -> str:
        """The entity at the far end from `node`."""
        return self.right if node == self.left else self.left


def _adjacency(edges: Iterable[EvidenceEdge]) -> dict[str, list[EvidenceEdge]]:
    """Undirected adjacency lists, refusing scores outside (0, 1]."""
    graph: dict[str, list[EvidenceEdge]] = {}
    for i, edge in enumerate(edges):
        if not 0.0 < edge.score <= 1.0:
            raise InvalidInput(f"edge score {edge.score} is not in (0, 1]", location=f"edges[{i}]")
        graph.setdefault(edge.left, []).append(edge)
        graph.setdefault(edge.right, []).append(edge)
    return graph


def shortest_evidence_path(
    edges: Iterable[EvidenceEdge],
    start: str,
    goal: str,
    *,
    by: Literal["confidence", "hops"] = "confidence",
) -> list[EvidenceEdge] | None:
    """Edges from start to goal, most believable (or fewest) first to last; None if unconnected."""
    graph = _adjacency(edges)
    if start == goal:
        return []
    if start not in graph or goal not in graph:
        return None
    if by == "hops":
        return _fewest_hops(graph, start, goal)
    return _most_confident(graph, start, goal)


def path_confidence(path: Iterable[EvidenceEdge]) -> float:
    """The product of the scores along a path (each link must hold)."""
    return math.prod(edge.score for edge in path)


def _walk_back(came_by: dict[str, EvidenceEdge], start: str, goal: str) -> list[EvidenceEdge]:
    """Rebuild the path from the edge each node was reached by."""
    path = []
    node = goal
    while node != start:
        edge = came_by[node]
        path.append(edge)
        node = edge.other(node)
    return path[::-1]


def _most_confident(
    graph: dict[str, list[EvidenceEdge]], start: str, goal: str
) -> list[EvidenceEdge] | None:
    """Dijkstra on −log(score)."""
    best = {start: 0.0}
    came_by: dict[str, EvidenceEdge] = {}
    queue: list[tuple[float, str]] = [(0.0, start)]
    done: set[str] = set()
    while queue:
        cost, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            return _walk_back(came_by, start, goal)
        for edge in graph[node]:
            nxt = edge.other(node)
            new_cost = cost - math.log(edge.score)
            if nxt not in done and new_cost < best.get(nxt, math.inf):
                best[nxt] = new_cost
                came_by[nxt] = edge
                heapq.heappush(queue, (new_cost, nxt))
    return None


def _fewest_hops(
    graph: dict[str, list[EvidenceEdge]], start: str, goal: str
) -> list[EvidenceEdge] | None:
    """Breadth-first search."""
    came_by: dict[str, EvidenceEdge] = {}
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in graph[node]:
            nxt = edge.other(node)
            if nxt in seen:
                continue
            seen.add(nxt)
            came_by[nxt] = edge
            if nxt == goal:
                return _walk_back(came_by, start, goal)
            queue.append(nxt)
    return None
