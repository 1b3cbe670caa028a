"""Selector lists as CSV, with a fixed, documented header (person lists: `csvpersons`).

Header (first line, any order, case-insensitive): `type,value` are required;
`observed_at` (ISO 8601), `platform` (for handles and messenger ids), `note`, `report`
(rows with the same report name form one report), `marking` (a TLP label) and `country`
(ISO 3166 alpha-2: the country a row's phone is read in before the agency's) are optional.
Other tools' names for these columns are read as them (`first_seen` → `observed_at`,
`comment` → `note`, `kind` → `type`, `indicator` → `value`, `tlp` → `marking`, …); any other
column is kept in `extra["csv_columns"]` with a warning, never a refused file.
`type` is a selector type (`email`, `phone`, `ipv4`, ... `sha256`), or one of `ip`/`host`
(classified by value) or `text` (the value goes through the free-text extractor). Errors
name the line; a value that is not valid for its type, a type Wayhome does not know (its
value read as free text) and an empty value are kept or skipped with a warning naming the
line, and the rest of the file is read.
An `ip`/`host` value that is a country code (`ip,RU`: a capture known only by its country)
is a location of kind `ip` (`ip-proxy`, `ip-vpn`, `ip-tor` when the note says so).

Example:
    type,value,observed_at,platform,note,report
    handle,@blue_fox42,2024-03-02T14:22:10Z,telegram,groomer's main account,Case 17
    phone,+44 7400 123456,,,,Case 17
"""

from __future__ import annotations

import csv
import io

from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import (
    decode_text,
    ip_kind,
    is_country_code,
    keep_unnormalised,
    observed_time,
    structured_selector,
)
from wayhome.intake.formats.csvpersons import is_person_layout, parse_person_rows
from wayhome.intake.formats.csvrows import CsvReports, records
from wayhome.intake.parsed import ParsedItem, ParsedLocation, ParsedReport
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.normalise import classify_host
from wayhome.intake.selectors.types import SelectorType

FORMAT = "csv"
REQUIRED_COLUMNS = ("type", "value")
OPTIONAL_COLUMNS = ("observed_at", "platform", "note", "report", "marking", "country")
_ALIASES = {
    "bitcoin": "btc",
    "ethereum": "eth",
    "monero": "xmr",
    "e-mail": "email",
    "mail": "email",
    "telephone": "phone",
    "phone-number": "phone",
    "ip-address": "ip",
    "ip-src": "ip",
    "ip-dst": "ip",
    "domain-name": "domain",
    "hostname": "host",
    "uri": "url",
    "link": "url",
    "onion-address": "onion",
    "pgp": "pgp_fingerprint",
    "pgp-fingerprint": "pgp_fingerprint",
    "fingerprint": "pgp_fingerprint",
    "pgp-key-id": "pgp_key_id",
    "account": "handle",
    "username": "handle",
    "user": "handle",
    "screen-name": "handle",
    "sha-1": "sha1",
    "sha-256": "sha256",
}


def parse_csv(data: bytes, *, region: str | None = None) -> list[ParsedReport]:
    """Parse a selector CSV into one report per distinct `report` column value."""
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput("CSV file is empty", location="line 1")
        columns = [name.strip().lower() for name in header]
        if is_person_layout(columns):
            return parse_person_rows(reader, columns)
        columns = _canonical_columns(columns)
        unread = [n for n in columns if n not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
        for name in REQUIRED_COLUMNS:
            if name not in columns:
                raise InvalidInput(f"missing column {name!r}", location="line 1")
        reports = CsvReports(FORMAT, "CSV selectors")
        for line, record in records(reader, columns):
            report = reports.report_of(record, line)
            kept = {n: record[n] for n in unread if record[n]}
            if kept:
                report.extra.setdefault("csv_columns", []).append({"line": line, **kept})
            _row(report, record, f"line {line}", region)
    except csv.Error as error:
        raise InvalidInput(
            f"CSV is malformed: {error}", location=f"line {reader.line_num}"
        ) from None
    parsed = reports.finish()
    for report in parsed:
        report.warnings[:0] = [
            f"line 1: column {column!r} is not read; its values are kept in extra"
            for column in unread
        ]
    return parsed


# Column names other tools write for Wayhome's columns (the first of each is read; a second
# one, and any column not listed, is kept in `extra["csv_columns"]` with a warning).
_COLUMN_ALIASES = {
    "type": ("kind", "selector_type", "indicator_type", "attribute_type", "category"),
    "value": ("selector", "indicator", "identifier", "ioc", "observable"),
    "observed_at": ("first_seen", "seen", "seen_at", "timestamp", "datetime", "date", "time"),
    "note": ("comment", "comments", "notes", "description", "context", "remark"),
    "platform": ("service", "site", "account_type", "network"),
    "report": ("report_name", "case", "source_report"),
    "marking": ("tlp",),
    "country": ("country_code", "cc"),
}


def _canonical_columns(columns: list[str]) -> list[str]:
    """The header with other tools' names for Wayhome's columns read as Wayhome's."""
    names = [c.replace(" ", "_").replace("-", "_") for c in columns]
    out = list(names)
    for canonical, aliases in _COLUMN_ALIASES.items():
        if canonical in names:
            continue
        for alias in aliases:
            if alias in names:
                out[names.index(alias)] = canonical
                break
    return out


def _row(report: ParsedReport, record: dict[str, str], where: str, region: str | None) -> None:
    kind = record["type"].lower().strip()
    kind = _ALIASES.get(kind.replace("_", "-"), _ALIASES.get(kind, kind))
    value = record["value"]
    if not value:
        report.warnings.append(f"{where}: no value; row skipped")
        return
    observed = observed_time(report, record.get("observed_at"), f"{where}, column observed_at")
    note = record.get("note") or None
    country = (record.get("country") or "").upper() or None
    if kind == "text":
        report.body = f"{report.body}\n{value}" if report.body else value
        for selector in extract_selectors(value, region=country or region):
            report.items.append(
                ParsedItem(selector, origin=where, observed_at=observed, context=note)
            )
        return
    if kind in {"ip", "host", "hostname", "ipv4", "ipv6"} and is_country_code(value):
        # An IP capture known only by its country (`ip,RU`): a place, not a selector.
        report.locations.append(
            ParsedLocation(country=value.upper(), observed_at=observed, kind=ip_kind(note))
        )
        return
    if kind in {"ip", "host", "hostname"}:
        host = classify_host(value)
        if host is None:
            keep_unnormalised(report, "IP address or host name", value, where)
            return
        report.items.append(ParsedItem(host, origin=where, observed_at=observed, context=note))
        return
    try:
        selector_type = SelectorType(kind)
    except ValueError:
        # A type Wayhome does not know: kept as written, its value read as free text.
        keep_unnormalised(report, kind, value, where)
        for selector in extract_selectors(value, region=country or region):
            report.items.append(
                ParsedItem(selector, origin=where, observed_at=observed, context=note)
            )
        return
    structured_selector(
        report,
        selector_type,
        value,
        where,
        regions=(country, region),
        platform=record.get("platform") or None,
        observed_at=observed,
        context=note,
    )
