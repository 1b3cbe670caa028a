"""Case, person and timeline operations, all through the caller's `Records` gate."""

from __future__ import annotations

import secrets
import unicodedata
import uuid

from wayhome import clock
from wayhome.access.records import Page, Records
from wayhome.cases.models import Case, Event, Person, PersonName
from wayhome.cases.schemas import CaseIn, EventIn, NameIn, PersonIn

SCRIPT_CODES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Hang",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
}


def detect_script(text: str) -> str:
    """ISO 15924 code of the first letter's script ('Zyyy' when there is no letter)."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for prefix, code in SCRIPT_CODES.items():
                if name.startswith(prefix):
                    return code
            return "Zzzz"
    return "Zyyy"


def _new_reference() -> str:
    # Random, not sequential: a reference must not reveal how many cases an agency holds.
    year = clock.now().year
    return f"WH-{year}-{secrets.token_hex(3).upper()}"


def open_case(records: Records, data: CaseIn) -> Case:
    """Open a case owned by the caller's agency, with its first timeline entry."""
    records.require_writer()
    records.check_marking(data.marking, data.scope, data.shared_with, "body")
    case = Case(
        reference=_new_reference(),
        title=data.title.strip(),
        summary=data.summary,
        kind=data.kind,
        priority=data.priority,
        opened_at=clock.now(),
        marking=data.marking,
        scope=data.scope,
    )
    records.add(case, data.shared_with, {"title": case.title})
    event = Event(
        case_id=case.id,
        at=case.opened_at,
        kind="reported",
        summary=f"Case opened: {case.title}",
        marking=case.marking,
        scope=case.scope,
        created_by=records.viewer.user_id,
    )
    records.add(event, data.shared_with)
    return case


def list_cases(records: Records, limit: int, offset: int) -> Page[Case]:
    """Cases the caller may see, newest first."""
    return records.find(Case, order_by=[Case.opened_at.desc()], limit=limit, offset=offset)


def get_case(records: Records, case_id: uuid.UUID) -> Case:
    """One case the caller may see."""
    return records.get(Case, case_id)


def _name(data: NameIn) -> PersonName:
    return PersonName(
        full_name=data.full_name,
        given_name=data.given_name,
        family_name=data.family_name,
        patronymic=data.patronymic,
        script=data.script or detect_script(data.full_name),
        language=data.language,
    )


def add_person(records: Records, case_id: uuid.UUID, data: PersonIn) -> Person:
    """Add a person to a case the caller can see."""
    records.require_writer()
    case = records.get(Case, case_id)
    records.check_marking(data.marking, data.scope, data.shared_with, "body")
    person = Person(
        case_id=case.id,
        role=data.role,
        date_of_birth=data.date_of_birth,
        age_min=data.age_min,
        age_max=data.age_max,
        sex=data.sex,
        nationalities=data.nationalities,
        description=data.description,
        marking=data.marking,
        scope=data.scope,
        names=[_name(n) for n in data.names],
    )
    return records.add(person, data.shared_with, {"case_id": str(case.id), "role": data.role})


def list_persons(records: Records, case_id: uuid.UUID, limit: int, offset: int) -> Page[Person]:
    """Persons of a case, as far as the caller may see them."""
    records.get(Case, case_id)
    return records.find(
        Person, Person.case_id == case_id, order_by=[Person.created_at], limit=limit, offset=offset
    )


def get_person(records: Records, person_id: uuid.UUID) -> Person:
    """One person the caller may see."""
    return records.get(Person, person_id)


def add_event(records: Records, case_id: uuid.UUID, data: EventIn) -> Event:
    """Add an investigator's entry to a case timeline."""
    records.require_writer()
    case = records.get(Case, case_id)
    records.check_marking(data.marking, data.scope, data.shared_with, "body")
    event = Event(
        case_id=case.id,
        at=data.at or clock.now(),
        kind=data.kind,
        summary=data.summary,
        marking=data.marking,
        scope=data.scope,
        created_by=records.viewer.user_id,
    )
    return records.add(event, data.shared_with, {"case_id": str(case.id)})


def timeline(records: Records, case_id: uuid.UUID, limit: int, offset: int) -> Page[Event]:
    """Timeline entries of a case the caller may see, oldest first."""
    records.get(Case, case_id)
    return records.find(
        Event, Event.case_id == case_id, order_by=[Event.at], limit=limit, offset=offset
    )
