"""The Watch button, the My watches page and the inbox page, signed in with a browser session."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import World
from tests.watches.helpers import EMAIL, Cast, report
from wayhome.access.models import Role
from wayhome.settings import Settings
from wayhome.watches.models import Delivery, DeliveryAttempt, WebhookEndpoint


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


def test_supervisors_manage_webhooks_and_read_deliveries_on_a_page(
    client: TestClient, world: World, db: Session, settings: Settings
) -> None:
    agency = world.agency("wh-page", "NL")
    supervisor = world.user(agency, Role.SUPERVISOR)
    analyst = world.user(agency, Role.ANALYST)
    db.commit()
    settings.webhook_allowed_hosts = ["alerts.example.org"]
    assert _sign_in(client, supervisor.username) == 303
    page = client.get("/webhooks")
    assert page.status_code == 200 and "No webhooks yet." in page.text
    assert 'href="/webhooks"' in page.text  # in the supervisor's navigation
    token = _csrf(client, "/webhooks")

    added = client.post(
        "/webhooks", data={"csrf_token": token, "url": "https://alerts.example.org/wayhome"}
    )
    assert added.status_code == 200, added.text
    secret = re.search(r"<pre><code>(whsec_[\w-]+)</code></pre>", added.text)
    assert secret, added.text
    stored = db.scalars(select(WebhookEndpoint).where(WebhookEndpoint.agency_id == agency.id))
    (endpoint,) = stored.all()
    assert endpoint.secret == secret.group(1) and endpoint.active
    again = client.get("/webhooks").text
    assert "https://alerts.example.org/wayhome" in again and secret.group(1) not in again

    # A bad URL names the field and stores nothing; a form without the token does nothing.
    bad = client.post("/webhooks", data={"csrf_token": token, "url": "ftp://alerts.example.org"})
    assert bad.status_code == 422 and "body.url" in bad.text
    forged = client.post("/webhooks", data={"url": "https://alerts.example.org/other"})
    assert forged.status_code == 403
    count = select(func.count()).select_from(WebhookEndpoint)
    assert db.scalar(count.where(WebhookEndpoint.agency_id == agency.id)) == 1

    # The delivery log shows each delivery with its tries.
    delivery = Delivery(
        channel="webhook", agency_id=agency.id, endpoint_id=endpoint.id, status="pending"
    )
    delivery.attempts, delivery.last_error = 1, "HTTP 503 from the receiver"
    db.add(delivery)
    db.flush()
    db.add(DeliveryAttempt(delivery_id=delivery.id, ok=False, status_code=503, error="HTTP 503"))
    db.commit()
    log = client.get("/webhooks").text
    assert "HTTP 503 from the receiver" in log and "failed · 503" in log

    disabled = client.post(
        f"/webhooks/{endpoint.id}/disable", data={"csrf_token": token}, follow_redirects=False
    )
    assert disabled.status_code == 303
    db.expire_all()
    assert db.get_one(WebhookEndpoint, endpoint.id).active is False
    assert "disabled" in client.get("/webhooks").text

    # Analysts neither see the page nor the link.
    assert _sign_in(client, analyst.username) == 303
    assert client.get("/webhooks").status_code == 403
    assert 'href="/webhooks"' not in client.get("/watches").text
