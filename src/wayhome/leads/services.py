"""What the engines say about a case, fused: ranked suspects, places, known series, alerts.

Suspects are ranked from the identity graph (the most believable chain of evidence from the
case to a person or register person, read once through need-to-know), the locating prior
(the posterior of the register residence) and the profile (sex and age of the case's own
suspect records, when it has any). Places are the locating posterior mixed with the
residences of the ranked suspects. Nothing here knows any answer: it reads stored data only.
"""

from __future__ import annotations

import heapq
import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from wayhome.access.disclosure import Disclosure, judge
from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.cases.models import Case, Person, PersonRole
from wayhome.errors import InvalidInput, NotFound
from wayhome.hashing.models import Bank, BankHash, HashMatch
from wayhome.inbox import services as inbox
from wayhome.inbox.models import Notification
from wayhome.intake.models import Report
from wayhome.linking.graph import MAX_PATH_NODES, STRONG_SELECTOR_KINDS, Edge, Graph
from wayhome.linking.wording import node_words, step_words
from wayhome.locate.clues import Clue
from wayhome.locate.evidence import agency_codes, case_clues, located
from wayhome.locate.fusion import LocateConfig, LocateResult, locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.live import gazetteer
from wayhome.locate.models import RegisterPersonRecord

# Being named in a document filed to the case is context, not identity: such an edge counts
# at this score, so a chain of identity evidence (shared keys, named holders) is preferred.
MENTION_SCORE = 0.5
MAX_HOPS = 8
# Two selectors in one report say little (0.3): such edges count, but are not expanded.
WEAK_KINDS = frozenset({"co_occurrence"})
# A suspect's evidence path enters through the earliest lead filed to the case whose chain to
# him is at least this share of his best chain's confidence.
PATH_SLACK = 0.5
# Case persons in these roles are not suspects, and paths do not run through them.
NOT_SUSPECTS = frozenset(
    {PersonRole.MISSING_CHILD, PersonRole.GUARDIAN, PersonRole.VICTIM, PersonRole.WITNESS}
)
# The place prior scales a suspect's identity score between this floor and 1.
PLACE_FLOOR = 0.5
# A person known only from a report (resolved to no register record) ranks below a resolved
# one with the same evidence.
UNRESOLVED = 0.25
SUSPECTS_SHOWN = 10
PLACES_SHOWN = 10
MIN_SUSPECT_SCORE = 0.05
LEAD_KIND = "case_lead"


@dataclass(frozen=True)
class SuspectLead:
    """One ranked suspect: who (or only who holds him), how believable, and why."""

    rank: int
    ref: str
    name: str
    hidden: bool
    score: float
    identity: float
    place_share: float | None
    path: dict[str, Any]
    agencies: list[str]
    aliases: list[dict[str, Any]]
    home: dict[str, Any] | None


@dataclass(frozen=True)
class PlaceLead:
    """One place: its rank and probability in the locating posterior (0: not ranked, no clue)
    and the ranked suspects' share of it as a registered home (0 when none lives there)."""

    rank: int
    geonameid: int
    name: str
    local_name: str
    probability: float
    located: float
    residence: float


@dataclass(frozen=True)
class SeriesLead:
    """A known series the case's hash lists matched (bank hidden: only its holder)."""

    bank: str | None
    agency: str
    series: str | None
    matches: int
    hidden: bool


@dataclass(frozen=True)
class AlertLead:
    """A contributing agency and whether it was told of the case's lead."""

    agency: str
    notified: bool
    at: str | None


@dataclass
class CaseLeads:
    """Everything the engines say about one case, as one viewer may see it."""

    case_id: uuid.UUID
    reference: str
    suspects: list[SuspectLead] = field(default_factory=list)
    places: list[PlaceLead] = field(default_factory=list)
    series: list[SeriesLead] = field(default_factory=list)
    alerts: list[AlertLead] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    seconds: float = 0.0


# -- the identity graph ------------------------------------------------------------------------
def edge_weight(edge: Edge, kinds: dict[str, str], source: str | None = None) -> float:
    """An edge's believability for a suspect chain: mentions of a person count for less, and
    so does going back from a persona to a report that names it (two accounts named in one
    report are not thereby one individual)."""
    score = max(min(edge.score, 1.0), 1e-9)
    person_end = "person" in (kinds.get(edge.left), kinds.get(edge.right))
    if edge.kind in ("in_report", "in_case") and person_end:
        return score * MENTION_SCORE
    if edge.kind == "in_report" and source is not None and kinds.get(source) == "persona":
        return score * MENTION_SCORE
    return score


def best_chains(
    start: str, edges: list[Edge], kinds: dict[str, str], blocked: set[str]
) -> dict[str, tuple[float, list[Edge]]]:
    """Dijkstra on −log(weight) from `start`: each reached node's confidence and chain."""
    adjacent: dict[str, list[Edge]] = {}
    # In a stable order, so that of equally believable chains the same one is chosen whatever
    # order the database returned the rows in.
    for edge in sorted(edges, key=lambda e: (e.left, e.right, e.kind, e.carrier)):
        adjacent.setdefault(edge.left, []).append(edge)
        adjacent.setdefault(edge.right, []).append(edge)
    best: dict[str, float] = {start: 0.0}
    chain: dict[str, list[Edge]] = {start: []}
    queue: list[tuple[float, str]] = [(0.0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if cost > best.get(node, math.inf) + 1e-12:
            continue
        if node in blocked and node != start:
            continue  # reached, but never passed through
        for edge in adjacent.get(node, []):
            other = edge.other(node)
            total = cost - math.log(edge_weight(edge, kinds, node))
            known = best.get(other, math.inf)
            # Of two equally believable chains, the one with fewer steps is told.
            shorter = abs(total - known) <= 1e-12 and len(chain[node]) + 1 < len(chain[other])
            if total < known - 1e-12 or shorter:
                best[other] = min(total, known)
                chain[other] = [*chain[node], edge]
                heapq.heappush(queue, (total, other))
    return {node: (math.exp(-cost), chain[node]) for node, cost in best.items()}


def _expand(graph: Graph, start: str) -> list[Edge]:
    """Every judged edge within MAX_HOPS of the start (hidden nodes included, as markers);
    the far ends of weak edges are not expanded."""

    def strong(edge: Edge) -> bool:
        # A weak link is kept as an edge, but not followed further.
        weak = edge.kind in WEAK_KINDS or (
            edge.kind != "own_handle" and _weak_selector(graph, edge)
        )
        return not weak

    return list(graph.expand(start, MAX_HOPS, MAX_PATH_NODES, follow=strong).edges.values())


def _weak_selector(graph: Graph, edge: Edge) -> bool:
    """Whether an edge touches a selector of a kind that names no one individual (a handle,
    a domain, a hash): of selectors, only PGP keys, e-mail addresses, wallets and phones (and
    an account's own handle, through `own_handle` edges) are followed."""
    for end in (edge.left, edge.right):
        if end.startswith("selector:"):
            info = graph.nodes.get(end)
            if info is None or info.subkind not in STRONG_SELECTOR_KINDS:
                return True
    return False


def entry_order(records: Records, start: str, edges: list[Edge]) -> list[str]:
    """The case's leads — reports filed to it, persons in it — in the order they were stored."""
    entries = {e.other(start) for e in edges if start in (e.left, e.right)}
    stamps: dict[str, Any] = {}
    by_kind: dict[str, list[uuid.UUID]] = {}
    for ref in entries:
        kind, _, text = ref.partition(":")
        by_kind.setdefault(kind, []).append(uuid.UUID(text))
    session = records.session
    for kind, model in (("report", Report), ("person", Person)):
        if by_kind.get(kind):
            stmt = select(model.id, model.created_at).where(model.id.in_(by_kind[kind]))
            for key, at in session.execute(stmt):
                stamps[f"{kind}:{key}"] = at
    return sorted(entries, key=lambda ref: (stamps.get(ref) is None, stamps.get(ref), ref))


def lead_chains(
    start: str,
    entries: list[str],
    edges: list[Edge],
    kinds: dict[str, str],
    blocked: set[str],
) -> list[dict[str, tuple[float, list[Edge]]]]:
    """For each lead in order, the best chains that enter the case's graph through it only."""
    inner = [e for e in edges if start not in (e.left, e.right)]
    out = []
    for entry in entries:
        gates = [e for e in edges if {e.left, e.right} == {start, entry}]
        out.append(best_chains(start, [*gates, *inner], kinds, blocked))
    return out


def evidence_chain(
    ref: str,
    best: tuple[float, list[Edge]],
    by_lead: list[dict[str, tuple[float, list[Edge]]]],
) -> tuple[float, list[Edge]]:
    """The chain shown for a suspect: through the earliest lead that reaches him at no less
    than PATH_SLACK of his best confidence (the trail as it came in), else his best chain."""
    for reached in by_lead:
        found = reached.get(ref)
        if found is not None and found[0] >= PATH_SLACK * best[0]:
            return found
    return best


def _step(graph: Graph, left: str, right: str, edge: Edge) -> dict[str, Any]:
    """One step from `left` to `right` over `edge` as the graph gives it to the viewer, with
    the step as a reader says it and its ends' labels in words."""
    step = {"from": graph.node_out(left), "to": graph.node_out(right), "edge": graph.edge_out(edge)}
    labels = [node_words(step["from"]), node_words(step["to"])]
    return {**step, "words": step_words(step), "labels": labels}


def path_out(
    graph: Graph, start: str, goal: str, confidence: float, chain: list[Edge]
) -> dict[str, Any]:
    """A chain in the shape of `linking.services.evidence_path` (hidden steps name holders)."""
    steps, node = [], start
    for edge in chain:
        nxt = edge.other(node)
        steps.append(_step(graph, node, nxt, edge))
        node = nxt
    return {
        "from_ref": start,
        "to_ref": graph.node_out(goal)["id"],
        "found": True,
        "confidence": round(confidence, 6),
        "steps": steps,
    }


def aliases_of(
    graph: Graph, chain: list[Edge], edges: list[Edge], kinds: dict[str, str]
) -> list[dict[str, Any]]:
    """Other personas linked by an identity assertion to a persona on the chain (the forum
    persona whose PGP key the account shares, say), best link first, as the viewer may see them."""
    on_chain = {n for e in chain for n in (e.left, e.right) if kinds.get(n) == "persona"}
    found: dict[str, tuple[float, str, Edge]] = {}
    for edge in edges:
        if edge.kind != "assertion":
            continue
        for persona in on_chain & {edge.left, edge.right}:
            other = edge.other(persona)
            better = other not in found or found[other][0] < edge.score
            if kinds.get(other) == "persona" and other not in on_chain and better:
                found[other] = (edge.score, persona, edge)
    ordered = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))
    return [_step(graph, via, other, edge) for other, (_, via, edge) in ordered]


def step_agencies(path: dict[str, Any], aliases: Sequence[dict[str, Any]] = ()) -> list[str]:
    """The agencies that contributed the steps of a path and its aliases (holders of hidden
    steps included)."""
    codes: list[str] = []
    for step in [*path["steps"], *aliases]:
        for part in (step["from"], step["to"], step["edge"]):
            for code in [part.get("agency"), *part.get("holders", [])]:
                for one in str(code or "").split(", "):
                    if one and one != "?" and one not in codes:
                        codes.append(one)
    return codes


# -- the locating prior ------------------------------------------------------------------------
_LOCATED: OrderedDict[tuple[int, str], LocateResult] = OrderedDict()
_LOCATED_LOCK = threading.Lock()
LOCATED_CACHED = 64


def _located(used: list[Clue], places: Gazetteer) -> LocateResult | None:
    """The fusion of a clue set, computed once per process for the same clues (the register
    import computes it for the case's owner, so the first reader after the commit reuses it)."""
    if not used:
        return None
    key = (id(places), repr(used))
    with _LOCATED_LOCK:
        if key in _LOCATED:
            _LOCATED.move_to_end(key)
            return _LOCATED[key]
    result = locate(used, places, LocateConfig(top=PLACES_SHOWN))
    with _LOCATED_LOCK:
        _LOCATED[key] = result
        while len(_LOCATED) > LOCATED_CACHED:
            _LOCATED.popitem(last=False)
    return result


PLACE_DECADES = 6.0


def place_share(ratio: float) -> float:
    """A residence's posterior relative to the best place, on a log scale in [0, 1]: the best
    place 1, a thousand times less likely 0.5, a million times less likely 0."""
    if ratio <= 0:
        return 0.0
    return max(0.0, min(1.0, 1.0 + math.log10(ratio) / PLACE_DECADES))


# -- the profile -------------------------------------------------------------------------------
def profile_factor(register: RegisterPersonRecord, profiles: list[Person]) -> float:
    """How well a register person fits the case's own suspect records (1 when there are none)."""
    factor = 1.0
    for person in profiles:
        sex = getattr(person.sex, "value", None)
        known = sex in ("male", "female") and register.sex in ("M", "F")
        if known and (sex == "male") != (register.sex == "M"):
            factor *= 0.3
        if person.date_of_birth is not None:
            years = abs((person.date_of_birth - register.birth_date).days) / 365.25
            factor *= 1.0 if years <= 1 else 0.5 if years <= 5 else 0.2
        elif person.age_min is not None and person.age_max is not None:
            age = (person.created_at.date() - register.birth_date).days / 365.25
            factor *= 1.0 if person.age_min - 1 <= age <= person.age_max + 1 else 0.4
    return factor


# -- the service -------------------------------------------------------------------------------
def case_leads(records: Records, case_id: uuid.UUID) -> CaseLeads:
    """Rank suspects and places for a case from everything the caller may see, and list the
    known series its hash lists matched and which contributing agencies were told."""
    begun = time.perf_counter()
    case = records.get(Case, case_id)
    session = records.session
    graph = Graph(records)
    start = f"case:{case.id}"
    graph.load([start])
    edges = _expand(graph, start)
    kinds = {ref: ref.split(":", 1)[0] for e in edges for ref in (e.left, e.right)}
    person_ids = [uuid.UUID(r.split(":", 1)[1]) for r, k in kinds.items() if k == "person"]
    persons = {
        f"person:{p.id}": p
        for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))
    }
    # Paths run neither through the child and family nor through a register record (each
    # register record is one individual: two are never linked through a third).
    blocked = {ref for ref, p in persons.items() if p.role in NOT_SUSPECTS}
    terminal = blocked | {ref for ref, kind in kinds.items() if kind == "register_person"}
    # Chains pass selectors that name one individual (keys, e-mail, wallets, phones) and an
    # account's own handle; a handle, domain or hash merely in a report is no step.
    edges = [e for e in edges if e.kind == "own_handle" or not _weak_selector(graph, e)]
    reached = best_chains(start, edges, kinds, terminal)
    candidates = {
        ref: found
        for ref, found in reached.items()
        if kinds.get(ref) in ("register_person", "person") and ref not in blocked
    }
    # A person on another candidate's chain is a step towards him, not a suspect of his own.
    on_chains = {end for _, c in candidates.values() for e in c[:-1] for end in (e.left, e.right)}
    candidates = {
        r: f for r, f in candidates.items() if kinds[r] == "register_person" or r not in on_chains
    }
    register_ids = [
        uuid.UUID(r.split(":", 1)[1]) for r in candidates if kinds[r] == "register_person"
    ]
    # Through the visibility layer: a register person the caller may not see is a hit, and his
    # home, age and sex must not move the score or "place" shown (they would say what the hit
    # hides). Not audited here: what is shown of the suspects is audited as it is shown.
    visible_registers = records.visibility.select(RegisterPersonRecord).where(
        RegisterPersonRecord.id.in_(register_ids)
    )
    registers = {f"register_person:{r.id}": r for r in session.scalars(visible_registers)}
    places = gazetteer()
    clues = case_clues(records, case)
    used = [located(c.clue) for c in clues if c.enabled and c.clue is not None]
    result = _located(used, places)
    top_posterior = float(result.posterior.max()) if result and not result.is_empty else 0.0
    profiles = records.find(
        Person, Person.case_id == case.id, Person.role == PersonRole.SUSPECT, limit=50
    ).items
    scored: list[tuple[float, float, float | None, str]] = []
    for ref, (confidence, _chain) in candidates.items():
        share: float | None = None
        factor = 1.0
        register = registers.get(ref)
        if register is not None:
            factor = profile_factor(register, profiles)
            if top_posterior > 0 and result is not None and register.geonameid is not None:
                try:
                    row = places.index_of(register.geonameid)
                    share = place_share(float(result.posterior[row]) / top_posterior)
                except InvalidInput:
                    share = 0.0
        if register is None:
            prior = UNRESOLVED  # known only from a report: not yet an identity to act on
        elif share is None:
            prior = PLACE_FLOOR
        else:
            prior = PLACE_FLOOR + (1 - PLACE_FLOOR) * share
        score = confidence * prior * factor
        if score >= MIN_SUSPECT_SCORE:
            scored.append((score, confidence, share, ref))
    scored.sort(key=lambda item: (-item[0], item[3]))
    leads = CaseLeads(case.id, case.reference)
    shown_registers: list[uuid.UUID] = []
    by_lead = lead_chains(start, entry_order(records, start, edges), edges, kinds, terminal)
    for rank, (score, confidence, share, ref) in enumerate(scored[:SUSPECTS_SHOWN], start=1):
        node = graph.node_out(ref)
        shown, chain = evidence_chain(ref, candidates[ref], by_lead)
        path = path_out(graph, start, ref, shown, chain)
        aliases = aliases_of(graph, chain, edges, kinds)
        register = registers.get(ref)
        home = None
        if register is not None and not node["hidden"]:
            shown_registers.append(register.id)
            home = {
                "name": register.residence,
                "geonameid": register.geonameid,
                "latitude": register.latitude,
                "longitude": register.longitude,
            }
        leads.suspects.append(
            SuspectLead(
                rank=rank,
                ref=node["id"],
                name=node["label"],
                hidden=bool(node["hidden"]),
                score=round(score, 4),
                identity=round(confidence, 4),
                place_share=None if share is None else round(share, 4),
                path=path,
                agencies=step_agencies(path, aliases),
                aliases=aliases,
                home=home,
            )
        )
    leads.places = _places(result, places, leads.suspects)
    leads.series = _series(records, case.id)
    leads.contributors = sorted({code for s in leads.suspects[:1] for code in s.agencies})
    leads.alerts = _alerts(records, case.id, leads.contributors)
    audit.record(
        session,
        records.actor,
        "read",
        "case_leads",
        str(case.id),
        {
            "suspects": len(leads.suspects),
            "register_persons": [str(i) for i in shown_registers],
        },
    )
    leads.seconds = round(time.perf_counter() - begun, 4)
    return leads


def _places(result: Any, places: Any, suspects: list[SuspectLead]) -> list[PlaceLead]:
    """The locating posterior's places, as the map and the API show them, then suspects' homes.

    One posterior (issue 15): a place's probability is the locating result's, never mixed with
    anything else, so the case page, the map and the API agree. A ranked suspect's registered
    home is marked with the suspects' share of it (`residence`); a home the posterior does not
    list among its first places is added after them with its own (small) probability, so the
    investigator sees both where the clues point and where the suspects are registered.
    """
    homes: dict[int, float] = {}
    for suspect in suspects:
        if suspect.home is not None and suspect.home.get("geonameid") is not None:
            gid = int(suspect.home["geonameid"])
            homes[gid] = homes.get(gid, 0.0) + suspect.score
    total = sum(homes.values())
    located = result is not None and not result.is_empty
    rows: list[tuple[int, int, float]] = []
    if located:
        rows = [
            (rank, r.place.geonameid, float(r.probability))
            for rank, r in enumerate(result.ranked[:PLACES_SHOWN], start=1)
        ]
    listed = {gid for _, gid, _ in rows}
    for gid in sorted(homes, key=lambda g: -homes[g]):
        if gid in listed:
            continue
        probability, rank = 0.0, 0
        if located:
            try:
                probability = float(result.posterior[places.index_of(gid)])
                rank = int((result.posterior > probability).sum()) + 1
            except InvalidInput:
                probability = 0.0
        rows.append((rank, gid, probability))
    out: list[PlaceLead] = []
    for rank, gid, probability in rows:
        try:
            place = places.place(places.index_of(gid))
            name, local = place.name, place.local_name
        except InvalidInput:
            name, local = str(gid), ""
        share = homes.get(gid, 0.0) / total if total else 0.0
        out.append(
            PlaceLead(
                rank,
                gid,
                name,
                local,
                round(probability, 4),
                round(probability, 4),
                round(share, 4),
            )
        )
    return out


def _series(records: Records, case_id: uuid.UUID) -> list[SeriesLead]:
    """Known series matched for the case: in full for banks the caller sees, else a hit."""
    session = records.session
    stmt = (
        select(
            Bank.id, Bank.name, Bank.agency_id, Bank.marking, Bank.silent, BankHash.series,
            func.count(func.distinct(HashMatch.bank_hash_id)),
        )
        .join(HashMatch, HashMatch.bank_id == Bank.id)
        .join(BankHash, BankHash.id == HashMatch.bank_hash_id)
        .where(HashMatch.case_id == case_id)
        .group_by(Bank.id, Bank.name, Bank.agency_id, Bank.marking, Bank.silent, BankHash.series)
    )  # fmt: skip
    rows = session.execute(stmt).all()
    visible = records.visible_ids(Bank, {row[0] for row in rows})
    codes = agency_codes(records, {row[2] for row in rows})
    out: list[SeriesLead] = []
    hidden: dict[str, int] = {}
    for bank_id, name, agency_id, marking, silent, series, count in rows:
        code = codes.get(agency_id, "?")
        told = judge(
            records.viewer,
            visible=bank_id in visible,
            holder=agency_id,
            marking=marking,
            silent=silent,
        )
        if told is Disclosure.SHOW:
            out.append(SeriesLead(name, code, series, int(count), False))
        elif told is Disclosure.HIT:  # a silent or RED bank's holder was told at the match
            hidden[code] = hidden.get(code, 0) + int(count)
    out.sort(key=lambda s: (-s.matches, s.series or ""))
    out += [SeriesLead(None, code, None, n, True) for code, n in sorted(hidden.items())]
    return out


def _alerts(records: Records, case_id: uuid.UUID, contributors: list[str]) -> list[AlertLead]:
    """Which contributing agencies were told of the case's lead, and when."""
    from wayhome.agencies.models import Agency

    stmt = (
        select(Agency.code, func.min(Notification.created_at))
        .join(Notification, Notification.agency_id == Agency.id)
        .where(
            Agency.code.in_(contributors),
            Notification.dedup_key == inbox.once_key(LEAD_KIND, str(case_id)),
        )
        .group_by(Agency.code)
    )
    told: dict[str, Any] = {code: at for code, at in records.session.execute(stmt)}  # noqa: C416
    return [
        AlertLead(code, code in told, told[code].isoformat() if code in told else None)
        for code in contributors
    ]


def refresh_leads(records: Records, case_id: uuid.UUID) -> CaseLeads | None:
    """Compute a case's leads and tell each agency on the top suspect's evidence path, once
    per case (the inbox's once-only key), that its records contributed (the message names the
    case, never the suspect). None when the caller may not see the case."""
    from wayhome.agencies.models import Agency

    try:
        leads = case_leads(records, case_id)
    except NotFound:
        return None
    if not leads.suspects:
        return leads
    top = leads.suspects[0]
    subject = f"Case {leads.reference}: a suspect is ranked from your records"
    agencies = {a.code: a for a in records.session.scalars(select(Agency))}
    for code in top.agencies:
        agency = agencies.get(code)
        if agency is None:
            continue
        inbox.post_once(
            records.session,
            agency.id,
            LEAD_KIND,
            str(case_id),
            subject,
            # The subject is the case: pages link to it and name it where the reader may see it.
            {
                "case_id": str(case_id),
                "reference": leads.reference,
                "record_kind": "case",
                "record_id": str(case_id),
            },
        )
    leads.alerts = _alerts(records, case_id, leads.contributors)
    return leads
