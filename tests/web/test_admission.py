"""The request model that cannot starve: a bounded number of requests inside the app, the
rest queued or refused with 503 and Retry-After; SQLite's one write slot handed on at once."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.serving import serving
from tests.threads import run_async
from wayhome.db.dialect import writer_lock
from wayhome.db.engine import make_engine
from wayhome.errors import Busy
from wayhome.web.admission import Admission, AdmissionState


def _slow_app(limit: int, wait: float, queue_max: int) -> tuple[Starlette, AdmissionState]:
    async def slow(_request: Request) -> JSONResponse:
        await asyncio.sleep(0.5)
        return JSONResponse({"ok": True})

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    state = AdmissionState(limit)
    app = Starlette(routes=[Route("/slow", slow), Route("/healthz", healthz)])
    app.add_middleware(Admission, state=state, wait_seconds=wait, queue_max=queue_max)
    return app, state


async def _together(base: str, paths: list[str]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        return await asyncio.gather(*(http.get(p) for p in paths))


def test_requests_over_the_limit_wait_their_turn_and_all_succeed() -> None:
    app, state = _slow_app(limit=2, wait=10, queue_max=100)
    with serving(app) as base:
        started = time.monotonic()
        answers = run_async(lambda: _together(base, ["/slow"] * 6))
        elapsed = time.monotonic() - started
    assert [a.status_code for a in answers] == [200] * 6
    # Two at a time: three rounds of half a second, not one.
    assert elapsed >= 1.4
    assert state.refused == 0 and state.in_flight == 0 and state.waiting == 0


def test_a_full_queue_is_answered_503_with_retry_after_at_once() -> None:
    app, state = _slow_app(limit=1, wait=10, queue_max=1)
    with serving(app) as base:
        answers = run_async(lambda: _together(base, ["/slow"] * 4))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 200, 503, 503]
    refused = next(a for a in answers if a.status_code == 503)
    assert refused.headers["retry-after"].isdigit()
    assert refused.headers["content-type"] == "application/problem+json"
    assert "load limit" in refused.json()["detail"]
    assert state.refused == 2


def test_a_request_that_waits_too_long_is_refused_and_probes_always_answer() -> None:
    app, _state = _slow_app(limit=1, wait=0.2, queue_max=100)
    with serving(app) as base:
        answers = run_async(lambda: _together(base, ["/slow", "/slow", "/healthz"]))
    assert sorted(a.status_code for a in answers) == [200, 200, 503]
    assert answers[2].status_code == 200  # the probe takes no slot


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}", lock_seconds=0.3)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def test_sqlite_write_slot_is_handed_on_when_a_transaction_ends_on_another_thread(
    sqlite_engine: Engine,
) -> None:
    engine = sqlite_engine
    lock = writer_lock(engine)
    assert lock is not None
    connection = engine.connect()
    connection.execute(text("INSERT INTO t VALUES (1)"))  # BEGIN IMMEDIATE: slot taken
    assert lock.held
    # The transaction ends on another thread (a request's commit runs on a worker thread).
    ended = threading.Thread(target=connection.commit)
    ended.start()
    ended.join()
    assert not lock.held
    started = time.monotonic()
    with engine.begin() as other:
        other.execute(text("INSERT INTO t VALUES (2)"))
    assert time.monotonic() - started < 0.2  # no busy-handler nap
    connection.close()


def test_sqlite_waiting_past_the_limit_is_busy_not_a_driver_error(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    holder = engine.connect()
    holder.execute(text("INSERT INTO t VALUES (1)"))
    try:
        with pytest.raises(Busy) as refused, engine.begin() as other:
            other.execute(text("INSERT INTO t VALUES (2)"))
        assert refused.value.status == 503
        assert refused.value.headers["Retry-After"].isdigit()
    finally:
        holder.rollback()
        holder.close()
    lock = writer_lock(engine)
    assert lock is not None and not lock.held
    with engine.begin() as after:
        assert after.execute(text("SELECT count(*) FROM t")).scalar() == 0
