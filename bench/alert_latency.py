"""Alert latency: from the commit of new intelligence to the alert arriving at an open page.

1,000 users of one agency watch 100,000 selectors (100 each) and all keep a server-sent
events stream open (`/events/stream`, a uvicorn server this script starts in a thread).
Another agency's intake runs at full speed in the server's process, through the same
`intake.store.ingest` the API uses: batches of reports of 500 selectors each, one report in
five carrying one watched selector of a random watcher, one commit per batch. The streams are
read by a separate process (asyncio + httpx), which notes when each alert arrives; latency
is arrival minus the moment `commit()` was called for the report's batch (so the commit's own
work — writing alerts, the database commit — is inside the figure).

A baseline runs the same intake on a fresh database with no watches, to show the overhead.

Run: PYTHONPATH=src .venv/bin/python bench/alert_latency.py [--seconds 60] [--users 1000]
     [--watches-per-user 100] [--pg URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import uvicorn
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.orm import Session

from wayhome import signals
from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.passwords import use_cheapest_parameters
from wayhome.access.records import Records
from wayhome.access.visibility import Viewer
from wayhome.audit import services as audit
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory
from wayhome.intake.parsed import ParsedItem, ParsedReport, ParsedSubmission
from wayhome.intake.selectors.types import Selector, SelectorType
from wayhome.intake.store import Placement, ingest
from wayhome.settings import Environment, Settings
from wayhome.signals import Signal
from wayhome.watches import alerts
from wayhome.watches.broker import BROKER
from wayhome.watches.index import INDEX
from wayhome.watches.models import Watch
from wayhome.web.app import create_app

PER_REPORT = 500
BATCH = 10  # reports per commit
WATCHED_EVERY = 5  # one report in five carries a watched selector


def watched_value(user: int, k: int) -> str:
    """The k-th selector user number `user` watches."""
    return f"w{user}.{k}@watch.example"


@dataclass
class Cast:
    """The writer's viewer and the watchers' ids and tokens."""

    writer: Viewer
    watchers: list[tuple[uuid.UUID, str]]


def setup(engine: Engine, users: int, per_user: int) -> Cast:
    """Two agencies, a writer, `users` watchers with tokens and `per_user` watches each."""
    use_cheapest_parameters()
    with Session(engine) as session:
        writer_agency = access.create_agency(
            session, audit.SYSTEM, "w", "Writer", "NL", "police_unit"
        )
        watch_agency = access.create_agency(
            session, audit.SYSTEM, "x", "Watcher", "DE", "police_unit"
        )
        writer = access.create_user(
            session, audit.SYSTEM, writer_agency, "writer", "w", "investigator", "long password!"
        )
        watchers = []
        rows: list[dict[str, Any]] = []
        for n in range(users):
            user = access.create_user(
                session, audit.SYSTEM, watch_agency, f"u{n}", "u", "investigator", "long password!"
            )
            token = access.issue_token(session, audit.SYSTEM, user, "bench", ["read"]).secret
            watchers.append((user.id, token))
            rows += [
                {
                    "id": uuid.uuid4(),
                    "user_id": user.id,
                    "agency_id": watch_agency.id,
                    "subject_kind": "selector",
                    "subject_key": f"email:{watched_value(n, k)}",
                    "label": "",
                    "email": False,
                }
                for k in range(per_user)
            ]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Watch), rows[start : start + 5000])
        session.commit()
        return Cast(access.viewer_of(writer), watchers)


def report(rng: random.Random, number: int, watched: str | None) -> ParsedSubmission:
    """A report of PER_REPORT mostly unique selectors, with one watched selector or none."""
    items = [
        ParsedItem(Selector(SelectorType.EMAIL, v, v), "field")
        for v in (f"r{number}.{i}.{rng.randrange(10**9)}@mail.example" for i in range(PER_REPORT))
    ]
    if watched is not None:
        items[0] = ParsedItem(Selector(SelectorType.EMAIL, watched, watched), "field")
    parsed = ParsedReport(title=f"r{number}", source="bench", body=f"bench {number}", items=items)
    return ParsedSubmission("api", [parsed])


ALERT_SECONDS = [0.0]  # time spent in the watches' before-commit subscriber


def timed_on_signals(session: Session, batch: list[Signal]) -> None:
    """The watches' subscriber, timed."""
    began = time.perf_counter()
    alerts.on_signals(session, batch)
    ALERT_SECONDS[0] += time.perf_counter() - began


def intake(
    engine: Engine,
    cast: Cast,
    seconds: float,
    users: int,
    per_user: int,
    sent: dict[str, float] | None,
) -> tuple[int, float, float]:
    """Ingest for `seconds` of storing; returns (selectors stored, wall seconds, this thread's
    CPU seconds). Reports are generated before the clocks run for each batch. With `sent`,
    one report in WATCHED_EVERY carries a watched selector; its commit time is noted."""
    factory = make_session_factory(engine)
    rng = random.Random(5)
    number = stored = 0
    wall = cpu = 0.0
    while wall < seconds:
        work = []
        for _ in range(BATCH):
            watched = None
            if sent is not None and number % WATCHED_EVERY == 0:
                watched = watched_value(rng.randrange(users), rng.randrange(per_user))
            work.append((report(rng, number, watched), watched is not None))
            number += 1
        began, began_cpu = time.perf_counter(), time.thread_time()
        with factory() as session:
            ids = []
            for parsed, is_watched in work:
                result = ingest(
                    Records(session, cast.writer), parsed, Placement(Marking.GREEN, Scope.ALL)
                )
                if is_watched:
                    ids += [str(i) for i in result.report_ids]
            at = time.time()
            session.commit()
        wall += time.perf_counter() - began
        cpu += time.thread_time() - began_cpu
        if sent is not None:
            sent.update(dict.fromkeys(ids, at))
        stored += BATCH * PER_REPORT
    return stored, wall, cpu


def listen(base: str, tokens: list[str], ready: Any, stop: Any, out: Any) -> None:
    """(A separate process.) Hold one stream per token; put (report id, arrival) pairs."""

    async def one(client: httpx.AsyncClient, token: str, arrivals: list[tuple[str, float]]) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with client.stream("GET", f"{base}/events/stream", headers=headers) as response:
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    data = json.loads(line[6:])
                    arrivals.append((data["detail"].get("record_id", ""), time.time()))

    async def main() -> list[tuple[str, float]]:
        arrivals: list[tuple[str, float]] = []
        limits = httpx.Limits(max_connections=len(tokens) + 10)
        async with httpx.AsyncClient(timeout=httpx.Timeout(600.0), limits=limits) as client:
            tasks = [asyncio.create_task(one(client, t, arrivals)) for t in tokens]
            await asyncio.sleep(3)
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.2)
            await asyncio.sleep(5)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return arrivals

    out.put(asyncio.run(main()))


def serve(engine: Engine, data_dir: Path) -> tuple[uvicorn.Server, str]:
    """The application on a free loopback port, in a thread of this process."""
    settings = Settings(environment=Environment.TEST, data_dir=data_dir)
    app = create_app(settings, make_session_factory(engine))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", backlog=4096)
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def fresh(url: str | None, folder: Path, name: str) -> tuple[Engine, str]:
    """A new migrated database: a SQLite file, or a new database on the PostgreSQL given."""
    if url is None:
        db_url = f"sqlite:///{folder / name}.db"
    else:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        db_url = url.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(db_url)
    return make_engine(db_url), db_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=30)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--watches-per-user", type=int, default=100)
    parser.add_argument("--clients", type=int, help="open streams (default: one per user)")
    parser.add_argument("--pg", help="PostgreSQL URL (a database named there is the admin one)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wayhome-alerts-"))
    label = "PostgreSQL" if args.pg else "SQLite"
    print(f"{label}, load average before: {os.getloadavg()}")

    engine, _ = fresh(args.pg, folder, "wh_bench_alerts_base")
    cast = setup(engine, 0, 0)
    INDEX.invalidate()
    base_stored, base_wall, base_cpu = intake(engine, cast, args.baseline_seconds, 0, 0, None)
    engine.dispose()
    print(
        f"baseline (no watches): {base_stored / base_wall:,.0f} selectors/s wall, "
        f"{base_stored / base_cpu:,.0f}/s of intake-thread CPU"
    )

    engine, _ = fresh(args.pg, folder, "wh_bench_alerts")
    began = time.perf_counter()
    cast = setup(engine, args.users, args.watches_per_user)
    print(
        f"set-up: {args.users} users, {args.users * args.watches_per_user:,} watches "
        f"in {time.perf_counter() - began:.0f} s"
    )
    INDEX.invalidate()
    with Session(engine) as session:
        INDEX.ensure(session)  # loaded once at start, as a server does on its first commit
    server, base = serve(engine, folder)
    context = multiprocessing.get_context("spawn")
    ready, stop, out = context.Event(), context.Event(), context.Queue()
    tokens = [token for _, token in cast.watchers][: args.clients]
    listener = context.Process(target=listen, args=(base, tokens, ready, stop, out))
    listener.start()
    ready.wait(120)
    deadline = time.monotonic() + 300
    while len(BROKER.users()) < len(tokens):  # every page open before intake starts
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(BROKER.users())} of {len(tokens)} streams connected")
        time.sleep(0.2)
    print(f"{len(tokens)} streams open")
    sent: dict[str, float] = {}
    load_before = os.getloadavg()
    signals.unsubscribe(alerts.on_signals)
    signals.subscribe(timed_on_signals)
    stored, wall, cpu = intake(engine, cast, args.seconds, args.users, args.watches_per_user, sent)
    load_after = os.getloadavg()
    stop.set()
    arrivals: list[tuple[str, float]] = out.get(timeout=120)
    listener.join(timeout=30)
    server.should_exit = True
    latencies = [at - sent[rid] for rid, at in arrivals if rid in sent]
    lost = len(sent) - len({rid for rid, _ in arrivals if rid in sent})
    print(
        f"intake with watches: {stored / wall:,.0f} selectors/s wall, "
        f"{stored / cpu:,.0f}/s of intake-thread CPU ({stored:,} selectors, {wall:.0f} s, "
        f"{len(sent)} watched reports); watch matching and alert writing: "
        f"{ALERT_SECONDS[0]:.2f} s = {100 * ALERT_SECONDS[0] / wall:.1f}% of intake time"
    )
    if latencies:
        print(
            f"commit→SSE latency over {len(latencies)} alerts: "
            f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms; not received: {lost}"
        )
    print(f"load average during: {load_before} → {load_after}")
    engine.dispose()


if __name__ == "__main__":
    main()
