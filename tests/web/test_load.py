"""CI's short load test: 50 clients for 20 seconds against a real `wayhome serve` process
over the demo world, on the engine under test; any error, time-out or server traceback fails.

Before the request model of web/admission.py the server stopped answering at 50-100 clients
(SQLite: "database is locked" and 500s; PostgreSQL: pool time-outs). The 200-client,
five-minute run is bench/load.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DatabaseFactory
from tests.loadgen import prepare, run_load, server


@pytest.mark.slow
def test_fifty_clients_for_twenty_seconds_get_no_error(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url = databases.new_url()
    setup = prepare(url)
    log = tmp_path / "server.log"
    with server(url, tmp_path, log) as base:
        outcome = run_load(base, setup, clients=50, seconds=20, timeout=30)
    summary = outcome.summary()
    print(summary)  # shown with -s, and in the report of a failure
    assert outcome.error_count == 0, (summary, outcome.examples)
    assert outcome.writes and outcome.reads, summary
    assert "Traceback" not in log.read_text(errors="replace")
