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
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, event

from tests.conftest import DatabaseFactory, World
from tests.serving import serving
from wayhome.access.models import Role
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.settings import Environment, Settings
from wayhome.web.app import create_app

SLOW_COMMIT_SECONDS = 0.5


@pytest.fixture
def served(
    databases: DatabaseFactory, tmp_path: Path
) -> Iterator[tuple[str, dict[str, str], Engine, dict[str, bool]]]:
    url = databases.new_url()
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        world = World(session)
        headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    slow = {"on": False}

    @event.listens_for(engine, "commit")
    def _slow_commit(_connection: Any) -> None:
        if slow["on"]:
            time.sleep(SLOW_COMMIT_SECONDS)

    settings = Settings(environment=Environment.TEST, database_url=url, data_dir=tmp_path)
    app = create_app(settings, factory)
    with serving(app) as base:
        yield base, headers, engine, slow
    engine.dispose()


def _committed_cases(engine: Engine) -> int:
    """Cases another connection can see now, without waiting for any lock."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT count(*) FROM cases")
        (count,) = cursor.fetchone()
        return int(count)
    finally:
        raw.close()


def test_a_created_case_is_committed_when_the_client_gets_201(
    served: tuple[str, dict[str, str], Engine, dict[str, bool]],
) -> None:
    base, headers, engine, slow = served
    case = {"title": "Boy, 7", "kind": "missing_child", "priority": "critical"}
    case |= {"marking": "AMBER", "scope": "all"}
    slow["on"] = True
    answer = httpx.post(f"{base}/api/v1/cases", json=case, headers=headers, timeout=30)
    assert answer.status_code == 201, answer.text
    assert _committed_cases(engine) == 1
    again = httpx.get(f"{base}/api/v1/cases/{answer.json()['id']}", headers=headers, timeout=30)
    assert again.status_code == 200
