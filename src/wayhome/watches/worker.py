"""The delivery worker: sends due e-mail and webhooks in the background of `wayhome serve`."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from wayhome.settings import Settings
from wayhome.watches.alerts import WAKE
from wayhome.watches.services import deliver_due

IDLE_SECONDS = 5.0
log = logging.getLogger("wayhome.deliveries")


def run_once(factory: sessionmaker[Session], settings: Settings) -> int:
    """One pass over the due deliveries, in its own transaction."""
    with factory() as session:
        sent = deliver_due(session, settings, datetime.now(UTC))
        session.commit()
        return sent


async def run_forever(factory: sessionmaker[Session], settings: Settings) -> None:
    """Deliver whenever woken by a commit with alerts, and every few seconds (retries)."""
    loop = asyncio.get_running_loop()
    while True:
        WAKE.clear()
        try:
            await loop.run_in_executor(None, run_once, factory, settings)
        except Exception:
            log.exception("delivery pass failed")
        await loop.run_in_executor(None, WAKE.wait, IDLE_SECONDS)
