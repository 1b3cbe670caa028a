"""The disclosure rule itself, exhaustively: every marking × scope × silent flag × role ×
relation (own agency, shared with all, named incl. the caller, named without him, another
agency's owner-only), in Python (`decide`) and in SQL (`disclosure_clause`), against the
policy restated here; and the one once-only path into the inbox."""

from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import World
from wayhome.access.disclosure import (
    Disclosure,
    decide,
    disclosure_clause,
    holder_hits,
    tell_holder_once,
)
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import RecordShare, Role
from wayhome.access.visibility import Viewer
from wayhome.audit import services as audit
from wayhome.audit.models import AuditEntry
from wayhome.hashing.models import Bank
from wayhome.inbox import services as inbox
from wayhome.inbox.models import Notification

RELATIONS = ("own", "all", "named_me", "named_other", "other_owner_only")
ROLES = tuple(Role)


def scopes_of(relation: str) -> tuple[Scope, ...]:
    """The scopes a record in this relation to the caller can have."""
    return {
        "own": tuple(Scope),
        "all": (Scope.ALL,),
        "named_me": (Scope.NAMED,),
        "named_other": (Scope.NAMED,),
        "other_owner_only": (Scope.OWNER,),
    }[relation]


COMBINATIONS = [
    (marking, scope, silent, relation)
    for relation in RELATIONS
    for marking, scope, silent in itertools.product(Marking, scopes_of(relation), (False, True))
    if not (marking is Marking.RED and scope is Scope.ALL)  # refused when stored
]


def expected(role: Role, marking: Marking, silent: bool, relation: str) -> Disclosure:
    """The policy, restated independently of the implementation."""
    if role is Role.ADMIN:
        return Disclosure.NOTHING
    reached = relation in ("own", "all", "named_me")
    if reached and not (marking is Marking.RED and role is Role.ANALYST):
        return Disclosure.SHOW
    if silent or marking is Marking.RED:
        # A silent or RED record tells the caller nothing; its holder is told, unless the
        # holder is the caller's own agency (an analyst's hidden RED record of his own).
        return Disclosure.NOTHING if relation == "own" else Disclosure.TELL_HOLDER
    return Disclosure.HIT


ME, OTHER, THIRD = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def _record(marking: Marking, scope: Scope, relation: str) -> tuple[Bank, set[uuid.UUID]]:
    holder = ME if relation == "own" else OTHER
    shared = {"named_me": {ME, THIRD}, "named_other": {THIRD}}.get(relation, set())
    if relation == "own" and scope is Scope.NAMED:
        shared = {THIRD}
    return Bank(agency_id=holder, marking=marking, scope=scope, name="b"), shared


def test_every_value_of_every_dimension_is_covered() -> None:
    assert {c[0] for c in COMBINATIONS} == set(Marking)
    assert {c[1] for c in COMBINATIONS} == set(Scope)
    assert {c[2] for c in COMBINATIONS} == {False, True}
    assert {c[3] for c in COMBINATIONS} == set(RELATIONS)
    outcomes = {
        expected(role, marking, silent, relation)
        for role in ROLES
        for marking, _, silent, relation in COMBINATIONS
    }
    assert outcomes == set(Disclosure)


@pytest.mark.parametrize("role", ROLES)
def test_decide_follows_the_policy(role: Role) -> None:
    viewer = Viewer(uuid.uuid4(), "reader", ME, role)
    for marking, scope, silent, relation in COMBINATIONS:
        record, shared = _record(marking, scope, relation)
        found = decide(viewer, record, shared, silent=silent)
        assert found is expected(role, marking, silent, relation), (
            marking,
            scope,
            silent,
            relation,
        )


def test_the_sql_twin_agrees_with_the_rule(db: Session, world: World) -> None:
    me, other, third = world.agency("dc-me"), world.agency("dc-other"), world.agency("dc-third")
    ids = {ME: me.id, OTHER: other.id, THIRD: third.id}
    stored: dict[uuid.UUID, tuple[Marking, Scope, bool, str]] = {}
    for number, (marking, scope, silent, relation) in enumerate(COMBINATIONS):
        record, shared = _record(marking, scope, relation)
        bank = Bank(
            agency_id=ids[record.agency_id],
            marking=marking,
            scope=scope,
            name=f"bank {number}",
            silent=silent,
        )
        db.add(bank)
        db.flush()
        db.add_all(
            RecordShare(record_kind="hash_bank", record_id=bank.id, agency_id=ids[a])
            for a in shared
        )
        stored[bank.id] = (marking, scope, silent, relation)
    db.flush()
    for role in ROLES:
        told = disclosure_clause(Bank, role, me.id, silent=Bank.silent.is_(True))
        rows = db.execute(select(Bank.id, told).where(Bank.id.in_(list(stored)))).all()
        assert len(rows) == len(stored)
        for bank_id, value in rows:
            marking, scope, silent, relation = stored[bank_id]
            assert Disclosure(value) is expected(role, marking, silent, relation), (
                role,
                marking,
                scope,
                silent,
                relation,
            )
        # Over rows already known hidden, the short form gives the same answers.
        hidden = disclosure_clause(Bank, role, me.id, silent=Bank.silent.is_(True), hidden=True)
        for bank_id, value in db.execute(select(Bank.id, hidden).where(Bank.id.in_(list(stored)))):
            marking, _, silent, relation = stored[bank_id]
            if expected(role, marking, silent, relation) in (
                Disclosure.HIT,
                Disclosure.TELL_HOLDER,
            ):
                assert Disclosure(value) is expected(role, marking, silent, relation)


def test_the_holder_is_told_once_per_key_and_audited(db: Session, world: World) -> None:
    holder, asking = world.agency("dc-holder"), world.agency("dc-asking")
    actor = audit.Actor(None, "reader", asking.id)

    def tell(key: str) -> bool:
        return tell_holder_once(
            db,
            actor,
            holder.id,
            kind="test_silent_hit",
            key=key,
            subject="someone asked",
            detail={"key": key},
            record_kind="hash_bank",
            record_id="bank",
        )

    long_key = "x" * 400  # longer than the column: kept as a digest
    assert [tell("k1"), tell("k1"), tell("k2"), tell(long_key), tell(long_key)] == [
        True,
        False,
        True,
        True,
        False,
    ]
    notes = list(db.scalars(select(Notification).where(Notification.agency_id == holder.id)))
    assert sorted(n.dedup_key or "" for n in notes) == sorted(
        ["test_silent_hit:k1", "test_silent_hit:k2", inbox.once_key("test_silent_hit", long_key)]
    )
    assert all(len(n.dedup_key or "") <= 200 for n in notes)
    told = db.scalar(
        select(func.count()).where(
            AuditEntry.action == "hit_notified", AuditEntry.agency_id == asking.id
        )
    )
    assert told == 3
    # Another holder with the same key is told on its own.
    assert inbox.post_once(db, asking.id, "test_silent_hit", "k1", "s", {}) is not None


def test_hits_are_one_per_holder_by_code(db: Session, world: World) -> None:
    b, a = world.agency("dc-b"), world.agency("dc-a")
    hits = holder_hits(db, {b.id: 2, a.id: 5}, "register_person")
    assert [(h.agency_code, h.records, h.kind) for h in hits] == [
        ("dc-a", 5, "register_person"),
        ("dc-b", 2, "register_person"),
    ]
    assert holder_hits(db, {}, "x") == []
