"""Appending to the audit log and verifying it against the database."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from Crypto.PublicKey.ECC import EccKey
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from wayhome.audit import checkpoints
from wayhome.audit.chain import GENESIS_HASH, ChainBreak, ChainLink, entry_digest, verify_chain
from wayhome.audit.checkpoints import Checkpoint
from wayhome.audit.models import AuditEntry, AuditHead
from wayhome.db.base import utcnow
from wayhome.db.dialect import fetch_rows, insert_many, param_marker


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the audit log records it."""

    user_id: uuid.UUID | None
    username: str | None
    agency_id: uuid.UUID | None
    purpose: str | None = None


SYSTEM = Actor(user_id=None, username="system", agency_id=None)


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "user_id": str(entry.user_id) if entry.user_id else None,
        "username": entry.username,
        "agency_id": str(entry.agency_id) if entry.agency_id else None,
        "action": entry.action,
        "object_kind": entry.object_kind,
        "object_id": entry.object_id,
        "purpose": entry.purpose,
        "detail": entry.detail,
    }


def ensure_head(session: Session) -> None:
    """Create the chain's head row if the log is new."""
    if session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, seq=0, last_hash=GENESIS_HASH))
        session.flush()


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_kind: str | None = None,
    object_id: str | uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain inside the caller's transaction (three statements)."""
    return record_many(session, actor, [Pending(action, object_kind, object_id, detail)])[0]


@dataclass(frozen=True)
class Pending:
    """One entry to append with `record_many`: what `record` takes after the actor."""

    action: str
    object_kind: str | None = None
    object_id: str | uuid.UUID | None = None
    detail: dict[str, Any] | None = None


def record_many(session: Session, actor: Actor, pending: Sequence[Pending]) -> list[AuditEntry]:
    """Append several entries, in order, inside the caller's transaction: one head update,
    one insert and one head update, however many entries; each entry is still hash-linked to
    the one before it exactly as `record` links it.

    Every request appends here (reads are audited), so the statements are driver-level SQL:
    building them through the ORM cost ~2.5 ms per call, the database ~0.1 ms. The entries
    returned are not attached to the session."""
    if not pending:
        return []
    marker = param_marker(session)
    # Reserve the sequence numbers in one step (the same lock `record` takes).
    ((last_seq, prev_hash),) = fetch_rows(
        session,
        f"UPDATE {_HEAD} SET seq = seq + {marker} WHERE id = 1 RETURNING seq, last_hash",  # noqa: S608
        [len(pending)],
    )
    seq = last_seq - len(pending)
    at = utcnow()
    made = []
    for item in pending:
        seq += 1
        entry = AuditEntry(
            seq=seq,
            at=at,
            user_id=actor.user_id,
            username=actor.username,
            agency_id=actor.agency_id,
            action=item.action,
            object_kind=item.object_kind,
            object_id=str(item.object_id) if item.object_id is not None else None,
            purpose=actor.purpose,
            detail=item.detail or {},
            prev_hash=prev_hash,
            entry_hash="",
        )
        entry.entry_hash = entry_digest(prev_hash, _fields(entry))
        prev_hash = entry.entry_hash
        made.append(entry)
    entries = cast(Table, AuditEntry.__table__)
    insert_many(
        session, entries, [{c.key: getattr(e, c.key) for c in entries.columns} for e in made]
    )
    tip = f"UPDATE {_HEAD} SET last_hash = {marker} WHERE id = 1"  # noqa: S608 - markers only
    fetch_rows(session, tip, [prev_hash])
    return made


_HEAD = AuditHead.__tablename__


def _links(session: Session, entries: Iterable[AuditEntry]) -> Iterator[ChainLink]:
    for entry in entries:
        yield ChainLink(entry.seq, _fields(entry), entry.prev_hash, entry.entry_hash)
        session.expunge(entry)


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a full verification."""

    checked: int
    head_seq: int
    broken: ChainBreak | None
    head_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        """True when every entry holds."""
        return self.broken is None


def verify(session: Session) -> VerifyResult:
    """Walk the whole log and report the first edited, inserted or deleted entry."""
    head = session.get(AuditHead, 1, populate_existing=True)
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=5000)
    entries = session.scalars(stmt)
    try:
        checked, broken = verify_chain(_links(session, entries), head_seq, head_hash)
    finally:
        entries.close()
    return VerifyResult(checked=checked, head_seq=head_seq, broken=broken, head_hash=head_hash)


def take_checkpoint(session: Session, key: EccKey) -> tuple[VerifyResult, Checkpoint | None]:
    """Verify the chain and sign its head with KEY; no checkpoint when the chain is broken,
    since signing it would vouch for the damage."""
    result = verify(session)
    if not result.ok:
        return result, None
    at = utcnow().isoformat()
    return result, checkpoints.sign(key, result.head_seq, result.head_hash, at)


@dataclass(frozen=True)
class CheckpointMismatch:
    """A checkpoint the chain no longer matches: its file, its contents and why."""

    source: str
    checkpoint: Checkpoint
    reason: str


def check_checkpoints(
    session: Session, found: Sequence[tuple[str, Checkpoint]], key: EccKey
) -> CheckpointMismatch | None:
    """The first checkpoint, in chain order, whose signature fails for KEY or whose entry is
    no longer in the chain with the signed hash; None when every one holds."""
    for source, checkpoint in sorted(found, key=lambda pair: pair[1].seq):
        problem = checkpoints.signature_problem(checkpoint, key)
        if problem is None and checkpoint.seq > 0:
            stored = session.scalar(
                select(AuditEntry.entry_hash).where(AuditEntry.seq == checkpoint.seq)
            )
            if stored is None:
                problem = f"entry #{checkpoint.seq} is no longer in the chain"
            elif stored != checkpoint.head_hash:
                problem = (
                    f"entry #{checkpoint.seq} no longer has the signed hash: the chain was "
                    "rewritten at or before it"
                )
        if problem is not None:
            return CheckpointMismatch(source, checkpoint, problem)
    return None


def agency_trail(
    session: Session, agency_id: uuid.UUID, limit: int, offset: int
) -> list[AuditEntry]:
    """Newest entries made by users of one agency."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.agency_id == agency_id)
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))
