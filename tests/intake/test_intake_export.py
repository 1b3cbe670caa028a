"""Exports: STIX accepted by stix2-validator, MISP loaded by PyMISP, and lossless round trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_instance

from tests.intake.every_type import EVERY_TYPE, every_type_text
from tests.intake.samples_path import sample
from wayhome.access.markings import Marking
from wayhome.intake.export.misp_export import export_misp
from wayhome.intake.export.stix_export import export_stix
from wayhome.intake.formats.cybertip import parse_cybertip
from wayhome.intake.formats.freetext import parse_text
from wayhome.intake.formats.misp import parse_misp
from wayhome.intake.formats.stix import parse_stix
from wayhome.intake.parsed import ParsedReport


def _every_type_report(marking: Marking | None) -> ParsedReport:
    text = every_type_text()
    [report] = parse_text(text.encode())
    report.marking = marking
    report.received_at = datetime(2024, 3, 2, 14, 0, tzinfo=UTC)
    return report


def _keys(report: ParsedReport) -> set[tuple[str, str]]:
    return {(s.type.value, s.value) for s in report.selectors}


def test_the_test_report_covers_every_selector_type() -> None:
    assert {kind for kind, _ in _keys(_every_type_report(None))} == EVERY_TYPE


@pytest.mark.parametrize("marking", [*Marking, None])
def test_stix_export_validates_and_round_trips(marking: Marking | None) -> None:
    report = _every_type_report(marking)
    bundle = export_stix([(report, "Police Example North")])
    results = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert results.is_valid, [str(e) for e in results.errors]
    [back] = parse_stix(json.dumps(bundle).encode())
    assert _keys(back) == _keys(report)
    assert back.marking is marking
    assert back.title == report.title


def test_stix_export_of_several_agencies() -> None:
    first = _every_type_report(Marking.GREEN)
    [second] = parse_cybertip(sample("cybertip_report.xml"), region="GB")
    bundle = export_stix([(first, "Police North"), (second, "Police South")])
    assert validate_instance(bundle, ValidationOptions(version="2.1")).is_valid
    identities = [o["name"] for o in bundle["objects"] if o["type"] == "identity"]
    assert sorted(identities) == ["Police North", "Police South"]
    back = parse_stix(json.dumps(bundle).encode())
    assert [_keys(r) for r in back] == [_keys(first), _keys(second)]
    assert [r.marking for r in back] == [Marking.GREEN, Marking.AMBER]


@pytest.mark.parametrize("marking", [*Marking, None])
def test_misp_export_loads_in_pymisp_and_round_trips(marking: Marking | None) -> None:
    report = _every_type_report(marking)
    exported = export_misp(report, agency="Police Example North")
    event = MISPEvent()
    event.load(json.dumps(exported))
    assert event.info == report.title
    assert len(event.attributes) + len(event.objects) >= len(_keys(report))
    [back] = parse_misp(json.dumps(exported).encode())
    assert _keys(back) == _keys(report)
    assert back.marking is marking
