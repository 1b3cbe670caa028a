"""What an operator needs to run Wayhome as a service: health and readiness probes,
Prometheus metrics, request ids, structured logs and the access log.

* `GET /healthz`: the process answers (liveness; no database).
* `GET /readyz`: the database answers a query within two seconds and holds the newest
  schema (readiness; 503 otherwise, with the reason).
* `GET /metrics`: the Prometheus text format; served to the addresses in
  `WAYHOME_METRICS_ALLOW` only (loopback by default), 404 to everyone else. Request counts and
  latencies are labelled by route template, never by a path with an id in it.
* Every response carries `X-Request-ID` (the client's, when it sent a sane one, else a new
  one); every log line written while the request runs carries it too, and one access-log
  line per request names method, route, status, milliseconds, queue wait and user.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wayhome import signals
from wayhome.db import migrate
from wayhome.db.dialect import writer_lock
from wayhome.settings import Settings
from wayhome.signals import Signal, SignalKind, SubjectKind
from wayhome.web.admission import AdmissionState

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("wayhome.access")


# -- logging -----------------------------------------------------------------------------------
class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served ('-' outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message, extra fields."""

    FIELDS = ("method", "route", "path", "status", "ms", "queued_ms", "user", "client")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Root logging for `wayhome serve`: INFO, with request ids, as text or JSON lines."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    handler.formatter.converter = time.gmtime  # type: ignore[union-attr]
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


# -- metrics -----------------------------------------------------------------------------------
class Metrics:
    """The application's Prometheus collectors (a registry of their own per app)."""

    def __init__(self, admission: AdmissionState, app: FastAPI) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "wayhome_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "wayhome_http_request_seconds",
            "Time from the request's arrival to its answer, queue wait included.",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.queue_wait = Histogram(
            "wayhome_http_queue_seconds",
            "Time requests waited for a slot (WAYHOME_MAX_CONCURRENT_REQUESTS).",
            buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20),
            registry=self.registry,
        )
        gauge = Gauge(
            "wayhome_http_in_flight", "Requests being worked on now.", registry=self.registry
        )
        gauge.set_function(lambda: admission.in_flight)
        waiting = Gauge(
            "wayhome_http_waiting", "Requests waiting for a slot now.", registry=self.registry
        )
        waiting.set_function(lambda: admission.waiting)
        refused = Gauge(
            "wayhome_http_refused_busy",
            "Requests answered 503 busy since the start (queue full or wait too long).",
            registry=self.registry,
        )
        refused.set_function(lambda: admission.refused)
        held = Gauge(
            "wayhome_db_write_slot_held",
            "1 while a transaction holds SQLite's one write slot (always 0 on PostgreSQL).",
            registry=self.registry,
        )

        def slot_held() -> float:
            engine = getattr(app.state.session_factory, "kw", {}).get("bind")
            lock = writer_lock(engine) if engine is not None else None
            return 1.0 if lock is not None and lock.held else 0.0

        held.set_function(slot_held)


# Intake is counted from the engines' committed signals, process-wide (the CLI and the demo
# loader ingest without an app): one registry for the process, exported beside each app's.
PROCESS_REGISTRY = CollectorRegistry()
INTAKE_REPORTS = Counter(
    "wayhome_intake_reports",
    "Reports stored by intake in this process (committed).",
    registry=PROCESS_REGISTRY,
)
INTAKE_SELECTORS = Counter(
    "wayhome_intake_selectors",
    "Distinct selector values of reports stored in this process (rate() gives intake speed).",
    registry=PROCESS_REGISTRY,
)


def count_intake(_session: Session, batch: list[Signal]) -> None:
    """Signal subscriber (after commit): count stored reports and their selectors."""
    for signal in batch:
        if signal.kind is SignalKind.REPORT_INGESTED:
            INTAKE_REPORTS.inc()
            selectors = [s for s in signal.subjects if s.kind is SubjectKind.SELECTOR]
            INTAKE_SELECTORS.inc(len(selectors))


def _route_of(scope: Scope) -> str:
    """The route template of a matched request (`/api/v1/cases/{case_id}`): the path with
    each path parameter's segment put back as its name, so no id becomes a label."""
    if scope.get("route") is None:
        return "/static" if scope["path"].startswith("/static/") else "unmatched"
    params = {str(v): k for k, v in (scope.get("path_params") or {}).items()}
    segments = scope["path"].split("/")
    return "/".join(f"{{{params[s]}}}" if s in params else s for s in segments)


class RequestTelemetry:
    """ASGI middleware: request id, access-log line and metrics for every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        offered = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = offered if _SANE_ID.match(offered) else uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500

        async def stamped_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, stamped_send)
        finally:
            elapsed = time.monotonic() - started
            route = _route_of(scope)
            method = scope["method"]
            state = scope.get("state") or {}
            queued = float(state.get("queued_seconds", 0.0))
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            self.metrics.queue_wait.observe(queued)
            client = scope.get("client")
            access_log.info(
                "%s %s %d %.1f ms",
                method,
                scope["path"],
                status,
                elapsed * 1000,
                extra={
                    "method": method,
                    "route": route,
                    "path": scope["path"],
                    "status": status,
                    "ms": round(elapsed * 1000, 1),
                    "queued_ms": round(queued * 1000, 1),
                    "user": state.get("username"),
                    "client": client[0] if client else None,
                },
            )
            request_id.reset(token)


def uvicorn_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """How `wayhome serve` runs uvicorn: our logging and access log, and forwarded headers
    believed from the configured reverse proxies only (uvicorn's default trusts loopback,
    which lets any local client choose its own address for the sign-in throttle)."""
    proxies = settings.trusted_proxies.strip()
    return {
        "host": host,
        "port": port,
        "log_config": None,  # keep configure_logging's handler (request ids, JSON)
        "access_log": False,  # web/ops.py writes the access log with route and request id
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or "",
        "server_header": False,
        # Longer than a reverse proxy's or a client's idle keep-alive (nginx keeps upstream
        # connections 60 s): uvicorn's 5 s default closed connections just as clients reused
        # them (a connection error for a request the server never read).
        "timeout_keep_alive": 75,
        "timeout_graceful_shutdown": 10,
    }


# -- routes ------------------------------------------------------------------------------------
def _ready(app: FastAPI) -> str | None:
    """None when the database answers and is migrated to the newest revision, else why not."""
    factory = app.state.session_factory
    with factory() as session:
        session.execute(text("SELECT 1"))
        current = migrate.revision_of(session.connection())
        session.rollback()
    head = migrate.head_revision()
    if current != head:
        return f"the database is at revision {current}, the code expects {head}"
    return None


def install(app: FastAPI, settings: Settings, admission: AdmissionState) -> Metrics:
    """Add the probes, the metrics endpoint and the telemetry middleware to the app."""
    metrics = Metrics(admission, app)
    app.state.metrics = metrics
    signals.subscribe(count_intake, after_commit=True)
    allowed = {a.strip() for a in settings.metrics_allow.split(",") if a.strip()}

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        try:
            with anyio.fail_after(2):
                problem = await run_in_threadpool(_ready, app)
        except TimeoutError:
            problem = "the database did not answer within 2 s"
        except Exception as error:  # any failure to reach the database means not ready
            problem = f"the database cannot be reached: {type(error).__name__}"
        if problem:
            return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics_page(request: Request) -> Response:
        client = request.client.host if request.client else ""
        if client not in allowed:
            return PlainTextResponse("Not found", status_code=404)
        body = generate_latest(metrics.registry) + generate_latest(PROCESS_REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(RequestTelemetry, metrics=metrics)
    return metrics
