"""E-mail through a real local SMTP server (aiosmtpd), signed webhooks against a real local
HTTP server that fails at first, back-off, the delivery log, and webhook URL checks."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.watches.helpers import EMAIL, Cast, SmtpInbox, report, watch
from wayhome.access.models import Role
from wayhome.errors import InvalidInput
from wayhome.settings import Settings
from wayhome.watches import services, webhooks
from wayhome.watches.models import Delivery, DeliveryAttempt, WebhookEndpoint


@pytest.fixture
def cast(world: World) -> Cast:
    return Cast(world)


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpInbox, int]]:
    handler = SmtpInbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_email_reaches_a_local_smtp_server(
    client: TestClient, db: Session, cast: Cast, settings: Settings, smtp_server: Any
) -> None:
    handler, port = smtp_server
    settings.smtp_host, settings.smtp_port = "127.0.0.1", port
    cast.watcher.email = "watcher@example.org"
    db.commit()
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL}", email=True)
    report(client, cast.ru_headers, f"Seen {EMAIL}", scope="all")
    assert services.deliver_due(db, settings, datetime.now(UTC)) == 1
    [mail] = handler.messages
    assert mail["To"] == "watcher@example.org"
    assert mail["From"] == settings.smtp_from
    assert EMAIL in mail["Subject"]
    [delivery] = db.scalars(select(Delivery).where(Delivery.channel == "email")).all()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_email_without_a_relay_is_logged_and_retried(
    client: TestClient, db: Session, cast: Cast, settings: Settings
) -> None:
    cast.watcher.email = "watcher@example.org"
    db.commit()
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL}", email=True)
    report(client, cast.ru_headers, f"Seen {EMAIL}", scope="all")
    now = datetime.now(UTC)
    assert services.deliver_due(db, settings, now) == 0
    [delivery] = db.scalars(select(Delivery)).all()
    assert delivery.status == "pending" and delivery.last_error == "no SMTP relay configured"
    assert delivery.next_attempt_at == now + timedelta(seconds=settings.delivery_backoff_seconds)


class _Receiver(BaseHTTPRequestHandler):
    secret = ""
    fail_first = 0
    calls: ClassVar[list[tuple[int, bool, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        good = webhooks.signature_matches(
            self.secret,
            self.headers[webhooks.TIMESTAMP_HEADER],
            body,
            self.headers[webhooks.SIGNATURE_HEADER],
        )
        status = 503 if len(self.calls) < self.fail_first else (204 if good else 401)
        type(self).calls.append((status, good, json.loads(body)))
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[type[_Receiver], str]]:
    handler = type("Receiver", (_Receiver,), {"calls": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, f"http://127.0.0.1:{server.server_address[1]}/wayhome"
    finally:
        server.shutdown()
        server.server_close()


def test_signed_webhook_with_retries_and_log(
    client: TestClient,
    db: Session,
    world: World,
    cast: Cast,
    settings: Settings,
    receiver: tuple[type[_Receiver], str],
) -> None:
    handler, url = receiver
    settings.webhook_allowed_hosts = ["127.0.0.1"]  # the operator's override, for the test server
    supervisor = world.user(cast.de, Role.SUPERVISOR)
    boss = world.headers(supervisor)
    made = client.post("/api/v1/webhooks", json={"url": url}, headers=boss)
    assert made.status_code == 201, made.text
    handler.secret = made.json()["secret"]
    handler.fail_first = 2
    assert "secret" not in client.get("/api/v1/webhooks", headers=boss).json()[0]
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL}")
    report_id = report(client, cast.ru_headers, f"Seen {EMAIL}", scope="all")
    now = datetime(2030, 1, 1, tzinfo=UTC)
    db.execute(
        Delivery.__table__.update().values(next_attempt_at=now)  # type: ignore[attr-defined]
    )
    assert services.deliver_due(db, settings, now) == 0  # 503
    assert services.deliver_due(db, settings, now + timedelta(seconds=29)) == 0  # not yet due
    assert len(handler.calls) == 1
    assert services.deliver_due(db, settings, now + timedelta(seconds=30)) == 0  # 503 again
    # The second failure doubles the wait: 60 s after the second try.
    later = now + timedelta(seconds=30 + 59)
    assert services.deliver_due(db, settings, later) == 0 and len(handler.calls) == 2
    assert services.deliver_due(db, settings, later + timedelta(seconds=1)) == 1
    assert [(status, good) for status, good, _ in handler.calls] == [
        (503, True),
        (503, True),
        (204, True),
    ]
    assert handler.calls[-1][2]["detail"]["record_id"] == report_id
    db.commit()
    log = client.get("/api/v1/deliveries", headers=boss).json()
    [entry] = log
    assert (entry["status"], entry["attempts"]) == ("sent", 3)
    assert [a["status_code"] for a in entry["log"]] == [503, 503, 204]
    # The watcher himself (an investigator) may not read the agency's delivery log.
    assert (
        client.get("/api/v1/deliveries", headers=cast.headers[cast.watcher.id]).status_code == 403
    )


def test_webhook_gives_up_after_the_last_try(
    db: Session, world: World, cast: Cast, settings: Settings, receiver: Any
) -> None:
    handler, url = receiver
    settings.webhook_allowed_hosts = ["127.0.0.1"]
    settings.delivery_max_attempts = 2
    endpoint = WebhookEndpoint(agency_id=cast.de.id, url=url, secret="s")
    db.add(endpoint)
    db.flush()
    handler.secret, handler.fail_first = "s", 99
    now = datetime(2030, 1, 1, tzinfo=UTC)
    delivery = Delivery(
        channel="webhook",
        agency_id=cast.de.id,
        endpoint_id=endpoint.id,
        payload={"x": 1},
        next_attempt_at=now,
    )
    db.add(delivery)
    db.flush()
    services.deliver_due(db, settings, now)
    services.deliver_due(db, settings, now + timedelta(hours=1))
    services.deliver_due(db, settings, now + timedelta(days=1))
    assert delivery.status == "failed" and delivery.attempts == 2 and len(handler.calls) == 2
    tries = db.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery.id))
    assert [t.error for t in tries] == ["HTTP 503", "HTTP 503"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://hooks.example.org/x", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("http://127.0.0.2:8000/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://localhost/hook", "this server"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://192.0.2.10/hook", "private"),
        ("https://user:pw@192.0.2.10/hook", "user name"),
        ("http://0.0.0.0/hook", "not a unicast"),
    ],
)
def test_bad_webhook_urls_are_refused_and_nothing_changes(
    client: TestClient, world: World, cast: Cast, count_rows: Any, url: str, says: str
) -> None:
    boss = world.headers(world.user(cast.de, Role.SUPERVISOR))
    before = count_rows("webhook_endpoints")
    response = client.post("/api/v1/webhooks", json={"url": url}, headers=boss)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["detail"].startswith("body.url: ") and says in problem["detail"]
    assert count_rows("webhook_endpoints") == before


def test_the_servers_own_name_is_refused() -> None:
    names, _ = webhooks.own_names_and_addresses()
    own = sorted(n for n in names if n != "localhost")[0]
    with pytest.raises(InvalidInput, match="this server"):
        webhooks.check_url(f"https://{own}/hook", allow_private=True)
    with pytest.raises(InvalidInput, match="this server"):
        webhooks.check_url("https://wayhome.example.org/h", server_names=["wayhome.example.org"])


def test_private_ranges_only_when_allowed() -> None:
    assert webhooks.check_url("https://192.0.2.10/hook", allow_private=True).host == "192.0.2.10"


def test_signature_is_hmac_sha256_of_timestamp_and_body() -> None:
    import hashlib
    import hmac

    want = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert webhooks.sign("k", "1700000000", b"{}") == f"sha256={want}"
    assert not webhooks.signature_matches("k", "1700000001", b"{}", f"sha256={want}")
