"""Parsed reports turn into JSON-safe dicts with warning-list reasons attached."""

from __future__ import annotations

import json

from tests.intake.samples_path import sample
from wayhome.intake.formats.cybertip import parse_cybertip
from wayhome.intake.serialise import report_items_json
from wayhome.intake.warninglists import BUILTIN_WARNINGS


def test_cybertip_report_serialises() -> None:
    [report] = parse_cybertip(sample("cybertip_report.xml"), region="GB")
    items = report_items_json(report)
    assert json.loads(json.dumps(items)) == items
    assert len(items["selectors"]) == len(report.items)
    sha = next(s for s in items["selectors"] if s["type"] == "sha256")
    assert sha["warning"] == "hash of an empty file"
    login = next(s for s in items["selectors"] if s["value"] == "203.0.113.45")
    assert login["observed_at"] == "2024-03-02T14:01:00+00:00"
    assert login["warning"] is not None and "documentation" in login["warning"]
    handle = next(s for s in items["selectors"] if s["type"] == "handle")
    assert handle["warning"] is None
    assert items["persons"][0]["date_of_birth"] == "1988-07-14"
    custom = BUILTIN_WARNINGS.extended([("handle", handle["value"], "test account")])
    again = report_items_json(report, custom)
    assert next(s for s in again["selectors"] if s["type"] == "handle")["warning"] == "test account"
