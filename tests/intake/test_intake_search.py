"""Full-text search in Russian and English word forms, within need-to-know, on both engines."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in as sign_in
from tests.conftest import World
from tests.intake.every_type import EVERY_TYPE
from wayhome.access.models import Role
from wayhome.intake import synthetic
from wayhome.intake.search import recognise_selectors


def _post(client: TestClient, headers: dict[str, str], title: str, body: str, scope: str) -> None:
    payload = {"title": title, "source": "t", "marking": "AMBER", "scope": scope, "body": body}
    assert client.post("/api/v1/reports", json=payload, headers=headers).status_code == 201


def _titles(client: TestClient, headers: dict[str, str], q: str) -> list[str]:
    response = client.get("/api/v1/search", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    return [r["title"] for r in response.json()["items"]]


def test_word_forms_match_in_both_languages(client: TestClient, world: World) -> None:
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    _post(client, headers, "ru note", "Свидетель видел мальчика у школы в Макарихе.", "owner")
    _post(client, headers, "en note", "The suspect was posting at night from a village.", "owner")
    assert _titles(client, headers, "мальчик") == ["ru note"]
    assert _titles(client, headers, "школа") == ["ru note"]
    assert _titles(client, headers, "posted villages") == ["en note"]
    assert _titles(client, headers, "мальчик posting") == []


def test_ranking_puts_denser_matches_first(client: TestClient, world: World) -> None:
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    _post(client, headers, "weak", "a boy " + "filler words here " * 30, "owner")
    _post(client, headers, "strong", "boy boys boy, the boy was seen", "owner")
    assert _titles(client, headers, "boy")[0] == "strong"


def test_search_respects_visibility(client: TestClient, world: World) -> None:
    owner = world.headers(world.user(world.agency("o", "RU"), Role.ANALYST))
    other = world.headers(world.user(world.agency("x", "DE"), Role.ANALYST))
    _post(client, owner, "private", "тайный мальчик", "owner")
    _post(client, owner, "shared", "мальчик на вокзале", "all")
    assert sorted(_titles(client, owner, "мальчика")) == ["private", "shared"]
    response = client.get("/api/v1/search", params={"q": "мальчика"}, headers=other).json()
    assert [r["title"] for r in response["items"]] == ["shared"] and response["total"] == 1


def test_a_selector_typed_into_the_box_is_recognised(client: TestClient, world: World) -> None:
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    body = client.get("/api/v1/search", params={"q": "Night.Owl@Example.org"}, headers=headers)
    assert body.json()["selector"] == {"type": "email", "value": "night.owl@example.org"}


def test_empty_query_is_refused(client: TestClient, world: World) -> None:
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    response = client.get("/api/v1/search", params={"q": "  "}, headers=headers)
    assert response.status_code == 422 and "query.q" in response.json()["detail"]


def _readings(query: str) -> list[tuple[str, str]]:
    return [(s.type.value, s.value) for s in recognise_selectors(query)]


def _typed_queries() -> dict[str, str]:
    """One query per selector type, as an analyst would type it into the box."""
    rng = random.Random(5)
    return {
        "email": "Night.Owl@Example.org",
        "phone": "+44 7400 123145",
        "ipv4": "198.51.100.7",
        "ipv6": "2001:db8::1",
        "domain": "evil-shop.net",
        "url": "https://board.example.net/t/1?a=b",
        "onion": synthetic.onion_address(rng),
        "btc": synthetic.btc_p2pkh(rng),
        "eth": synthetic.eth_address(rng),
        "xmr": synthetic.xmr_address(rng),
        "pgp_fingerprint": synthetic.pgp_fingerprint(rng),
        "pgp_key_id": "0123456789abcdef",
        "handle": "telegram: @blue_fox",
        "messenger_id": "jabber: owl@chat.example.org",
        "md5": "ab" * 16,
        "sha1": "cd" * 20,
        "sha256": "ef" * 32,
    }


def test_every_type_the_extractor_knows_is_recognised() -> None:
    queries = _typed_queries()
    assert set(queries) == EVERY_TYPE
    for kind, query in queries.items():
        assert kind in {k for k, _ in _readings(query)}, (kind, query)
    assert _readings("github.com/octo") == [("handle", "github:octo")]
    assert _readings("session id: 05" + "ab" * 32) == [("messenger_id", "session:05" + "ab" * 32)]
    assert _readings("pgp_key_id:0x0123456789ABCDEF") == [("pgp_key_id", "0123456789ABCDEF")]
    # A sentence is words, not a selector; 0x and 40 digits is a wallet, not a key.
    assert [k for k, _ in _readings("cd" * 20)] == ["pgp_fingerprint", "sha1"]
    assert _readings("boy seen at evil-shop.net") == []
    wallet = synthetic.eth_address(random.Random(1))
    assert [k for k, _ in _readings(wallet)] == ["eth"]


def test_forty_hex_digits_are_offered_as_fingerprint_and_sha1(
    client: TestClient, world: World
) -> None:
    fingerprint = synthetic.pgp_fingerprint(random.Random(9))
    spaced = " ".join(fingerprint[i : i + 4] for i in range(0, 40, 4))
    assert sorted(_readings(fingerprint.lower())) == [
        ("pgp_fingerprint", fingerprint),
        ("sha1", fingerprint.lower()),
    ]
    assert sorted(_readings(spaced)) == sorted(_readings(fingerprint))
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    _post(client, headers, "key one", f"pgp fingerprint {fingerprint}", "owner")
    _post(client, headers, "key two", f"signed with fingerprint: {fingerprint}", "owner")
    found = client.get("/api/v1/search", params={"q": fingerprint.lower()}, headers=headers)
    body = found.json()
    # The reading that holds records comes first, and both look-ups are offered.
    assert [(s["type"], s["reports"]) for s in body["selectors"]] == [
        ("pgp_fingerprint", 2),
        ("sha1", 0),
    ]
    assert body["selector"] == {"type": "pgp_fingerprint", "value": fingerprint}
    assert sorted(r["title"] for r in body["items"]) == ["key one", "key two"]
    lookup = client.get(body["selectors"][0]["lookup"], headers=headers).json()
    assert (lookup["type"], lookup["visible_reports"]) == ("pgp_fingerprint", 2)


def test_search_finds_the_reports_holding_a_selector(client: TestClient, world: World) -> None:
    """Whatever the text looks like: a national phone form, a word longer than the index
    keeps, a value given only as a structured field. Hidden holders stay hidden."""
    rng = random.Random(4)
    wallet, xmr = synthetic.btc_p2pkh(rng), synthetic.xmr_address(rng)
    owner = world.headers(world.user(world.agency("o", "GB"), Role.ANALYST))
    other = world.headers(world.user(world.agency("x", "DE"), Role.ANALYST))
    structured = {"title": "wallet list", "source": "t", "marking": "AMBER", "scope": "all",
                  "body": "see the attached list",
                  "selectors": [{"type": "btc", "value": wallet}]}  # fmt: skip
    assert client.post("/api/v1/reports", json=structured, headers=owner).status_code == 201
    _post(client, owner, "chat", f"pay to {wallet} or xmr {xmr}", "all")
    _post(client, owner, "private", f"{wallet} again", "owner")
    _post(client, owner, "words only", "a list of the things we were told to see", "all")
    assert sorted(_titles(client, owner, wallet)) == ["chat", "private", "wallet list"]
    assert sorted(_titles(client, other, wallet)) == ["chat", "wallet list"]
    assert _titles(client, other, xmr) == ["chat"]
    # Holders come first, then reports that only share words with the query.
    assert _titles(client, other, "url:https://nowhere.example/list") == []
    assert _titles(client, owner, "list")[-1] == "words only"
    page = client.get("/api/v1/search", params={"q": wallet, "limit": 1}, headers=other).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    assert page["selectors"][0]["reports"] == 2


def test_search_page_offers_every_reading(client: TestClient, world: World, db: Session) -> None:
    user = world.user(world.agency(), Role.ANALYST)
    db.commit()
    assert sign_in(client, user.username) == 303
    page = client.get("/search", params={"q": "cd" * 20}).text
    assert 'data-type="pgp_fingerprint"' in page and 'data-type="sha1"' in page
    assert f'href="/selectors/pgp_fingerprint/{"CD" * 20}"' in page
    assert f'href="/selectors/sha1/{"cd" * 20}"' in page
