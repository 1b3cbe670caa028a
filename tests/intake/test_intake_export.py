"""Exports: STIX accepted by stix2-validator, MISP loaded by PyMISP, and lossless round trips."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import jsonschema
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


STRICT = ValidationOptions(version="2.1", strict=True)
_PYMISP_DATA = resources.files("pymisp") / "data"


def strict_errors(bundle: dict[str, Any]) -> list[str]:
    """stix2-validator's errors and warnings in strict mode (warnings are errors there)."""
    results = validate_instance(bundle, STRICT)
    return [str(e) for e in results.errors] + [str(w) for w in results.warnings]


def misp_schema_errors(exported: dict[str, Any]) -> dict[str, list[str]]:
    """PyMISP's two JSON schemas: the lax one over the whole event, the strict (MISP 2.4,
    from before objects and event reports) over the event without `Object`/`EventReport`."""
    event = exported["Event"]
    legacy = {"Event": {k: v for k, v in event.items() if k not in ("Object", "EventReport")}}
    found = {}
    for name, document in (("schema-lax.json", exported), ("schema.json", legacy)):
        schema = json.loads((_PYMISP_DATA / name).read_text("utf-8"))
        validator = jsonschema.Draft4Validator(schema)
        found[name] = [e.message for e in validator.iter_errors(document)]
    return found


@pytest.mark.parametrize("marking", [*Marking, None])
def test_stix_export_passes_the_strict_validator_and_round_trips(marking: Marking | None) -> None:
    report = _every_type_report(marking)
    bundle = export_stix([(report, "Police Example North")])
    assert strict_errors(bundle) == []
    [back] = parse_stix(json.dumps(bundle).encode())
    assert _keys(back) == _keys(report)
    # The text and an observable per value are one mention each, not two.
    assert len(back.items) == len(report.items)
    assert back.marking is marking
    assert (back.title, back.body) == (report.title, report.body)


def test_stix_export_declares_its_extensions_and_keeps_its_ids() -> None:
    report = _every_type_report(Marking.AMBER)
    first = export_stix([(report, "Police North")])
    again = export_stix([(report, "Police North")])
    ids = [o["id"] for o in first["objects"]]
    assert ids == [o["id"] for o in again["objects"]]  # the same report, the same objects
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in first["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    defined = {o["id"] for o in by_type["extension-definition"]}
    for obj in by_type["x-wayhome-selector"] + by_type["user-account"]:
        assert set(obj.get("extensions", {})) <= defined
    for obj in by_type["x-wayhome-selector"]:
        assert uuid.UUID(obj["id"].split("--")[1]).version == 4
    accounts = {
        (o.get("account_type"), o.get("x_wayhome_platform")) for o in by_type["user-account"]
    }
    assert ("twitter", None) in accounts and (None, "telegram") in accounts
    assert all(t in {None, "twitter", "facebook", "skype"} for t, _ in accounts)
    # Two platforms, one login: two accounts.
    [pair] = parse_text(b"telegram: @raven and forum user: raven")
    raven = [o for o in export_stix([(pair, "P")])["objects"] if o["type"] == "user-account"]
    assert len({o["id"] for o in raven}) == 2


def test_stix_export_of_several_agencies() -> None:
    first = _every_type_report(Marking.GREEN)
    [second] = parse_cybertip(sample("cybertip_report.xml"), region="GB")
    bundle = export_stix([(first, "Police North"), (second, "Police South")])
    assert strict_errors(bundle) == []
    identities = [o["name"] for o in bundle["objects"] if o["type"] == "identity"]
    assert sorted(identities) == ["Police North", "Police South", "Wayhome"]
    back = parse_stix(json.dumps(bundle).encode())
    assert [_keys(r) for r in back] == [_keys(first), _keys(second)]
    assert [r.marking for r in back] == [Marking.GREEN, Marking.AMBER]


def test_a_value_two_reports_hold_keeps_each_reports_marking() -> None:
    red = _every_type_report(Marking.RED)
    green = _every_type_report(Marking.GREEN)
    green.title = "the same values, shared wider"
    bundle = export_stix([(red, "Police North"), (green, "Police South")])
    assert strict_errors(bundle) == []
    assert [r.marking for r in parse_stix(json.dumps(bundle).encode())] == [
        Marking.RED,
        Marking.GREEN,
    ]


@pytest.mark.parametrize("marking", [*Marking, None])
def test_misp_export_loads_in_pymisp_passes_its_schemas_and_round_trips(
    marking: Marking | None,
) -> None:
    report = _every_type_report(marking)
    exported = export_misp(report, agency="Police Example North")
    assert misp_schema_errors(exported) == {"schema-lax.json": [], "schema.json": []}
    event = MISPEvent()
    event.load(json.dumps(exported))
    assert event.info == report.title
    assert event.Orgc.name == "Police Example North" and uuid.UUID(event.Orgc.uuid)
    assert [r.content for r in event.event_reports] == [report.body]
    assert len(event.attributes) + len(event.objects) == len(_keys(report))
    [back] = parse_misp(json.dumps(exported).encode())
    assert _keys(back) == _keys(report)
    # The event report is the text again; an attribute it names is no second mention.
    assert (back.body, len(back.items)) == (report.body.strip(), len(report.items))
    assert back.marking is marking
    assert export_misp(report, agency="Police Example North") == exported


def test_misp_addresses_keep_their_direction() -> None:
    """An address a subject came from is ip-src; one its context calls a server, ip-dst."""
    [tip] = parse_cybertip(sample("cybertip_report.xml"), region="GB")
    [text] = parse_text(b"hosting server 203.0.113.9 answered; user came from 198.51.100.23")
    captured = [i.selector.value for i in tip.items if i.selector.type.value == "ipv4"]
    assert captured
    attributes = export_misp(tip, agency="P")["Event"]["Attribute"]
    assert {a["value"]: a["type"] for a in attributes if a["value"] in captured} == dict.fromkeys(
        captured, "ip-src"
    )
    for item in text.items:
        if item.selector.value == "203.0.113.9":
            item.context = "hosting server"
    types = {a["value"]: a["type"] for a in export_misp(text, agency="P")["Event"]["Attribute"]}
    assert types == {"203.0.113.9": "ip-dst", "198.51.100.23": "ip-src"}
