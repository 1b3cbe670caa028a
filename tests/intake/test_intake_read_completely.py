"""Every format read completely: derived selectors, values kept as written, whole unknown
elements, phones in the stated country, IP captures known only by their country."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.intake.samples_path import sample_values
from wayhome.access.models import Role
from wayhome.intake.formats.cybertip import parse_cybertip
from wayhome.intake.formats.misp import parse_misp
from wayhome.intake.formats.stix import parse_stix
from wayhome.intake.formats.submission import parse_submission
from wayhome.intake.models import Location
from wayhome.intake.parsed import ParsedReport
from wayhome.intake.selectors.extract import extract_selectors

# A synthetic ed25519 key (tests/intake/test_intake_misp.py), GnuPG's fingerprint below.
_KEY_BLOCK = """-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEaxcMDRYJKwYBBAHaRw8BAQdASsjKzx0RsXouEkCX17/qfksB4pUNBuzK16fQ
Veeo9NO0JVRlc3QgUGVyc29uIDx0ZXN0LnBlcnNvbkBleGFtcGxlLm9yZz6IkAQT
FggAOBYhBFjIf5DZCdbiVd2Wvg8ETtDNwRomBQJrFwwNAhsDBQsJCAcCBhUKCQgL
AgQWAgMBAh4BAheAAAoJEA8ETtDNwRomvK0A/jGFljPUL0sO6qQyUO9c2cZPlkNS
LcqX5P4pE4LfZP0uAQCbkacRnnCrSvnAzNTXQbDf6vXcH33ypgaIWtAdTwGwCA==
=lJ4Q
-----END PGP PUBLIC KEY BLOCK-----"""
_FINGERPRINT = "58C87F90D909D6E255DD96BE0F044ED0CDC11A26"


def _pairs(report: ParsedReport) -> set[tuple[str, str]]:
    return {(i.selector.type.value, i.selector.value) for i in report.items}


def _bundle(*objects: dict[str, Any]) -> bytes:
    common = {"spec_version": "2.1"}
    bundle = {"type": "bundle", "id": "bundle--11111111-1111-4111-8111-111111111111"}
    return json.dumps({**bundle, "objects": [{**common, **o} for o in objects]}).encode()


def _id(kind: str, n: int) -> str:
    return f"{kind}--{n:08d}-3333-4333-8333-333333333333"


# --- derived selectors, through the product path (parse_submission) -------------------


def test_derived_selectors_in_every_format() -> None:
    onion = sample_values()["onion"]
    url = f"http://{onion}/board/7"
    stix = _bundle(
        {"type": "email-addr", "id": _id("email-addr", 1), "value": "Korsak@Mail.Example.org"},
        {"type": "url", "id": _id("url", 2), "value": url},
    )
    cybertip = f"""<report><incidentSummary><incidentType>x</incidentType></incidentSummary>
<internetDetails><emailAddress>korsak@mail.example.org</emailAddress><url>{url}</url>
</internetDetails></report>""".encode()
    csv = f"type,value\nemail,korsak@mail.example.org\nurl,{url}\n".encode()
    text = f"mail korsak@mail.example.org, board {url}\n{_KEY_BLOCK}\n".encode()
    for name, data in [("a.json", stix), ("b.xml", cybertip), ("c.csv", csv), ("d.txt", text)]:
        reports = parse_submission(data, filename=name).reports
        pairs = set().union(*(_pairs(r) for r in reports))
        assert ("domain", "mail.example.org") in pairs, name
        assert ("onion", onion) in pairs, name
    [report] = parse_submission(text, filename="d.txt").reports
    assert ("pgp_fingerprint", _FINGERPRINT) in _pairs(report)
    # One derived value per origin, however many writings lead to it.
    onions = [i for i in report.items if i.selector.type.value == "onion"]
    assert len(onions) == 1


def test_a_key_block_in_text_gives_its_fingerprint_and_no_look_alikes() -> None:
    found = extract_selectors(f"my key:\n{_KEY_BLOCK}\nthanks")
    assert [(s.type.value, s.value) for s in found] == [("pgp_fingerprint", _FINGERPRINT)]


# --- STIX ---------------------------------------------------------------------------


def test_stix_reads_accounts_refs_patterns_and_unknown_objects_whole() -> None:
    account = {
        "type": "user-account",
        "id": _id("user-account", 1),
        "account_login": "Korsak_77",
        "user_id": "88412",
        "x_forum": "Nightfall",
    }
    mailbox = {"type": "email-addr", "id": _id("email-addr", 2), "value": "a@example.org"}
    message = {
        "type": "email-message",
        "id": _id("email-message", 3),
        "is_multipart": False,
        "from_ref": mailbox["id"],
    }
    indicator = {
        "type": "indicator",
        "id": _id("indicator", 4),
        "created": "2026-10-01T10:00:00.000Z",
        "modified": "2026-10-01T10:00:00.000Z",
        "pattern_type": "stix",
        "valid_from": "2026-10-01T10:00:00Z",
        "pattern": "[user-account:account_type = 'telegram' AND "
        "user-account:account_login = '@Korsak_77']",
    }
    custom = {
        "type": "x-forum-post",
        "id": _id("x-forum-post", 5),
        "description": "signed by wickr: korsak77",
        "board": "meetups",
    }
    report = {
        "type": "report",
        "id": _id("report", 6),
        "created": "2026-10-01T10:00:00.000Z",
        "modified": "2026-10-01T10:00:00.000Z",
        "name": "r",
        "published": "2026-10-01T10:00:00Z",
        "object_refs": [account["id"], message["id"], indicator["id"], custom["id"]],
    }
    [parsed] = parse_stix(_bundle(account, mailbox, message, indicator, custom, report))
    assert {
        ("handle", "forum:korsak_77"),
        ("handle", "forum:88412"),
        ("email", "a@example.org"),  # brought in by the message that refers to it
        ("handle", "telegram:korsak_77"),
        ("messenger_id", "wickr:korsak77"),
    } <= _pairs(parsed)
    assert [p.handle_canonical for p in parsed.personas] == ["forum:korsak_77"]
    kept = parsed.extra["stix_objects"]
    assert {"email-message", "x-forum-post"} == {o["type"] for o in kept}
    assert next(o for o in kept if o["type"] == "x-forum-post")["board"] == "meetups"


def test_stix_bad_values_are_kept_and_phones_use_the_bundle_country() -> None:
    objects = [
        {"type": "email-addr", "id": _id("email-addr", 1), "value": "not-an-email"},
        {"type": "domain-name", "id": _id("domain-name", 2), "value": "-bad-.example"},
        {"type": "phone-number", "id": _id("phone-number", 3), "value": "8 921 556-18-04"},
        {"type": "phone-number", "id": _id("phone-number", 4), "value": "07400 123456"},
        {
            "type": "location",
            "id": _id("location", 5),
            "created": "2026-10-01T10:00:00.000Z",
            "modified": "2026-10-01T10:00:00.000Z",
            "country": "ru",
        },
    ]
    [parsed] = parse_stix(_bundle(*objects), region="GB")
    # RU (the bundle's country) first, then GB (the agency's).
    assert _pairs(parsed) == {("phone", "+79215561804"), ("phone", "+447400123456")}
    kept = parsed.extra["unnormalised"]
    assert [(k["type"], k["value"]) for k in kept] == [
        ("email", "not-an-email"),
        ("domain name", "-bad-.example"),
    ]
    assert kept[0]["at"] == _id("email-addr", 1)
    assert len(parsed.warnings) == 2


# --- MISP ---------------------------------------------------------------------------


def _event(objects: list[dict[str, Any]], attributes: list[dict[str, Any]]) -> bytes:
    return json.dumps({"Event": {"info": "e", "Attribute": attributes, "Object": objects}}).encode()


def test_misp_account_platform_from_its_link_and_phone_from_the_event_country() -> None:
    account = {
        "name": "user-account",
        "Attribute": [
            {"type": "text", "object_relation": "username", "value": "Korsak_77"},
            {"type": "link", "object_relation": "link", "value": "https://t.me/korsak_77"},
        ],
    }
    bare = {
        "name": "user-account",
        "Attribute": [{"type": "text", "object_relation": "user-id", "value": "88412"}],
    }
    place = {
        "name": "geolocation",
        "Attribute": [{"type": "text", "object_relation": "countrycode", "value": "RU"}],
    }
    phone = {"type": "phone-number", "value": "8 921 556-18-04"}
    [report] = parse_misp(_event([account, bare, place], [phone]), region="GB")
    assert {
        ("handle", "telegram:korsak_77"),
        ("handle", "forum:88412"),
        ("phone", "+79215561804"),
        ("url", "https://t.me/korsak_77"),
    } <= _pairs(report)


# --- CyberTipline -------------------------------------------------------------------

_TIP = b"""<report>
  <incidentSummary><incidentType>Online Enticement</incidentType></incidentSummary>
  <reporter><espName>Example Chat Ltd</espName></reporter>
  <personOrUserReported>
    <espService>Instagram</espService>
    <espIdentifier>17841400000000</espIdentifier>
    <screenName>Korsak_77</screenName>
    <phone>8 921 556-18-04</phone>
    <ipCaptureEvent>
      <eventName>Login</eventName>
      <dateTime>2026-09-01T20:14:00Z</dateTime>
      <countryCode>RU</countryCode>
      <possibleProxy>true</possibleProxy>
    </ipCaptureEvent>
    <ipCaptureEvent>
      <ipAddress>203.0.113.45</ipAddress>
      <countryCode>RU</countryCode>
    </ipCaptureEvent>
    <ipCaptureEvent><eventName>Upload</eventName></ipCaptureEvent>
    <estimatedLocation><countryCode>RU</countryCode></estimatedLocation>
    <vendorScore model="v2" confidence="0.9">high</vendorScore>
  </personOrUserReported>
</report>"""


def test_cybertip_accounts_ip_countries_and_whole_unknown_elements() -> None:
    [report] = parse_cybertip(_TIP, region="US")
    assert {
        ("handle", "instagram:korsak_77"),  # espService, not the reporting ESP
        ("handle", "instagram:17841400000000"),  # the ESP's identifier is a selector too
        ("phone", "+79215561804"),  # the report's country (RU) before the agency's (US)
        ("ipv4", "203.0.113.45"),
    } <= _pairs(report)
    assert [(p.platform, p.handle_canonical) for p in report.personas] == [
        ("instagram", "instagram:korsak_77")
    ]
    places = [(loc.kind, loc.country, loc.observed_at) for loc in report.locations]
    assert places == [
        ("ip-proxy", "RU", datetime(2026, 9, 1, 20, 14, tzinfo=UTC)),
        ("ip", "RU", None),
        ("estimated", "RU", None),
    ]
    assert all(loc.latitude is None and loc.place_name is None for loc in report.locations)
    # An IP capture with neither address nor country is kept, not refused.
    assert report.extra["report/personOrUserReported/ipCaptureEvent/eventName"] == ["Upload"]
    assert any("without an address or country" in w for w in report.warnings)
    # Unknown elements keep their attributes as well as their text.
    kept = "report/personOrUserReported/vendorScore"
    assert report.extra[kept] == ["high"]
    assert report.extra[f"{kept}/@model"] == ["v2"]
    assert report.extra[f"{kept}/@confidence"] == ["0.9"]


def test_a_saved_forum_page_is_read_as_text_not_refused_as_a_tipline() -> None:
    page = b"<!DOCTYPE html><html><body><p>Geplaatst door korsak_77</p></body></html>"
    submission = parse_submission(page, filename="scrape.html")
    assert submission.format == "text"
    assert ("handle", "forum:korsak_77") in _pairs(submission.reports[0])


def test_ip_captures_known_only_by_country_are_stored_as_locations(
    client: TestClient, world: World, db: Session
) -> None:
    headers = world.headers(world.user(world.agency("us-t", "US"), Role.ANALYST))
    csv = b"type,value,observed_at,note\nip,RU,2026-09-01T20:14:00Z,login via vpn\n"
    for name, data in [("tip.xml", _TIP), ("ips.csv", csv)]:
        response = client.post(
            "/api/v1/imports",
            headers=headers,
            files={"file": (name, data)},
            data={"marking": "AMBER"},
        )
        assert response.status_code == 201, response.text
    rows = db.execute(select(Location.kind, Location.country, Location.latitude)).all()
    assert sorted(rows) == [
        ("estimated", "RU", None),
        ("ip", "RU", None),
        ("ip-proxy", "RU", None),
        ("ip-vpn", "RU", None),
    ]


def test_times_in_other_writings_are_read_and_a_bad_one_costs_only_itself() -> None:
    tip = b"""<report><incidentSummary><incidentType>x</incidentType>
<incidentDateTime>09/01/2026 20:14:00</incidentDateTime></incidentSummary>
<personOrUserReported><ipCaptureEvent><ipAddress>203.0.113.45</ipAddress>
<dateTime>Tue, 01 Sep 2026 22:14:00 +0200</dateTime></ipCaptureEvent></personOrUserReported>
</report>"""
    [report] = parse_cybertip(tip)
    assert report.observed_at == datetime(2026, 9, 1, 20, 14, tzinfo=UTC)  # month first (US)
    assert report.items[0].observed_at == datetime(2026, 9, 1, 20, 14, tzinfo=UTC)
    csv = b"type,value,observed_at\nemail,a@example.org,yesterday\nipv4,203.0.113.45,01.09.2026\n"
    [rows] = parse_submission(csv, filename="x.csv").reports
    assert [i.observed_at for i in rows.items if i.selector.type.value != "domain"] == [
        None,
        datetime(2026, 9, 1, tzinfo=UTC),
    ]
    assert rows.extra["unnormalised"] == [
        {"type": "date and time", "value": "yesterday", "at": "line 2, column observed_at"}
    ]


def test_format_knowledge_deleted_misp_values_custom_stix_wallets_csv_type_names() -> None:
    values = sample_values()
    misp = _event(
        [{"name": "user-account", "deleted": True, "Attribute": []}],
        [
            {"type": "email", "value": "gone@example.org", "deleted": True},
            {"type": "email", "value": "kept@example.org", "deleted": False},
        ],
    )
    [report] = parse_misp(misp)
    assert [i.selector.value for i in report.items] == ["kept@example.org"]
    assert report.extra["misp_deleted"] == [["email", "gone@example.org"], ["user-account", None]]
    wallet = {"type": "x-cryptocurrency-wallet", "id": _id("x-cryptocurrency-wallet", 1)}
    [stix] = parse_stix(_bundle({**wallet, "value": values["btc"]}))
    assert _pairs(stix) == {("btc", values["btc"])}
    spaced = " ".join(_FINGERPRINT[i : i + 4] for i in range(0, 40, 4))
    csv = f"type,value\npgp,{spaced}\nurl,https://t.me/Korsak_77\n".encode()
    [rows] = parse_submission(csv, filename="x.csv").reports
    assert {("pgp_fingerprint", _FINGERPRINT), ("handle", "telegram:korsak_77")} <= _pairs(rows)
