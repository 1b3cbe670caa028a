"""Reading public notices: only notices made public, and only their public fields.

The query runs without a signed-in user: it selects `case_notices` rows whose visibility is
PUBLIC and reads the child's name, birth date, sex, nationalities, languages and description
fields and the case's last-seen place and date — nothing else of the case is ever touched.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome.cases.models import Case, Notice, NoticeVisibility, Person, Portrait, Sex
from wayhome.cases.urgency import age_on
from wayhome.errors import NotFound

SEX_IDS = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.UNKNOWN: "U"}


@dataclass(frozen=True)
class PublicNotice:
    """The public fields of one public yellow notice."""

    entity_id: str
    forename: str | None
    name: str | None
    date_of_birth: date | None
    sex_id: str | None
    nationalities: list[str]
    place: str | None
    country: str | None
    date_of_event: date | None
    height_m: float | None
    weight_kg: int | None
    eyes_colors_id: list[str]
    hairs_id: list[str]
    languages_spoken_ids: list[str]
    distinguishing_marks: str | None
    picture_id: str | None
    published_at: datetime | None


@dataclass(frozen=True)
class Query:
    """The search parameters of the list endpoint."""

    forename: str | None = None
    name: str | None = None
    nationality: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    sex_id: str | None = None
    free_text: str | None = None


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _latin_name(person: Person) -> tuple[str | None, str | None]:
    """(forename, name) in upper case, from the Latin variant when there is one."""
    names = sorted(person.names, key=lambda n: n.script != "Latn")
    if not names:
        return None, None
    first = names[0]
    if first.given_name or first.family_name:
        given, family = first.given_name, first.family_name
    else:
        parts = first.full_name.split()
        given, family = " ".join(parts[:-1]) or None, parts[-1] if parts else None
    return (given.upper() if given else None, family.upper() if family else None)


def _public(notice: Notice, case: Case, person: Person | None, picture: str | None) -> PublicNotice:
    forename, name = _latin_name(person) if person else (None, None)
    return PublicNotice(
        entity_id=notice.entity_id,
        forename=forename,
        name=name,
        date_of_birth=person.date_of_birth if person else None,
        sex_id=SEX_IDS[person.sex] if person else None,
        nationalities=list(person.nationalities) if person else [],
        place=case.last_seen_place,
        country=case.last_seen_country,
        date_of_event=case.last_seen_at.date() if case.last_seen_at else None,
        height_m=round(person.height_cm / 100, 2) if person and person.height_cm else None,
        weight_kg=person.weight_kg if person else None,
        eyes_colors_id=[person.eye_colour] if person and person.eye_colour else [],
        hairs_id=[person.hair_colour] if person and person.hair_colour else [],
        languages_spoken_ids=list(person.languages) if person else [],
        distinguishing_marks=(person.distinguishing_marks or None) if person else None,
        picture_id=picture,
        published_at=notice.published_at,
    )


def _rows(session: Session, entity_id: str | None = None) -> list[PublicNotice]:
    stmt = (
        select(Notice, Case, Person, Portrait.picture_id)
        .join(Case, Case.id == Notice.case_id)
        .outerjoin(Person, Person.id == Notice.person_id)
        .outerjoin(Portrait, Portrait.case_id == Notice.case_id)
        .where(Notice.visibility == NoticeVisibility.PUBLIC)
        .order_by(Notice.published_at.desc(), Notice.entity_id)
    )
    if entity_id is not None:
        stmt = stmt.where(Notice.entity_id == entity_id)
    return [_public(n, c, p, pic) for n, c, p, pic in session.execute(stmt)]


def matches(notice: PublicNotice, query: Query, today: date) -> bool:
    """Whether a public notice answers the search."""
    if query.forename and fold(query.forename) not in fold(notice.forename or ""):
        return False
    if query.name and fold(query.name) not in fold(notice.name or ""):
        return False
    if query.nationality and query.nationality.upper() not in notice.nationalities:
        return False
    if query.sex_id and query.sex_id.upper() != (notice.sex_id or ""):
        return False
    if query.age_min is not None or query.age_max is not None:
        if notice.date_of_birth is None:
            return False
        age = age_on(notice.date_of_birth, today)
        if query.age_min is not None and age < query.age_min:
            return False
        if query.age_max is not None and age > query.age_max:
            return False
    if query.free_text:
        haystack = " ".join(
            filter(
                None,
                [
                    notice.forename,
                    notice.name,
                    notice.place,
                    notice.distinguishing_marks,
                    notice.entity_id,
                ],
            )
        )
        if not all(fold(word) in fold(haystack) for word in query.free_text.split()):
            return False
    return True


def search(session: Session, query: Query, today: date) -> list[PublicNotice]:
    """Every public notice answering the query, newest first."""
    return [n for n in _rows(session) if matches(n, query, today)]


def get(session: Session, entity_id: str) -> PublicNotice:
    """One public notice; 404 for one that is restricted, withdrawn or unknown alike."""
    found = _rows(session, entity_id)
    if not found:
        raise NotFound("no public notice with this id")
    return found[0]


def picture(session: Session, entity_id: str, picture_id: str, thumbnail: bool) -> bytes:
    """A public notice's portrait (or its thumbnail)."""
    notice = get(session, entity_id)
    if notice.picture_id != picture_id:
        raise NotFound("no such image of this notice")
    stmt = select(Portrait).where(Portrait.picture_id == picture_id)
    portrait = session.scalar(stmt)
    if portrait is None:
        raise NotFound("no such image of this notice")
    return portrait.thumbnail if thumbnail else portrait.image
