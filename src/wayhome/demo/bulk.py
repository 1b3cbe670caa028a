"""Many synthetic cases beside the demo world, so the lists can be shown working at scale
(`wayhome demo --cases 1000`). Each case is opened by an investigator of a demo agency through
the gate, a batch at a time (`Records.add_many`: it marks, shares and audits every row), with
the missing child and the first timeline entry that `cases.services.open_case` writes
(`opening_entry`); not through `open_case` itself, since a synthetic case has a past opening
time and a status. The names, places and dates are drawn from a seed; no real
person is named."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome import clock
from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.cases import services as cases
from wayhome.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    Person,
    PersonName,
    PersonRole,
    Priority,
    Sex,
)
from wayhome.errors import InvalidInput

GIVEN = ("Anna", "Lena", "Mila", "Sofia", "Emma", "Nora", "Ivan", "Lukas", "Noah", "Mats", "Elif",
         "Jonas", "Daria", "Timur", "Yara", "Olek", "Ines", "Pavel", "Lotte", "Sem")  # fmt: skip
FAMILY = ("Berger", "Novak", "Jansen", "Petrov", "Keller", "Visser", "Smirnov", "Weber",
          "de Vries", "Orlov", "Bakker", "Hoffmann", "Kuznetsov", "Meyer", "Mulder")  # fmt: skip
PLACES = ("railway station", "school gate", "shopping centre", "bus stop", "youth club",
          "park", "football ground", "harbour", "motorway services", "internet café")  # fmt: skip
STATUSES = (CaseStatus.REPORTED, CaseStatus.ACTIVE_SEARCH, CaseStatus.ALERT_ISSUED,
            CaseStatus.LOCATED, CaseStatus.CLOSED)  # fmt: skip
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.CRITICAL)
# Most shared with every member agency, some kept by their owner: the lists' totals differ
# per agency, as need-to-know wants.
PLACEMENTS = ((Marking.GREEN, Scope.ALL), (Marking.AMBER, Scope.ALL), (Marking.AMBER, Scope.OWNER))
MAX_CASES = 20_000


@dataclass(frozen=True)
class BulkLoad:
    """How many cases were added, by how many agencies."""

    cases: int
    agencies: int


def add_cases(session: Session, count: int, seed: int = 2026) -> BulkLoad:
    """Open `count` synthetic cases spread over the demo agencies' investigators."""
    if not 0 < count <= MAX_CASES:
        raise InvalidInput(f"between 1 and {MAX_CASES}", location="--cases")
    investigators = list(
        session.scalars(select(User).where(User.role == Role.INVESTIGATOR).order_by(User.username))
    )
    if not investigators:
        raise InvalidInput("load the demo world first: no investigator", location="--cases")
    draw = random.Random(seed)
    gates = [Records(session, access.viewer_of(user)) for user in investigators]
    today = clock.now()
    planned: dict[int, list[tuple[Case, Person]]] = {}
    for number in range(count):
        given, family = draw.choice(GIVEN), draw.choice(FAMILY)
        place = draw.choice(PLACES)
        marking, scope = draw.choice(PLACEMENTS)
        opened = today - timedelta(days=draw.randint(0, 720), minutes=number)
        case = Case(
            reference=cases.new_reference(),
            title=f"Missing child: {given} {family}, last seen at the {place}",
            summary="Synthetic case for the list demo.",
            kind=CaseKind.MISSING_CHILD,
            priority=draw.choice(PRIORITIES),
            status=draw.choice(STATUSES),
            opened_at=opened,
            last_seen_at=opened - timedelta(hours=draw.randint(1, 96)),
            last_seen_place=place,
            suspected_abduction=draw.random() < 0.15,
            online_link=draw.random() < 0.25,
            marking=marking,
            scope=scope,
        )
        born = date(today.year - draw.randint(3, 17), draw.randint(1, 12), draw.randint(1, 28))
        child = Person(
            role=PersonRole.MISSING_CHILD,
            date_of_birth=born,
            sex=draw.choice((Sex.FEMALE, Sex.MALE)),
            marking=marking,
            scope=scope,
            names=[PersonName(full_name=f"{given} {family}", script="Latn")],
        )
        planned.setdefault(number % len(gates), []).append((case, child))
    for index, rows in planned.items():
        records = gates[index]
        records.require_writer()
        opened_cases = [case for case, _ in rows]
        # The gate stores, shares (none: owner or all) and audits each row, a batch at a time.
        records.add_many(opened_cases, (), [{"title": c.title} for c in opened_cases])
        for case, child in rows:
            child.case_id = case.id
        records.add_many(
            [child for _, child in rows], (), [{"case_id": str(c.id)} for c in opened_cases]
        )
        records.add_many([cases.opening_entry(c, records.viewer.user_id) for c in opened_cases])
    session.flush()
    return BulkLoad(count, len(planned))
