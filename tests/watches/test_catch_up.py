"""The catch-up poll that brings other processes' alerts to open streams survives a database it
cannot read, and delivers on the next poll."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from tests.conftest import DatabaseFactory, World
from wayhome.db.engine import make_session_factory, session_scope
from wayhome.inbox.models import Notification
from wayhome.watches.broker import BROKER
from wayhome.watches.pages import CatchUp


def test_a_failed_poll_is_survived_and_the_next_one_delivers(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    with databases.migrated() as (_, engine):
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            world = World(session)
            agency = world.agency()
            user = world.user(agency)
            session.add(
                Notification(
                    agency_id=agency.id,
                    user_id=user.id,
                    kind="watch_alert",
                    subject="a watched e-mail address appeared in a new report",
                    detail={},
                )
            )
        # A database that cannot be opened: a SQLite file in a folder that does not exist.
        unreadable = sessionmaker(bind=create_engine(f"sqlite:///{tmp_path / 'gone' / 'x.db'}"))

        async def polls() -> tuple[bool, bool, int]:
            queue = BROKER.connect(user.id)
            try:
                catch_up = CatchUp(unreadable)
                failed = await catch_up.poll([user.id])
                catch_up.factory = factory  # the database is back
                delivered = await catch_up.poll([user.id])
                await asyncio.sleep(0.05)  # publish hands events over with call_soon_threadsafe
                return failed, delivered, queue.qsize()
            finally:
                BROKER.disconnect(user.id, queue)

        # A thread of its own: another test's browser may keep an event loop running here.
        with ThreadPoolExecutor(1) as pool:
            failed, delivered, queued = pool.submit(lambda: asyncio.run(polls())).result()
    assert (failed, delivered, queued) == (False, True, 1)
