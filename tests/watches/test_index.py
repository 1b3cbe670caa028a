"""The in-memory index of watched subjects: loading, keeping in step, topping up."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.conftest import World
from wayhome.signals import Subject, SubjectKind
from wayhome.watches.index import WatchIndex
from wayhome.watches.models import Watch

A = Subject(SubjectKind.SELECTOR, "email:a@example.org")
B = Subject(SubjectKind.PERSONA, "forum:b")


def test_index_loads_matches_and_tops_up(db: Session, world: World) -> None:
    user = world.user(world.agency())
    db.add(
        Watch(user_id=user.id, agency_id=user.agency_id, subject_kind="selector", subject_key=A.key)
    )
    db.flush()
    index = WatchIndex(top_up_seconds=0)
    index.ensure(db)
    assert index.matching((A, B)) == [A]
    # Same key text, other kind: not a match.
    assert index.matching((Subject(SubjectKind.PERSONA, A.key),)) == []
    # A watch written elsewhere (another process) is picked up by the next top-up.
    db.add(
        Watch(user_id=user.id, agency_id=user.agency_id, subject_kind="persona", subject_key=B.key)
    )
    db.flush()
    index.ensure(db)
    assert index.matching((A, B)) == [A, B]
    index.discard(A)
    assert index.matching((A, B)) == [B]
    index.add(A)
    assert index.matching((A,)) == [A]


def test_index_waits_for_its_period(db: Session, world: World) -> None:
    user = world.user(world.agency())
    index = WatchIndex(top_up_seconds=3600)
    index.ensure(db)
    db.add(
        Watch(user_id=user.id, agency_id=user.agency_id, subject_kind="selector", subject_key=A.key)
    )
    db.flush()
    index.ensure(db)  # within the period: nothing is read
    assert index.matching((A,)) == []
    index.invalidate()
    index.ensure(db)
    assert index.matching((A,)) == [A]
