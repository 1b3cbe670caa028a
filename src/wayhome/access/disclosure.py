"""What a caller learns of a record that answers his question, decided in one place.

Every engine that answers "who else holds this?" — correlation, hash matches, register
suspects, watches, the link graph, case leads — turns each matching record into one of:

  * SHOW: the caller may see it (the visibility rule, `access/visibility.py`);
  * HIT: he may not; he learns which agency holds it, never what, and asks through channels;
  * TELL_HOLDER: he may not, and the record is silent or RED: he learns nothing, not even that
    it exists, and its holder is told instead, once per key (`tell_holder_once`), audited;
  * NOTHING: nobody learns anything: the caller reads no intelligence, or the hidden silent
    or RED record is his own agency's (an agency is not told of its own question).

`judge` is the rule over a visibility already known, `decide` over a record in hand, and
`disclosure_clause` its SQL twin for the engines' queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, String, case, literal_column, or_, select
from sqlalchemy.orm import Session

from wayhome.access.markings import Marking
from wayhome.access.models import MarkedMixin, Role
from wayhome.access.visibility import READING_ROLES, Viewer, Visibility, visibility_clause
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.inbox import services as inbox


class Disclosure(StrEnum):
    """What the caller learns of one matching record."""

    SHOW = "show"
    HIT = "hit"
    TELL_HOLDER = "tell_holder"
    NOTHING = "nothing"


def judge(
    viewer: Viewer, *, visible: bool, holder: uuid.UUID, marking: Marking, silent: bool
) -> Disclosure:
    """The rule, for a record whose visibility to the viewer is already known."""
    if viewer.role not in READING_ROLES:
        return Disclosure.NOTHING
    if visible:
        return Disclosure.SHOW
    if silent or marking is Marking.RED:
        return Disclosure.NOTHING if holder == viewer.agency_id else Disclosure.TELL_HOLDER
    return Disclosure.HIT


def decide(
    viewer: Viewer,
    record: MarkedMixin,
    shared_with: Collection[uuid.UUID] = (),
    *,
    silent: bool = False,
) -> Disclosure:
    """The rule for a record in hand, its named recipients and its silent flag (a part is
    silent as its whole: a selector as its report, a bank hash as its bank)."""
    visible = Visibility(viewer).allows(record, set(shared_with))
    return judge(
        viewer, visible=visible, holder=record.agency_id, marking=record.marking, silent=silent
    )


def holder_only(
    model: type[MarkedMixin], silent: ColumnElement[bool] | None = None
) -> ColumnElement[bool]:
    """SQL: a hidden row of `model` tells its holder rather than the caller (silent or RED)."""
    red: ColumnElement[bool] = model.marking == Marking.RED
    return red if silent is None else or_(silent, red)


def disclosure_clause(
    model: type[MarkedMixin],
    role: Role,
    agency: uuid.UUID | BindParameter[uuid.UUID],
    silent: ColumnElement[bool] | None = None,
    *,
    hidden: bool = False,
) -> ColumnElement[str]:
    """The rule as SQL: a `Disclosure` value per row of `model`, for a role and an agency (a
    bound parameter for prebuilt statements). With `hidden`, the query already keeps only rows
    the viewer may not see, and the visibility test is not repeated."""
    if role not in READING_ROLES:
        return _constant(Disclosure.NOTHING)
    quiet = holder_only(model, silent)
    whens: list[tuple[ColumnElement[bool], ColumnElement[str]]] = []
    if not hidden:
        whens.append((visibility_clause(model, role, agency), _constant(Disclosure.SHOW)))
    whens += [
        (quiet & (model.agency_id == agency), _constant(Disclosure.NOTHING)),
        (quiet, _constant(Disclosure.TELL_HOLDER)),
    ]
    return case(*whens, else_=_constant(Disclosure.HIT))


def _constant(value: Disclosure) -> ColumnElement[str]:
    # Written into the statement, not bound: a GROUP BY on the CASE then matches its SELECT.
    return literal_column(f"'{value.value}'", String())


@dataclass(frozen=True)
class Hit:
    """An agency holds records of a kind that match, which the caller may not see."""

    agency_id: uuid.UUID
    agency_code: str
    agency_name: str
    country: str
    records: int
    kind: str = ""


def holder_hits(session: Session, counts: Mapping[uuid.UUID, int], kind: str) -> list[Hit]:
    """One hit per holding agency with its count of hidden records, by agency code."""
    if not counts:
        return []
    agencies = session.scalars(select(Agency).where(Agency.id.in_(list(counts))))
    return sorted(
        (Hit(a.id, a.code, a.name, a.country, counts[a.id], kind) for a in agencies),
        key=lambda hit: hit.agency_code,
    )


def tell_holder_once(
    session: Session,
    actor: audit.Actor,
    holder: uuid.UUID,
    *,
    kind: str,
    key: str,
    subject: str,
    detail: dict[str, Any],
    record_kind: str,
    record_id: str | None,
    audited: dict[str, Any] | None = None,
) -> bool:
    """Tell a holder that another agency's question touched its silent or RED record: one
    inbox message per (holder, kind, key), audited as `hit_notified`; False when told before."""
    note = inbox.post_once(session, holder, kind, key, subject, detail)
    if note is None:
        return False
    audit.record(
        session,
        actor,
        "hit_notified",
        record_kind,
        record_id,
        {"holder_agency": str(holder), **(audited or {})},
    )
    return True
