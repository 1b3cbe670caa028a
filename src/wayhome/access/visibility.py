"""The one rule for who may see an intelligence record; every read query is built through it.

A record is visible to a viewer when all of these hold:
  * the viewer's role reads intelligence (administrators manage accounts, not intelligence);
  * the viewer's agency owns it, or the scope is ALL, or the scope is NAMED and the viewer's
    agency is among the named recipients;
  * the record is not RED, or the viewer is an investigator or supervisor (TLP:RED is for
    named individuals; Wayhome grants it to the sworn roles of recipient agencies only).
Anything else is invisible, and invisible is indistinguishable from non-existent.

A record made from others (a timeline entry from a report) goes only where every one of them
goes: `common_reach`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Uuid,
    and_,
    bindparam,
    exists,
    false,
    or_,
    select,
    true,
)

from wayhome.access.markings import Marking, Scope, strictest
from wayhome.access.models import MarkedMixin, RecordShare, Role

READING_ROLES = frozenset({Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR})
RED_ROLES = frozenset({Role.INVESTIGATOR, Role.SUPERVISOR})

M = TypeVar("M", bound=MarkedMixin)


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the facts visibility depends on."""

    user_id: uuid.UUID
    username: str
    agency_id: uuid.UUID
    role: Role


class Visibility:
    """Builds visibility-filtered queries and checks single records for one viewer."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    def clause(self, model: type[MarkedMixin]) -> ColumnElement[bool]:
        """SQL condition selecting the rows of `model` this viewer may see."""
        return visibility_clause(model, self.viewer.role, self.viewer.agency_id)

    def select(self, model: type[M]) -> Select[M]:
        """`SELECT model WHERE visible` — the starting point of every intelligence query."""
        return select(model).where(self.clause(model))

    def allows(self, record: MarkedMixin, shared_with: set[uuid.UUID]) -> bool:
        """The same rule in Python, for a record already in hand and its named recipients."""
        role = self.viewer.role
        if role not in READING_ROLES:
            return False
        agency = self.viewer.agency_id
        reach = (
            record.agency_id == agency
            or record.scope is Scope.ALL
            or (record.scope is Scope.NAMED and agency in shared_with)
        )
        return reach and (record.marking is not Marking.RED or role in RED_ROLES)


@dataclass(frozen=True)
class Reach:
    """Where a record goes: its owner, marking, scope and named agencies; a silent record's
    existence is for its owner alone."""

    agency_id: uuid.UUID
    marking: Marking
    scope: Scope
    shared_with: frozenset[uuid.UUID] = frozenset()
    silent: bool = False

    def agencies(self) -> frozenset[uuid.UUID] | None:
        """The agencies it reaches; None for every agency."""
        if self.silent or self.scope is Scope.OWNER:
            return frozenset({self.agency_id})
        if self.scope is Scope.ALL:
            return None
        return frozenset({self.agency_id, *self.shared_with})


def common_reach(owner: uuid.UUID, sources: Iterable[Reach]) -> Reach | None:
    """Where a record made from all `sources` and held by `owner` may go: the strictest
    marking, to the agencies every source reaches; None when that leaves `owner` out."""
    found = list(sources)
    marking = strictest(source.marking for source in found)
    common: frozenset[uuid.UUID] | None = None
    for source in found:
        reached = source.agencies()
        if reached is not None:
            common = reached if common is None else common & reached
    if common is None:
        return Reach(owner, marking, Scope.OWNER if marking is Marking.RED else Scope.ALL)
    if owner not in common:
        return None
    others = common - {owner}
    return Reach(owner, marking, Scope.NAMED if others else Scope.OWNER, others)


VIEWER_AGENCY = "viewer_agency"


def visibility_clause(
    model: type[MarkedMixin], role: Role, agency: uuid.UUID | BindParameter[uuid.UUID]
) -> ColumnElement[bool]:
    """The rule as SQL for a role and an agency: a value, or a bound parameter so that hot
    queries can be built once per role and run for any viewer (see `agency_param`)."""
    if role not in READING_ROLES:
        return false()
    share_kind, share_id = model.share_key()
    shared_with_me = exists().where(
        RecordShare.record_kind == share_kind,
        RecordShare.record_id == share_id,
        RecordShare.agency_id == agency,
    )
    reach = or_(
        model.agency_id == agency,
        model.scope == Scope.ALL,
        and_(model.scope == Scope.NAMED, shared_with_me),
    )
    red_ok: ColumnElement[bool] = true() if role in RED_ROLES else model.marking != Marking.RED
    return and_(reach, red_ok)


def agency_param() -> BindParameter[uuid.UUID]:
    """The bound parameter that prebuilt statements use for the viewer's agency."""
    return bindparam(VIEWER_AGENCY, type_=Uuid())


def record_kind(model: type[Any]) -> str:
    """The kind name under which a model's shares and audit entries are recorded."""
    kind: str = model.__record_kind__
    return kind
