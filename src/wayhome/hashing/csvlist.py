"""Reading and writing hash lists as CSV, one media file per line, with a header row.

Columns (any order, all optional but at least one hash per line): md5, sha1, sha256, pdq,
pdq_quality, photodna, category, victim_identified, offender_identified, is_distributed,
series, media_size, file_name. Import is all-or-nothing and errors name the line and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from wayhome.errors import InvalidInput
from wayhome.hashing.records import (
    HashKind,
    HashRecord,
    check_category,
    check_pdq_quality,
    normalise_hex,
    normalise_photodna,
    parse_flag,
)

CSV_COLUMNS = (
    "md5",
    "sha1",
    "sha256",
    "pdq",
    "pdq_quality",
    "photodna",
    "category",
    "victim_identified",
    "offender_identified",
    "is_distributed",
    "series",
    "media_size",
    "file_name",
)
_FLAGS = ("victim_identified", "offender_identified", "is_distributed")


def parse_csv(text: str, *, extra_categories: frozenset[int] = frozenset()) -> list[HashRecord]:
    """Parse a CSV hash list into records, refusing it whole at the first bad value."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        return _parse_rows(reader, extra_categories)
    except csv.Error as error:  # e.g. a bare carriage return inside an unquoted cell
        raise InvalidInput(f"not CSV: {error}", location=f"line {reader.line_num}") from None


def _parse_rows(reader: Any, extra_categories: frozenset[int]) -> list[HashRecord]:
    """The header and the records of a CSV hash list."""
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("the CSV is empty", location="line 1") from None
    columns = [name.strip().lower() for name in header]
    for name in columns:
        if name not in CSV_COLUMNS:
            raise InvalidInput(f"unknown column {name!r}", location="line 1")
    if len(set(columns)) != len(columns):
        raise InvalidInput("a column appears twice", location="line 1")
    records: list[HashRecord] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise InvalidInput(
                f"expected {len(columns)} cells, found {len(row)}", location=f"line {line}"
            )
        cells = {name: cell.strip() for name, cell in zip(columns, row, strict=True)}
        records.append(_parse_row(cells, line, extra_categories))
    return records


def _parse_row(cells: dict[str, str], line: int, extra_categories: frozenset[int]) -> HashRecord:
    """One CSV line as a hash record."""
    found: dict[str, Any] = {}
    for kind in (HashKind.MD5, HashKind.SHA1, HashKind.SHA256, HashKind.PDQ):
        if cells.get(kind.value):
            found[kind.value] = normalise_hex(kind, cells[kind.value], _at(line, kind.value))
    if cells.get("photodna"):
        found["photodna"] = normalise_photodna(cells["photodna"], _at(line, "photodna"))
    if not found:
        raise InvalidInput("the line has no hash", location=f"line {line}")
    if cells.get("pdq_quality"):
        found["pdq_quality"] = check_pdq_quality(cells["pdq_quality"], _at(line, "pdq_quality"))
    if cells.get("category"):
        found["category"] = check_category(
            cells["category"], _at(line, "category"), extra_categories
        )
    for flag in _FLAGS:
        found[flag] = parse_flag(cells.get(flag), _at(line, flag))
    if cells.get("series"):
        found["series"] = cells["series"]
    if cells.get("media_size"):
        size = cells["media_size"]
        if not size.isdigit():
            raise InvalidInput("must be a non-negative integer", location=_at(line, "media_size"))
        found["media_size"] = int(size)
    if cells.get("file_name"):
        found["file_names"] = (cells["file_name"],)
    return HashRecord(**found)


def _at(line: int, column: str) -> str:
    """The location of one cell."""
    return f"line {line}, column {column}"


def dumps_csv(records: Iterable[HashRecord]) -> str:
    """The CSV text of the records, with every column of `CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(
            [
                record.md5 or "",
                record.sha1 or "",
                record.sha256 or "",
                record.pdq or "",
                "" if record.pdq_quality is None else record.pdq_quality,
                record.photodna or "",
                "" if record.category is None else record.category,
                _flag_text(record.victim_identified),
                _flag_text(record.offender_identified),
                _flag_text(record.is_distributed),
                record.series or "",
                "" if record.media_size is None else record.media_size,
                record.file_names[0] if record.file_names else "",
            ]
        )
    return out.getvalue()


def _flag_text(flag: bool | None) -> str:
    """A boolean as CSV text (empty when unknown)."""
    if flag is None:
        return ""
    return "true" if flag else "false"
