"""Structured import with correlation, selector look-up with visibility, and bytes per selector.

Synthetic intake: N agencies submit reports of 50 selectors each. Values are drawn with
heavy-tailed reuse: 70% from a large pool of mostly-unique values, 30% from a Zipf(1.5)
distribution over a pool of popular values, so some values are held by many agencies (the
gmail.com/8.8.8.8 effect) and most by one. Each report is stored through the same
`intake.store.ingest` the API uses (visibility gate, audit entry, search index, value
index, correlation on ingest), with the signal subscribers the server runs
(`compose.install_engines`: timeline, identity linking, watch alerts) called at each commit.

Peer in the same run (--baseline): a MISP-style correlation table of pairs, filled the way
MISP does it (each new attribute paired with every earlier attribute of the same value), at
the smallest size, to show what "an index from value to occurrences" saves.

Timed: `ingest` and the commit of each batch of 200 reports, wall clock and this process's
CPU time; the synthetic submissions are generated before the clocks start.

Run: PYTHONPATH=src .venv/bin/python bench/intake_store.py --sizes 100000 1000000 [--pg URL]
(--no-sqlite: PostgreSQL only)
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import User
from wayhome.access.passwords import use_cheapest_parameters
from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.compose import install_engines
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory
from wayhome.intake.correlation import correlate
from wayhome.intake.models import SelectorHolder, SelectorValue
from wayhome.intake.parsed import ParsedItem, ParsedReport, ParsedSubmission
from wayhome.intake.selectors.types import Selector, SelectorType
from wayhome.intake.store import Placement, ingest

PER_REPORT = 500
AGENCIES = 20
KINDS = [
    SelectorType.EMAIL,
    SelectorType.IPV4,
    SelectorType.PHONE,
    SelectorType.BTC,
    SelectorType.HANDLE,
    SelectorType.DOMAIN,
]


def value_for(kind: SelectorType, n: int) -> str:
    """A canonical-looking value of a kind for number n (storage does not re-validate)."""
    if kind is SelectorType.EMAIL:
        return f"user{n}@mail{n % 997}.example"
    if kind is SelectorType.IPV4:
        return f"{10 + n % 200}.{(n >> 8) % 256}.{(n >> 16) % 256}.{n % 256}"
    if kind is SelectorType.PHONE:
        return f"+7{9000000000 + n}"
    if kind is SelectorType.BTC:
        return f"bc1q{n:038x}"
    if kind is SelectorType.HANDLE:
        return f"forum:user_{n}"
    return f"host{n}.example{n % 101}.net"


class Draw:
    """Heavy-tailed value draws."""

    def __init__(self, total: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.unique_pool = max(total, 1000)
        self.popular_pool = max(total // 100, 100)
        weights = [1 / (r**1.5) for r in range(1, self.popular_pool + 1)]
        self.cumulative = list(_accumulate(weights))

    def value(self) -> tuple[SelectorType, str]:
        kind = self.rng.choice(KINDS)
        if self.rng.random() < 0.3:
            rank = _bisect(self.cumulative, self.rng.random() * self.cumulative[-1])
            return kind, value_for(kind, 10_000_000_000 + rank)
        return kind, value_for(kind, self.rng.randrange(self.unique_pool))


def _accumulate(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


def _bisect(cumulative: list[float], x: float) -> int:
    lo, hi = 0, len(cumulative) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def setup(engine: Engine) -> list[User]:
    use_cheapest_parameters()
    with Session(engine) as session:
        users = []
        for i in range(AGENCIES):
            agency = access.create_agency(
                session, audit.SYSTEM, f"ag{i}", f"Agency {i}", "NL", "police_unit"
            )
            users.append(
                access.create_user(
                    session,
                    audit.SYSTEM,
                    agency,
                    f"analyst{i}",
                    "a",
                    "investigator",
                    "long enough password",
                )
            )
        session.commit()
        for user in users:
            session.refresh(user)
            session.expunge(user)
    return users


def submission(draw: Draw, report_no: int) -> ParsedSubmission:
    items = []
    for _ in range(PER_REPORT):
        kind, value = draw.value()
        items.append(ParsedItem(Selector(kind, value, value), "field"))
    report = ParsedReport(
        title=f"report {report_no}", source="bench", body=f"bench report {report_no}", items=items
    )
    return ParsedSubmission("api", [report])


def fill(
    engine: Engine, users: list[User], draw: Draw, count: int, start: int
) -> tuple[float, float]:
    """Store `count` selectors; returns (wall, CPU) seconds spent storing and committing.

    Each batch of synthetic submissions is generated before the clocks start: what is timed
    is `ingest` and the commit, not the benchmark's random number generator. CPU time is this
    process's (`time.process_time`): on SQLite that includes the database engine, on
    PostgreSQL it does not include the server.
    """
    factory = make_session_factory(engine)
    reports = count // PER_REPORT
    wall = cpu = 0.0
    batch = 200
    for first in range(0, reports, batch):
        work = []
        for n in range(first, min(first + batch, reports)):
            user = users[(start + n) % len(users)]
            scope = Scope.ALL if n % 3 == 0 else Scope.OWNER
            marking = Marking.RED if n % 5 == 1 and scope is Scope.OWNER else Marking.AMBER
            work.append((access.viewer_of(user), submission(draw, start + n), marking, scope))
        began, began_cpu = time.perf_counter(), time.process_time()
        with factory() as session:
            for viewer, parsed, marking, scope in work:
                ingest(Records(session, viewer), parsed, Placement(marking, scope))
            session.commit()
        wall += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
    return wall, cpu


def lookups(engine: Engine, users: list[User], samples: int, seed: int) -> list[float]:
    """Look-up latencies (ms) of values drawn uniformly from the held values."""
    rng = random.Random(seed)
    factory = make_session_factory(engine)
    with factory() as session:
        top = session.scalar(select(SelectorValue.id).order_by(SelectorValue.id.desc()).limit(1))
        assert top is not None
        ids = [rng.randrange(1, top + 1) for _ in range(samples)]
        values = {
            v.id: (v.kind, v.canonical)
            for v in session.scalars(select(SelectorValue).where(SelectorValue.id.in_(ids)))
        }
    times = []
    with factory() as session:
        for i, vid in enumerate(ids):
            if vid not in values:
                continue
            kind, canonical = values[vid]
            records = Records(session, access.viewer_of(users[i % len(users)]))
            began = time.perf_counter()
            correlate(records, kind, canonical, overcommon_threshold=50)
            times.append((time.perf_counter() - began) * 1000)
        session.rollback()
    return times


def worst_value(engine: Engine, users: list[User]) -> tuple[int, float]:
    """Latency of the most common value's look-up (the over-common case)."""
    factory = make_session_factory(engine)
    with factory() as session:
        total = func.sum(SelectorHolder.occurrences)
        top_id, occurrences = session.execute(
            select(SelectorHolder.value_id, total)
            .group_by(SelectorHolder.value_id)
            .order_by(total.desc())
            .limit(1)
        ).one()
        value = session.get_one(SelectorValue, top_id)
        records = Records(session, access.viewer_of(users[0]))
        began = time.perf_counter()
        correlate(records, value.kind, value.canonical, overcommon_threshold=50)
        elapsed = (time.perf_counter() - began) * 1000
        session.rollback()
    return int(occurrences), elapsed


def storage_bytes(engine: Engine, path: Path | None) -> int:
    if path is not None:
        # Outside any transaction: every SQLAlchemy transaction begins IMMEDIATE (db/dialect.py).
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with engine.connect() as connection:
        return int(
            connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        )


def p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def run(url: str, path: Path | None, sizes: list[int], seed: int, label: str) -> None:
    install_engines()  # time ingest with what the server runs at each commit
    migrate.upgrade(url)
    engine = make_engine(url)
    users = setup(engine)
    draw = Draw(max(sizes), seed)
    stored = 0
    empty = storage_bytes(engine, path)
    print(f"\n[{label}]")
    print(
        "size        import sel/s (CPU)      look-up p50 / p99 ms   worst (occurrences: ms)"
        "   bytes/selector"
    )
    for size in sizes:
        seconds, cpu = fill(engine, users, draw, size - stored, stored // PER_REPORT)
        rate, cpu_rate = (size - stored) / seconds, (size - stored) / cpu
        stored = size
        times = lookups(engine, users, 2000, seed + size)
        occurrences, worst = worst_value(engine, users)
        per = (storage_bytes(engine, path) - empty) / size
        print(
            f"{size:>10,}  {rate:>9,.0f} ({cpu_rate:>9,.0f})"
            f"   {statistics.median(times):>7.2f} / {p99(times):>6.2f}"
            f"        {occurrences:>9,}: {worst:>7.1f}         {per:>8.0f}",
            flush=True,
        )
    engine.dispose()


def baseline_pairs(count: int, seed: int) -> None:
    """MISP-style correlation: a table of (attribute, attribute) pairs for equal values."""
    draw = Draw(count, seed)
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(os.path.join(folder, "pairs.db"))
        db.execute("CREATE TABLE attributes (id INTEGER PRIMARY KEY, value TEXT)")
        db.execute("CREATE INDEX ix_value ON attributes(value)")
        db.execute("CREATE TABLE correlations (a INTEGER, b INTEGER, value TEXT)")
        began = time.perf_counter()
        for n in range(count):
            kind, value = draw.value()
            key = f"{kind}:{value}"
            earlier = [
                r[0] for r in db.execute("SELECT id FROM attributes WHERE value = ?", (key,))
            ]
            db.execute("INSERT INTO attributes (id, value) VALUES (?, ?)", (n, key))
            db.executemany(
                "INSERT INTO correlations VALUES (?, ?, ?)", [(n, e, key) for e in earlier]
            )
        db.commit()
        seconds = time.perf_counter() - began
        pairs = db.execute("SELECT count(*) FROM correlations").fetchone()[0]
        db.close()
        size = os.path.getsize(os.path.join(folder, "pairs.db"))
    print(f"\n[baseline: MISP-style pair table, SQLite, {count:,} attributes]")
    print(
        f"insert with pair correlation: {count / seconds:,.0f} attributes/s; "
        f"{pairs:,} pairs; {size / count:,.0f} bytes per attribute"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg", help="PostgreSQL URL of an empty database to run beside")
    parser.add_argument("--baseline", type=int, default=0, help="attributes for the pair table")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            run(f"sqlite:///{path}", path, args.sizes, args.seed, "SQLite (embedded)")
    if args.pg:
        run(args.pg, None, args.sizes, args.seed, "PostgreSQL 15")
    if args.baseline:
        baseline_pairs(args.baseline, args.seed)


if __name__ == "__main__":
    main()
