"""Full-text search in Russian and English word forms, within need-to-know, on both engines."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World
from wayhome.access.models import Role


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
