"""Hash banks through the caller's `Records` gate: create, import a hash list, list, export.

The server takes hash lists only (VICS 2.0 JSON or CSV); image content is refused with a
pointer to `wayhome hash`, which hashes on the investigator's own machine. An import is
all-or-nothing (the first bad record stops it, naming the record) and idempotent: a record
already in the bank with the same hashes is kept once, its classification updated when the
list says otherwise.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import case, func, select

from wayhome.access.markings import Marking, Scope
from wayhome.access.records import Page, Records
from wayhome.audit import services as audit
from wayhome.errors import Conflict, InvalidInput, TooLarge
from wayhome.hashing.csvlist import parse_csv
from wayhome.hashing.live import LivePdqIndex
from wayhome.hashing.models import Bank, BankHash
from wayhome.hashing.records import (
    AlternativeHash,
    HashKind,
    HashRecord,
    check_pdq_quality,
    normalise_hex,
    normalise_photodna,
)
from wayhome.hashing.vics import parse_vics

CHUNK = 500
HASH_LIST_FORMATS = ("vics", "csv")
# Leading bytes of image formats: these never reach the server (hash them locally instead).
_IMAGE_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (0, b"\xff\xd8\xff"),  # JPEG
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (8, b"WEBP"),
    (0, b"II*\x00"),  # TIFF, little-endian
    (0, b"MM\x00*"),  # TIFF, big-endian
    (4, b"ftyp"),  # HEIC/AVIF and MP4/MOV video
    (0, b"BM"),
)
_CLASSIFICATION = (
    "pdq_quality",
    "category",
    "victim_identified",
    "offender_identified",
    "is_distributed",
    "series",
    "media_size",
)


@dataclass(frozen=True)
class NewBank:
    """What a bank is called, whether its hits stay silent, and how it is marked and shared."""

    name: str
    marking: Marking
    scope: Scope = Scope.OWNER
    shared_with: Sequence[uuid.UUID] = ()
    description: str = ""
    silent: bool = False


@dataclass
class BankImport:
    """What an import did to a bank."""

    bank_id: uuid.UUID
    format: str
    records: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    new_ids: list[int] = field(default_factory=list)


def looks_like_image(data: bytes) -> bool:
    """Whether the bytes start like an image or video file."""
    return any(data[offset : offset + len(magic)] == magic for offset, magic in _IMAGE_SIGNATURES)


def refuse_media(data: bytes, location: str) -> None:
    """Refuse image or video content: Wayhome stores and matches hashes, never imagery."""
    if looks_like_image(data):
        raise InvalidInput(
            "this is image or video content; Wayhome accepts hash lists only. Hash files on "
            "your own machine with `wayhome hash PATH --out list.json` and send the list",
            location=location,
            status=415,
        )


def read_hash_list(
    data: bytes,
    *,
    filename: str = "",
    format_name: str | None = None,
    max_bytes: int,
    location: str = "file",
) -> tuple[list[HashRecord], str]:
    """Parse a VICS 2.0 JSON or CSV hash list, refusing images, oversize and bad records."""
    if len(data) > max_bytes:
        raise TooLarge(f"the hash list is over {max_bytes} bytes", location=location)
    refuse_media(data, location)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"a hash list is UTF-8 text; invalid byte at position {error.start}", location=location
        ) from None
    kind = (format_name or "").strip().lower() or _detect(filename, text)
    if kind not in HASH_LIST_FORMATS:
        raise InvalidInput("format must be vics or csv", location="format")
    records = parse_vics(text) if kind == "vics" else parse_csv(text)
    if not records:
        raise InvalidInput("the hash list has no records", location=location)
    return records, kind


def _detect(filename: str, text: str) -> str:
    """VICS for .json files and JSON text, CSV otherwise."""
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".json") or text.lstrip("\ufeff \t\r\n").startswith("{"):
        return "vics"
    return "csv"


def record_key(record: HashRecord) -> str:
    """SHA-256 over a record's hashes: the same media file in the same bank is stored once."""
    parts = [record.md5, record.sha1, record.sha256, record.pdq, record.photodna]
    return hashlib.sha256("|".join(p or "" for p in parts).encode()).hexdigest()


def to_record(row: BankHash) -> HashRecord:
    """A stored bank hash as a plain record (for export and matching results)."""
    return HashRecord(
        md5=row.md5,
        sha1=row.sha1,
        sha256=row.sha256,
        pdq=row.pdq,
        pdq_quality=row.pdq_quality,
        photodna=row.photodna,
        category=row.category,
        victim_identified=row.victim_identified,
        offender_identified=row.offender_identified,
        is_distributed=row.is_distributed,
        series=row.series,
        media_size=row.media_size,
        file_names=tuple(row.file_names or ()),
        other_hashes=tuple(
            AlternativeHash(name=o["name"], value=o["value"]) for o in row.other_hashes or ()
        ),
    )


# -- banks -----------------------------------------------------------------------------------------
def create_bank(records: Records, bank: NewBank) -> Bank:
    """Create a bank owned by the caller's agency; names are unique within an agency."""
    records.require_writer()
    records.check_marking(bank.marking, bank.scope, bank.shared_with, "body")
    name = bank.name.strip()
    if not name:
        raise InvalidInput("a bank needs a name", location="body.name")
    taken = records.session.scalar(
        select(Bank.id).where(Bank.agency_id == records.viewer.agency_id, Bank.name == name)
    )
    if taken is not None:
        raise Conflict("your agency already has a bank with this name", location="body.name")
    created = Bank(
        name=name,
        description=bank.description,
        silent=bank.silent,
        marking=bank.marking,
        scope=bank.scope,
        created_by=records.viewer.user_id,
    )
    return records.add(created, bank.shared_with, {"name": name, "silent": bank.silent})


def list_banks(records: Records, limit: int, offset: int) -> Page[Bank]:
    """Banks the caller may see, by name."""
    return records.find(Bank, order_by=[Bank.name, Bank.id], limit=limit, offset=offset)


def hash_counts(records: Records, bank_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many hashes each of the given (visible) banks holds."""
    if not bank_ids:
        return {}
    stmt = (
        select(BankHash.bank_id, func.count())
        .where(BankHash.bank_id.in_(list(bank_ids)))
        .group_by(BankHash.bank_id)
    )
    return {bank_id: int(count) for bank_id, count in records.session.execute(stmt)}


@dataclass(frozen=True)
class SeriesSummary:
    """One series of a bank: how many hashes, how many of identified victims."""

    series: str | None
    hashes: int
    victim_identified: int


def series_of(records: Records, bank: Bank, limit: int = 100) -> list[SeriesSummary]:
    """The largest series of a bank the caller can see."""
    identified = func.sum(case((BankHash.victim_identified.is_(True), 1), else_=0))
    stmt = (
        select(BankHash.series, func.count(), identified)
        .where(BankHash.bank_id == bank.id)
        .group_by(BankHash.series)
        .order_by(func.count().desc(), BankHash.series)
        .limit(limit)
    )
    return [
        SeriesSummary(series, int(count), int(victims or 0))
        for series, count, victims in records.session.execute(stmt)
    ]


def import_into_bank(
    records: Records,
    index: LivePdqIndex | None,
    bank_id: uuid.UUID,
    data: bytes,
    *,
    filename: str = "",
    format_name: str | None = None,
    max_bytes: int,
) -> BankImport:
    """Add a hash list to a visible bank, all-or-nothing; the same list again changes nothing."""
    records.require_writer()
    bank = records.get(Bank, bank_id)
    parsed, kind = read_hash_list(
        data, filename=filename, format_name=format_name, max_bytes=max_bytes
    )
    result = BankImport(bank.id, kind, len(parsed))
    by_key: dict[str, HashRecord] = {}
    for record in parsed:
        key = record_key(record)
        if key in by_key:
            result.duplicates += 1
        by_key[key] = record
    session = records.session
    keys = list(by_key)
    existing: dict[str, BankHash] = {}
    for start in range(0, len(keys), CHUNK):
        existing.update(
            (row.record_key, row)
            for row in session.scalars(
                select(BankHash).where(
                    BankHash.bank_id == bank.id,
                    BankHash.record_key.in_(keys[start : start + CHUNK]),
                )
            )
        )
    fresh: list[BankHash] = []
    changed: list[BankHash] = []
    for key, record in by_key.items():
        row = existing.get(key)
        if row is None:
            fresh.append(_new_row(bank, key, record, records.viewer.user_id))
        elif _reclassify(row, record):
            changed.append(row)
        else:
            result.unchanged += 1
    session.add_all(fresh)
    session.flush()
    result.created, result.updated = len(fresh), len(changed)
    result.new_ids = [row.id for row in fresh]
    records.changed(
        bank,
        {
            "import": {
                "format": kind,
                "filename": filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        },
    )
    if index is not None:
        index.add((row.id, row.pdq, row.pdq_quality) for row in [*fresh, *changed])
    return result


def _new_row(bank: Bank, key: str, record: HashRecord, user_id: uuid.UUID) -> BankHash:
    """A bank hash carrying its bank's agency, marking and scope."""
    return BankHash(
        bank_id=bank.id,
        agency_id=bank.agency_id,
        marking=bank.marking,
        scope=bank.scope,
        record_key=key,
        md5=record.md5,
        sha1=record.sha1,
        sha256=record.sha256,
        pdq=record.pdq,
        pdq_quality=record.pdq_quality,
        photodna=record.photodna,
        category=record.category,
        victim_identified=record.victim_identified,
        offender_identified=record.offender_identified,
        is_distributed=record.is_distributed,
        series=record.series,
        media_size=record.media_size,
        file_names=list(record.file_names),
        other_hashes=[{"name": o.name, "value": o.value} for o in record.other_hashes],
        added_by=user_id,
    )


def _reclassify(row: BankHash, record: HashRecord) -> bool:
    """Bring a stored hash's classification in line with the list; whether anything changed."""
    changed = False
    for name in _CLASSIFICATION:
        value = getattr(record, name)
        if value is not None and getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def export_bank(records: Records, bank_id: uuid.UUID) -> tuple[Bank, list[HashRecord]]:
    """Every hash of a visible bank, in the order they were added; the export is audited."""
    bank = records.get(Bank, bank_id)
    rows = records.session.scalars(
        select(BankHash).where(BankHash.bank_id == bank.id).order_by(BankHash.id)
    )
    exported = [to_record(row) for row in rows]
    audit.record(
        records.session,
        records.actor,
        "export",
        Bank.__record_kind__,
        str(bank.id),
        {"records": len(exported)},
    )
    return bank, exported


class SubmittedHash(Protocol):
    """The hashes of one submitted media file (the API's `HashIn`)."""

    md5: str | None
    sha1: str | None
    sha256: str | None
    pdq: str | None
    pdq_quality: int | None
    photodna: str | None


def submitted_records(hashes: Sequence[SubmittedHash], location: str) -> list[HashRecord]:
    """Validate submitted hashes (length, alphabet, quality), naming the first bad one."""
    found: list[HashRecord] = []
    for position, given in enumerate(hashes):
        where = f"{location}[{position}]"
        values: dict[str, Any] = {}
        for kind in (HashKind.MD5, HashKind.SHA1, HashKind.SHA256, HashKind.PDQ):
            value = getattr(given, kind.value)
            if value not in (None, ""):
                values[kind.value] = normalise_hex(kind, value, f"{where}.{kind.value}")
        if given.photodna not in (None, ""):
            values["photodna"] = normalise_photodna(given.photodna, f"{where}.photodna")
        if not values:
            raise InvalidInput("give at least one hash", location=where)
        if given.pdq_quality is not None:
            if "pdq" not in values:
                raise InvalidInput("pdq_quality without a pdq", location=f"{where}.pdq_quality")
            values["pdq_quality"] = check_pdq_quality(given.pdq_quality, f"{where}.pdq_quality")
        found.append(HashRecord(**values))
    return found
