"""Loads a generated world through the services a user would call, step by step in story order.

The loader reads the manifest (story order, agency, format, marking) and the fragment files;
it never reads `truth.json`. Each agency's investigator imports his agency's files: the case
through `cases.open_case`, reports through the import service (`intake.store.ingest`), hash
banks and seized-media lists through the hashing services, the register through `locate`.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cases import services as cases
from wayhome.cases import workflow
from wayhome.cases.schemas import CaseIn, EventIn, PersonIn
from wayhome.compose import install_engines
from wayhome.db.engine import session_scope
from wayhome.errors import InvalidInput
from wayhome.hashing import services as hashing
from wayhome.hashing.live import LivePdqIndex
from wayhome.hashing.matches import match_hashes
from wayhome.intake.services import import_file
from wayhome.intake.store import Placement
from wayhome.locate import services as locate
from wayhome.settings import get_settings

DEMO_PASSWORD = "wayhome-demo"  # noqa: S105 - published demo password, development only
DEMO_ROLES = (Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR)
KINDS = ("case", "report", "hash_bank", "hash_list", "register")
Echo = Callable[[str], None]


@dataclass(frozen=True)
class Entry:
    """One manifest line: which agency sends which file, how marked, at which step."""

    step: int
    agency: str
    path: Path
    format: str
    kind: str
    title: str
    marking: Marking
    scope: Scope
    shared_with: tuple[str, ...]
    silent: bool
    attach_to_case: bool
    portrait: Path | None = None


@dataclass
class WorldLoad:
    """What loading did: whether anything was new, the case, one line per step, the accounts."""

    created: bool
    case_id: uuid.UUID | None = None
    steps: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str]] = field(default_factory=list)


def _entry(world_dir: Path, raw: Any, where: str) -> Entry:
    """Check one manifest line, naming the field that is wrong."""
    if not isinstance(raw, dict):
        raise InvalidInput("a fragment is a JSON object", location=where)
    try:
        kind = str(raw["kind"])
        if kind not in KINDS:
            raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", location=f"{where}.kind")
        path = world_dir / str(raw["file"])
        if not path.is_file() or world_dir.resolve() not in path.resolve().parents:
            raise InvalidInput(f"no file {raw['file']!r} in the world", location=f"{where}.file")
        return Entry(
            step=int(raw["step"]),
            agency=str(raw["agency"]),
            path=path,
            format=str(raw["format"]),
            kind=kind,
            title=str(raw.get("title") or path.name),
            marking=Marking(str(raw["marking"])),
            scope=Scope(str(raw.get("scope", "owner"))),
            shared_with=tuple(str(code) for code in raw.get("shared_with", [])),
            silent=bool(raw.get("silent", False)),
            attach_to_case=bool(raw.get("attach_to_case", False)),
        )
    except KeyError as error:
        raise InvalidInput(f"missing {error.args[0]!r}", location=where) from None
    except ValueError as error:
        raise InvalidInput(str(error), location=where) from None


def read_manifest(world_dir: Path) -> tuple[list[dict[str, str]], list[Entry]]:
    """The world's agencies and its fragments in story order, checked."""
    path = world_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput("the world has no manifest.json", location=str(path)) from None
    except ValueError as error:
        raise InvalidInput(f"manifest is not JSON: {error}", location=str(path)) from None
    agencies = manifest.get("agencies")
    fragments = manifest.get("fragments")
    if not isinstance(agencies, list) or not isinstance(fragments, list):
        raise InvalidInput("manifest needs 'agencies' and 'fragments' lists", location=str(path))
    entries = [_entry(world_dir, raw, f"fragments[{n}]") for n, raw in enumerate(fragments)]
    if manifest.get("portrait"):
        picture = world_dir / str(manifest["portrait"])
        if not picture.is_file() or world_dir.resolve() not in picture.resolve().parents:
            raise InvalidInput(f"no file {manifest['portrait']!r}", location="portrait")
        entries = [
            dataclasses.replace(entry, portrait=picture) if entry.kind == "case" else entry
            for entry in entries
        ]
    return agencies, sorted(entries, key=lambda entry: entry.step)


def accounts(session: Session) -> list[tuple[str, str]]:
    """Every account: username and what it is."""
    users = session.scalars(select(User).order_by(User.username))
    return [(u.username, f"{u.role.value} at {u.agency.name}") for u in users]


def create_accounts(session: Session, agencies: list[dict[str, str]]) -> bool:
    """Create the world's agencies and three accounts in each (once); False if they exist."""
    codes = [str(agency["code"]) for agency in agencies]
    if session.scalar(select(Agency).where(Agency.code.in_(codes))) is not None:
        return False
    system = audit.SYSTEM
    for raw in agencies:
        agency = access.create_agency(
            session, system, raw["code"], raw["name"], raw["country"], raw["kind"]
        )
        prefix = agency.code.split("-")[0]
        for role in DEMO_ROLES:
            access.create_user(
                session,
                system,
                agency,
                f"{prefix}.{role.value}",
                f"{role.value.title()} ({agency.country})",
                role.value,
                DEMO_PASSWORD,
            )
        if agency.kind.value == "hub":
            access.create_user(
                session, system, agency, f"{prefix}.admin", "Hub administrator", "admin",
                DEMO_PASSWORD,
            )  # fmt: skip
    return True


def _records(session: Session, entry: Entry) -> Records:
    """The gate as the sending agency's investigator."""
    username = f"{entry.agency.split('-')[0]}.investigator"
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InvalidInput(f"no account {username}", location=f"step {entry.step}.agency")
    return Records(session, access.viewer_of(user), f"demo world step {entry.step}")


def _agency_ids(session: Session, codes: tuple[str, ...], step: int) -> list[uuid.UUID]:
    """The ids of the agencies a fragment is shared with."""
    found = {a.code: a.id for a in session.scalars(select(Agency).where(Agency.code.in_(codes)))}
    missing = [code for code in codes if code not in found]
    if missing:
        raise InvalidInput(f"no agency {missing[0]!r}", location=f"step {step}.shared_with")
    return [found[code] for code in codes]


def _open_case(
    records: Records, data: bytes, step: int, portrait: Path | None
) -> tuple[uuid.UUID, str]:
    """Open the case the file describes, with its persons, first events and portrait."""
    try:
        document = json.loads(data)
        case = cases.open_case(records, CaseIn.model_validate(document["case"]))
        persons = [PersonIn.model_validate(p) for p in document.get("persons", [])]
        events = [EventIn.model_validate(e) for e in document.get("events", [])]
    except (ValueError, KeyError, ValidationError) as error:
        raise InvalidInput(f"not a case document: {error}", location=f"step {step}") from None
    for person in persons:
        cases.add_person(records, case.id, person)
    for event in events:
        cases.add_event(records, case.id, event)
    if portrait is not None:
        workflow.store_portrait(records, case.id, portrait.read_bytes(), get_settings())
    pictured = ", portrait" if portrait is not None else ""
    return case.id, f"case {case.reference} opened, {len(persons)} person(s){pictured}"


def run_step(
    session: Session, entry: Entry, case_id: uuid.UUID | None, index: LivePdqIndex
) -> tuple[uuid.UUID | None, str]:
    """Import one fragment as its agency would; return the case (if it opened one) and a line."""
    records = _records(session, entry)
    data = entry.path.read_bytes()
    max_bytes = get_settings().max_import_bytes
    shared = _agency_ids(session, entry.shared_with, entry.step)
    attach = case_id if entry.attach_to_case else None
    if entry.kind == "case":
        return _open_case(records, data, entry.step, entry.portrait)
    if entry.kind == "report":
        placement = Placement(entry.marking, entry.scope, shared, entry.silent, attach)
        result, kind = import_file(
            records, data, placement, filename=entry.path.name, max_bytes=max_bytes
        )
        return None, (
            f"{kind}: {len(result.report_ids)} report(s), {result.selector_count} selector(s)"
            if result.created
            else f"{kind}: imported before, nothing new"
        )
    if entry.kind == "hash_bank":
        bank = hashing.create_bank(
            records,
            hashing.NewBank(entry.title[:200], entry.marking, entry.scope, shared, entry.title),
        )
        done = hashing.import_into_bank(
            records, index, bank.id, data, filename=entry.path.name, max_bytes=max_bytes
        )
        return None, f"bank '{bank.name}': {done.created} hash(es)"
    if entry.kind == "hash_list":
        queries, _ = hashing.read_hash_list(data, filename=entry.path.name, max_bytes=max_bytes)
        run = match_hashes(records, index, queries, case_id=attach)
        matched = [result for result in run.results if result.matches or result.hits]
        series = sorted({m.bank_hash.series or "?" for r in run.results for m in r.matches})
        return None, (
            f"{len(matched)} of {len(queries)} hash(es) matched"
            + (f" (series: {', '.join(series)})" if series else "")
        )
    loaded = locate.import_register(
        records, data, entry.path.name, entry.marking, entry.scope, shared
    )
    return None, f"register: {loaded.persons} person(s)"


def _line(entry: Entry, total: int, outcome: str) -> str:
    """One printed step of the replay."""
    marking = f"TLP:{entry.marking.value}, {entry.scope.value}"
    if entry.shared_with:
        marking += " " + "+".join(entry.shared_with)
    return f"[{entry.step}/{total}] {entry.agency}: {entry.title} ({marking}) - {outcome}"


def load_world_in(
    session: Session,
    world_dir: Path,
    *,
    index: LivePdqIndex | None = None,
    echo: Echo | None = None,
) -> WorldLoad:
    """Load a whole world inside the caller's transaction (once: nothing if it is there)."""
    install_engines()  # identity links, timeline entries and alerts as in the server
    agencies, entries = read_manifest(world_dir)
    if not create_accounts(session, agencies):
        return WorldLoad(created=False, accounts=accounts(session))
    load = WorldLoad(created=True)
    index = index or LivePdqIndex()
    for entry in entries:
        opened, outcome = run_step(session, entry, load.case_id, index)
        load.case_id = opened or load.case_id
        load.steps.append(_line(entry, len(entries), outcome))
        if echo:
            echo(load.steps[-1])
    load.accounts = accounts(session)
    return load


def load_world(
    session_factory: sessionmaker[Session],
    world_dir: Path,
    pace: float = 0.0,
    *,
    index: LivePdqIndex | None = None,
    echo: Echo | None = None,
    on_accounts: Callable[[list[tuple[str, str]]], None] | None = None,
) -> WorldLoad:
    """Load a world one committed step at a time, `pace` seconds apart (so pages update live).

    The accounts are created first (and passed to `on_accounts`), so a viewer can sign in
    before the first fragment arrives.
    """
    install_engines()  # identity links, timeline entries and alerts as in the server
    agencies, entries = read_manifest(world_dir)
    with session_scope(session_factory) as session:
        created = create_accounts(session, agencies)
        existing = accounts(session)
    if not created:
        return WorldLoad(created=False, accounts=existing)
    if on_accounts:
        on_accounts(existing)
    load = WorldLoad(created=True)
    index = index or LivePdqIndex()
    for entry in entries:
        if pace > 0:
            time.sleep(pace)
        with session_scope(session_factory) as session:
            opened, outcome = run_step(session, entry, load.case_id, index)
        load.case_id = opened or load.case_id
        load.steps.append(_line(entry, len(entries), outcome))
        if echo:
            echo(load.steps[-1])
    with session_scope(session_factory) as session:
        load.accounts = accounts(session)
    return load
