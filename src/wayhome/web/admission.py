"""Admission control: a bounded number of requests inside the application, the rest queued.

Why this exists. A FastAPI request runs its synchronous dependencies and route one after the
other on worker threads, returning the thread between each; its database transaction (and on
SQLite the one write slot, on PostgreSQL a pooled connection) is held across those hops. With
more requests in progress than worker threads, every thread can end up held by a request
waiting for the write slot or a connection, while the request that holds them waits for a
thread: nothing finishes. Admitting at most `limit` requests, with more worker threads than
that and a connection for each, makes that wait impossible: an admitted request always finds
a thread and a connection. The others wait here, on the event loop and in arrival order,
holding nothing; one that waits longer than `wait_seconds`, or arrives when `queue_max` are
already waiting, gets a 503 with Retry-After instead of a time-out.

Long-lived event streams (`/events/stream`), static files and the health, readiness and
metrics endpoints do not take a slot: a stream would hold one for hours, and a probe must
answer when the server is saturated.
"""

from __future__ import annotations

import asyncio
import time

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from wayhome.web.limits import send_problem

EXEMPT_PREFIXES = ("/static/", "/events/stream", "/healthz", "/readyz", "/metrics")
# Worker threads beyond the admitted requests: event-stream polls and the background loops.
SPARE_THREADS = 16


class AdmissionState:
    """What the admission gate is doing now (read by the metrics endpoint and tests)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight = 0
        self.waiting = 0
        self.refused = 0


class Admission:
    """ASGI middleware admitting at most `state.limit` HTTP requests into the app at once."""

    def __init__(
        self, app: ASGIApp, state: AdmissionState, wait_seconds: float, queue_max: int
    ) -> None:
        self.app = app
        self.limit = state.limit
        self.wait_seconds = wait_seconds
        self.queue_max = queue_max
        self.state = state
        self._slots: asyncio.Semaphore | None = None

    def _ready(self) -> asyncio.Semaphore:
        # Made on the first request, inside the server's event loop: the thread limiter
        # belongs to that loop.
        if self._slots is None:
            limiter = anyio.to_thread.current_default_thread_limiter()
            limiter.total_tokens = max(limiter.total_tokens, self.limit + SPARE_THREADS)
            self._slots = asyncio.Semaphore(self.limit)
        return self._slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        slots = self._ready()
        state = self.state
        if slots.locked() and state.waiting >= self.queue_max:
            await self._refuse(scope, send, "too many requests are waiting")
            return
        state.waiting += 1
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.wait_seconds):
                await slots.acquire()
        except TimeoutError:
            await self._refuse(scope, send, f"no free slot within {self.wait_seconds:g} s")
            return
        finally:
            state.waiting -= 1
        scope.setdefault("state", {})["queued_seconds"] = time.monotonic() - started
        state.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            state.in_flight -= 1
            slots.release()

    async def _refuse(self, scope: Scope, send: Send, why: str) -> None:
        self.state.refused += 1
        retry_after = str(max(1, round(self.wait_seconds / 4))).encode()
        detail = f"the server is at its load limit ({why}); try again shortly"
        await send_problem(
            send, 503, "Service busy", detail, scope["path"], ((b"retry-after", retry_after),)
        )
