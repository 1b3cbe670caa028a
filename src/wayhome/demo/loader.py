"""Loads the demo world through the same services the API uses (nothing is written around them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cases import services as cases
from wayhome.cases.models import CaseKind, PersonRole, Priority, Sex
from wayhome.cases.schemas import CaseIn, EventIn, NameIn, PersonIn
from wayhome.db.base import utcnow
from wayhome.demo.fragments import fragments
from wayhome.intake.services import import_file
from wayhome.intake.store import Placement

DEMO_PASSWORD = "wayhome-demo"  # noqa: S105 - published demo password, development only

# (code, country, kind, name): every agency name is fictional.
DEMO_AGENCIES = [
    ("hub", "FR", "hub", "Wayhome Hub — Crimes against Children desk"),
    ("ru-ncb", "RU", "national_central_bureau", "NCB Moscow (demo)"),
    ("de-bka", "DE", "police_unit", "Bundes-Kinderschutzstelle (demo)"),
    ("nl-police", "NL", "police_unit", "Team Kinderbescherming Online (demo)"),
    ("uk-cop", "GB", "police_unit", "Child Online Protection Unit (demo)"),
    ("us-tips", "US", "ngo", "Child Tipline Center (demo)"),
]

DEMO_ROLES = [Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR]


@dataclass
class DemoLoad:
    """What the loader did and the accounts a viewer can sign in with."""

    created: bool
    accounts: list[tuple[str, str]] = field(default_factory=list)


def _accounts(session: Session) -> list[tuple[str, str]]:
    users = session.scalars(select(User).order_by(User.username))
    return [(u.username, f"{u.role.value} at {u.agency.name}") for u in users]


def load_demo(session: Session) -> DemoLoad:
    """Create the demo agencies, users and case unless they already exist."""
    if session.scalar(select(Agency).where(Agency.code == "hub")) is not None:
        return DemoLoad(created=False, accounts=_accounts(session))
    system = audit.SYSTEM
    agencies = {
        code: access.create_agency(session, system, code, name, country, kind)
        for code, country, kind, name in DEMO_AGENCIES
    }
    users: dict[str, User] = {}
    for code, agency in agencies.items():
        prefix = code.split("-")[0]
        for role in DEMO_ROLES:
            username = f"{prefix}.{role.value}"
            users[username] = access.create_user(
                session,
                system,
                agency,
                username,
                f"{role.value.title()} ({agency.country})",
                role.value,
                DEMO_PASSWORD,
            )
    users["hub.admin"] = access.create_user(
        session, system, agencies["hub"], "hub.admin", "Hub administrator", "admin", DEMO_PASSWORD
    )
    _load_case(session, users["ru.investigator"])
    _load_fragments(session, agencies, users)
    return DemoLoad(created=True, accounts=_accounts(session))


def _load_fragments(session: Session, agencies: dict[str, Agency], users: dict[str, User]) -> None:
    """Each agency imports its own fragment through the ordinary import path."""
    for fragment in fragments():
        prefix = fragment.agency.split("-")[0]
        user = users[f"{prefix}.investigator"]
        records = Records(session, access.viewer_of(user), "demo intake")
        shared = [agencies[code].id for code in fragment.shared_with]
        import_file(
            records,
            fragment.data,
            Placement(fragment.marking, fragment.scope, shared, fragment.silent),
            filename=fragment.filename,
            max_bytes=10 * 1024 * 1024,
        )


def _load_case(session: Session, investigator: User) -> None:
    records = Records(session, access.viewer_of(investigator), "demo case intake")
    case = cases.open_case(
        records,
        CaseIn(
            title="Boy, 7, did not come home from school (Noginsk district)",
            summary="Left school at 13:40 and did not arrive home, 1.2 km away. "
            "Suspected abduction; a possible online link is being checked.",
            kind=CaseKind.MISSING_CHILD,
            priority=Priority.CRITICAL,
            marking=Marking.AMBER,
            scope=Scope.ALL,
        ),
    )
    today = utcnow().date()
    cases.add_person(
        records,
        case.id,
        PersonIn(
            role=PersonRole.MISSING_CHILD,
            names=[
                NameIn(
                    full_name="Тимофей Андреевич Веселов",
                    given_name="Тимофей",
                    family_name="Веселов",
                    patronymic="Андреевич",
                    language="ru",
                ),
                NameIn(
                    full_name="Timofey Veselov",
                    given_name="Timofey",
                    family_name="Veselov",
                    language="en",
                ),
            ],
            date_of_birth=date(today.year - 7, 3, 14),
            sex=Sex.MALE,
            nationalities=["RU"],
            description="125 cm, slim, fair hair; dark blue school jacket and a red backpack.",
            marking=Marking.AMBER,
            scope=Scope.ALL,
        ),
    )
    cases.add_person(
        records,
        case.id,
        PersonIn(
            role=PersonRole.GUARDIAN,
            names=[NameIn(full_name="Андрей Павлович Веселов", language="ru")],
            sex=Sex.MALE,
            nationalities=["RU"],
            description="Father; contact through the case officer.",
            marking=Marking.AMBER_STRICT,
            scope=Scope.OWNER,
        ),
    )
    cases.add_event(
        records,
        case.id,
        EventIn(
            at=utcnow() - timedelta(hours=30),
            kind="last_seen",
            summary="Last seen leaving the school gate, walking east.",
            marking=Marking.AMBER,
            scope=Scope.ALL,
        ),
    )
