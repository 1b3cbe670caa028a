"""STIX 2.1 bundles: the sample, markings, references and bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.intake.samples_path import sample, sample_values
from wayhome.access.markings import Marking
from wayhome.errors import InvalidInput
from wayhome.intake.formats.stix import parse_stix
from wayhome.intake.formats.stix_markings import TLP1_IDS, TLP2_IDS, tlp2_definition

_TS = "2024-03-03T09:00:00.000Z"


def test_sample_bundle() -> None:
    values = sample_values()
    [report] = parse_stix(sample("stix_bundle.json"), region="GB")
    assert report.title == "Operation Lantern: online selectors"
    assert report.marking is Marking.RED  # report TLP 2.0 amber, observed-data TLP 1.0 red
    assert report.received_at == datetime(2024, 3, 3, 9, tzinfo=UTC)
    pairs = {(i.selector.type.value, i.selector.value) for i in report.items}
    assert pairs == {
        ("eth", values["eth"].lower()),
        ("email", "night.owl22@example-mail.org"),
        ("ipv4", "203.0.113.45"),
        ("ipv6", "2001:db8::7"),
        ("domain", "board.example.net"),
        ("onion", values["onion"]),
        ("url", "https://board.example.net/profile/nightowl_22"),
        ("handle", "telegram:night_owl_22"),
        ("messenger_id", "session:" + values["session"]),
        ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e"),
        ("btc", values["btc"]),
    }
    ip = next(i for i in report.items if i.selector.type.value == "ipv4")
    assert ip.observed_at == datetime(2024, 3, 2, 14, 1, tzinfo=UTC)
    assert report.extra["cidr_ranges"] == ["198.51.100.0/24"]
    assert [p.name for p in report.persons] == ["Marek Novák"]
    assert report.personas[0].display_name == "Night Owl"
    assert len(report.extra["relationships"]) == 1


def _bundle(*objects: dict[str, Any]) -> bytes:
    bundle = {"type": "bundle", "id": "bundle--11111111-1111-4111-8111-111111111111"}
    return json.dumps({**bundle, "objects": list(objects)}).encode()


def _email(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": "email-addr",
        "spec_version": "2.1",
        "id": f"email-addr--{n:08d}-2222-4222-8222-222222222222",
        "value": f"user{n}@example.org",
        **extra,
    }


def test_dangling_reference_names_the_object() -> None:
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": "report--33333333-3333-4333-8333-333333333333",
        "created": _TS,
        "modified": _TS,
        "name": "r",
        "published": _TS,
        "object_refs": [_email(1)["id"], "url--44444444-4444-4444-8444-444444444444"],
    }
    [parsed] = parse_stix(_bundle(_email(1), report))
    assert [i.selector.value for i in parsed.items] == ["user1@example.org"]
    assert parsed.warnings == [
        f"{report['id']}: refers to url--44444444-4444-4444-8444-444444444444, "
        "which is not in the bundle"
    ]


def test_a_missing_marking_definition_refuses_the_bundle() -> None:
    marked = _email(
        1, object_marking_refs=["marking-definition--55555555-5555-4555-8555-555555555555"]
    )
    with pytest.raises(InvalidInput) as bad:
        parse_stix(_bundle(marked))
    assert bad.value.location == marked["id"] and "marking-definition--5555" in bad.value.detail


def test_an_invalid_object_is_read_as_far_as_it_goes_naming_its_id() -> None:
    broken = {"type": "email-addr", "spec_version": "2.1", "id": _email(2)["id"]}
    [parsed] = parse_stix(_bundle(_email(1), broken))
    assert [i.selector.value for i in parsed.items] == ["user1@example.org"]
    assert parsed.warnings[0].startswith(f"{broken['id']}: not valid STIX 2.1")
    assert any("cannot be read" in w and broken["id"] in w for w in parsed.warnings)
    assert broken in parsed.extra["stix_objects"]


@pytest.mark.parametrize("marking", list(Marking))
def test_tlp2_markings_by_id_and_definition(marking: Marking) -> None:
    definition = tlp2_definition(marking)
    [report] = parse_stix(_bundle(definition, _email(1, object_marking_refs=[definition["id"]])))
    assert report.marking is marking
    [bare] = parse_stix(_bundle(_email(1, object_marking_refs=[TLP2_IDS[marking]])))
    assert bare.marking is marking


@pytest.mark.parametrize(("marking_id", "marking"), list(TLP1_IDS.items()))
def test_tlp1_builtins(marking_id: str, marking: Marking) -> None:
    [report] = parse_stix(_bundle(_email(1, object_marking_refs=[marking_id])))
    assert report.marking is marking


def test_indicator_patterns() -> None:
    indicator = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--55555555-5555-4555-8555-555555555555",
        "created": _TS,
        "modified": _TS,
        "pattern_type": "stix",
        "valid_from": _TS,
        "pattern": "[ipv4-addr:value = '198.51.100.4'] OR [domain-name:value = 'Evil.Example'] "
        "OR [url:value = 'http://evil.example/it\\'s']",
    }
    odd = {**indicator, "id": "indicator--66666666-6666-4666-8666-666666666666",
           "pattern": "[process:pid > 4]"}  # fmt: skip
    [report] = parse_stix(_bundle(indicator, odd))
    assert [(i.selector.type.value, i.selector.value) for i in report.items] == [
        ("ipv4", "198.51.100.4"),
        ("domain", "evil.example"),
        ("url", "http://evil.example/it's"),
    ]
    assert report.extra["patterns"] == ["[process:pid > 4]"]


def test_not_a_bundle_and_bad_json() -> None:
    with pytest.raises(InvalidInput):
        parse_stix(b'{"type": "report"}')
    with pytest.raises(InvalidInput) as truncated:
        parse_stix(sample("stix_bundle.json")[:500])
    assert truncated.value.location is not None and truncated.value.location.startswith("line ")
