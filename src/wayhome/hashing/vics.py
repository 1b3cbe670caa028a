"""Reading and writing VICS 2.0 JSON hash lists (Project VIC's OData `#Media` feed).

Import is all-or-nothing: the first bad value stops the parse with an error that names the
record index and field. Fields Wayhome does not use are ignored; alternative hashes it does
not know are carried through unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from wayhome.errors import InvalidInput
from wayhome.hashing.records import (
    AlternativeHash,
    HashKind,
    HashRecord,
    check_category,
    check_pdq_quality,
    normalise_hex,
    normalise_photodna,
    parse_flag,
)

VICS_CONTEXT = "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"

_ALTERNATIVE_KINDS = {
    "photodna": HashKind.PHOTODNA,
    "pdq": HashKind.PDQ,
    "sha256": HashKind.SHA256,
    "sha-256": HashKind.SHA256,
    "md5": HashKind.MD5,
    "sha1": HashKind.SHA1,
    "sha-1": HashKind.SHA1,
}


def parse_vics(
    document: str | bytes | Mapping[str, Any], *, extra_categories: frozenset[int] = frozenset()
) -> list[HashRecord]:
    """Parse a VICS 2.0 JSON document into hash records, refusing it whole at the first error."""
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidInput(f"not valid JSON: {error}", location="document") from None
    if not isinstance(document, Mapping):
        raise InvalidInput("a VICS document is a JSON object", location="document")
    context = document.get("@odata.context")
    if not isinstance(context, str) or not context.endswith("#Media"):
        raise InvalidInput("expected a VICS '#Media' OData context", location="@odata.context")
    values = document.get("value")
    if not isinstance(values, list):
        raise InvalidInput("expected a list of media records", location="value")
    return [
        _parse_media(entry, f"value[{index}]", extra_categories)
        for index, entry in enumerate(values)
    ]


def _parse_media(entry: object, where: str, extra_categories: frozenset[int]) -> HashRecord:
    """One `value[]` record of a VICS document."""
    if not isinstance(entry, Mapping):
        raise InvalidInput("a media record is a JSON object", location=where)
    found: dict[str, Any] = {}
    if entry.get("MD5") not in (None, ""):
        found["md5"] = normalise_hex(HashKind.MD5, entry["MD5"], f"{where}.MD5")
    if entry.get("SHA1") not in (None, ""):
        found["sha1"] = normalise_hex(HashKind.SHA1, entry["SHA1"], f"{where}.SHA1")
    others: list[AlternativeHash] = []
    alternatives = entry.get("AlternativeHashes") or []
    if not isinstance(alternatives, list):
        raise InvalidInput("expected a list", location=f"{where}.AlternativeHashes")
    for position, alternative in enumerate(alternatives):
        _parse_alternative(alternative, f"{where}.AlternativeHashes[{position}]", found, others)
    if not any(key in found for key in ("md5", "sha1", "sha256", "pdq", "photodna")):
        raise InvalidInput("the record has no MD5, SHA1 or usable alternative hash", location=where)
    if entry.get("Category") is not None:
        found["category"] = check_category(entry["Category"], f"{where}.Category", extra_categories)
    for vics_name, field_name in (
        ("VictimIdentified", "victim_identified"),
        ("OffenderIdentified", "offender_identified"),
        ("IsDistributed", "is_distributed"),
    ):
        found[field_name] = parse_flag(entry.get(vics_name), f"{where}.{vics_name}")
    series = entry.get("Series")
    if series is not None and not isinstance(series, str):
        raise InvalidInput("Series must be text", location=f"{where}.Series")
    found["series"] = (series.strip() or None) if isinstance(series, str) else None
    size = entry.get("MediaSize")
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InvalidInput(
                "MediaSize must be a non-negative integer", location=f"{where}.MediaSize"
            )
        found["media_size"] = size
    found["file_names"] = _file_names(entry.get("MediaFiles"), f"{where}.MediaFiles")
    return HashRecord(other_hashes=tuple(others), **found)


def _parse_alternative(
    alternative: object, where: str, found: dict[str, Any], others: list[AlternativeHash]
) -> None:
    """Sort one `AlternativeHashes[]` entry into the record's fields or its opaque extras."""
    if not isinstance(alternative, Mapping):
        raise InvalidInput("an alternative hash is a JSON object", location=where)
    name = alternative.get("HashName")
    value = alternative.get("HashValue")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("HashName must be a non-empty string", location=f"{where}.HashName")
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("HashValue must be a non-empty string", location=f"{where}.HashValue")
    kind = _ALTERNATIVE_KINDS.get(name.strip().lower())
    if kind is None:
        others.append(AlternativeHash(name=name.strip(), value=value.strip()))
        return
    if kind.value in found:
        raise InvalidInput(f"a second {name} hash for the same record", location=where)
    if kind is HashKind.PHOTODNA:
        found["photodna"] = normalise_photodna(value, f"{where}.HashValue")
    elif kind is HashKind.PDQ:
        text, _, quality_text = value.partition(",")
        found["pdq"] = normalise_hex(HashKind.PDQ, text, f"{where}.HashValue")
        quality = alternative.get("Quality", quality_text.strip() or None)
        if quality is not None:
            found["pdq_quality"] = check_pdq_quality(quality, f"{where}.Quality")
    else:
        found[kind.value] = normalise_hex(kind, value, f"{where}.HashValue")


def _file_names(media_files: object, where: str) -> tuple[str, ...]:
    """The file names listed under `MediaFiles[]` (other file details are not kept)."""
    if media_files is None:
        return ()
    if not isinstance(media_files, list):
        raise InvalidInput("expected a list", location=where)
    names: list[str] = []
    for position, media_file in enumerate(media_files):
        if not isinstance(media_file, Mapping):
            raise InvalidInput("a media file is a JSON object", location=f"{where}[{position}]")
        name = media_file.get("FileName")
        if name is None:
            continue
        if not isinstance(name, str):
            raise InvalidInput("FileName must be text", location=f"{where}[{position}].FileName")
        names.append(name)
    return tuple(names)


def export_vics(records: Iterable[HashRecord], *, context: str = VICS_CONTEXT) -> dict[str, Any]:
    """A VICS 2.0 JSON document (as a dict) listing the records, numbered from MediaID 1."""
    values = [_media_entry(number, record) for number, record in enumerate(records, start=1)]
    return {"@odata.context": context, "value": values}


def dumps_vics(records: Iterable[HashRecord]) -> str:
    """The VICS 2.0 JSON text of the records."""
    return json.dumps(export_vics(records), indent=1, ensure_ascii=False)


def _media_entry(number: int, record: HashRecord) -> dict[str, Any]:
    """One `value[]` entry for a record."""
    alternatives: list[dict[str, Any]] = []
    if record.sha256:
        alternatives.append({"HashName": "SHA256", "HashValue": record.sha256})
    if record.pdq:
        pdq: dict[str, Any] = {"HashName": "PDQ", "HashValue": record.pdq}
        if record.pdq_quality is not None:
            pdq["Quality"] = record.pdq_quality
        alternatives.append(pdq)
    if record.photodna:
        alternatives.append({"HashName": "PhotoDNA", "HashValue": record.photodna})
    alternatives.extend(
        {"HashName": other.name, "HashValue": other.value} for other in record.other_hashes
    )
    entry: dict[str, Any] = {
        "MediaID": number,
        "Category": record.category if record.category is not None else 0,
        "MD5": record.md5,
        "SHA1": record.sha1,
        "VictimIdentified": record.victim_identified,
        "OffenderIdentified": record.offender_identified,
        "IsDistributed": record.is_distributed,
        "Series": record.series,
        "AlternativeHashes": alternatives,
        "MediaFiles": [{"FileName": name} for name in record.file_names],
    }
    if record.media_size is not None:
        entry["MediaSize"] = record.media_size
    return entry
