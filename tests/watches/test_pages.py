"""The Watch button, the My watches page and the inbox page, signed in with a browser session."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import World
from tests.watches.helpers import EMAIL, Cast, report


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def test_watch_button_watches_page_and_inbox(client: TestClient, world: World, db: Session) -> None:
    cast = Cast(world)
    db.commit()
    assert _sign_in(client, cast.watcher.username) == 303
    page = client.get(f"/selectors/email/{EMAIL}")
    assert page.status_code == 200, page.text
    assert 'data-testid="watch-button"' in page.text
    assert f'name="value" value="email:{EMAIL}"' in page.text
    token = _csrf(client, "/watches")
    pressed = client.post(
        "/watches",
        data={"csrf_token": token, "kind": "selector", "value": f"email:{EMAIL}", "next": "/x"},
        follow_redirects=False,
    )
    assert pressed.status_code == 303 and pressed.headers["location"] == "/x"
    assert f"email:{EMAIL}" in client.get("/watches").text
    # A bad value names the field and stores nothing.
    bad = client.post("/watches", data={"csrf_token": token, "kind": "selector", "value": "x"})
    assert bad.status_code == 422 and "body.value" in bad.text
    # Without the CSRF token nothing happens.
    forged = client.post("/watches", data={"kind": "selector", "value": "email:z@example.org"})
    assert forged.status_code == 403
    report(client, cast.ru_headers, f"Seen {EMAIL}", scope="all")
    inbox = client.get("/inbox").text
    assert "watch_alert" in inbox and 'data-testid="unread">1<' in inbox
    assert "/static/watches/live.js" in inbox
    client.post("/inbox/read", data={"csrf_token": token})
    assert 'data-testid="unread">0<' in client.get("/inbox").text


def test_case_page_has_the_watch_button(client: TestClient, world: World, db: Session) -> None:
    cast = Cast(world)
    db.commit()
    made = client.post(
        "/api/v1/cases",
        headers=cast.headers[cast.watcher.id],
        json={"title": "Watched case", "kind": "other", "marking": "GREEN"},
    )
    assert made.status_code == 201, made.text
    case_id = made.json()["id"]
    assert _sign_in(client, cast.watcher.username) == 303
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert 'data-testid="watch-button"' in page.text
    assert f'name="value" value="{case_id}"' in page.text
