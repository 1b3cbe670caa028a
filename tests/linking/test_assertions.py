"""Stored identity assertions: made at ingest, decided, split, fed back; never editing records."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.linking.linking_world import (
    fresh_indices,
    ingest,
    persona_in,
    pgp,
    records_of,
    snapshot,
    tipline,
)
from wayhome import signals
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role
from wayhome.audit.models import AuditEntry
from wayhome.cases import services as cases
from wayhome.cases.models import CaseKind, PersonRole, Sex
from wayhome.cases.schemas import CaseIn, NameIn, PersonIn
from wayhome.errors import InvalidInput, NotFound
from wayhome.linking import matching, services
from wayhome.linking.evidence import Assertion, Evidence
from wayhome.linking.models import AssertionState, IdentityAssertion, LinkDecision
from wayhome.linking.review import ReviewDecision, ReviewThresholds, adjust_thresholds
from wayhome.signals import Signal, SignalKind, SubjectKind

__all__ = ["fresh_indices"]


@pytest.fixture
def heard() -> Iterator[list[Signal]]:
    got: list[Signal] = []

    def listen(_session: Session, batch: list[Signal]) -> None:
        got.extend(s for s in batch if s.kind is SignalKind.IDENTITY_LINK)

    signals.subscribe(listen)
    yield got
    signals.unsubscribe(listen)


def _two_personas(
    db: Session, world: World, *, marking: Marking = Marking.AMBER
) -> tuple[IdentityAssertion, uuid.UUID, uuid.UUID]:
    """Two agencies' reports on accounts that share a PGP key (full fingerprint and key id)."""
    key = pgp(7)
    nl, us = world.agency("nl"), world.agency("us")
    first = ingest(
        records_of(db, world.user(nl, Role.INVESTIGATOR)),
        tipline("kolokol_77", "Forum", info=f"PGP fingerprint {key}"),
        marking,
        Scope.OWNER if marking is Marking.RED else Scope.ALL,
    )
    db.commit()
    second = ingest(
        records_of(db, world.user(us, Role.INVESTIGATOR)),
        tipline(
            "kolokol77", "Quietmail", email="kolokol.77@mailbox.example", info=f"key 0x{key[-16:]}"
        ),
        marking,
        Scope.OWNER if marking is Marking.RED else Scope.ALL,
    )
    db.commit()
    row = db.scalars(select(IdentityAssertion)).one()
    return row, first, second


def test_a_new_report_raises_a_strong_persona_link_and_signals_it(
    db: Session, world: World, heard: list[Signal]
) -> None:
    row, first, second = _two_personas(db, world)
    a, b = persona_in(db, first), persona_in(db, second)
    assert {row.left_ref, row.right_ref} == {f"persona:{a.id}", f"persona:{b.id}"}
    assert row.state is AssertionState.ACCEPTED and row.strong and row.score > 0.99
    assert row.made_by == "model:persona"
    kinds = {e["kind"]: e for e in row.evidence}
    assert kinds["shared_selector"]["contribution"] == pytest.approx(14.0)
    assert kinds["shared_selector"]["agency"] == "us"
    assert kinds["handle"]["contribution"] > 0
    assert len(heard) == 1 and heard[0].record_id == str(row.id)
    keys = {s.key for s in heard[0].subjects if s.kind is SubjectKind.PERSONA}
    assert keys == {a.handle_canonical, b.handle_canonical}


def test_reports_without_persons_or_personas_make_nothing(db: Session, world: World) -> None:
    from wayhome.intake import services as intake
    from wayhome.intake.schemas import ReportIn

    user = world.user(world.agency(), Role.ANALYST)
    intake.submit_report(
        records_of(db, user),
        ReportIn(title="t", source="s", body="mail a@example.net", marking=Marking.GREEN),
    )
    db.commit()
    assert db.scalar(select(func.count()).select_from(IdentityAssertion)) == 0


def test_reject_and_split_change_no_agency_record(db: Session, world: World) -> None:
    row, _, _ = _two_personas(db, world)
    reviewer = world.user(world.agency("hub"), Role.SUPERVISOR)
    before = snapshot(db)
    records = records_of(db, reviewer)
    decided = services.decide(records, row.id, "reject", "different people, shared mailbox")
    assert decided.state is AssertionState.REJECTED and decided.decided_by == reviewer.id
    services.decide(records, row.id, "accept", "second look")
    parts = services.split(records, [row.id], "the key was sold on")
    assert sorted(len(p) for p in parts) == [1, 1]
    assert snapshot(db) == before
    decisions = db.scalars(select(LinkDecision.decision).order_by(LinkDecision.at)).all()
    assert decisions == ["reject", "accept", "reject"]
    audited = db.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_kind == "assertion", AuditEntry.object_id == str(row.id)
        )
    ).all()
    assert audited.count("update") == 3


def test_a_rejected_pair_is_not_proposed_again(db: Session, world: World) -> None:
    row, first, second = _two_personas(db, world)
    services.decide(records_of(db, world.user(world.agency(), Role.ANALYST)), row.id, "reject")
    a, b = persona_in(db, first), persona_in(db, second)
    assert services.match_persona(db, b) == [] and services.match_persona(db, a) == []
    again = Assertion(f"persona:{b.id}", f"persona:{a.id}", 0.999, (), "model:persona")
    assert services.store_assertion(db, again, agency_id=a.agency_id, agency_code="x",
                                    ends=(a, b)) is None  # fmt: skip
    assert db.scalars(select(IdentityAssertion.state)).all() == [AssertionState.REJECTED]


def _case_person(db: Session, world: World, name: str, born: str, marking: Marking) -> str:
    user = world.user(world.agency(), Role.SUPERVISOR)
    records = records_of(db, user)
    case = cases.open_case(
        records, CaseIn(title="a case", kind=CaseKind.OTHER, marking=Marking.GREEN, scope=Scope.ALL)
    )
    import datetime as dt

    person = cases.add_person(
        records,
        case.id,
        PersonIn(
            role=PersonRole.SUSPECT,
            names=[NameIn(full_name=name)],
            date_of_birth=dt.date.fromisoformat(born),
            sex=Sex.MALE,
            marking=marking,
            scope=Scope.ALL if marking is not Marking.RED else Scope.OWNER,
        ),
    )
    return f"person:{person.id}"


def _store(db: Session, left: str, right: str, score: float) -> IdentityAssertion | None:
    from wayhome.agencies.models import Agency

    agency = db.scalars(select(Agency)).first()
    assert agency is not None
    found = Assertion(left, right, score, (Evidence("name", "test", 1.0),), "model:person")
    ends = (matching.held(db, left), matching.held(db, right))
    return services.store_assertion(
        db, found, agency_id=agency.id, agency_code=agency.code, ends=ends
    )


def test_review_queue_holds_links_between_the_thresholds(db: Session, world: World) -> None:
    refs = [
        _case_person(db, world, f"Test Person{i}", "1980-01-01", Marking.GREEN) for i in range(4)
    ]
    assert _store(db, refs[0], refs[1], 0.3) is None  # below review_at: dropped
    middle = _store(db, refs[0], refs[2], 0.7)
    high = _store(db, refs[0], refs[3], 0.995)
    assert middle is not None and middle.state is AssertionState.PROPOSED
    assert high is not None and high.state is AssertionState.ACCEPTED
    viewer = records_of(db, world.user(world.agency(), Role.ANALYST))
    queue, total = services.review_queue(viewer)
    assert [r.id for r in queue] == [middle.id] and total == 1
    services.set_thresholds(db, "person", accept_at=0.99, review_at=0.8)
    assert services.review_queue(viewer) == ([], 0)
    with pytest.raises(InvalidInput) as bad:
        services.review_queue(viewer, "nonsense")
    assert bad.value.location == "query.kind"


def test_decisions_move_the_thresholds(db: Session, world: World) -> None:
    refs = [
        _case_person(db, world, f"Pat Smith{i}", "1981-02-02", Marking.GREEN) for i in range(26)
    ]
    reviewer = records_of(db, world.user(world.agency(), Role.ANALYST))
    made: list[ReviewDecision] = []
    want = ReviewThresholds()
    for i in range(1, 26):
        score = 0.5 + i * 0.018
        row = _store(db, refs[0], refs[i], score)
        assert row is not None
        accepted = score > 0.7
        services.decide(reviewer, row.id, "accept" if accepted else "reject")
        made.append(ReviewDecision(str(row.id), "", row.score, accepted))
        # Every decision moves the thresholds a bounded step from where they stand.
        want = adjust_thresholds(want, made)
    assert want != ReviewThresholds()
    assert services.thresholds(db, "person") == want


def test_person_link_from_a_new_case_person(db: Session, world: World) -> None:
    held = _case_person(db, world, "Дмитрий Сергеевич Соколов", "1998-05-12", Marking.AMBER)
    db.commit()
    new = _case_person(db, world, "Dmitriy Sokolov", "1998-05-12", Marking.GREEN)
    person = matching.held(db, new)
    stored = services.match_person(db, person)
    assert [{r.left_ref, r.right_ref} for r in stored] == [{held, new}]
    assert stored[0].marking is Marking.AMBER  # the stricter of the two
    assert any(e["kind"] == "person_match:birth" for e in stored[0].evidence)


def test_bad_decisions_change_nothing_and_disclose_nothing(db: Session, world: World) -> None:
    row, _, _ = _two_personas(db, world, marking=Marking.RED)
    # RED, scope owner: an analyst of another agency sees neither the link nor its ends.
    outsider = records_of(db, world.user(world.agency(), Role.ANALYST))
    for attempt in (
        lambda: services.decide(outsider, row.id, "accept"),
        lambda: services.split(outsider, [row.id], "why"),
        lambda: services.get_assertion(outsider, row.id),
        lambda: services.decide(outsider, uuid.uuid4(), "accept"),
    ):
        with pytest.raises(NotFound) as missing:
            attempt()
        assert missing.value.detail == "no assertion with this id"
    assert db.scalar(select(func.count()).select_from(LinkDecision)) == 0
    assert db.get(IdentityAssertion, row.id).state is AssertionState.ACCEPTED  # type: ignore[union-attr]
    assert services.assertions_for(outsider, row.left_ref) == []  # a listing: empty
    with pytest.raises(NotFound):
        services.cluster_of(outsider, row.left_ref)


def test_an_analyst_assertion_is_checked(db: Session, world: World) -> None:
    ref = _case_person(db, world, "Anna Lee", "1990-01-01", Marking.GREEN)
    other = _case_person(db, world, "Ann Lee", "1990-01-01", Marking.GREEN)
    records = records_of(db, world.user(world.agency(), Role.ANALYST))
    new = services.NewAssertion(ref, ref, 0.9, "same", Marking.GREEN)
    with pytest.raises(InvalidInput) as itself:
        services.assert_link(records, new)
    assert itself.value.location == "right"
    with pytest.raises(NotFound):
        services.assert_link(
            records, services.NewAssertion(ref, f"person:{uuid.uuid4()}", 0.9, "x", Marking.GREEN)
        )
    with pytest.raises(InvalidInput) as bad_ref:
        services.assert_link(
            records, services.NewAssertion("person:zz", ref, 0.9, "x", Marking.GREEN)
        )
    assert bad_ref.value.location == "left"
    made = services.assert_link(
        records, services.NewAssertion(ref, other, 0.8, "same photo", Marking.GREEN)
    )
    assert made.state is AssertionState.PROPOSED and made.made_by.startswith("user:")
    assert services.review_queue(records)[0][0].id == made.id


def test_a_new_register_person_is_matched_against_held_persons(db: Session, world: World) -> None:
    from wayhome.locate import services as locating
    from wayhome.locate.models import RegisterPersonRecord

    held = _case_person(db, world, "Dmitriy Sokolov", "1998-05-12", Marking.GREEN)
    user = world.user(world.agency("ru"), Role.SUPERVISOR)
    loaded = locating.import_register(
        records_of(db, user),
        "person_id,full_name,residence,birth_date,sex\n"
        "R-7,Дмитрий Сергеевич Соколов,Тверь,1998-05-12,M\n".encode(),
        "register.csv",
        Marking.AMBER,
        Scope.ALL,
        [],
    )
    row = db.scalars(
        select(RegisterPersonRecord).where(RegisterPersonRecord.import_id == loaded.import_id)
    ).one()
    # The import matched the extract in one batch; matching the row again stores nothing new.
    stored = db.scalars(
        select(IdentityAssertion).where(IdentityAssertion.left_ref == f"register_person:{row.id}")
    ).all()
    assert [(r.left_ref, r.right_ref) for r in stored] == [(f"register_person:{row.id}", held)]
    assert stored[0].link_kind == "person" and stored[0].agency_id == row.agency_id
    assert services.match_person(db, row) == []


def test_a_report_naming_an_account_holder_proposes_persona_to_person(
    db: Session, world: World
) -> None:
    user = world.user(world.agency("us"), Role.INVESTIGATOR)
    report = ingest(
        records_of(db, user),
        tipline("zorin85", "Quietmail", email="vz@mailbox.example", holder="Vadim Zorin"),
    )
    db.commit()
    rows = db.scalars(
        select(IdentityAssertion).where(IdentityAssertion.link_kind == "persona_person")
    ).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.left_ref == f"persona:{persona_in(db, report).id}"
    assert row.right_ref.startswith("person:") and row.made_by == f"report:{report}"
    assert row.state is AssertionState.PROPOSED and row.score == pytest.approx(0.9)
    queue, _ = services.review_queue(records_of(db, world.user(world.agency(), Role.ANALYST)))
    assert row.id in {r.id for r in queue}
