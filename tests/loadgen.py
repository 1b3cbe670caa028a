"""Many clients at once against a real `wayhome serve` process on loopback.

Shared by the CI load test (tests/web/test_load.py: 50 clients for 20 s, fails on any error)
and the benchmark (bench/load.py: 200 clients for 5 minutes, SQLite and PostgreSQL). The
server runs in its own process, as in production, over a database holding the demo world;
each client is one analyst or investigator of a demo agency, signed in with a browser
session (pages) and an API token (JSON), who reads pages and the API and, one request in
five, submits a small report, waiting a think time between requests (none in CI's test);
with a think time, each client's first request comes after a random part of one think time
(arrivals spread over it, as users' are). Every request is bounded by a client time-out; the
run stops by itself.

An error is any answer other than the expected status (200 for reads, 201 for submissions),
a 5xx or 503 busy included, a time-out, or a connection failure.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import select

from tests.serving import free_port
from tests.threads import run_async
from wayhome.access import services as access
from wayhome.access.models import User
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.demo.loader import load_demo
from wayhome.intake.models import SelectorValue
from wayhome.settings import Settings

# The accounts the clients act as (demo users; every one reads intelligence).
ACCOUNTS = (
    "ru.investigator",
    "ru.analyst",
    "ru.supervisor",
    "de.analyst",
    "nl.analyst",
    "us.analyst",
    "uk.investigator",
)
WRITE_SHARE = 0.2


@dataclass
class Client:
    """One signed-in user's credentials."""

    username: str
    token: str
    cookie: str
    own_case: str | None  # the demo case's id, for the agency that owns it


@dataclass
class Setup:
    """What the clients need to know about the loaded database."""

    clients: list[Client]
    email: str


@dataclass
class Outcome:
    """What one run measured."""

    clients: int
    seconds: float
    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.reads) + len(self.writes) + sum(self.errors.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def summary(self) -> dict[str, Any]:
        """Throughput, latency percentiles (ms) and errors of the run."""

        def pct(values: list[float], q: float) -> float:
            if not values:
                return float("nan")
            ordered = sorted(values)
            return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 1),
            "requests": self.requests,
            "req_per_s": round(self.requests / self.seconds, 1),
            "reads": len(self.reads),
            "writes": len(self.writes),
            "read_p50_ms": round(pct(self.reads, 0.50), 1),
            "read_p99_ms": round(pct(self.reads, 0.99), 1),
            "read_max_ms": round(1000 * max(self.reads, default=0.0), 1),
            "write_p50_ms": round(pct(self.writes, 0.50), 1),
            "write_p99_ms": round(pct(self.writes, 0.99), 1),
            "read_mean_ms": round(1000 * statistics.fmean(self.reads), 1) if self.reads else None,
            "errors": self.error_count,
            "error_kinds": dict(self.errors),
        }


def prepare(url: str, copies: int = 1) -> Setup:
    """Migrate the database at `url`, load the demo world and sign its users in."""
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            loaded = load_demo(session)
        settings = Settings()
        clients = []
        with session_scope(factory) as session:
            email = session.scalar(
                select(SelectorValue.canonical).where(SelectorValue.kind == "email").limit(1)
            )
            for username in ACCOUNTS:
                user = session.scalars(select(User).where(User.username == username)).one()
                own = str(loaded.case_id) if username.startswith("ru.") else None
                for n in range(copies):
                    issued = access.issue_token(
                        session, access.actor_of(user), user, f"load {n}", ["read", "write"]
                    )
                    cookie = access.open_session(session, settings, user)
                    clients.append(Client(username, issued.secret, cookie, own))
        return Setup(clients, email or "nobody@example.org")
    finally:
        engine.dispose()


@contextmanager
def server(url: str, data_dir: Path, log: Path, **settings: str) -> Iterator[str]:
    """`wayhome serve` in its own process on a free loopback port; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "WAYHOME_DATABASE_URL": url,
        "WAYHOME_DATA_DIR": str(data_dir),
        "WAYHOME_ENVIRONMENT": "development",
        **{f"WAYHOME_{k.upper()}": v for k, v in settings.items()},
    }
    command = [sys.executable, "-c", "from wayhome.cli.main import app; app()", "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _reads(client: Client, email: str) -> list[str]:
    paths = [
        "/",
        "/cases",
        "/inbox",
        "/api/v1/cases?limit=20",
        "/api/v1/reports?limit=20",
        "/api/v1/inbox",
        "/api/v1/search?q=forum",
        f"/api/v1/selectors/email/{email}",
        "/api/v1/me",
    ]
    if client.own_case:
        paths += [f"/cases/{client.own_case}", f"/api/v1/cases/{client.own_case}"]
    return paths


async def _one_client(
    http: httpx.AsyncClient,
    client: Client,
    email: str,
    until: float,
    think: tuple[float, float],
    rng: random.Random,
    out: Outcome,
) -> None:
    reads = _reads(client, email)
    low, high = think
    if high > 0:  # users arrive over one think time, not all in the same millisecond
        await asyncio.sleep(rng.uniform(0, high))
    api = {"Authorization": f"Bearer {client.token}"}
    page_headers = {"Cookie": f"wayhome_session={client.cookie}"}
    while time.monotonic() < until:
        write = rng.random() < WRITE_SHARE
        started = time.monotonic()
        try:
            if write:
                tag = uuid.uuid4().hex[:10]
                body = {
                    "title": f"load report {tag}",
                    "source": "load test",
                    "marking": "AMBER",
                    "scope": "all",
                    "body": f"contact {tag}@example.org seen with {email}",
                }
                response = await http.post("/api/v1/reports", json=body, headers=api)
                expected = 201
            else:
                path = rng.choice(reads)
                page = not path.startswith("/api/")
                response = await http.get(path, headers=page_headers if page else api)
                expected = 200
            elapsed = time.monotonic() - started
            if response.status_code == expected:
                (out.writes if write else out.reads).append(elapsed)
            else:
                kind = f"{'POST' if write else 'GET'} {response.status_code}"
                out.errors[kind] = out.errors.get(kind, 0) + 1
                if len(out.examples) < 10:
                    out.examples.append(f"{kind}: {response.text[:300]}")
        except httpx.HTTPError as error:
            kind = type(error).__name__
            out.errors[kind] = out.errors.get(kind, 0) + 1
            if len(out.examples) < 10:
                out.examples.append(f"{kind}: {error}")
        if high > 0:
            await asyncio.sleep(rng.uniform(low, high))


async def _run(
    base: str,
    setup: Setup,
    clients: int,
    seconds: float,
    think: tuple[float, float],
    timeout: float,
) -> Outcome:
    out = Outcome(clients, seconds)
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=clients + 10)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as http:
        started = time.monotonic()
        until = started + seconds
        rng = random.Random(2026)
        await asyncio.gather(
            *(
                _one_client(
                    http,
                    setup.clients[i % len(setup.clients)],
                    setup.email,
                    until,
                    think,
                    random.Random(rng.random()),
                    out,
                )
                for i in range(clients)
            )
        )
        out.seconds = time.monotonic() - started
    return out


def run_load(
    base: str,
    setup: Setup,
    clients: int,
    seconds: float,
    think: tuple[float, float] = (0.0, 0.0),
    timeout: float = 60.0,
) -> Outcome:
    """`clients` users at once for `seconds`, each waiting `think` (uniform, s) between
    requests; every request is bounded by `timeout` seconds."""
    return run_async(
        lambda: _run(base, setup, clients, seconds, think, timeout), timeout=seconds + 2 * timeout
    )
