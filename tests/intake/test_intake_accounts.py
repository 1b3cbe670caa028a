"""One account, one selector: the platform table and the same account in four formats.

The four fixtures are written here by hand, each the way its format's own tools write an
account (a STIX `user-account`, a MISP account object, a CyberTipline `espService` with a
screen name and an ESP identifier, a forum scrape), and imported by four agencies.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World
from wayhome.access.models import Role
from wayhome.intake.formats.submission import parse_submission
from wayhome.intake.selectors.handles import normalise_handle
from wayhome.intake.selectors.platforms import GENERIC, messenger_key, platform_key
from wayhome.intake.selectors.types import SelectorType


@pytest.mark.parametrize(
    ("written", "key"),
    [
        # STIX 2.1 account-type-ov
        ("twitter", "twitter"),
        ("facebook", "facebook"),
        ("windows-local", "windows-local"),
        # MISP object names and account-type values
        ("telegram-account", "telegram"),
        ("reddit-account", "reddit"),
        ("github-user", "github"),
        # tipline ESP and service names
        ("Instagram Direct", "instagram"),
        ("Facebook Messenger", "facebook"),
        ("Kik Interactive Inc.", "kik"),
        ("Twitter, Inc.", "twitter"),
        ("Snap Inc", "snapchat"),
        # sites and domains
        ("https://www.instagram.com/x", "instagram"),
        ("old.reddit.com", "reddit"),
        ("t.me", "telegram"),
        ("ВКонтакте", "vk"),
        # everything else is an account on a site outside the list
        ("Nightfall board", GENERIC),
        ("abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion", GENERIC),
        ("unknown", GENERIC),
        ("user", GENERIC),
        (None, GENERIC),
    ],
)
def test_platform_names_resolve_to_one_key(written: str | None, key: str) -> None:
    assert platform_key(written) == key


def test_messengers_are_their_own_keys() -> None:
    assert [messenger_key(n) for n in ("Wickr Me", "jabber", "Element", "telegram")] == [
        "wickr",
        "xmpp",
        "matrix",
        None,
    ]


def test_an_identifier_is_normalised_the_same_way_whatever_wraps_it() -> None:
    writings = [
        ("Korsak_77", "forum"),
        ("@korsak_77", "unknown"),
        ("KORSAK_77.", "Nightfall"),
        ("u/korsak_77", None),
    ]
    assert {normalise_handle(v, p or GENERIC) for v, p in writings} == {"forum:korsak_77"}
    assert normalise_handle("https://t.me/Korsak_77", "forum") == "telegram:korsak_77"
    assert normalise_handle("no platform") is None


# --- the same account in four formats --------------------------------------------------

_ONION = "nightfallxyz"  # a forum the sources name in four different ways


def _stix(login: str, account_type: str | None) -> bytes:
    account = {
        "type": "user-account",
        "spec_version": "2.1",
        "id": "user-account--0d5d1e3a-5b0e-4f7e-9a0d-1f0c3a4b5c6d",
        "account_login": login,
        "user_id": "88412",
        "display_name": "Korsak",
    }
    if account_type is not None:
        account["account_type"] = account_type
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": "report--6a0b7c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
        "created": "2026-10-01T10:00:00.000Z",
        "modified": "2026-10-01T10:00:00.000Z",
        "name": "Undercover contact",
        "published": "2026-10-01T10:00:00Z",
        "object_refs": [account["id"]],
    }
    bundle = {"type": "bundle", "id": "bundle--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"}
    bundle["objects"] = [account, report]  # type: ignore[assignment]
    return json.dumps(bundle).encode()


def _misp(login: str, object_name: str, account_type: str | None) -> bytes:
    attributes = [{"type": "text", "object_relation": "username", "value": login}]
    if account_type is not None:
        attributes.append(
            {"type": "text", "object_relation": "account-type", "value": account_type}
        )
    event = {
        "info": "Seized server export",
        "date": "2026-10-02",
        "Attribute": [],
        "Object": [{"name": object_name, "Attribute": attributes}],
    }
    return json.dumps({"Event": event}).encode()


def _cybertip(screen_name: str, service: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<report>
  <incidentSummary><incidentType>Online Enticement of Children</incidentType></incidentSummary>
  <personOrUserReported>
    <espService>{service}</espService>
    <screenName>{screen_name}</screenName>
    <espIdentifier>88412</espIdentifier>
  </personOrUserReported>
</report>""".encode()


def _scrape(line: str) -> bytes:
    return (
        f"Forum scrape / forumscrape, {_ONION} board, verzameld 2026-10-03\n"
        "2026-09-01 22:14 | geen onderwerp | iemand vroeg naar de trein\n"
        f"2026-09-02 23:01 | {line}\n"
    ).encode()


FORUM = [
    ("uk.stix.json", _stix("Korsak_77", None)),
    ("de.misp.json", _misp("korsak_77", "user-account", None)),
    ("us.xml", _cybertip("@Korsak_77", f"{_ONION} board")),
    ("nl.txt", _scrape("user korsak_77 on Nightfall: wie gaat er mee?")),
]
TELEGRAM = [
    ("uk.stix.json", _stix("korsak_77", "Telegram")),
    ("de.misp.json", _misp("@korsak_77", "telegram-account", None)),
    ("us.xml", _cybertip("Korsak_77", "Telegram Messenger")),
    ("nl.txt", _scrape("posted by Korsak_77 on t.me — schrijf me")),
]


@pytest.mark.parametrize(
    ("files", "value"), [(FORUM, "forum:korsak_77"), (TELEGRAM, "telegram:korsak_77")]
)
def test_one_account_is_one_selector_in_every_format(
    files: list[tuple[str, bytes]], value: str
) -> None:
    for name, data in files:
        submission = parse_submission(data, filename=name, region="GB")
        handles = {
            item.selector.value
            for report in submission.reports
            for item in report.items
            if item.selector.type is SelectorType.HANDLE
        }
        assert value in handles, (name, handles)
        assert submission.warnings == [], (name, submission.warnings)


@pytest.mark.parametrize(
    ("files", "value"), [(FORUM, "forum:korsak_77"), (TELEGRAM, "telegram:korsak_77")]
)
def test_the_account_correlates_across_four_agencies(
    client: TestClient, world: World, files: list[tuple[str, bytes]], value: str
) -> None:
    codes = ["uk", "de", "us", "nl"]
    headers = {
        code: world.headers(world.user(world.agency(code, code.upper()), Role.ANALYST))
        for code in codes
    }
    for code, (name, data) in zip(codes, files, strict=True):
        response = client.post(
            "/api/v1/imports",
            headers=headers[code],
            files={"file": (name, data)},
            data={"marking": "AMBER", "scope": "all"},
        )
        assert response.status_code == 201, (name, response.text)
    found = client.get(f"/api/v1/selectors/handle/{value}", headers=headers["nl"]).json()
    assert {o["agency_code"] for o in found["occurrences"]} == set(codes), found
    # The ESP's own identifier is an account on the same platform, as the STIX user_id is.
    platform = value.split(":", 1)[0]
    by_id = client.get(f"/api/v1/selectors/handle/{platform}:88412", headers=headers["nl"])
    assert {o["agency_code"] for o in by_id.json()["occurrences"]} == {"uk", "us"}
