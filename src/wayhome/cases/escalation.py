"""The server's background loop that escalates unacknowledged alerts, and its CLI command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import typer
from fastapi import FastAPI
from sqlalchemy.orm import Session

from wayhome import clock
from wayhome.cases.alerts import Escalation, escalate_due
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.settings import Environment, Settings, get_settings

log = logging.getLogger(__name__)
alerts_app = typer.Typer(help="Cross-border alerts.", no_args_is_help=True)


def run_once(factory: Callable[[], Session], settings: Settings) -> Escalation:
    """One escalation pass in its own transaction."""
    with session_scope(factory) as session:  # type: ignore[arg-type]
        return escalate_due(session, clock.now(), settings)


async def _loop(app: FastAPI, interval: int) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            done = await asyncio.to_thread(run_once, app.state.session_factory, app.state.settings)
            if done.renotified or done.escalated:
                log.info("alerts: %d re-notified, %d escalated", done.renotified, done.escalated)
        except Exception:  # a failed pass is retried at the next interval
            log.exception("alert escalation failed")


def install(app: FastAPI) -> None:
    """Run the escalation loop for the app's lifetime (not in tests, not when interval is 0)."""
    settings: Settings = app.state.settings
    interval = settings.alert_escalation_interval_seconds
    if interval <= 0 or settings.environment is Environment.TEST:
        return
    inner: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        task = asyncio.create_task(_loop(app, interval))
        try:
            async with inner(application) as state:
                yield state
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.router.lifespan_context = lifespan


@alerts_app.command("escalate")
def escalate_command() -> None:
    """Re-notify and escalate alerts that are still unacknowledged (e.g. from cron)."""
    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        done = run_once(make_session_factory(engine), settings)
    finally:
        engine.dispose()
    typer.echo(f"{done.renotified} re-notified, {done.escalated} escalated to supervisors")
