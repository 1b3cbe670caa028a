"""Several server processes as one: two real `wayhome serve` processes on one database.

An alert committed through process A reaches a stream held on process B, and a watch made
through A counts in B's intake at once. On PostgreSQL both travel by LISTEN/NOTIFY
(`watches/broker.py`) and must arrive within a second; on SQLite the catch-up poll and the
index's top-up are the way, and the bounds are theirs.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.conftest import DatabaseFactory, World, engine_name
from tests.loadgen import server
from tests.serving import free_port
from wayhome.access.models import Role
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory
from wayhome.watches.index import TOP_UP_SECONDS
from wayhome.watches.pages import POLL_SECONDS

pytestmark = pytest.mark.slow

POSTGRES = engine_name() == "postgresql"
# Commit → alert on a stream held by the other process, and watch made → watched there.
ALERT_BOUND = 1.0 if POSTGRES else POLL_SECONDS + 3.0
WATCH_WAIT = 1.0 if POSTGRES else TOP_UP_SECONDS + 1.0


@dataclass
class Pair:
    a: str
    b: str
    watcher: dict[str, str]
    writer: dict[str, str]


@pytest.fixture(scope="module")
def pair(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    url = databases.new_url()
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            world = World(session)
            ru, de = world.agency("ru-n", "RU"), world.agency("de-n", "DE")
            watcher = world.headers(world.user(de, Role.INVESTIGATOR))
            writer = world.headers(world.user(ru, Role.INVESTIGATOR))
            session.commit()
    finally:
        engine.dispose()
    folder = tmp_path_factory.mktemp("pair")
    with ExitStack() as stack:
        a = stack.enter_context(server(url, folder / "a", folder / "a.log"))
        b = stack.enter_context(server(url, folder / "b", folder / "b.log"))
        yield Pair(a, b, watcher, writer)


class Stream:
    """A stream held open in a thread; each alert is put on `alerts` with its arrival time."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.alerts: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.open = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(base, headers), daemon=True)
        self.thread.start()
        assert self.open.wait(20), "the stream did not open"

    def _read(self, base: str, headers: dict[str, str]) -> None:
        data = ""
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(120.0)) as client,
                client.stream("GET", f"{base}/events/stream", headers=headers) as response,
            ):
                if response.status_code != 200:
                    return
                for line in response.iter_lines():
                    if line.startswith("retry:"):
                        self.open.set()  # sent after the stream joined the process's broker
                    elif line.startswith("data: "):
                        data = line[6:]
                    elif line == "" and data:
                        self.alerts.put((time.monotonic(), json.loads(data)))
                        data = ""
        except httpx.HTTPError:
            return  # the server stopped at the end of the module

    def next_for(self, report_id: str, timeout: float) -> float:
        """When the alert about `report_id` arrived (monotonic); fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no alert for report {report_id} within {timeout} s"
            try:
                at, data = self.alerts.get(timeout=left)
            except queue.Empty:
                continue
            if data["detail"].get("record_id") == report_id:
                return at


def _report(base: str, headers: dict[str, str], body: str) -> tuple[str, float, float]:
    """Submit a report: its id, when the request was sent and when its response came (the
    commit is between the two)."""
    payload = {"title": "t", "source": "s", "marking": "GREEN", "scope": "all", "body": body}
    sent = time.monotonic()
    response = httpx.post(f"{base}/api/v1/reports", json=payload, headers=headers, timeout=60)
    assert response.status_code == 201, response.text
    report_id: str = response.json()["id"]
    return report_id, sent, time.monotonic()


def _watch(base: str, headers: dict[str, str], email: str) -> None:
    made = httpx.post(
        f"{base}/api/v1/watches",
        json={"kind": "selector", "value": f"email:{email}"},
        headers=headers,
        timeout=60,
    )
    assert made.status_code == 201, made.text


def test_an_alert_committed_in_one_process_reaches_a_stream_in_another(pair: Pair) -> None:
    first = "notify.fox@example.net"
    _watch(pair.a, pair.watcher, first)
    stream = Stream(pair.b, pair.watcher)
    # The first one may find B's listener still connecting: the catch-up poll brings it.
    warm, _, _ = _report(pair.a, pair.writer, f"Seen {first} warm-up")
    stream.next_for(warm, 15)
    after_response, after_request = [], []
    for n in range(5):
        report_id, sent, answered = _report(pair.a, pair.writer, f"Seen {first} #{n}")
        arrived = stream.next_for(report_id, 10)
        after_response.append(round(arrived - answered, 3))
        after_request.append(round(arrived - sent, 3))
    # The commit lies between the request and its response: the alert may even arrive on B
    # before A's response does (a negative figure).
    print(f"alert on B after A's response / request, s: {after_response} / {after_request}")
    assert max(after_response) < ALERT_BOUND, after_response


def test_a_watch_made_in_one_process_counts_in_the_others_intake(pair: Pair) -> None:
    stream = Stream(pair.b, pair.watcher)
    # B's index is loaded by an ingest through B before the watch exists.
    _report(pair.b, pair.writer, "Nothing watched here: unwatched.owl@example.net")
    second = "notify.hare@example.net"
    _watch(pair.a, pair.watcher, second)
    time.sleep(WATCH_WAIT)
    report_id, _, _ = _report(pair.b, pair.writer, f"Seen {second}")
    stream.next_for(report_id, ALERT_BOUND + 1)


def test_serve_refuses_a_number_of_processes_below_one() -> None:
    from typer.testing import CliRunner

    from wayhome.cli.main import app

    result = CliRunner().invoke(app, ["serve", "--workers", "0"])
    assert result.exit_code != 0
    assert "--workers" in result.output


def test_serve_with_two_workers_answers(databases: DatabaseFactory, tmp_path: Path) -> None:
    """`wayhome serve --workers 2`: two processes on one port, both ready."""
    url = databases.new_url()
    migrate.upgrade(url)
    port = free_port()
    env = {
        **os.environ,
        "WAYHOME_DATABASE_URL": url,
        "WAYHOME_DATA_DIR": str(tmp_path),
        "WAYHOME_ENVIRONMENT": "development",
    }
    command = [sys.executable, "-c", "from wayhome.cli.main import app; app()", "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while log.read_text().count("Application startup complete") < 2:
            assert process.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        for _ in range(4):
            answer = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
            assert answer.status_code == 200, answer.text
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
