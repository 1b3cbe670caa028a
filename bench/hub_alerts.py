"""A hub of several server processes on one PostgreSQL: commit → alert on a stream that
another process holds, with intake running.

`--processes` real `wayhome serve` processes (default 4) share one fresh database. Watchers
(one agency) each watch `--watches` e-mail selectors and hold a stream (`/events/stream`) on
one of processes 1…N−1, never on process 0. Intake from another agency runs all the time:
`--writers` clients post reports of `--selectors` unwatched selectors to every process in
turn. A probe posts, to process 0 only, one report every `--every` seconds naming one watched
selector of a random watcher; the alert must reach that watcher's stream on another process.
Latency is the alert's arrival minus the probe's response (its commit is before the
response, so the figure is a lower bound) and minus the probe's request (an upper bound,
which includes the ingest itself). Lost: probes whose alert never arrived.

Run: PYTHONPATH=src:. .venv/bin/python bench/hub_alerts.py --pg URL [--seconds 60]
     (URL: a PostgreSQL database the script may create databases from; `--sqlite` runs the
     same on one SQLite file, where the processes poll)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.loadgen import server

from wayhome.access import services as access
from wayhome.access.passwords import use_cheapest_parameters
from wayhome.audit import services as audit
from wayhome.compose import install_engines
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory
from wayhome.watches.models import Watch


def fresh_database(base: str | None, folder: Path) -> str:
    if base is None:
        return f"sqlite:///{folder / 'hub.db'}"
    name = f"wh_hub_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def setup(url: str, watchers: int, watches: int) -> tuple[list[str], str, list[list[str]]]:
    """Watcher tokens, a writer token, and each watcher's watched e-mails."""
    use_cheapest_parameters()
    install_engines()
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    emails = [[f"w{u}.{k}@hub.example" for k in range(watches)] for u in range(watchers)]
    with factory() as session:
        de = access.create_agency(session, audit.SYSTEM, "de-hub", "DE hub", "DE", "police_unit")
        ru = access.create_agency(session, audit.SYSTEM, "ru-hub", "RU hub", "RU", "police_unit")
        tokens = []
        for u in range(watchers):
            user = access.create_user(
                session, audit.SYSTEM, de, f"watcher{u}", "w", "investigator", "long enough pw"
            )
            session.flush()
            for email in emails[u]:
                session.add(
                    Watch(
                        user_id=user.id,
                        agency_id=de.id,
                        subject_kind="selector",
                        subject_key=f"email:{email}",
                        label="",
                        email=False,
                    )
                )
            issued = access.issue_token(session, audit.SYSTEM, user, "hub", ["read", "write"])
            tokens.append(issued.secret)
        writer = access.create_user(
            session, audit.SYSTEM, ru, "writer", "w", "investigator", "long enough pw"
        )
        session.flush()
        writer_token = access.issue_token(
            session, audit.SYSTEM, writer, "hub", ["read", "write"]
        ).secret
        session.commit()
    engine.dispose()
    return tokens, writer_token, emails


class Streams:
    """Each watcher's stream on its process, read in a thread; arrival times by report id."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()
        self.opened = 0
        self.stop = threading.Event()

    def hold(self, base: str, token: str) -> None:
        data = ""
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(600.0)) as client,
                client.stream(
                    "GET", f"{base}/events/stream", headers={"Authorization": f"Bearer {token}"}
                ) as response,
            ):
                for line in response.iter_lines():
                    if self.stop.is_set():
                        return
                    if line.startswith("retry:"):
                        with self.lock:
                            self.opened += 1
                    elif line.startswith("data: "):
                        data = line[6:]
                    elif line == "" and data:
                        record = json.loads(data)["detail"].get("record_id")
                        with self.lock:
                            self.arrived.setdefault(record, time.monotonic())
                        data = ""
        except httpx.HTTPError:
            return


def start(stack: ExitStack, url: str, folder: Path, count: int) -> list[str]:
    """`count` `wayhome serve` processes (tests/loadgen.py's `server`); their base URLs once
    all answer."""
    return [
        stack.enter_context(server(url, folder / f"p{n}", folder / f"p{n}.log"))
        for n in range(count)
    ]


def post(client: httpx.Client, base: str, token: str, body: str, emails: list[str]) -> str:
    payload = {
        "title": "hub",
        "source": "bench",
        "marking": "GREEN",
        "scope": "all",
        "body": body,
        "selectors": [{"type": "email", "value": e} for e in emails],
    }
    answer = client.post(
        f"{base}/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {token}"}
    )
    answer.raise_for_status()
    report_id: str = answer.json()["id"]
    return report_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", help="PostgreSQL URL to create the database from")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--watchers", type=int, default=30)
    parser.add_argument("--watches", type=int, default=20)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--selectors", type=int, default=200)
    parser.add_argument("--every", type=float, default=0.25)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp, ExitStack() as stack:
        folder = Path(temp)
        url = fresh_database(args.pg, folder)
        tokens, writer, emails = setup(url, args.watchers, args.watches)
        bases = start(stack, url, folder, args.processes)
        streams = Streams()
        for u, token in enumerate(tokens):
            base = bases[1 + u % (args.processes - 1)]
            threading.Thread(target=streams.hold, args=(base, token), daemon=True).start()
        deadline = time.monotonic() + 60
        while streams.opened < len(tokens) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # the listeners connect after start-up
        stop = threading.Event()
        intake = [0, 0]  # reports, selectors

        def write(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(timeout=120) as client:
                k = 0
                while not stop.is_set():
                    base = bases[(n + k) % len(bases)]
                    values = [
                        f"bg{rng.randrange(10**9)}@load.example" for _ in range(args.selectors)
                    ]
                    post(client, base, writer, f"background {n}.{k}", values)
                    intake[0] += 1
                    intake[1] += args.selectors
                    k += 1

        writers = [threading.Thread(target=write, args=(n,)) for n in range(args.writers)]
        for thread in writers:
            thread.start()
        probes: list[tuple[str, float, float]] = []
        rng = random.Random(7)
        began = time.monotonic()
        with httpx.Client(timeout=120) as client:
            while time.monotonic() - began < args.seconds:
                watched = rng.choice(rng.choice(emails))
                sent = time.monotonic()
                report_id = post(client, bases[0], writer, f"probe {len(probes)}", [watched])
                probes.append((report_id, sent, time.monotonic()))
                time.sleep(args.every)
        elapsed = time.monotonic() - began
        stop.set()
        for thread in writers:
            thread.join()
        time.sleep(5)  # the last alerts
        streams.stop.set()
        after_response = []
        after_request = []
        lost = 0
        for report_id, sent, answered in probes:
            arrived = streams.arrived.get(report_id)
            if arrived is None:
                lost += 1
                continue
            after_response.append((arrived - answered) * 1000)
            after_request.append((arrived - sent) * 1000)

        def pct(values: list[float], q: int) -> float:
            return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]

        engine = "PostgreSQL" if args.pg else "SQLite"
        print(
            f"{engine}, {args.processes} processes, {len(tokens)} streams on processes "
            f"1..{args.processes - 1}, {len(tokens) * args.watches} watches; intake "
            f"{intake[1] / elapsed:,.0f} selectors/s ({intake[0]} reports) beside "
            f"{len(probes)} probes to process 0 in {elapsed:.0f} s"
        )
        print(
            "alert on another process after the probe's response, ms: "
            f"p50 {statistics.median(after_response):.0f}, p99 {pct(after_response, 99):.0f}, "
            f"max {max(after_response):.0f}"
        )
        print(
            "after the probe's request (ingest included), ms: "
            f"p50 {statistics.median(after_request):.0f}, p99 {pct(after_request, 99):.0f}, "
            f"max {max(after_request):.0f}; lost {lost}"
        )


if __name__ == "__main__":
    main()
