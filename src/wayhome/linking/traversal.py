"""Walking the link graph as the caller may see it: an entity's neighbourhood and the most
believable chain of evidence between two entities; hidden nodes and steps say only who
holds them. Both are audited.
"""

from __future__ import annotations

from typing import Any

from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.errors import InvalidInput
from wayhome.linking.graph import (
    MAX_NEIGHBOURHOOD_NODES,
    MAX_PATH_HOPS,
    MAX_PATH_NODES,
    Edge,
    Graph,
)
from wayhome.linking.paths import EvidenceEdge, path_confidence, shortest_evidence_path


def neighbourhood(records: Records, ref: str, depth: int = 1) -> dict[str, Any]:
    """An entity's neighbourhood to `depth` hops as the caller may see it (hidden nodes as
    hit markers naming the holder), audited."""
    if not 1 <= depth <= 3:
        raise InvalidInput("depth must be 1, 2 or 3", location="query.depth")
    graph = Graph(records)
    start = graph.require_visible(ref, "query.ref").ref
    reached = graph.expand(
        start, depth, MAX_NEIGHBOURHOOD_NODES, enter=lambda ref: graph.nodes[ref].visible
    )
    seen, kept = reached.seen, reached.edges
    nodes = [graph.node_out(r) for r in sorted(seen)]
    edges_out = [graph.edge_out(e) for e in kept.values() if e.left in seen and e.right in seen]
    shown = [n["id"] for n in nodes if not n["hidden"]]
    audit.record(
        records.session,
        records.actor,
        "list",
        "graph",
        start,
        {"depth": depth, "nodes": shown, "hidden": len(nodes) - len(shown)},
    )
    return {"root": start, "depth": depth, "nodes": nodes, "edges": edges_out}


def evidence_path(
    records: Records, from_ref: str, to_ref: str, by: str = "confidence"
) -> dict[str, Any]:
    """The most believable (or shortest) chain of evidence between two entities the caller
    may see; hidden steps say only that a hidden link exists and who holds it. Audited."""
    if by not in ("confidence", "hops"):
        raise InvalidInput("by must be 'confidence' or 'hops'", location="query.by")
    graph = Graph(records)
    start = graph.require_visible(from_ref, "query.from_ref").ref
    goal = graph.require_visible(to_ref, "query.to_ref").ref
    if start == goal:
        raise InvalidInput("the two ends are the same entity", location="query.to_ref")
    reached = graph.expand(start, MAX_PATH_HOPS, MAX_PATH_NODES, stop=lambda seen: goal in seen)
    seen, edges = reached.seen, reached.edges
    if goal in seen and by == "confidence" and reached.frontier:
        # one more round lets a better path through the goal's other neighbours count
        for edge in graph.judge(graph.edges_of(reached.frontier)):
            if edge.left in seen and edge.right in seen:
                edges.setdefault((edge.left, edge.right, edge.kind, edge.carrier), edge)
    by_key: dict[tuple[str, str, float, tuple[str, ...]], Edge] = {}
    plain = []
    for edge in edges.values():
        evidence_edge = EvidenceEdge(edge.left, edge.right, edge.score, (edge.carrier, edge.kind))
        by_key[(edge.left, edge.right, edge.score, (edge.carrier, edge.kind))] = edge
        plain.append(evidence_edge)
    chain = shortest_evidence_path(plain, start, goal, by="hops" if by == "hops" else "confidence")
    steps: list[dict[str, Any]] = []
    if chain:
        node = start
        for link in chain:
            edge = by_key[(link.left, link.right, link.score, link.evidence)]
            nxt = edge.other(node)
            out = graph.edge_out(edge)
            steps.append({"from": graph.node_out(node), "to": graph.node_out(nxt), "edge": out})
            node = nxt
    audit.record(
        records.session,
        records.actor,
        "read",
        "graph_path",
        start,
        {"to": goal, "steps": len(steps), "found": chain is not None},
    )
    return {
        "from_ref": start,
        "to_ref": goal,
        "found": chain is not None,
        "confidence": round(path_confidence(chain), 6) if chain else None,
        "steps": steps,
    }
