"""The link graph as one viewer may see it: entities, the edges between them, and their evidence.

Entities are named by reference: `case:<id>`, `report:<id>`, `person:<id>`,
`register_person:<id>`, `persona:<id>` and `selector:<selector value id>`. Edges are read from
what is stored — a report filed to a case, a person in a case or report, a persona and the
selectors of its report, a persona and its own handle as a selector, two selectors in one
report (weak), a PGP key id and the fingerprint it ends, and identity assertions. A selector
that free-text intake attributes to one user's post ("posted by forum:x") links only to that
user's persona (`posted_by`); any other selector links to every persona of its report.

The graph is read whole (so a path may cross another agency's records), then shown through
need-to-know (the disclosure rule, `access/disclosure.py`): a node or edge whose record the
viewer may not see becomes a marker naming only the agency that holds it (a hit), and RED or
silent records the viewer may not see are left out altogether (they tell a non-recipient
nothing, not even that they exist; the graph tells their holder nothing either).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select

from wayhome.access.disclosure import Disclosure, disclosure_clause, judge
from wayhome.access.models import MarkedMixin
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases.models import Case, Person
from wayhome.errors import InvalidInput, NotFound
from wayhome.intake.models import Persona, Report, Selector, SelectorValue
from wayhome.linking.models import AssertionState, IdentityAssertion
from wayhome.locate.models import RegisterPersonRecord

ENTITY_MODELS: dict[str, type[MarkedMixin]] = {
    "case": Case,
    "report": Report,
    "person": Person,
    "register_person": RegisterPersonRecord,
    "persona": Persona,
    "assertion": IdentityAssertion,
}
ENTITY_KINDS = ("case", "report", "person", "register_person", "persona", "selector")
LINKABLE_KINDS = frozenset({"person", "register_person", "persona"})

# Edge scores in (0, 1]: structural facts are certain, co-occurrence in one report is weak.
STRUCTURAL = 1.0
POSTED = 0.95
SAME_REPORT = 0.9
CO_OCCURRENCE = 0.3
KEY_ID_OF_FINGERPRINT = 0.99
# Selector kinds that name one individual's account or key (the persona model's strong kinds).
STRONG_SELECTOR_KINDS = frozenset(
    {"pgp_fingerprint", "pgp_key_id", "email", "phone", "btc", "eth", "xmr"}
)
POSTED_BY = "posted by "  # the context free-text intake gives a selector in one user's post
MAX_OCCURRENCES = 200  # occurrences of one selector value read per expansion
MAX_NEIGHBOURHOOD_NODES = 400
MAX_PATH_NODES = 5_000
MAX_PATH_HOPS = 10

_HIDDEN_KEY = secrets.token_bytes(16)


def parse_ref(text: str, location: str = "ref", *, internal: bool = False) -> tuple[str, Any]:
    """Split `kind:id` and check both parts; the id is a UUID (an integer for selectors).
    `internal` also admits assertions, which carry edges but are not graph entities."""
    kind, sep, key = text.strip().partition(":")
    allowed = (*ENTITY_KINDS, "assertion") if internal else ENTITY_KINDS
    if not sep or kind not in allowed:
        raise InvalidInput(
            f"{text!r} is not an entity reference (kind:id, kind one of {', '.join(ENTITY_KINDS)})",
            location=location,
        )
    try:
        return kind, (int(key) if kind == "selector" else uuid.UUID(key))
    except ValueError as err:
        raise InvalidInput(f"{key!r} is not a {kind} id", location=location) from err


def make_ref(kind: str, key: Any) -> str:
    """The reference text of an entity."""
    return f"{kind}:{key}"


def hidden_id(ref: str) -> str:
    """An opaque, per-process stable name for a node the viewer may not see."""
    digest = hmac.new(_HIDDEN_KEY, ref.encode(), hashlib.sha256).hexdigest()[:16]
    return f"hidden:{digest}"


@dataclass
class NodeInfo:
    """What is known about one entity, and whether this viewer may see it."""

    ref: str
    kind: str
    label: str
    agency_id: uuid.UUID | None
    visible: bool
    private: bool  # RED or silent, and hidden: left out entirely
    holders: tuple[uuid.UUID, ...] = ()
    subkind: str | None = None  # a selector's kind (pgp_fingerprint, email, handle, ...)


@dataclass(frozen=True)
class Edge:
    """A stored link between two entities, the record that carries it, and its evidence."""

    left: str
    right: str
    kind: str
    score: float
    evidence: tuple[str, ...]
    carrier: str  # the reference of the record whose visibility the edge shares
    state: str | None = None

    def other(self, node: str) -> str:
        """The far end from `node`."""
        return self.right if node == self.left else self.left


@dataclass(frozen=True)
class Expansion:
    """What a breadth-first expansion reached: nodes seen, edges kept (by left, right, kind,
    carrier), and the frontier it stopped at."""

    seen: set[str]
    edges: dict[tuple[str, str, str, str], Edge]
    frontier: set[str]


@dataclass
class Graph:
    """Reads the stored graph around entities and judges it for one viewer."""

    records: Records
    nodes: dict[str, NodeInfo] = field(default_factory=dict)
    agency_codes: dict[uuid.UUID, str] = field(default_factory=dict)

    # -- entities --------------------------------------------------------------------------
    def require_visible(self, ref: str, location: str) -> NodeInfo:
        """The entity, which the viewer must be able to see (404 otherwise, as for any record)."""
        kind, key = parse_ref(ref, location)
        ref = make_ref(kind, key)
        if kind == "selector":
            self.load([ref])
            info = self.nodes.get(ref)
            if info is None or not info.visible:
                raise NotFound("no selector with this id")
            return info
        self.records.get(ENTITY_MODELS[kind], key)  # 404 when absent or hidden; audits the read
        self.load([ref])
        return self.nodes[ref]

    def load(self, refs: Iterable[str]) -> dict[str, list[Any]]:
        """Fetch what is not yet known about these entities (missing ones are simply absent);
        return the rows read by kind, selectors apart (the review listing reads their names
        from them rather than reading them again)."""
        wanted: dict[str, list[Any]] = {}
        for ref in refs:
            if ref not in self.nodes:
                kind, key = parse_ref(ref, internal=True)
                wanted.setdefault(kind, []).append(key)
        session = self.records.session
        read: dict[str, list[Any]] = {}
        for kind, keys in wanted.items():
            if kind == "selector":
                self._load_selectors(keys)
                continue
            model = ENTITY_MODELS[kind]
            rows = list(session.scalars(select(model).where(model.id.in_(keys))))  # type: ignore[attr-defined]
            self._add_rows(kind, rows)
            read[kind] = rows
        return read

    def _add_rows(self, kind: str, rows: list[Any]) -> None:
        """Judge entities of one kind (not selectors) read from the database."""
        model = ENTITY_MODELS[kind]
        visible = self.records.visible_ids(model, [r.id for r in rows])
        silent = self._silent_reports(rows)
        for row in rows:
            ref = make_ref(kind, row.id)
            report_id = row.id if kind == "report" else getattr(row, "report_id", None)
            seen = row.id in visible
            told = judge(
                self.records.viewer,
                visible=seen,
                holder=row.agency_id,
                marking=row.marking,
                silent=report_id in silent,
            )
            private = told in (Disclosure.TELL_HOLDER, Disclosure.NOTHING)
            self.nodes[ref] = NodeInfo(ref, kind, _label(kind, row), row.agency_id, seen, private)

    def _silent_reports(self, rows: list[Any]) -> set[uuid.UUID]:
        ids = {getattr(r, "report_id", None) for r in rows} | {
            r.id for r in rows if isinstance(r, Report)
        }
        ids.discard(None)
        if not ids:
            return set()
        stmt = select(Report.id).where(Report.id.in_(list(ids)), Report.silent.is_(True))
        return set(self.records.session.scalars(stmt))

    def _load_selectors(self, keys: list[Any]) -> None:
        session = self.records.session
        values = list(session.scalars(select(SelectorValue).where(SelectorValue.id.in_(keys))))
        if not values:
            return
        ids = [v.id for v in values]
        visible = set(
            session.scalars(
                select(Selector.value_id)
                .where(self.records.visibility.clause(Selector), Selector.value_id.in_(ids))
                .distinct()
            )
        )
        # The agencies a hidden occurrence names as a hit (silent and RED ones name none).
        viewer = self.records.viewer
        told = disclosure_clause(
            Selector, viewer.role, viewer.agency_id, silent=Report.silent.is_(True), hidden=True
        )
        holders: dict[int, set[uuid.UUID]] = {}
        stmt = (
            select(Selector.value_id, Selector.agency_id)
            .join(Report, Report.id == Selector.report_id)
            .where(Selector.value_id.in_(ids), told == Disclosure.HIT.value)
            .distinct()
        )
        for value_id, agency_id in session.execute(stmt):
            holders.setdefault(value_id, set()).add(agency_id)
        for value in values:
            ref = make_ref("selector", value.id)
            held = tuple(sorted(holders.get(value.id, ()), key=str))
            seen = value.id in visible
            self.nodes[ref] = NodeInfo(
                ref,
                "selector",
                f"{value.kind} {value.canonical}",
                held[0] if held else None,
                seen,
                not seen and not held,
                held,
                value.kind,
            )

    # -- edges -----------------------------------------------------------------------------
    def edges_of(self, refs: Iterable[str]) -> list[Edge]:
        """Every stored edge touching these entities (not yet judged for the viewer)."""
        by_kind: dict[str, list[Any]] = {}
        for ref in refs:
            kind, key = parse_ref(ref)
            by_kind.setdefault(kind, []).append(key)
        session = self.records.session
        out: list[Edge] = []
        rid: Any
        pid: Any
        cid: Any
        cases = by_kind.get("case", [])
        reports = set(by_kind.get("report", []))
        if cases:
            for rid, cid in session.execute(
                select(Report.id, Report.case_id).where(Report.case_id.in_(cases))
            ):
                out.append(_structural(f"case:{cid}", f"report:{rid}", "filed_to", f"report:{rid}"))
            for pid, cid in session.execute(
                select(Person.id, Person.case_id).where(Person.case_id.in_(cases))
            ):
                out.append(_structural(f"case:{cid}", f"person:{pid}", "in_case", f"person:{pid}"))
        if reports:
            for rid, cid in session.execute(
                select(Report.id, Report.case_id).where(
                    Report.id.in_(list(reports)), Report.case_id.is_not(None)
                )
            ):
                out.append(_structural(f"case:{cid}", f"report:{rid}", "filed_to", f"report:{rid}"))
            for pid, rid in session.execute(
                select(Person.id, Person.report_id).where(Person.report_id.in_(list(reports)))
            ):
                out.append(
                    _structural(f"report:{rid}", f"person:{pid}", "in_report", f"report:{rid}")
                )
            for pid, rid in session.execute(
                select(Persona.id, Persona.report_id).where(Persona.report_id.in_(list(reports)))
            ):
                out.append(
                    _structural(f"report:{rid}", f"persona:{pid}", "in_report", f"report:{rid}")
                )
        persons = by_kind.get("person", [])
        if persons:
            for pid, cid, rid in session.execute(
                select(Person.id, Person.case_id, Person.report_id).where(Person.id.in_(persons))
            ):
                if cid:
                    out.append(
                        _structural(f"case:{cid}", f"person:{pid}", "in_case", f"person:{pid}")
                    )
                if rid:
                    out.append(
                        _structural(f"report:{rid}", f"person:{pid}", "in_report", f"report:{rid}")
                    )
        out += self._persona_edges(by_kind.get("persona", []))
        out += self._selector_edges(by_kind.get("selector", []))
        linkable = [r for r in refs if r.split(":", 1)[0] in LINKABLE_KINDS]
        out += self._assertion_edges(linkable)
        return out

    def _persona_edges(self, ids: list[Any]) -> list[Edge]:
        if not ids:
            return []
        session = self.records.session
        rows = session.execute(
            select(Persona.id, Persona.report_id, Persona.handle_canonical).where(
                Persona.id.in_(ids)
            )
        ).all()
        out: list[Edge] = []
        by_report: dict[uuid.UUID, list[uuid.UUID]] = {}
        by_handle: dict[str, list[uuid.UUID]] = {}
        for pid, rid, handle in rows:
            if rid:
                out.append(
                    _structural(f"report:{rid}", f"persona:{pid}", "in_report", f"report:{rid}")
                )
                by_report.setdefault(rid, []).append(pid)
            by_handle.setdefault(handle, []).append(pid)
        if by_report:
            own = {pid: handle for pid, _, handle in rows}
            sole = {
                rid
                for rid, count in session.execute(
                    select(Persona.report_id, func.count())
                    .where(Persona.report_id.in_(list(by_report)))
                    .group_by(Persona.report_id)
                )
                if count == 1
            }
            stmt = (
                select(Selector.report_id, Selector.value_id, SelectorValue.kind, Selector.context)
                .join(SelectorValue, SelectorValue.id == Selector.value_id)
                .where(Selector.report_id.in_(list(by_report)))
            )
            for rid, vid, kind, context in session.execute(stmt):
                for pid in by_report[rid]:
                    edge = _persona_selector(
                        pid, rid, vid, kind, context, own.get(pid), rid in sole
                    )
                    if edge is not None:
                        out.append(edge)
        handles = session.execute(
            select(SelectorValue.id, SelectorValue.canonical).where(
                SelectorValue.kind == "handle", SelectorValue.canonical.in_(list(by_handle))
            )
        )
        for vid, canonical in handles:
            for pid in by_handle[canonical]:
                out.append(_own_handle(pid, vid, canonical))
        return out

    def _selector_edges(self, ids: list[Any]) -> list[Edge]:
        if not ids:
            return []
        session = self.records.session
        out: list[Edge] = []
        values = {
            v.id: v for v in session.scalars(select(SelectorValue).where(SelectorValue.id.in_(ids)))
        }
        occurrences: list[tuple[int, uuid.UUID, str | None]] = []
        for vid in values:
            occurrences += [
                (vid, rid, context)
                for rid, context in session.execute(
                    select(Selector.report_id, Selector.context)
                    .where(Selector.value_id == vid)
                    .order_by(Selector.id.desc())
                    .limit(MAX_OCCURRENCES)
                )
            ]
        reports: dict[uuid.UUID, list[tuple[int, str | None]]] = {}
        rid: Any
        for vid, rid, context in occurrences:
            reports.setdefault(rid, []).append((vid, context))
        if reports:
            named = session.execute(
                select(Persona.id, Persona.report_id, Persona.handle_canonical).where(
                    Persona.report_id.in_(list(reports))
                )
            ).all()
            counts: dict[Any, int] = {}
            for _, rid, _ in named:
                counts[rid] = counts.get(rid, 0) + 1
            for pid, rid, handle in named:
                for vid, context in reports[rid]:
                    kind = values[vid].kind
                    sole = counts[rid] == 1
                    edge = _persona_selector(pid, rid, vid, kind, context, handle, sole)
                    if edge is not None:
                        out.append(edge)
            stmt = (
                select(Selector.report_id, Selector.value_id)
                .where(Selector.report_id.in_(list(reports)))
                .distinct()
            )
            for rid, other in session.execute(stmt):
                for vid, _ in reports[rid]:
                    if other != vid:
                        out.append(
                            Edge(
                                f"selector:{vid}",
                                f"selector:{other}",
                                "co_occurrence",
                                CO_OCCURRENCE,
                                ("both in one report (weak)",),
                                f"report:{rid}",
                            )
                        )
        handles = {v.canonical: v.id for v in values.values() if v.kind == "handle"}
        if handles:
            for pid, canonical in session.execute(
                select(Persona.id, Persona.handle_canonical).where(
                    Persona.handle_canonical.in_(list(handles))
                )
            ):
                out.append(_own_handle(pid, handles[canonical], canonical))
        out += self._pgp_edges(list(values.values()))
        return out

    def _pgp_edges(self, values: list[SelectorValue]) -> list[Edge]:
        """A PGP key id and the fingerprint it is the end of are the same key."""
        session = self.records.session
        out: list[Edge] = []
        for value in values:
            if value.kind == "pgp_key_id":
                stmt = select(SelectorValue.id).where(
                    SelectorValue.kind == "pgp_fingerprint",
                    SelectorValue.canonical.like(f"%{value.canonical.upper()}"),
                )
                others = [(vid, value.id) for vid in session.scalars(stmt)]
            elif value.kind == "pgp_fingerprint":
                stmt = select(SelectorValue.id).where(
                    SelectorValue.kind == "pgp_key_id",
                    SelectorValue.canonical.in_(
                        [value.canonical[-16:].upper(), value.canonical[-16:].lower()]
                    ),
                )
                others = [(value.id, vid) for vid in session.scalars(stmt)]
            else:
                continue
            for fingerprint, key_id in others:
                out.append(
                    Edge(
                        f"selector:{fingerprint}",
                        f"selector:{key_id}",
                        "same_key",
                        KEY_ID_OF_FINGERPRINT,
                        ("the key id is the last 16 hex digits of the fingerprint",),
                        f"selector:{key_id}",
                    )
                )
        return out

    def _assertion_edges(self, refs: list[str]) -> list[Edge]:
        if not refs:
            return []
        stmt = select(IdentityAssertion).where(
            or_(IdentityAssertion.left_ref.in_(refs), IdentityAssertion.right_ref.in_(refs)),
            IdentityAssertion.state != AssertionState.REJECTED,
        )
        return [assertion_edge(a) for a in self.records.session.scalars(stmt)]

    # -- judging ---------------------------------------------------------------------------
    def judge(self, edges: list[Edge]) -> list[Edge]:
        """Load every node and carrier of these edges; drop edges that must stay unmentioned."""
        self.load({e.left for e in edges} | {e.right for e in edges} | {e.carrier for e in edges})
        kept = []
        for edge in edges:
            ends = [self.nodes.get(edge.left), self.nodes.get(edge.right)]
            carrier = self.nodes.get(edge.carrier)
            if carrier is None or any(n is None or n.private for n in ends) or carrier.private:
                continue
            kept.append(edge)
        return kept

    def expand(
        self,
        start: str,
        hops: int,
        max_nodes: int,
        *,
        follow: Callable[[Edge], bool] = lambda _edge: True,
        enter: Callable[[str], bool] = lambda _ref: True,
        stop: Callable[[set[str]], bool] = lambda _seen: False,
    ) -> Expansion:
        """Breadth-first from `start`, `hops` rounds at most: each round judges the edges of
        the frontier and keeps them; the ends of edges it `follow`s are seen (up to
        `max_nodes`) and those it may `enter` are expanded next round. Ends early when no
        frontier is left or `stop(seen)` holds."""
        seen, frontier = {start}, {start}
        kept: dict[tuple[str, str, str, str], Edge] = {}
        for _ in range(hops):
            found = self.judge(self.edges_of(frontier))
            frontier = set()
            for edge in found:
                kept.setdefault((edge.left, edge.right, edge.kind, edge.carrier), edge)
                if not follow(edge):
                    continue
                for end in (edge.left, edge.right):
                    if end not in seen and len(seen) < max_nodes:
                        seen.add(end)
                        if enter(end):
                            frontier.add(end)
            if not frontier or stop(seen):
                break
        return Expansion(seen, kept, frontier)

    def edge_visible(self, edge: Edge) -> bool:
        """The viewer sees an edge when he sees its carrier and both its ends."""
        return all(self.nodes[r].visible for r in (edge.left, edge.right, edge.carrier))

    def codes(self) -> dict[uuid.UUID, str]:
        """Agency codes by id (read once)."""
        if not self.agency_codes:
            rows = self.records.session.execute(select(Agency.id, Agency.code))
            for agency_id, code in rows:
                self.agency_codes[agency_id] = code
        return self.agency_codes

    def node_out(self, ref: str) -> dict[str, Any]:
        """A node as the viewer may see it: in full, or as a hit marker naming the holder."""
        info = self.nodes[ref]
        codes = self.codes()
        if info.visible:
            return {
                "id": ref,
                "kind": info.kind,
                "label": info.label,
                "agency": codes.get(info.agency_id) if info.agency_id else None,
                "hidden": False,
            }
        held = info.holders or ((info.agency_id,) if info.agency_id else ())
        holders = sorted({codes.get(a, "?") for a in held})
        return {
            "id": hidden_id(ref),
            "kind": "hidden",
            "label": "held by " + ", ".join(holders),
            "agency": holders[0] if holders else None,
            "holders": holders,
            "hidden": True,
        }

    def edge_out(self, edge: Edge) -> dict[str, Any]:
        """An edge as the viewer may see it: with its evidence, or as a hidden link."""
        left, right = self.node_out(edge.left), self.node_out(edge.right)
        carrier = self.nodes[edge.carrier]
        codes = self.codes()
        holder = codes.get(carrier.agency_id) if carrier.agency_id else None
        if not self.edge_visible(edge):
            # Name who holds what the viewer may not see: a hidden end, else the carrier.
            hidden = [self.nodes[r] for r in (edge.right, edge.left, edge.carrier)]
            unseen = [n for n in hidden if not n.visible]
            held = {a for n in unseen for a in (n.holders or (n.agency_id,)) if a}
            holder = ", ".join(sorted(codes.get(a, "?") for a in held)) or None
        if self.edge_visible(edge):
            return {
                "source": left["id"],
                "target": right["id"],
                "kind": edge.kind,
                "score": round(edge.score, 4),
                "evidence": list(edge.evidence),
                "agency": holder,
                "state": edge.state,
                "hidden": False,
                "ref": edge.carrier if edge.kind == "assertion" else None,
            }
        return {
            "source": left["id"],
            "target": right["id"],
            "kind": "hidden",
            "score": None,
            "evidence": [f"a hidden link exists here, held by {holder or 'another agency'}"],
            "agency": holder,
            "state": None,
            "hidden": True,
            "ref": None,
        }


def assertion_edge(assertion: IdentityAssertion) -> Edge:
    """An identity assertion as a graph edge, its evidence spelt out with contributions."""
    evidence = tuple(
        f"{e.get('kind')}: {e.get('detail')} ({float(e.get('contribution', 0.0)):+.1f} bits)"
        for e in assertion.evidence
    )
    return Edge(
        assertion.left_ref,
        assertion.right_ref,
        "assertion",
        min(1.0, max(assertion.score, 1e-6)),
        evidence,
        make_ref("assertion", assertion.id),
        assertion.state.value,
    )


def _structural(left: str, right: str, kind: str, carrier: str) -> Edge:
    why = {
        "filed_to": "the report is filed to the case",
        "in_case": "the person is in the case",
        "in_report": "named in the report",
    }[kind]
    return Edge(left, right, kind, STRUCTURAL, (why,), carrier)


def posted_by(context: str | None) -> str | None:
    """The handle a selector is attributed to by its context ("posted by forum:x"), if any."""
    if context and context.startswith(POSTED_BY):
        return context[len(POSTED_BY) :]
    return None


def _persona_selector(
    pid: Any,
    rid: Any,
    vid: int,
    kind: str,
    context: str | None,
    handle: str | None,
    sole: bool = False,
) -> Edge | None:
    """A persona and a selector of its report: attributed to it (posted in its post, or a
    strong selector of a report naming it alone), or in the same report; None when the report
    attributes the selector to another persona (a key in another user's post)."""
    author = posted_by(context)
    if author is not None and author != handle:
        return None
    if author is not None or (sole and kind in STRONG_SELECTOR_KINDS):
        why = "posted the" if author is not None else "is the only account named with the"
        return Edge(
            f"persona:{pid}",
            f"selector:{vid}",
            "posted_by",
            POSTED,
            (f"the persona {why} {kind} (same report)",),
            f"report:{rid}",
        )
    return Edge(
        f"persona:{pid}",
        f"selector:{vid}",
        "same_report",
        SAME_REPORT,
        (f"the persona and the {kind} occur in the same report",),
        f"report:{rid}",
    )


def _own_handle(pid: Any, vid: int, canonical: str) -> Edge:
    return Edge(
        f"persona:{pid}",
        f"selector:{vid}",
        "own_handle",
        STRUCTURAL,
        (f"the persona's handle is {canonical}",),
        f"persona:{pid}",
    )


def _label(kind: str, row: Any) -> str:
    """A short human label for an entity row."""
    if kind == "case":
        return f"{row.reference} {row.title}"[:120]
    if kind == "report":
        return str(row.title)[:120]
    if kind == "person":
        names = [n.full_name for n in row.names]
        return (" / ".join(names) or "unnamed person")[:120] + f" ({row.role.value})"
    if kind == "register_person":
        return f"{row.full_name} ({row.birth_date.isoformat()})"
    if kind == "persona":
        return f"{row.platform}:{row.handle}"
    if kind == "assertion":
        return f"{row.left_ref} ~ {row.right_ref}"
    return kind
