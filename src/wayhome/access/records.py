"""The gate every intelligence read and write passes through: visibility, then audit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from wayhome.access.markings import Marking, Scope, check_marking_scope
from wayhome.access.models import MarkedMixin, RecordShare, Role
from wayhome.access.visibility import Viewer, Visibility, record_kind
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.errors import Forbidden, InvalidInput, NotFound

M = TypeVar("M", bound=MarkedMixin)
T = TypeVar("T")

WRITING_ROLES = frozenset({Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR})


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing and the number of visible rows in all."""

    items: list[T]
    total: int
    limit: int
    offset: int


def _id(record: Any) -> uuid.UUID | int:
    value: uuid.UUID | int = record.id
    return value


# -- named shares: the one place that writes and reads `record_shares` ----------------------
def share(
    session: Session, records: Iterable[MarkedMixin], agency_ids: Iterable[uuid.UUID]
) -> None:
    """Name agencies a whole record is shared with (each once). Unaudited: the caller audits
    the write the shares belong to. Parts (selectors, bank hashes) are shared as their whole."""
    agencies = list(dict.fromkeys(agency_ids))
    if not agencies:
        return
    rows = []
    for record in records:
        kind, _ = type(record).share_key()
        if kind != record.__record_kind__:
            raise ValueError(f"a {record.__record_kind__} is shared as its {kind}, not itself")
        rows += [
            RecordShare(record_kind=kind, record_id=_id(record), agency_id=agency_id)
            for agency_id in agencies
        ]
    session.add_all(rows)


def shares_of(session: Session, record: MarkedMixin) -> list[uuid.UUID]:
    """The named recipient agencies of a record (of its whole, for a part)."""
    kind, column = type(record).share_key()
    stmt = select(RecordShare.agency_id).where(
        RecordShare.record_kind == kind,
        RecordShare.record_id == getattr(record, column.key),
    )
    return list(session.scalars(stmt))


class Records:
    """Visibility-checked, audited access to intelligence for one caller in one transaction."""

    def __init__(self, session: Session, viewer: Viewer, purpose: str | None = None) -> None:
        self.session = session
        self.viewer = viewer
        self.visibility = Visibility(viewer)
        self.actor = audit.Actor(viewer.user_id, viewer.username, viewer.agency_id, purpose)

    # -- reads -----------------------------------------------------------------------------
    def get(self, model: type[M], record_id: uuid.UUID | int) -> M:
        """One visible record by id; NotFound both when absent and when hidden."""
        pk = model.id  # type: ignore[attr-defined]
        stmt = self.visibility.select(model).where(pk == record_id)
        found = self.session.scalars(stmt).first()
        if found is None:
            raise NotFound(f"no {record_kind(model)} with this id")
        self._audit_reads(model, [found])
        return found

    def find(
        self,
        model: type[M],
        *where: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> Page[M]:
        """A page of visible records matching `where`, with the visible total."""
        if limit < 1 or offset < 0:
            raise InvalidInput("limit must be ≥ 1 and offset ≥ 0", location="query.limit")
        base = self.visibility.select(model).where(*where)
        total = self.session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = list(self.session.scalars(base.order_by(*order_by).limit(limit).offset(offset)))
        self._audit_reads(model, rows)
        return Page(rows, int(total), limit, offset)

    def visible_ids(self, model: type[M], ids: Iterable[uuid.UUID | int]) -> set[Any]:
        """Which of the given ids this caller may see (no audit: nothing is disclosed)."""
        wanted = list(ids)
        if not wanted:
            return set()
        pk = model.id  # type: ignore[attr-defined]
        stmt = select(pk).where(self.visibility.clause(model), pk.in_(wanted))
        return set(self.session.scalars(stmt))

    def shares_of(self, record: MarkedMixin) -> list[uuid.UUID]:
        """Named recipient agencies of a record the caller can already see."""
        return shares_of(self.session, record)

    def _audit_reads(
        self, model: type[M], rows: Sequence[M], detail: dict[str, Any] | None = None
    ) -> None:
        marked = [r for r in rows if r.marking is not Marking.CLEAR]
        if not marked:
            return
        kind = record_kind(model)
        if len(marked) == 1 and detail is None:
            audit.record(self.session, self.actor, "read", kind, str(_id(marked[0])))
        else:
            ids = [str(_id(r)) for r in marked]
            audit.record(
                self.session, self.actor, "list", kind, None, {"ids": ids, **(detail or {})}
            )

    def audit_listing(self, model: type[M], rows: Sequence[M], detail: dict[str, Any]) -> None:
        """Audit rows a caller was shown by a query built outside `find` (e.g. search)."""
        self._audit_reads(model, rows, detail)

    # -- writes ----------------------------------------------------------------------------
    def require_writer(self) -> None:
        """Refuse writes by roles that do not contribute intelligence."""
        if self.viewer.role not in WRITING_ROLES:
            raise Forbidden(f"the {self.viewer.role} role does not write intelligence")

    def check_marking(
        self, marking: Marking, scope: Scope, shared_with: Sequence[uuid.UUID], location: str
    ) -> None:
        """Validate a marking, scope and recipient list before anything is written."""
        problem = check_marking_scope(marking, scope)
        if problem:
            raise InvalidInput(problem, location=f"{location}.scope")
        if scope is Scope.NAMED and not shared_with:
            raise InvalidInput(
                "scope 'named' needs at least one agency", location=f"{location}.shared_with"
            )
        if scope is not Scope.NAMED and shared_with:
            raise InvalidInput(
                "shared_with is only for scope 'named'", location=f"{location}.shared_with"
            )
        if shared_with:
            known = set(
                self.session.scalars(select(Agency.id).where(Agency.id.in_(list(shared_with))))
            )
            for index, agency_id in enumerate(shared_with):
                if agency_id not in known:
                    raise InvalidInput(
                        "no such agency", location=f"{location}.shared_with[{index}]"
                    )

    def add(
        self,
        record: M,
        shared_with: Sequence[uuid.UUID] = (),
        detail: dict[str, Any] | None = None,
        audit_action: str = "create",
    ) -> M:
        """Store a new record owned by the caller's agency, with its shares, and audit it."""
        self.add_many([record], shared_with, [detail], audit_action)
        return record

    def add_many(
        self,
        records: Sequence[M],
        shared_with: Sequence[uuid.UUID] = (),
        details: Sequence[dict[str, Any] | None] | None = None,
        audit_action: str = "create",
    ) -> None:
        """Store new records owned by the caller's agency, each with the same shares and its
        own audit entry, in a few statements (a file's reports arrive together)."""
        if not records:
            return
        for record in records:
            record.agency_id = self.viewer.agency_id
        self.session.add_all(records)
        self.session.flush()
        share(self.session, records, shared_with)
        audit.record_many(
            self.session,
            self.actor,
            [
                audit.Pending(audit_action, record.__record_kind__, str(_id(record)), detail)
                for record, detail in zip(records, details or [None] * len(records), strict=True)
            ],
        )

    def share(self, records: Iterable[MarkedMixin], agency_ids: Iterable[uuid.UUID]) -> None:
        """Name more agencies that records already stored are shared with (unaudited here: the
        operation that widens them audits itself)."""
        share(self.session, records, agency_ids)

    def changed(self, record: MarkedMixin, detail: dict[str, Any]) -> None:
        """Audit a change the caller made to a record he may see."""
        self.session.flush()
        audit.record(
            self.session, self.actor, "update", record.__record_kind__, str(_id(record)), detail
        )
