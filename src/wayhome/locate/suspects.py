"""Register extracts: import under an agency's marking, and candidate suspects with hit/no-hit.

Register persons are intelligence: the holder sees them; for other agencies a locating run
says only that an agency holds persons who fit (hit/no-hit), never who. A RED person the
caller may not see tells him nothing; its holder is told instead (`access/disclosure.py`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import not_, select

from wayhome.access.disclosure import Disclosure, disclosure_clause, holder_hits, tell_holder_once
from wayhome.access.markings import Marking, Scope
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.errors import InvalidInput
from wayhome.locate import schemas
from wayhome.locate.candidates import SuspectProfile, rank_candidates
from wayhome.locate.evidence import agency_codes
from wayhome.locate.fusion import LocateResult
from wayhome.locate.live import gazetteer
from wayhome.locate.models import RegisterImport, RegisterPersonRecord
from wayhome.locate.register import RegisterPerson, parse_register

# Candidate suspects are looked for in the places holding this share of the posterior.
CANDIDATE_SHARE = 0.99
CANDIDATE_PLACES = 5_000
CANDIDATES_SHOWN = 20
MAX_CANDIDATE_PERSONS = 5_000
# Hidden register persons count as a hit when they live in the 90% set and fit the profile.
HIT_SHARE = 0.9


def _top_geonameids(result: LocateResult, share: float) -> list[int]:
    """Geonameids of the fewest places holding `share` of the posterior (at most a bound)."""
    assert result.gazetteer is not None
    order = np.argsort(-result.posterior, kind="stable")
    count = int(np.searchsorted(np.cumsum(result.posterior[order]), share - 1e-12)) + 1
    chosen = order[: min(count, CANDIDATE_PLACES)]
    return [int(value) for value in result.gazetteer.geonameids[chosen]]


def _as_register_person(record: RegisterPersonRecord) -> RegisterPerson:
    """The library's view of a stored register person."""
    return RegisterPerson(
        row=record.row,
        person_id=str(record.id),
        full_name=record.full_name,
        residence=record.residence,
        birth_date=record.birth_date,
        sex=record.sex,
        geonameid=record.geonameid,
        identifiers=tuple(record.identifiers),
    )


def _fits(record: RegisterPersonRecord, profile: SuspectProfile) -> bool:
    """Whether a hidden person fits the profile closely enough to be reported as a hit."""
    if profile.sex in ("M", "F") and record.sex in ("M", "F") and record.sex != profile.sex:
        return False
    if profile.age is not None:
        age = _as_register_person(record).age_on(profile.on)
        return abs(age - profile.age) <= 2 * profile.age_spread
    return True


def candidates_for(
    records: Records, result: LocateResult, suspect: schemas.SuspectIn
) -> tuple[list[schemas.CandidateOut], list[schemas.RegisterHitOut]]:
    """Rank visible register persons living in likely places; hit/no-hit for hidden ones."""
    profile = SuspectProfile(
        age=suspect.age,
        age_spread=suspect.age_spread,
        sex=suspect.sex,
        identifiers=tuple(suspect.identifiers),
        on=date.today(),
    )
    likely = _top_geonameids(result, CANDIDATE_SHARE)
    visible = records.find(
        RegisterPersonRecord,
        RegisterPersonRecord.geonameid.in_(likely),
        order_by=[RegisterPersonRecord.id],
        limit=MAX_CANDIDATE_PERSONS,
    ).items
    by_id = {str(record.id): record for record in visible}
    codes = agency_codes(records, {record.agency_id for record in visible})
    ranked = rank_candidates([_as_register_person(r) for r in visible], result, profile)
    candidates = [
        schemas.CandidateOut(
            rank=candidate.rank,
            register_person_id=uuid.UUID(candidate.person.person_id),
            full_name=candidate.person.full_name,
            birth_date=candidate.person.birth_date,
            sex=candidate.person.sex,
            residence=candidate.person.residence,
            agency=codes.get(by_id[candidate.person.person_id].agency_id, "?"),
            score=candidate.score,
            place_probability=candidate.place_probability,
            reasons=list(candidate.reasons),
        )
        for candidate in ranked[:CANDIDATES_SHOWN]
    ]
    # Persons the caller may not see, through the disclosure rule: a hit names only the agency
    # that holds some; RED ones tell him nothing and their holder is told instead.
    fitting = _hidden_fitting(records, _top_geonameids(result, HIT_SHARE), profile)
    counts = {agency: len(ids) for agency, ids in fitting[Disclosure.HIT].items()}
    hits = [
        schemas.RegisterHitOut(
            agency_id=hit.agency_id,
            agency_code=hit.agency_code,
            agency_name=hit.agency_name,
            country=hit.country,
            persons=hit.records,
        )
        for hit in holder_hits(records.session, counts, REGISTER_KIND)
    ]
    _tell_register_holders(records, fitting[Disclosure.TELL_HOLDER])
    return candidates, hits


REGISTER_KIND = RegisterPersonRecord.__record_kind__
SILENT_HIT = "register_silent_hit"  # inbox kind: a RED register's holder is told of a fit


def _hidden_fitting(
    records: Records, geonameids: list[int], profile: SuspectProfile
) -> dict[Disclosure, dict[uuid.UUID, list[uuid.UUID]]]:
    """Hidden register persons living in these places who fit the profile, per disclosure
    (HIT, TELL_HOLDER) and holding agency; each kind read up to MAX_CANDIDATE_PERSONS."""
    viewer = records.viewer
    told = disclosure_clause(RegisterPersonRecord, viewer.role, viewer.agency_id, hidden=True)
    found: dict[Disclosure, dict[uuid.UUID, list[uuid.UUID]]] = {}
    for kind in (Disclosure.HIT, Disclosure.TELL_HOLDER):
        per_agency: dict[uuid.UUID, list[uuid.UUID]] = {}
        for record in records.session.scalars(
            select(RegisterPersonRecord)
            .where(
                not_(records.visibility.clause(RegisterPersonRecord)),
                told == kind.value,
                RegisterPersonRecord.geonameid.in_(geonameids),
            )
            .limit(MAX_CANDIDATE_PERSONS)
        ):
            if _fits(record, profile):
                per_agency.setdefault(record.agency_id, []).append(record.id)
        found[kind] = per_agency
    return found


def _tell_register_holders(records: Records, fitting: dict[uuid.UUID, list[uuid.UUID]]) -> None:
    """Tell each holder of RED register persons that fit another agency's suspect: once per
    querying agency and set of persons."""
    if not fitting:
        return
    querier = records.viewer.agency_id
    asking = records.session.get(Agency, querier)
    for holder, person_ids in sorted(fitting.items(), key=lambda item: str(item[0])):
        ids = sorted(str(i) for i in person_ids)
        digest = hashlib.sha256(",".join(ids).encode()).hexdigest()[:32]
        tell_holder_once(
            records.session,
            records.actor,
            holder,
            kind=SILENT_HIT,
            key=f"{querier}:{digest}",
            subject=f"{asking.name if asking else 'An agency'} is looking for a suspect whom "
            f"{len(ids)} person(s) of your RED register extracts fit",
            detail={"register_person_ids": ids[:200], "querier_agency": str(querier)},
            record_kind=REGISTER_KIND,
            record_id=None,
            audited={"persons": len(ids)},
        )


@dataclass(frozen=True)
class RegisterImportResult:
    """What a register import stored."""

    import_id: uuid.UUID
    created: bool
    persons: int


def import_register(
    records: Records,
    content: bytes,
    filename: str,
    marking: Marking,
    scope: Scope = Scope.OWNER,
    shared_with: Sequence[uuid.UUID] = (),
) -> RegisterImportResult:
    """Store a register extract under the caller's agency and marking; all rows or none.

    The same file twice stores nothing new. Every residence must be a gazetteer place (by
    geonameid or by name); broken rows are named, with the first in the error's location.
    """
    records.require_writer()
    records.check_marking(marking, scope, shared_with, "body")
    digest = hashlib.sha256(content).hexdigest()
    existing = records.session.scalar(
        select(RegisterImport).where(
            RegisterImport.agency_id == records.viewer.agency_id, RegisterImport.sha256 == digest
        )
    )
    if existing is not None:
        return RegisterImportResult(existing.id, False, existing.person_count)
    try:
        people = parse_register(content)
    except UnicodeDecodeError as error:
        raise InvalidInput("the file is not UTF-8", location=filename or "file") from error
    if not people:
        raise InvalidInput("the register holds no person", location="row 2")
    places = gazetteer()
    resolved: list[tuple[RegisterPerson, int]] = []
    errors: list[InvalidInput] = []
    for person in people:
        where = f"row {person.row}"
        try:
            if person.geonameid is not None:
                row = places.index_of(person.geonameid)
            else:
                matches = places.find(person.residence)
                if not matches:
                    raise InvalidInput(
                        f"residence {person.residence!r} is not a gazetteer place",
                        location=f"{where}, residence",
                    )
                row = max(matches, key=lambda m: int(places.populations[m.index])).index
        except InvalidInput as error:
            location = (
                error.location
                if error.location and error.location.startswith("row")
                else f"{where}, geonameid"
            )
            errors.append(InvalidInput(error.detail, location=location))
            continue
        resolved.append((person, row))
    if errors:
        raise InvalidInput(
            f"{len(errors)} broken row(s); first: {errors[0].detail}",
            location=errors[0].location,
            extra={"errors": [str(error) for error in errors[:50]]},
        )
    batch = RegisterImport(
        agency_id=records.viewer.agency_id,
        user_id=records.viewer.user_id,
        sha256=digest,
        filename=filename[:300],
        person_count=len(resolved),
    )
    records.session.add(batch)
    records.session.flush()
    stored = []
    for person, row in resolved:
        place = places.place(row)
        stored.append(
            RegisterPersonRecord(
                agency_id=records.viewer.agency_id,
                import_id=batch.id,
                row=person.row,
                person_ref=person.person_id[:120],
                full_name=person.full_name[:300],
                birth_date=person.birth_date,
                sex=person.sex,
                residence=person.residence[:300],
                geonameid=place.geonameid,
                latitude=place.latitude,
                longitude=place.longitude,
                identifiers=list(person.identifiers),
                marking=marking,
                scope=scope,
            )
        )
    records.session.add_all(stored)
    records.session.flush()
    records.share(stored, shared_with)
    # One audit entry for the whole extract: the import names the file's hash and its rows.
    audit.record(
        records.session,
        records.actor,
        "create",
        "register_import",
        str(batch.id),
        {"sha256": digest, "persons": len(stored), "marking": marking.value},
    )
    # Identity resolution runs once for the whole extract (one batch, not one match per row).
    from wayhome.leads.services import refresh_leads
    from wayhome.linking.services import match_register

    linked = match_register(records.session, stored)
    for case_id in sorted({a.case_id for a in linked if a.case_id is not None}, key=str):
        refresh_leads(records, case_id)  # tells the contributing agencies of a new lead
    return RegisterImportResult(batch.id, True, len(resolved))


def list_register_persons(
    records: Records, limit: int, offset: int
) -> tuple[list[RegisterPersonRecord], int]:
    """Register persons the caller may see."""
    page = records.find(
        RegisterPersonRecord,
        order_by=[RegisterPersonRecord.full_name, RegisterPersonRecord.id],
        limit=limit,
        offset=offset,
    )
    return page.items, page.total


def get_register_person(records: Records, person_id: uuid.UUID) -> RegisterPersonRecord:
    """One register person the caller may see."""
    return records.get(RegisterPersonRecord, person_id)
