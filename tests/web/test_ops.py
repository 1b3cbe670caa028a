"""What an operator relies on: probes, metrics, request ids and the access log, the Allow
header of a 405, bounded paging, and forwarded headers believed from configured proxies only."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.serving import free_port
from wayhome.access.models import Role
from wayhome.settings import Environment, Settings
from wayhome.web.app import create_app
from wayhome.web.ops import uvicorn_options
from wayhome.web.paging import MAX_OFFSET


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready"}


def test_not_ready_on_an_unmigrated_database(tmp_path: Path) -> None:
    settings = Settings(
        environment=Environment.TEST,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'empty.db'}",
    )
    with TestClient(create_app(settings)) as fresh:
        answer = fresh.get("/readyz")
    assert answer.status_code == 503
    assert "revision" in answer.json()["reason"]


def test_metrics_only_for_allowed_addresses(settings: Settings, connection: Any) -> None:
    from tests.conftest import _bound_session

    def app_for(allow: str) -> Any:
        chosen = settings.model_copy(update={"metrics_allow": allow})
        return create_app(chosen, session_factory=lambda: _bound_session(connection))  # type: ignore[arg-type]

    with TestClient(app_for("127.0.0.1")) as outsider:  # the test client is "testclient"
        assert outsider.get("/metrics").status_code == 404
    with TestClient(app_for("testclient")) as scraper:
        scraper.get("/api/v1/me")
        scraper.get("/healthz")
        text = scraper.get("/metrics").text
    assert 'wayhome_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1.0' in text
    assert "wayhome_http_request_seconds_bucket" in text
    assert "wayhome_http_in_flight" in text and "wayhome_intake_selectors_total" in text
    assert "/api/v1/me" in text and "unmatched" not in text


def test_request_ids_are_echoed_and_logged(
    client: TestClient, world: World, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    with caplog.at_level(logging.INFO, logger="wayhome.access"):
        mine = client.get("/api/v1/me", headers={**headers, "X-Request-ID": "case-42.a"})
        odd = client.get("/api/v1/me", headers={**headers, "X-Request-ID": "bad id;<script>"})
    assert mine.headers["x-request-id"] == "case-42.a"
    replaced = odd.headers["x-request-id"]
    assert replaced != "bad id;<script>" and len(replaced) == 32
    lines = [r for r in caplog.records if r.name == "wayhome.access"]
    first = next(r for r in lines if getattr(r, "route", "") == "/api/v1/me")
    assert first.status == 200  # type: ignore[attr-defined]
    assert first.user is not None  # type: ignore[attr-defined]


def test_method_not_allowed_names_the_allowed_methods(client: TestClient) -> None:
    answer = client.put("/api/v1/me")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET"
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("offset", [MAX_OFFSET + 1, 2**63, 2**64 + 5])
def test_a_huge_offset_is_invalid_input_not_a_server_error(
    client: TestClient, world: World, offset: int
) -> None:
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    answer = client.get(f"/api/v1/reports?offset={offset}", headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["location"] == "query.offset"


def _client_seen(options: dict[str, Any], forwarded: str) -> str:
    echo = FastAPI()

    @echo.get("/who")
    def who(request: Request) -> dict[str, str]:
        return {"host": request.client.host if request.client else ""}

    port = free_port()
    config = uvicorn.Config(echo, **{**options, "host": "127.0.0.1", "port": port})
    server = uvicorn.Server(config)
    import threading
    import time

    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        answer = httpx.get(f"http://127.0.0.1:{port}/who", headers={"X-Forwarded-For": forwarded})
        return str(answer.json()["host"])
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_forwarded_for_is_believed_from_configured_proxies_only() -> None:
    plain = Settings(environment=Environment.TEST)
    assert _client_seen(uvicorn_options(plain, "127.0.0.1", 0), "203.0.113.9") == "127.0.0.1"
    behind = Settings(environment=Environment.TEST, trusted_proxies="127.0.0.1")
    assert _client_seen(uvicorn_options(behind, "127.0.0.1", 0), "203.0.113.9") == "203.0.113.9"


def test_in_production_every_cookie_is_secure_and_hsts_is_sent(
    settings: Settings, connection: Any
) -> None:
    from tests.conftest import _bound_session

    secure = settings.model_copy(update={"cookie_secure": True})
    app = create_app(secure, session_factory=lambda: _bound_session(connection))  # type: ignore[arg-type]
    with TestClient(app, base_url="https://testserver") as browser:
        form = browser.get("/login")
    assert "Secure" in form.headers["set-cookie"]
    assert form.headers["strict-transport-security"].startswith("max-age=")
