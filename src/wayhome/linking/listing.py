"""Links as a reviewer reads them, a page at a time: both records by their names in their own
scripts (with a Latin reading), their kinds and holders, the score and state, who decided
when and why, and the evidence in words. The API, the CLI and the review page show this one
shape (`list_links`).

Only links whose row and both ends the caller may see are listed or counted (`find_links`);
the holders named are those of the two visible ends, and a decision by another agency's
reviewer names that agency, not the person.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from wayhome.access.markings import Marking
from wayhome.access.models import User
from wayhome.access.records import Page, Records
from wayhome.cases.models import Person
from wayhome.intake.models import Persona
from wayhome.linking.graph import ENTITY_MODELS, Graph
from wayhome.linking.models import IdentityAssertion
from wayhome.linking.reading import LinkFilter, LinkState, find_links, link_state
from wayhome.linking.wording import NameReading, evidence_sentence, read_name
from wayhome.locate.models import RegisterPersonRecord


@dataclass(frozen=True)
class LinkEnd:
    """One record a link joins: its reference, kind, the graph's label, its names and holder."""

    ref: str
    kind: str
    label: str
    names: tuple[NameReading, ...]
    agency: str | None


@dataclass(frozen=True)
class Decided:
    """A reviewer's decision on a link: who (his own agency's reviewers by name), which
    agency, when and why."""

    by: str | None
    agency: str | None
    at: datetime | None
    reason: str


@dataclass(frozen=True)
class EvidenceLine:
    """One piece of a link's evidence as a sentence, its weight in bits and who raised it."""

    kind: str
    sentence: str
    contribution: float
    agency: str | None


@dataclass(frozen=True)
class LinkView:
    """A link with both its records, its state and its evidence in words."""

    id: uuid.UUID
    state: LinkState
    link_kind: str
    score: float
    strong: bool
    made_by: str
    created_at: datetime
    marking: Marking
    case_id: uuid.UUID | None
    left: LinkEnd
    right: LinkEnd
    decided: Decided | None
    evidence: tuple[EvidenceLine, ...]


def list_links(
    records: Records, wanted: LinkFilter, limit: int = 50, offset: int = 0
) -> Page[LinkView]:
    """A page of the links the caller may see, each described for a reviewer."""
    page = find_links(records, wanted, limit, offset)
    return Page(describe(records, page.items), page.total, page.limit, page.offset)


def describe(records: Records, rows: Sequence[IdentityAssertion]) -> list[LinkView]:
    """Links the caller may see (both ends included), described for a reviewer; the names
    of their records are audited as a listing of those records."""
    refs = {ref for row in rows for ref in (row.left_ref, row.right_ref)}
    graph = Graph(records)
    loaded = graph.load(refs)
    codes = graph.codes()
    names = _names(records, loaded)
    deciders = _deciders(records, [r.decided_by for r in rows if r.decided_by is not None])

    def end(ref: str) -> LinkEnd:
        info = graph.nodes[ref]
        agency = codes.get(info.agency_id) if info.agency_id else None
        return LinkEnd(ref, info.kind, info.label, names.get(ref, ()), agency)

    out = []
    for row in rows:
        left, right = end(row.left_ref), end(row.right_ref)
        holders = {left.agency, right.agency} - {None}
        out.append(
            LinkView(
                id=row.id,
                state=link_state(row),
                link_kind=row.link_kind,
                score=row.score,
                strong=row.strong,
                made_by=row.made_by,
                created_at=row.created_at,
                marking=row.marking,
                case_id=row.case_id,
                left=left,
                right=right,
                decided=_decided(records, row, deciders, codes),
                evidence=tuple(_line(item, holders) for item in row.evidence),
            )
        )
    return out


def _line(item: dict[str, Any], holders: set[str | None]) -> EvidenceLine:
    kind, detail = str(item.get("kind", "")), str(item.get("detail", ""))
    bits = float(item.get("contribution", 0.0))
    agency = item.get("agency")
    return EvidenceLine(
        kind, evidence_sentence(kind, detail, bits), bits, agency if agency in holders else None
    )


def _decided(
    records: Records,
    row: IdentityAssertion,
    deciders: dict[uuid.UUID, tuple[str, uuid.UUID]],
    codes: dict[uuid.UUID, str],
) -> Decided | None:
    if row.decided_by is None:
        return None
    username, agency_id = deciders.get(row.decided_by, (None, None))
    own = agency_id == records.viewer.agency_id
    agency = codes.get(agency_id) if agency_id else None
    return Decided(username if own else None, agency, row.decided_at, row.reason)


def _deciders(records: Records, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, uuid.UUID]]:
    if not ids:
        return {}
    stmt = select(User.id, User.username, User.agency_id).where(User.id.in_(set(ids)))
    return {uid: (name, agency) for uid, name, agency in records.session.execute(stmt)}


def _names(records: Records, loaded: dict[str, list[Any]]) -> dict[str, tuple[NameReading, ...]]:
    """Each record's names as written (a person's every variant, a register person's name, a
    persona's handle and display name), from the rows the graph read, audited as a listing of
    those records."""
    out: dict[str, tuple[NameReading, ...]] = {}
    for kind, rows in loaded.items():
        for row in rows:
            out[f"{kind}:{row.id}"] = tuple(read_name(text) for text in _texts(row))
        records.audit_listing(ENTITY_MODELS[kind], rows, {"shown_with": "identity links"})
    return out


def _texts(row: Any) -> list[str]:
    if isinstance(row, Person):
        return sorted({n.full_name for n in row.names}, key=lambda t: (t.isascii(), t))
    if isinstance(row, RegisterPersonRecord):
        return [row.full_name]
    if isinstance(row, Persona):
        return [row.handle] + ([row.display_name] if row.display_name else [])
    return []
