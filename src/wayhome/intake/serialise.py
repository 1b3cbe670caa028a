"""Parsed reports as plain JSON-safe dicts, for storing in `Report.items` or answering APIs."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from wayhome.intake.parsed import ParsedItem, ParsedReport
from wayhome.intake.warninglists import BUILTIN_WARNINGS, WarningList


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def item_json(item: ParsedItem, warnings: WarningList = BUILTIN_WARNINGS) -> dict[str, Any]:
    """One selector occurrence with its origin, time, context and warning-list reason."""
    selector = item.selector
    return {
        "type": selector.type.value,
        "value": selector.value,
        "original": selector.original,
        "start": selector.start,
        "end": selector.end,
        "origin": item.origin,
        "observed_at": _plain(item.observed_at),
        "context": item.context,
        "warning": warnings.warning_for(selector.type, selector.value),
    }


def report_items_json(
    report: ParsedReport, warnings: WarningList = BUILTIN_WARNINGS
) -> dict[str, Any]:
    """Everything but title, body, times and marking: selectors, personas, persons, places."""
    return {
        "selectors": [item_json(item, warnings) for item in report.items],
        "personas": [_plain(asdict(p)) for p in report.personas],
        "persons": [_plain(asdict(p)) for p in report.persons],
        "locations": [_plain(asdict(p)) for p in report.locations],
        "file_hashes": [_plain(asdict(h)) for h in report.file_hashes],
        "extra": _plain(report.extra),
    }
