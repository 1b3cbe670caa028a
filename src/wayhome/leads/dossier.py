"""A case dossier for a prosecutor: what one requester may see of a case, cut at one point of
the audit chain, in words, and rendered to PDF.

The content is composed here, above every engine (leads): the child, the timeline, the
ranked suspects with their evidence paths in words, the places, the hashes matched (values,
banks and series; never imagery), the sources filed to the case, and an excerpt of the audit
log on the case and its records. Every part is read through the gate (`Records`), so a record
hidden from the requester never appears; a hidden hash bank is a hit naming its holder or
nothing, as `access/disclosure.py` decides. The request itself is audited (action
`dossier`), and that entry is the chain head the dossier names: a court checks it with
`wayhome audit verify` and the entry's hash.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from wayhome.access.disclosure import Disclosure, judge
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.audit.models import AuditEntry, AuditHead
from wayhome.cases import services as cases
from wayhome.cases.models import Case, Event, Person, PersonRole
from wayhome.db.base import utcnow
from wayhome.hashing.models import Bank, BankHash, HashMatch
from wayhome.intake import services as intake
from wayhome.intake.models import Report
from wayhome.leads.services import CaseLeads, PlaceLead, SuspectLead, case_leads
from wayhome.linking.wording import evidence_subject, read_name, weighing

# Enough for a court file, bounded so a long-running case stays a document, not a dump.
TIMELINE_MAX = 500
REPORTS_MAX = 200
HASHES_MAX = 500
AUDIT_MAX = 300
PLACES_SHOWN = 5

# What a step of an evidence path says, by the kind of link (linking/graph.py's edges).
STEP_WORDS = {
    "filed_to": "has filed to it the report",
    "in_case": "names as a person of the case",
    "in_report": "names",
    "own_handle": "uses the handle",
    "posted_by": "posted",
    "same_report": "occurs in the same report as",
    "same_key": "is the same PGP key as",
    "shared_selector": "shares a selector with",
    "assertion": "is judged the same individual as",
    "co_occurrence": "occurs in one report with",
}
_BITS = re.compile(
    r"^(?P<kind>[a-z_]+(?::[a-z_]+)?): (?P<detail>.*) \((?P<bits>[+-][\d.]+) bits\)$"
)


@dataclass(frozen=True)
class Name:
    """A name as written and, when in another script, its Latin reading."""

    text: str
    latin: str | None


@dataclass(frozen=True)
class PersonPart:
    """A person of the case as the dossier shows him."""

    role: str
    names: list[Name]
    birth: str | None
    age: str | None
    sex: str
    nationalities: list[str]
    description: str
    marks: str
    height_cm: int | None
    agency: str


@dataclass(frozen=True)
class Step:
    """One step of an evidence path in words, with the agency that holds it."""

    text: str
    agency: str | None
    hidden: bool


@dataclass(frozen=True)
class Suspect:
    """A ranked suspect: who (or only who holds him), how believable, why, and from whom."""

    rank: int
    name: str
    hidden: bool
    score: float
    identity: float
    home: str | None
    steps: list[Step]
    aliases: list[Step]
    agencies: list[str]


@dataclass(frozen=True)
class MatchedHash:
    """A submitted hash that matched a bank's hash: its values and what it is known as."""

    bank: str
    agency: str
    series: str | None
    kind: str
    distance: int
    values: list[tuple[str, str]]
    matched_at: datetime


@dataclass(frozen=True)
class HiddenHashes:
    """Matches in a bank the requester may not see: only who holds it, and how many."""

    agency: str
    matches: int


@dataclass(frozen=True)
class AuditLine:
    """One audit entry on the case or its records, as the requester may read it."""

    seq: int
    at: datetime
    who: str
    agency: str
    action: str
    subject: str


@dataclass
class Dossier:
    """Everything the dossier says, as one requester may see it, cut at one chain head."""

    case: Case
    owner: str
    requester: str
    requester_agency: str
    cut_at: datetime
    children: list[PersonPart] = field(default_factory=list)
    persons: list[PersonPart] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    reports: list[tuple[Report, str]] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)
    places: list[PlaceLead] = field(default_factory=list)
    homes: list[PlaceLead] = field(default_factory=list)
    hashes: list[MatchedHash] = field(default_factory=list)
    hidden_hashes: list[HiddenHashes] = field(default_factory=list)
    audit: list[AuditLine] = field(default_factory=list)
    audit_total: int = 0
    head_seq: int = 0
    head_hash: str = ""
    seconds: float = 0.0


# -- words -------------------------------------------------------------------------------------
def name_of(text: str) -> Name:
    """A name with its Latin reading beside it when it is written in another script."""
    reading = read_name(text)
    return Name(text, reading.latin)


def evidence_words(piece: str) -> str:
    """One stored piece of link evidence ("person_match:name: same name (+8.4 bits)") as a
    reader says it ("Names: same name — for"); other text is kept as it is."""
    found = _BITS.match(piece)
    if found is None:
        return piece
    kind = found["kind"]
    return f"{evidence_subject(kind)}: {found['detail']} — {weighing(float(found['bits']))}"


def step_words(step: dict[str, Any]) -> Step:
    """A path step (`path_out`'s shape) as a sentence; a hidden step names only its holder.
    The words the case page shows (`words`, linking/wording.py) are used when the step has
    them, so the dossier and the page say the same."""
    edge, left, right = step["edge"], step["from"], step["to"]
    if step.get("words"):
        text = f"{left['label']} → {right['label']}: {step['words']}"
        return Step(text, None, bool(edge["hidden"]))  # the words name the agency
    if edge["hidden"]:
        holder = edge.get("agency") or "another agency"
        text = f"{left['label']} — a link held by {holder} (not disclosed) — {right['label']}"
        return Step(text, edge.get("agency"), True)
    verb = STEP_WORDS.get(edge["kind"], edge["kind"].replace("_", " "))
    why = "; ".join(evidence_words(e) for e in edge.get("evidence") or [])
    text = f"{left['label']} {verb} {right['label']}"
    if why and edge["kind"] not in ("filed_to", "in_case", "in_report", "own_handle"):
        text += f" ({why})"
    return Step(text, edge.get("agency"), False)


def _suspect(lead: SuspectLead) -> Suspect:
    home = lead.home["name"] if lead.home else None
    return Suspect(
        rank=lead.rank,
        name=lead.name,
        hidden=lead.hidden,
        score=lead.score,
        identity=lead.identity,
        home=home,
        steps=[step_words(s) for s in lead.path["steps"]],
        aliases=[step_words(a) for a in lead.aliases],
        agencies=lead.agencies,
    )


def _person(person: Person, codes: dict[uuid.UUID, str]) -> PersonPart:
    age = None
    if person.date_of_birth is None and person.age_min is not None:
        age = f"{person.age_min}–{person.age_max}"
    return PersonPart(
        role=person.role.value.replace("_", " "),
        names=[name_of(n.full_name) for n in person.names],
        birth=person.birth_date_text,
        age=age,
        sex=person.sex.value,
        nationalities=list(person.nationalities),
        description=person.description,
        marks=person.distinguishing_marks,
        height_cm=person.height_cm,
        agency=codes.get(person.agency_id, "?"),
    )


# -- parts -------------------------------------------------------------------------------------
def _codes(records: Records) -> dict[uuid.UUID, str]:
    return {a.id: a.code for a in records.session.scalars(select(Agency))}


def _hashes(
    records: Records, case_id: uuid.UUID, codes: dict[uuid.UUID, str]
) -> tuple[list[MatchedHash], list[HiddenHashes]]:
    """The case's hash matches: values, bank and series where the requester sees the bank;
    a hit naming the holder where the disclosure rule says so; nothing otherwise."""
    session = records.session
    matches = list(
        session.scalars(
            select(HashMatch)
            .where(HashMatch.case_id == case_id)
            .order_by(HashMatch.created_at, HashMatch.bank_hash_id)
            .limit(HASHES_MAX)
        )
    )
    if not matches:
        return [], []
    bank_ids = {m.bank_id for m in matches}
    banks = {b.id: b for b in records.find(Bank, Bank.id.in_(bank_ids), limit=len(bank_ids)).items}
    wanted = sorted({m.bank_hash_id for m in matches if m.bank_id in banks})
    rows = (
        {h.id: h for h in records.find(BankHash, BankHash.id.in_(wanted), limit=len(wanted)).items}
        if wanted
        else {}
    )
    shown: list[MatchedHash] = []
    seen: set[int] = set()
    for match in matches:
        row = rows.get(match.bank_hash_id)
        if row is None or match.bank_hash_id in seen:
            continue
        seen.add(match.bank_hash_id)
        values = [
            (label, value)
            for label, value in (
                ("MD5", row.md5),
                ("SHA-1", row.sha1),
                ("SHA-256", row.sha256),
                ("PDQ", row.pdq),
            )
            if value
        ]
        bank = banks[match.bank_id]
        shown.append(
            MatchedHash(
                bank.name,
                codes.get(bank.agency_id, "?"),
                row.series,
                match.kind,
                match.distance,
                values,
                match.created_at,
            )
        )
    hidden: dict[str, set[int]] = {}
    unseen = {m.bank_id for m in matches if m.bank_id not in banks}
    if unseen:
        for bank in session.scalars(select(Bank).where(Bank.id.in_(unseen))):
            told = judge(
                records.viewer,
                visible=False,
                holder=bank.agency_id,
                marking=bank.marking,
                silent=bank.silent,
            )
            if told is Disclosure.HIT:  # a silent or RED bank's holder was told at the match
                code = codes.get(bank.agency_id, "?")
                ids = {m.bank_hash_id for m in matches if m.bank_id == bank.id}
                hidden.setdefault(code, set()).update(ids)
    return shown, [HiddenHashes(code, len(ids)) for code, ids in sorted(hidden.items())]


def _audit_excerpt(
    records: Records, object_ids: set[str], codes: dict[uuid.UUID, str]
) -> tuple[list[AuditLine], int]:
    """The newest audit entries on the case and on its records the requester may see.

    Who acted is named for the requester's own agency; for another agency only the agency is
    named (its staff are its own business, as on the supervisors' audit page)."""
    session = records.session
    where = AuditEntry.object_id.in_(sorted(object_ids))
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(where)) or 0
    rows = session.scalars(
        select(AuditEntry).where(where).order_by(AuditEntry.seq.desc()).limit(AUDIT_MAX)
    )
    mine = records.viewer.agency_id
    lines = []
    for entry in rows:
        agency = codes.get(entry.agency_id, "system") if entry.agency_id else "system"
        if entry.agency_id == mine or entry.agency_id is None:
            who = entry.username or "system"
        else:
            who = f"a user of {agency}"
        subject = (entry.object_kind or "").replace("_", " ")
        lines.append(AuditLine(entry.seq, entry.at, who, agency, entry.action, subject))
    lines.reverse()  # oldest first, as a court reads a record
    return lines, total


# -- the service -------------------------------------------------------------------------------
def case_dossier(records: Records, case_id: uuid.UUID) -> Dossier:
    """Compose the dossier of a case as the requester may see it, audit the request and name
    the chain head that entry made. NotFound (404) when the case is hidden or absent."""
    begun = time.perf_counter()
    case = cases.get_case(records, case_id)
    codes = _codes(records)
    viewer = records.viewer
    dossier = Dossier(
        case=case,
        owner=codes.get(case.agency_id, "?"),
        requester=viewer.username or "?",
        requester_agency=codes.get(viewer.agency_id, "?") if viewer.agency_id else "?",
        cut_at=utcnow(),
    )
    persons = cases.list_persons(records, case.id, limit=200, offset=0).items
    for person in persons:
        part = _person(person, codes)
        if person.role is PersonRole.MISSING_CHILD:
            dossier.children.append(part)
        else:
            dossier.persons.append(part)
    dossier.events = cases.timeline(records, case.id, limit=TIMELINE_MAX, offset=0).items
    reports = intake.list_reports(records, case.id, limit=REPORTS_MAX, offset=0).items
    dossier.reports = [(r, codes.get(r.agency_id, "?")) for r in reports]
    leads: CaseLeads = case_leads(records, case.id)
    dossier.suspects = [_suspect(s) for s in leads.suspects]
    dossier.places = [p for p in leads.places if p.located][:PLACES_SHOWN]
    dossier.homes = [p for p in leads.places if p.residence]
    dossier.hashes, dossier.hidden_hashes = _hashes(records, case.id, codes)
    seen_ids = {str(case.id)} | {str(p.id) for p in persons}
    seen_ids |= {str(e.id) for e in dossier.events} | {str(r.id) for r in reports}
    dossier.audit, dossier.audit_total = _audit_excerpt(records, seen_ids, codes)
    entry = audit.record(
        records.session,
        records.actor,
        "dossier",
        "case",
        str(case.id),
        {
            "suspects": len(dossier.suspects),
            "hashes": len(dossier.hashes),
            "events": len(dossier.events),
            "audit_entries": len(dossier.audit),
        },
    )
    # The request's own entry is the head the dossier was cut at: the head row holds it until
    # this transaction commits, so no other entry can come between.
    head = records.session.get(AuditHead, 1, populate_existing=True)
    assert head is not None and head.seq == entry.seq
    dossier.head_seq, dossier.head_hash = head.seq, head.last_hash
    dossier.cut_at = entry.at
    dossier.seconds = round(time.perf_counter() - begun, 4)
    return dossier


def to_pdf(html: str) -> bytes:
    """Render the dossier's HTML (with its own stylesheet) to PDF with WeasyPrint, offline,
    in the system's fonts (DejaVu: Latin, Cyrillic, Greek)."""
    import weasyprint  # imported on first use: it costs ~0.5 s, and only this route needs it
    from PIL import ImageFile

    # Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES; left on, every
    # later decode in this process (portraits, `wayhome hash`) would take a truncated file as
    # an image. The dossier draws no images, so the flag goes back to Pillow's default.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    # No protocol allowed: the page is self-contained, and a URL in a record's text must never
    # make the server reach out (WeasyPrint leaves a refused resource out and goes on).
    offline = weasyprint.urls.URLFetcher(allowed_protocols=())
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=offline).write_pdf()
    return pdf
