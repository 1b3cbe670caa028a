"""CSV selector lists and free text: the samples and errors that name the line or byte."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.intake.samples_path import sample, sample_values
from wayhome.access.markings import Marking
from wayhome.errors import InvalidInput
from wayhome.intake.formats.csvfile import parse_csv
from wayhome.intake.formats.freetext import parse_text


def test_sample_csv() -> None:
    values = sample_values()
    first, second = parse_csv(sample("selectors.csv"), region="GB")
    assert (first.title, second.title) == ("Operation Lantern", "Second report")
    assert [(i.selector.type.value, i.selector.value, i.origin) for i in first.items] == [
        ("handle", "telegram:night_owl_22", "line 2"),
        ("phone", "+447400123456", "line 3"),
        ("btc", values["btc"], "line 4"),
        ("eth", values["eth"].lower(), "line 5"),
        ("ipv4", "203.0.113.45", "line 6"),
        ("messenger_id", "session:" + values["session"], "line 7"),
        ("messenger_id", "wickr:owl.backup", "line 8"),
        ("onion", values["onion"], "line 8"),
    ]
    assert first.items[0].observed_at == datetime(2024, 3, 2, 14, 20, 45, tzinfo=UTC)
    assert first.items[0].context == "main account"
    assert [i.selector.value for i in second.items] == ["night.owl22@example-mail.org"]


@pytest.mark.parametrize(
    ("data", "location", "words"),
    [
        (b"kindness,value\nemail,a@example.org\n", "line 1", "missing column 'type'"),
        (b"type,note\nemail,x\n", "line 1", "missing column"),
        (b"type,value\nemail,a@example.org,extra\n", "line 2", "fields"),
        (
            b"type,value,marking\nemail,a@example.org,TLP:PURPLE\n",
            "line 2, column marking",
            "marking",
        ),
        (b"type,value\n", "line 2", "no rows"),
        (b'type,value\nemail,"a@example.org\n', "line 2", "malformed"),
    ],
)
def test_csv_errors_name_the_line(data: bytes, location: str, words: str) -> None:
    with pytest.raises(InvalidInput) as bad:
        parse_csv(data)
    assert bad.value.location == location
    assert words in bad.value.detail


def test_csv_invalid_value_is_kept_as_written_and_the_rest_read() -> None:
    data = b"type,value\nemail,a@example.org\nemail,not-an-email\nphone,12\nhandle,Korsak_77\n"
    [report] = parse_csv(data)
    assert [(i.selector.type.value, i.selector.value) for i in report.items] == [
        ("email", "a@example.org"),
        ("handle", "forum:korsak_77"),
    ]
    assert report.extra["unnormalised"] == [
        {"type": "email", "value": "not-an-email", "at": "line 3"},
        {"type": "phone", "value": "12", "at": "line 4"},
    ]
    assert report.warnings[0] == "line 3: 'not-an-email' is not a valid email; kept as written"


def test_csv_phone_country_column_comes_before_the_agency_region() -> None:
    data = b"type,value,country\nphone,8 921 556-18-04,RU\nphone,07400 123456,\n"
    [report] = parse_csv(data, region="GB")
    assert [i.selector.value for i in report.items] == ["+79215561804", "+447400123456"]


def test_csv_ip_known_only_by_its_country_is_a_location() -> None:
    data = (
        b"type,value,observed_at,note\nip,RU,2024-03-02T14:00:00Z,login\n"
        b"ipv4,de,,possible proxy\nip,203.0.113.45,,\n"
    )
    [report] = parse_csv(data)
    assert [(loc.kind, loc.country, loc.observed_at) for loc in report.locations] == [
        ("ip", "RU", datetime(2024, 3, 2, 14, 0, tzinfo=UTC)),
        ("ip-proxy", "DE", None),
    ]
    assert all(loc.latitude is None and loc.place_name is None for loc in report.locations)
    assert [i.selector.value for i in report.items] == ["203.0.113.45"]


def test_csv_from_another_tool_is_read_and_its_other_columns_kept() -> None:
    data = (
        b"Kind,Indicator,First Seen,Last Seen,Comment\n"
        b"email,a@example.org,2026-09-01T20:14:00Z,2026-09-02,login mail\n"
        b"fax,call +44 7400 123456,,,\n"
        b"email,,,,\n"
    )
    [report] = parse_csv(data)
    assert [(i.selector.value, i.observed_at, i.context) for i in report.items] == [
        ("a@example.org", datetime(2026, 9, 1, 20, 14, tzinfo=UTC), "login mail"),
        ("+447400123456", None, None),
    ]
    assert report.extra["csv_columns"] == [{"line": 2, "last_seen": "2026-09-02"}]
    assert report.extra["unnormalised"] == [
        {"type": "fax", "value": "call +44 7400 123456", "at": "line 3"}
    ]
    assert report.warnings == [
        "line 1: column 'last_seen' is not read; its values are kept in extra",
        "line 3: 'call +44 7400 123456' is not a valid fax; kept as written",
        "line 4: no value; row skipped",
    ]


def test_csv_marking_is_the_strictest_row() -> None:
    data = b"type,value,marking\nemail,a@example.org,TLP:GREEN\nemail,b@example.org,tlp:red\n"
    [report] = parse_csv(data)
    assert report.marking is Marking.RED


def test_csv_with_bom_and_crlf() -> None:
    [report] = parse_csv(b"\xef\xbb\xbfType,Value\r\nipv4,198.51.100.1\r\n")
    assert report.items[0].selector.value == "198.51.100.1"


def test_non_utf8_names_the_byte_offset() -> None:
    data = "type,value\nhandle,telegram:caf\xe9\n".encode("latin-1")
    with pytest.raises(InvalidInput) as bad:
        parse_csv(data)
    assert bad.value.location == f"byte {data.index(0xE9)}"


def test_free_text_report() -> None:
    [report] = parse_text(sample("chat_log.txt"), region="GB")
    assert report.title.startswith("=== export of seized phone")
    assert report.body == sample("chat_log.txt").decode("utf-8")
    assert len(report.items) == 18
    first = report.items[0]
    assert first.origin == f"offset {first.selector.start}"


def test_free_text_in_utf16_with_bom() -> None:
    [report] = parse_text("mail a@example.org".encode("utf-16"))
    assert [i.selector.value for i in report.items] == ["a@example.org"]


def test_binary_is_refused() -> None:
    with pytest.raises(InvalidInput):
        parse_text(b"GIF89a\x00\x00\x01")


def test_text_names_personas_and_attributes_posts_to_their_authors() -> None:
    data = (
        b"Forum scrape, board 'meetups'\n"
        b"2025-08-01 21:10 | user: owl_22 | my key: PGP fingerprint: "
        b"0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567\n"
        b"2025-08-02 10:00 | user: lark_7 | key 0x89ABCDEF01234567 here\n"
        b"mentions @someone and t.me/heron_5\n"
    )
    (report,) = parse_text(data)
    assert [(p.platform, p.handle, p.handle_canonical) for p in report.personas] == [
        ("forum", "owl_22", "forum:owl_22"),
        ("forum", "lark_7", "forum:lark_7"),
        ("telegram", "heron_5", "telegram:heron_5"),
    ]  # a bare @mention names no platform, so no persona
    contexts = {i.selector.type.value: i.context for i in report.items}
    assert contexts["pgp_fingerprint"] == "posted by forum:owl_22"
    assert contexts["pgp_key_id"] == "posted by forum:lark_7"
    (alone,) = parse_text(b"tip: forum user: owl_22 uses key 0x89ABCDEF01234567\n")
    assert [p.handle_canonical for p in alone.personas] == ["forum:owl_22"]
    assert all(i.context is None for i in alone.items)  # one persona: nothing to attribute
