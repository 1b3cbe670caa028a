"""kill -9 in the middle of writing: a `wayhome import` of 20,000 selectors, and a `wayhome
serve` taking report submissions from several clients at once.

Afterwards nothing is partial: every report holds all its selectors or is absent, the
selector index counts exactly the stored selectors, every submission answered 201 is stored,
and `wayhome audit verify` passes. Real subprocesses, SIGKILL, loopback only.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from tests.conftest import DatabaseFactory, World
from tests.serving import free_port
from wayhome.access.models import Role
from wayhome.cli.main import app as cli
from wayhome.db.engine import make_session_factory, session_scope
from wayhome.settings import get_settings

pytestmark = pytest.mark.slow

WAYHOME = [sys.executable, "-m", "wayhome.cli.main"]
REPORTS_PER_FILE = 20
SELECTORS_PER_REPORT = 1000  # 20,000 selectors a file
SELECTORS_PER_SUBMISSION = 40
KILL_FRACTIONS = (0.3, 0.6, 0.85)
START_SECONDS = 90.0


def wayhome_env(url: str, folder: Path) -> dict[str, str]:
    """The environment of a `wayhome` subprocess on the database URL (no worker, no timers)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("WAYHOME_")}
    env |= {
        "WAYHOME_DATABASE_URL": url,
        "WAYHOME_DATA_DIR": str(folder),
        "WAYHOME_ENVIRONMENT": "test",
    }
    return env


def kill(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL the process; True when it was still running (not exited by itself first)."""
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)  # reaps it and closes its pipes
    return running and process.returncode == -signal.SIGKILL


def transaction_open(url: str, engine: Engine) -> Callable[[], bool]:
    """A probe: does another process hold a transaction open on the database now?"""
    if engine.dialect.name == "sqlite":
        path = make_url(url).database

        def sqlite_probe() -> bool:
            # Every Wayhome transaction on SQLite holds the write lock from its BEGIN.
            with sqlite3.connect(f"file:{path}", uri=True, timeout=0) as probe:
                try:
                    probe.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError:
                    return True
                probe.rollback()
                return False

        return sqlite_probe

    def postgres_probe() -> bool:
        with engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                    "AND xact_start IS NOT NULL"
                )
            ).scalar_one()
        return bool(found)

    return postgres_probe


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], what: str) -> float:
    """Poll until CONDITION holds; the time that took. Fails if the process ends first."""
    started = time.monotonic()
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the process ended (status {process.returncode}) before {what}")
        if time.monotonic() - started > START_SECONDS:
            raise AssertionError(f"no {what} within {START_SECONDS:g} s")
        time.sleep(0.01)
    return time.monotonic() - started


def settled(busy: Callable[[], bool]) -> None:
    """Wait until no other transaction is open on the database."""
    deadline = time.monotonic() + START_SECONDS
    while busy():
        assert time.monotonic() < deadline, "a killed client's transaction stayed open"
        time.sleep(0.05)


def stored_reports(engine: Engine) -> dict[str, tuple[str, int]]:
    """Every stored report: id → (title, number of its selectors)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT r.id, r.title, count(s.id) FROM reports r "
                "LEFT JOIN selectors s ON s.report_id = r.id GROUP BY r.id, r.title"
            )
        )
        return {str(row[0]).replace("-", ""): (row[1], row[2]) for row in rows}


def assert_nothing_partial(
    engine: Engine, url: str, per_report: int, monkeypatch: pytest.MonkeyPatch
) -> dict[str, tuple[str, int]]:
    """Every report whole, the selector index matching the selectors, the audit chain intact."""
    reports = stored_reports(engine)
    partial = {title: count for title, count in reports.values() if count != per_report}
    assert not partial, f"reports missing selectors: {partial}"
    with engine.connect() as connection:
        selectors = connection.execute(text("SELECT count(*) FROM selectors")).scalar_one()
        held = connection.execute(
            text("SELECT coalesce(sum(occurrences), 0) FROM selector_holders")
        ).scalar_one()
    assert selectors == held == per_report * len(reports)
    monkeypatch.setenv("WAYHOME_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        verified = CliRunner().invoke(cli, ["audit", "verify"])
    finally:
        get_settings.cache_clear()
    assert verified.exit_code == 0, verified.output
    return reports


@pytest.fixture
def unit(databases: DatabaseFactory) -> Iterator[tuple[str, Engine, str]]:
    """A committed database with one agency and analyst; yields its URL, engine and the
    analyst's API token."""
    with databases.migrated() as (url, engine):
        with session_scope(make_session_factory(engine)) as session:
            world = World(session)
            analyst = world.user(world.agency("nl-police"), Role.ANALYST, "kill.analyst")
            token = world.token(analyst)
        yield url, engine, token


# -- import -----------------------------------------------------------------------------------
def selector_file(folder: Path, tag: str) -> Path:
    """A CSV of REPORTS_PER_FILE reports of SELECTORS_PER_REPORT e-mail addresses each."""
    lines = ["type,value,report"]
    for report in range(REPORTS_PER_FILE):
        lines += [
            f"email,{tag}-r{report}-n{n}@example.org,{tag}-report-{report}"
            for n in range(SELECTORS_PER_REPORT)
        ]
    path = folder / f"{tag}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_import_killed_mid_transaction_leaves_nothing_partial(
    unit: tuple[str, Engine, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine, _ = unit
    env = wayhome_env(url, tmp_path)
    busy = transaction_open(url, engine)

    def start(tag: str) -> subprocess.Popen[bytes]:
        path = selector_file(tmp_path, tag)
        command = [*WAYHOME, "import", str(path), "--user", "kill.analyst", "--marking", "GREEN"]
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    # A whole import first: it stores everything and times how long its transaction lasts.
    whole = start("whole")
    wait_for(busy, whole, "an open transaction")
    opened = time.monotonic()
    output, _ = whole.communicate(timeout=120)
    held = time.monotonic() - opened
    assert whole.returncode == 0, output.decode()
    # every e-mail, and once per report the domain they imply (example.org)
    stored = REPORTS_PER_FILE * SELECTORS_PER_REPORT + REPORTS_PER_FILE
    assert f"{stored} selector(s) stored".encode() in output, output.decode()

    # Then kills at 30, 60 and 85 % of that transaction: parsing, writing the selectors,
    # committing. An import that ends before its kill shows the estimate was long; it is
    # shortened and the kill tried again, at most five tries in all.
    killed: list[float] = []
    tries = 0
    while len(killed) < len(KILL_FRACTIONS) and tries < 5:
        tries += 1
        settled(busy)  # PostgreSQL ends a killed client's transaction when it notices
        importing = start(f"killed-{tries}")
        wait_for(busy, importing, "an open transaction")
        delay = held * KILL_FRACTIONS[len(killed)]
        time.sleep(delay)
        mid_transaction = busy()
        if kill(importing) and mid_transaction:
            killed.append(delay)
        else:
            held *= 0.6
    assert len(killed) == len(KILL_FRACTIONS), f"kills landed after {killed} s in {tries} tries"

    reports = assert_nothing_partial(engine, url, SELECTORS_PER_REPORT + 1, monkeypatch)  # + domain
    by_file = Counter(title.rsplit("-report-", 1)[0] for title, _ in reports.values())
    assert by_file.get("whole") == REPORTS_PER_FILE
    assert all(count == REPORTS_PER_FILE for count in by_file.values()), by_file
    with engine.connect() as connection:
        imports = connection.execute(
            text("SELECT count(*), sum(report_count) FROM intake_imports")
        ).one()
    assert tuple(imports) == (len(by_file), len(reports))


# -- server -----------------------------------------------------------------------------------
@dataclass
class Submissions:
    """What the clients sent and what the servers answered."""

    base: str = ""
    acknowledged: dict[str, str] = field(default_factory=dict)  # report id → title
    unanswered: int = 0
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def stored_at_least(self, count: int) -> Callable[[], bool]:
        """A probe: have COUNT submissions been acknowledged?"""
        return lambda: len(self.acknowledged) >= count


def submit_until(stop: threading.Event, state: Submissions, client: int, token: str) -> None:
    """Submit new reports one after another until STOP; record every 201."""
    headers = {"Authorization": f"Bearer {token}"}
    number = 0
    with httpx.Client(timeout=30) as http:
        while not stop.is_set():
            number += 1
            title = f"client{client}-{number}"
            report = {
                "title": title,
                "source": "kill -9 test",
                "marking": "GREEN",
                "selectors": [
                    {"type": "email", "value": f"{title}-{n}@example.org"}
                    for n in range(SELECTORS_PER_SUBMISSION)
                ],
            }
            try:
                answer = http.post(f"{state.base}/api/v1/reports", json=report, headers=headers)
            except httpx.TransportError:
                with state.lock:
                    state.unanswered += 1
                time.sleep(0.05)
                continue
            with state.lock:
                if answer.status_code == 201:
                    state.acknowledged[answer.json()["id"].replace("-", "")] = title
                elif answer.status_code != 503:  # a busy server may turn a request away
                    state.unexpected.append(f"{answer.status_code} {answer.text[:200]}")


def listening(port: int) -> Callable[[], bool]:
    """A probe: does something accept connections on the loopback port?"""

    def probe() -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            return sock.connect_ex(("127.0.0.1", port)) == 0

    return probe


def test_server_killed_while_clients_submit_keeps_every_acknowledged_report(
    unit: tuple[str, Engine, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine, token = unit
    env = wayhome_env(url, tmp_path)
    state = Submissions()
    stop = threading.Event()
    clients = [
        threading.Thread(target=submit_until, args=(stop, state, n, token), daemon=True)
        for n in range(3)
    ]
    servers: list[subprocess.Popen[bytes]] = []
    started = False
    try:
        for round_ in range(3):
            port = free_port()
            with (tmp_path / f"serve-{round_}.log").open("wb") as log:
                server = subprocess.Popen(
                    [*WAYHOME, "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            servers.append(server)
            wait_for(listening(port), server, "a listening server")
            with state.lock:
                state.base = f"http://127.0.0.1:{port}"
                wanted = len(state.acknowledged) + 6
            if not started:
                for client in clients:
                    client.start()
                started = True
            wait_for(state.stored_at_least(wanted), server, "six more stored reports")
            assert kill(server), "the server ended by itself"
    finally:
        stop.set()
        for server in servers:
            if server.poll() is None:
                server.kill()
                server.wait()
        for client in clients:
            if client.is_alive():
                client.join(timeout=60)

    assert not state.unexpected, state.unexpected
    reports = assert_nothing_partial(engine, url, SELECTORS_PER_SUBMISSION, monkeypatch)
    missing = {id_: title for id_, title in state.acknowledged.items() if id_ not in reports}
    assert not missing, f"acknowledged with 201 but not stored: {missing}"
    assert len(state.acknowledged) >= 18
