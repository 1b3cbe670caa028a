"""A write is committed before its answer leaves the server.

FastAPI ends a `yield` dependency after the response is sent unless it is function-scoped; the
request session committed there, so a client could hold a 201 (or the sign-in redirect) for
a row no other connection could see yet, and would never hear of a commit that failed. In
CI a browser followed the sign-in redirect faster than the commit and was sent back to the
sign-in page. The database's own commit hook is slowed here to make that window wide.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, event

from tests.conftest import DatabaseFactory, World
from tests.serving import serving
from wayhome.access.models import Role
from wayhome.db.engine import make_session_factory, session_scope
from wayhome.settings import Environment, Settings
from wayhome.web.app import create_app

SLOW_COMMIT_SECONDS = 0.5


@pytest.fixture
def served(
    databases: DatabaseFactory, tmp_path: Path
) -> Iterator[tuple[str, list[dict[str, str]], Engine, dict[str, bool]]]:
    with databases.migrated() as (url, engine):
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            world = World(session)
            agency = world.agency()
            # Two investigators of one agency: each request signs in with its own token.
            headers = [world.headers(world.user(agency, Role.INVESTIGATOR)) for _ in range(2)]
        slow = {"on": False}

        @event.listens_for(engine, "commit")
        def _slow_commit(_connection: Any) -> None:
            if slow["on"]:
                time.sleep(SLOW_COMMIT_SECONDS)

        settings = Settings(environment=Environment.TEST, database_url=url, data_dir=tmp_path)
        app = create_app(settings, factory)
        with serving(app) as base:
            yield base, headers, engine, slow


def _committed_cases(engine: Engine) -> int:
    """Cases another connection can see now, without waiting for any lock."""
    return _count(engine, "cases")


def test_a_created_case_is_committed_when_the_client_gets_201(
    served: tuple[str, list[dict[str, str]], Engine, dict[str, bool]],
) -> None:
    base, (headers, _), engine, slow = served
    case = {"title": "Boy, 7", "kind": "missing_child", "priority": "critical"}
    case |= {"marking": "AMBER", "scope": "all"}
    slow["on"] = True
    answer = httpx.post(f"{base}/api/v1/cases", json=case, headers=headers, timeout=30)
    assert answer.status_code == 201, answer.text
    assert _committed_cases(engine) == 1
    again = httpx.get(f"{base}/api/v1/cases/{answer.json()['id']}", headers=headers, timeout=30)
    assert again.status_code == 200


def test_the_same_report_submitted_twice_at_once_is_stored_once_and_answered_as_a_repeat(
    served: tuple[str, list[dict[str, str]], Engine, dict[str, bool]],
) -> None:
    # The first submission holds its commit for half a second; the second checks meanwhile
    # that the report is new. PostgreSQL then refuses its insert on the unique key: a 500
    # at first, then a 409 asking the client to repeat; now intake retries by itself and
    # answers 200 with the stored report, as for any repeat. SQLite makes it wait instead.
    base, both, engine, slow = served
    report = {"title": "Forum scrape", "source": "nl-police", "marking": "AMBER", "scope": "all"}
    report["body"] = "contact: d1m.s0k@example.org"
    slow["on"] = True
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda turn: _post_after(0.2 * turn, f"{base}/api/v1/reports", report, both[turn]),
                (0, 1),
            )
        )
    slow["on"] = False
    assert [answer.status_code for answer in answers] == [201, 200], [a.text for a in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert _count(engine, "reports") == 1
    assert _count(engine, "selector_values") == 1


def _post_after(delay: float, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    time.sleep(delay)
    return httpx.post(url, json=body, headers=headers, timeout=30)


def _count(engine: Engine, table: str) -> int:
    """Rows of a table that another connection can see now."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"SELECT count(*) FROM {table}")
        (count,) = cursor.fetchone()
        return int(count)
    finally:
        raw.close()
