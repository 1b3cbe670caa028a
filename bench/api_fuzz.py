"""Schemathesis over the whole API, with a read token and a write token, on loopback.

    PYTHONPATH=src:. .venv/bin/python bench/api_fuzz.py [--requests 10000] [--seed 1]
        [--postgresql URL]

A fresh database (SQLite in a temporary folder; PostgreSQL when --postgresql names an empty
database) is migrated and given a small world (tests/apifuzz.py: two agencies, a supervisor's
read and write tokens, a case with a person, a timeline entry, a report and a hash bank); the
app is served by uvicorn on 127.0.0.1 and every operation of its OpenAPI document is called
with both tokens, positive and negative data, generated ids and ids that exist, in rounds of
fresh seeds until at least --requests requests were sent. Prints one JSON line: requests,
statuses, server errors (5xx), undocumented status codes and content types, one line per
finding. Exit 1 on any finding.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.apifuzz import FuzzResult, build_world, fuzz
from tests.serving import serving

from wayhome.access import passwords
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.settings import Environment, Settings
from wayhome.web.app import create_app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000, help="at least this many")
    parser.add_argument("--examples", type=int, default=25, help="per operation, token, mode, ids")
    parser.add_argument("--seed", type=int, default=1, help="first round's Hypothesis seed")
    parser.add_argument("--postgresql", help="URL of an empty PostgreSQL database")
    args = parser.parse_args()
    passwords.use_cheapest_parameters()  # the world's accounts; nobody signs in with them
    with tempfile.TemporaryDirectory(prefix="wayhome-fuzz-") as folder:
        url = args.postgresql or f"sqlite:///{folder}/fuzz.db"
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(make_session_factory(engine)) as session:
            world = build_world(session)
        settings = Settings(environment=Environment.TEST, database_url=url, data_dir=Path(folder))
        app = create_app(settings, make_session_factory(engine))
        spec = app.openapi()
        total = FuzzResult()
        started = time.monotonic()
        round_seed = args.seed
        with serving(app) as base_url:
            while total.requests < args.requests:
                found = fuzz(spec, base_url, world, args.examples, run_seed=round_seed)
                total.merge(found)
                print(f"round seed {round_seed}: {found.requests} requests", file=sys.stderr)
                round_seed += 1
        engine.dispose()
    summary = {
        "engine": url.split(":", 1)[0],
        "seconds": round(time.monotonic() - started, 1),
        **total.summary(),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if total.findings else 0


if __name__ == "__main__":
    sys.exit(main())
