"""The alert stream over a real server: an alert reaches an open stream, and `Last-Event-ID`
resumes from the inbox table after a disconnect."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import pytest

from tests.conftest import DatabaseFactory, World
from tests.serving import serving
from wayhome.access.models import Role, User
from wayhome.db.engine import make_session_factory
from wayhome.settings import Environment, Settings
from wayhome.watches.broker import BROKER
from wayhome.watches.pages import parse_event_id
from wayhome.web.app import create_app

EMAIL = "stream.fox@example.net"


@dataclass
class Server:
    base: str
    watcher: User
    watcher_headers: dict[str, str]
    writer_headers: dict[str, str]


@pytest.fixture(scope="module")
def server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    with databases.migrated() as (url, engine):
        factory = make_session_factory(engine)
        with factory() as session:
            world = World(session)
            ru, de = world.agency("ru-s", "RU"), world.agency("de-s", "DE")
            watcher = world.user(de, Role.INVESTIGATOR)
            watcher_headers = world.headers(watcher)
            writer_headers = world.headers(world.user(ru, Role.INVESTIGATOR))
            session.commit()
        settings = Settings(
            environment=Environment.TEST, database_url=url, data_dir=tmp_path_factory.mktemp("sse")
        )
        app = create_app(settings, factory)
        with serving(app) as base:
            yield Server(base, watcher, watcher_headers, writer_headers)


def _collect(base: str, headers: dict[str, str], count: int) -> list[tuple[str, dict[str, Any]]]:
    """Open the stream and read `count` alert events: (id, data)."""
    found: list[tuple[str, dict[str, Any]]] = []
    event_id, data = "", ""
    with (
        httpx.Client(timeout=httpx.Timeout(30.0)) as client,
        client.stream("GET", f"{base}/events/stream", headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and data:
                found.append((event_id, json.loads(data)))
                data = ""
                if len(found) == count:
                    return found
    return found


def _report(server: Server, body: str) -> str:
    payload = {"title": "t", "source": "s", "marking": "GREEN", "scope": "all", "body": body}
    response = httpx.post(
        f"{server.base}/api/v1/reports", json=payload, headers=server.writer_headers
    )
    assert response.status_code == 201, response.text
    report_id: str = response.json()["id"]
    return report_id


def _open(server: Server, headers: dict[str, str], count: int) -> Future[Any]:
    before = BROKER.connected(server.watcher.id)
    future = ThreadPoolExecutor(1).submit(_collect, server.base, headers, count)
    deadline = time.monotonic() + 10
    while BROKER.connected(server.watcher.id) <= before:
        assert time.monotonic() < deadline, "the stream did not connect"
        time.sleep(0.02)
    return future


def test_alert_reaches_the_open_stream_and_resumes(server: Server) -> None:
    made = httpx.post(
        f"{server.base}/api/v1/watches",
        json={"kind": "selector", "value": f"email:{EMAIL}"},
        headers=server.watcher_headers,
    )
    assert made.status_code == 201, made.text
    stream = _open(server, server.watcher_headers, 1)
    first_report = _report(server, f"Seen {EMAIL}")
    [(first_id, first)] = stream.result(timeout=10)
    assert first["kind"] == "watch_alert" and first["detail"]["record_id"] == first_report
    assert parse_event_id(first_id) is not None
    # While no stream is open, another alert is stored; resuming from the last id brings it.
    second_report = _report(server, f"Seen again {EMAIL}")
    resumed = _collect(server.base, {**server.watcher_headers, "Last-Event-ID": first_id}, 1)
    assert [data["detail"]["record_id"] for _, data in resumed] == [second_report]


def test_the_stream_needs_a_signed_in_user(server: Server) -> None:
    response = httpx.get(f"{server.base}/events/stream", headers={"Accept": "application/json"})
    assert response.status_code == 401


def test_parse_event_id() -> None:
    assert parse_event_id("garbage") is None
    assert parse_event_id(None) is None
    parsed = parse_event_id("1700000000000000-" + "0" * 32)
    assert parsed is not None and parsed[0].year == 2023
