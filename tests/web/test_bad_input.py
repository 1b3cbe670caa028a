"""Bad input gets a 4xx naming the problem, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World
from wayhome.access.models import Role

GOOD = {"title": "A valid case title", "kind": "other", "marking": "GREEN"}


@pytest.fixture
def headers(world: World) -> dict[str, str]:
    return world.headers(world.user(world.agency(), Role.INVESTIGATOR))


def _refused(
    client: TestClient,
    headers: dict[str, str],
    count_rows: Callable[[str], int],
    content: bytes,
    status: int,
    needle: str,
    content_type: str = "application/json",
) -> None:
    before = (count_rows("cases"), count_rows("audit_entries"))
    response = client.post(
        "/api/v1/cases", content=content, headers={**headers, "Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert needle in problem["detail"], problem
    assert (count_rows("cases"), count_rows("audit_entries")) == before


def test_malformed_json(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    _refused(client, headers, count_rows, b'{"title": "x", ', 400, "not valid JSON")


def test_wrong_type_names_the_field(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    _refused(
        client,
        headers,
        count_rows,
        b'{"title": 42, "kind": "other", "marking": "GREEN"}',
        422,
        "body.title",
    )


def test_unknown_marking_names_the_field(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    _refused(
        client,
        headers,
        count_rows,
        b'{"title": "abcd", "kind": "other", "marking": "PURPLE"}',
        422,
        "body.marking",
    )


def test_unknown_field_is_refused(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    _refused(
        client,
        headers,
        count_rows,
        b'{"title": "abcd", "kind": "other", "marking": "GREEN", "markng": "RED"}',
        422,
        "body.markng",
    )


def test_oversized_body(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    big = b'{"title": "' + b"x" * (65 * 1024) + b'", "kind": "other", "marking": "GREEN"}'
    _refused(client, headers, count_rows, big, 413, "over the limit")


def test_oversized_chunked_body(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"title": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'", "kind": "other", "marking": "GREEN"}'

    before = count_rows("cases")
    response = client.post(
        "/api/v1/cases", content=chunks(), headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert count_rows("cases") == before


def test_invalid_utf8(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    _refused(
        client,
        headers,
        count_rows,
        b'{"title": "caf\xe9 \xff", "kind": "other", "marking": "GREEN"}',
        400,
        "not valid JSON",
    )


def test_good_body_passes(client: TestClient, headers: dict[str, str]) -> None:
    assert client.post("/api/v1/cases", json=GOOD, headers=headers).status_code == 201


def test_unauthenticated_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["title"] == "Authentication required"


def test_browser_gets_an_error_page(client: TestClient, world: World) -> None:
    response = client.get(
        "/cases/not-a-uuid", headers={"Accept": "text/html"}, follow_redirects=False
    )
    # Anonymous: sent to sign in, with the page to come back to.
    assert response.status_code in (303, 307)
    assert response.headers["location"].startswith("/login?next=")
    missing = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"] and "Not found" in missing.text
