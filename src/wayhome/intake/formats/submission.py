"""One entry point for an uploaded file: size check, format detection, all-or-nothing parse."""

from __future__ import annotations

from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import DEFAULT_MAX_BYTES, add_derived, check_size
from wayhome.intake.formats.csvfile import parse_csv
from wayhome.intake.formats.cybertip import parse_cybertip
from wayhome.intake.formats.detect import FORMATS, detect_format
from wayhome.intake.formats.freetext import parse_text
from wayhome.intake.formats.misp import parse_misp
from wayhome.intake.formats.stix import parse_stix
from wayhome.intake.parsed import ParsedReport, ParsedSubmission


def parse_submission(
    data: bytes,
    *,
    filename: str | None = None,
    format: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    region: str | None = None,
) -> ParsedSubmission:
    """Parse an uploaded file into reports, or raise `InvalidInput` before returning anything.

    `format` forces a parser (`stix`, `misp`, `cybertip`, `csv`, `text`); without it the
    format is detected. `region` is the submitting agency's default phone region.
    """
    check_size(data, max_bytes)
    if not data.strip():
        raise InvalidInput("file is empty", location="byte 0")
    kind = format or detect_format(data, filename)
    if kind not in FORMATS:
        raise InvalidInput(
            f"unknown format {kind!r}; expected one of {', '.join(FORMATS)}", location="format"
        )
    if kind == "stix":
        reports = parse_stix(data, region=region)
    elif kind == "misp":
        reports = parse_misp(data, region=region)
    elif kind == "cybertip":
        reports = parse_cybertip(data, region=region)
    elif kind == "csv":
        reports = parse_csv(data, region=region)
    else:
        reports = parse_text(data, region=region)
    for report in reports:
        add_derived(report)
    return ParsedSubmission(format=kind, reports=reports, warnings=_notes(reports))


_KEPT = {
    "patterns": "STIX indicator pattern(s) that are not simple comparisons, kept as text",
    "cidr_ranges": "STIX address range(s), kept in extra (ranges are not selectors)",
    "stix_objects": "STIX object(s) of types Wayhome does not model, kept in extra",
    "misp_attributes": "MISP attribute(s) of types Wayhome does not model, kept in extra",
    "misp_object_attributes": "MISP object attribute(s) Wayhome does not model, kept in extra",
}


def _notes(reports: list[ParsedReport]) -> list[str]:
    """Non-fatal notes for the submitter: what was kept without being understood."""
    notes: list[str] = []
    for number, report in enumerate(reports, start=1):
        notes.extend(f"report {number}: {warning}" for warning in report.warnings)
        for key, text in _KEPT.items():
            kept = report.extra.get(key)
            if kept:
                notes.append(f"report {number}: {len(kept)} {text}")
        unknown = [k for k in report.extra if k.startswith("report/")]
        if unknown:
            notes.append(
                f"report {number}: {len(unknown)} XML element(s) kept in extra: "
                + ", ".join(sorted(unknown)[:5])
                + ("…" if len(unknown) > 5 else "")
            )
    return notes
