"""MISP events: the sample, PyMISP's reading of it, markings and bad input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pymisp import MISPEvent

from tests.intake.samples_path import sample, sample_values
from wayhome.access.markings import Marking
from wayhome.errors import InvalidInput
from wayhome.intake.formats.misp import parse_misp


def test_sample_event_loads_in_pymisp() -> None:
    event = MISPEvent()
    event.load(sample("misp_event.json").decode("utf-8"))
    assert event.info.startswith("Operation Lantern")


def test_sample_event() -> None:
    values = sample_values()
    [report] = parse_misp(sample("misp_event.json"), region="GB")
    assert report.title == "Operation Lantern: payment and contact selectors"
    assert report.source == "misp:Police Example North"
    assert report.marking is Marking.AMBER  # event tlp:green, one attribute tlp:amber
    assert report.observed_at == datetime(2024, 3, 2, tzinfo=UTC)
    pairs = {(i.selector.type.value, i.selector.value) for i in report.items}
    assert pairs == {
        ("email", "night.owl22@example-mail.org"),
        ("ipv4", "203.0.113.45"),
        ("btc", values["btc"]),
        ("phone", "+447400123456"),
        ("handle", "forum:shadowrider"),
        ("onion", values["onion"]),
        ("handle", "twitter:owl_backup"),
        ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("eth", values["eth"].lower()),
        ("xmr", values["xmr"]),
        ("handle", "telegram:night_owl_22"),
        ("pgp_fingerprint", values["fingerprint"]),
    }
    ip = next(i for i in report.items if i.selector.type.value == "ipv4")
    assert ip.origin == "Event.Attribute[1] (0f0a4b8e-7a47-4e63-9d6a-0c0c3b7e2a02)"
    assert ip.observed_at == datetime(2024, 3, 2, 14, 1, tzinfo=UTC)
    [person] = report.persons
    assert (person.name, person.date_of_birth, person.nationalities) == (
        "Marek Novák",
        date(1988, 7, 14),
        ["CZ"],
    )
    [place] = report.locations
    assert (place.latitude, place.longitude, place.country) == (49.1951, 16.6068, "CZ")
    assert ["first-name", "Marek"] in report.extra["misp_attributes"]


def _event(*attributes: dict[str, Any], tags: list[str] | None = None) -> bytes:
    event = {"info": "t", "Attribute": list(attributes), "Tag": [{"name": t} for t in tags or []]}
    return json.dumps({"Event": event}).encode()


def test_unknown_type_is_kept_naming_the_attribute() -> None:
    data = _event(
        {"type": "email", "value": "a@example.org"},
        {"uuid": "11111111-2222-4333-8444-555555555555", "type": "wallet-thing", "value": "x"},
    )
    [report] = parse_misp(data)
    assert [i.selector.value for i in report.items] == ["a@example.org"]
    assert report.extra["misp_attributes"] == [["wallet-thing", "x"]]
    assert report.warnings == [
        "Event.Attribute[1] (11111111-2222-4333-8444-555555555555): unknown MISP attribute "
        "type 'wallet-thing'; kept as written"
    ]


def test_unknown_type_without_uuid_names_the_index_and_its_value_is_read() -> None:
    [report] = parse_misp(_event({"type": "nonsense", "value": "mail korsak@example.org"}))
    assert report.warnings[0].startswith("Event.Attribute[0]: unknown MISP attribute type")
    assert [i.selector.value for i in report.items] == ["korsak@example.org"]


def test_invalid_value_is_kept_as_written_naming_the_attribute() -> None:
    [report] = parse_misp(
        _event(
            {"type": "btc", "value": "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"},
            {"type": "domain", "value": "evil.example"},
        )
    )
    assert [i.selector.value for i in report.items] == ["evil.example"]
    assert report.extra["unnormalised"] == [
        {"type": "btc", "value": "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "at": "Event.Attribute[0]"}
    ]
    assert report.warnings[0].startswith("Event.Attribute[0]: '1BvBMSEY")


@pytest.mark.parametrize(
    ("tag", "marking"),
    [
        ("tlp:white", Marking.CLEAR),
        ("tlp:clear", Marking.CLEAR),
        ("tlp:green", Marking.GREEN),
        ("TLP:AMBER", Marking.AMBER),
        ("tlp:amber+strict", Marking.AMBER_STRICT),
        ("tlp:red", Marking.RED),
    ],
)
def test_tlp_tags(tag: str, marking: Marking) -> None:
    [report] = parse_misp(_event({"type": "domain", "value": "evil.example"}, tags=[tag]))
    assert report.marking is marking


def test_bare_event_and_search_response() -> None:
    bare = json.dumps({"info": "bare", "Attribute": [{"type": "url", "value": "http://a.example"}]})
    assert parse_misp(bare.encode())[0].title == "bare"
    response = json.dumps({"response": [{"Event": {"info": "one"}}, {"Event": {"info": "two"}}]})
    assert [r.title for r in parse_misp(response.encode())] == ["one", "two"]


def test_not_an_event() -> None:
    with pytest.raises(InvalidInput):
        parse_misp(b'{"hello": "world"}')


def test_ip_port_and_domain_ip_pairs() -> None:
    [report] = parse_misp(
        _event(
            {"type": "ip-dst|port", "value": "2001:db8::1|443"},
            {"type": "domain|ip", "value": "evil.example|198.51.100.9"},
            {"type": "filename|md5", "value": "a.jpg|D41D8CD98F00B204E9800998ECF8427E"},
        )
    )
    assert [(i.selector.type.value, i.selector.value) for i in report.items] == [
        ("ipv6", "2001:db8::1"),
        ("domain", "evil.example"),
        ("ipv4", "198.51.100.9"),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e"),
    ]
    assert report.file_hashes[0].file_name == "a.jpg"


# A synthetic ed25519 key generated for this test ("Test Person <test.person@example.org>");
# GnuPG printed its fingerprint as 58C87F90D909D6E255DD96BE0F044ED0CDC11A26.
_KEY_BLOCK = """-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEaxcMDRYJKwYBBAHaRw8BAQdASsjKzx0RsXouEkCX17/qfksB4pUNBuzK16fQ
Veeo9NO0JVRlc3QgUGVyc29uIDx0ZXN0LnBlcnNvbkBleGFtcGxlLm9yZz6IkAQT
FggAOBYhBFjIf5DZCdbiVd2Wvg8ETtDNwRomBQJrFwwNAhsDBQsJCAcCBhUKCQgL
AgQWAgMBAh4BAheAAAoJEA8ETtDNwRomvK0A/jGFljPUL0sO6qQyUO9c2cZPlkNS
LcqX5P4pE4LfZP0uAQCbkacRnnCrSvnAzNTXQbDf6vXcH33ypgaIWtAdTwGwCA==
=lJ4Q
-----END PGP PUBLIC KEY BLOCK-----
"""


def test_pgp_public_key_yields_its_fingerprint() -> None:
    [report] = parse_misp(_event({"type": "pgp-public-key", "value": _KEY_BLOCK}))
    pairs = [(i.selector.type.value, i.selector.value) for i in report.items]
    assert pairs == [("pgp_fingerprint", "58C87F90D909D6E255DD96BE0F044ED0CDC11A26")]
    assert report.items[0].origin == "Event.Attribute[0]"


def test_a_damaged_key_block_yields_no_fingerprint() -> None:
    damaged = _KEY_BLOCK.replace("mDMEaxcM", "!!!!")
    [report] = parse_misp(_event({"type": "pgp-public-key", "value": damaged}))
    assert [i.selector.type.value for i in report.items] == []


@pytest.mark.parametrize("kind", ["url", "link"])
def test_an_onion_url_yields_the_onion(kind: str) -> None:
    onion = sample_values()["onion"]
    written = f"http://{onion.upper()}:8080/board/thread?id=7"
    clear = {"type": kind, "value": "https://board.example.net/a"}
    [report] = parse_misp(_event({"type": kind, "value": written}, clear))
    pairs = [(i.selector.type.value, i.selector.value) for i in report.items]
    assert pairs == [
        ("url", f"http://{onion}:8080/board/thread?id=7"),
        ("onion", onion),
        ("url", "https://board.example.net/a"),
    ]
    assert report.items[1].origin == "Event.Attribute[0]"
