"""The live-update broker: alerts pushed to the open pages (SSE streams) of this process, and
on PostgreSQL the signals between the server processes of one database (LISTEN/NOTIFY).

Several `wayhome serve` processes (`--workers N`) share one PostgreSQL. What one process
commits reaches the others through PostgreSQL's NOTIFY, which is transactional: `announce`
queues a message inside the writing transaction, PostgreSQL delivers it to every listening
session when that transaction commits and never when it rolls back. Each server process
holds one listening connection (`Listener`, a thread) and hands what it hears to its own
streams (`Broker.publish`) and to the registered handlers (the watch index). A process
ignores its own messages: it already told its streams after commit. SQLite has no such
channel: there the catch-up poll (`pages.CatchUp`) and the index's top-up are the way other
processes' work arrives, and they stay as the fallback while a listener is reconnecting.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

QUEUE_SIZE = 1000
ALERTS = "wayhome_alerts"  # alerts committed: {"events": [{"id", "user", "data"}, ...]}
WATCHES = "wayhome_watches"  # watches added or removed: {"op", "kind", "key"}
PROCESS = uuid.uuid4().hex  # this process, so that it skips its own messages
# PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; messages are packed below this.
PAYLOAD_LIMIT = 7_500
# While the listener hears the other processes, the table reads that catch up on them are
# only safety nets, at these periods (without it: `pages.POLL_SECONDS`, `index.TOP_UP_SECONDS`).
LISTENING_POLL_SECONDS = 30.0  # the streams' catch-up poll (`Broker.poll_due`)
LISTENING_TOP_UP_SECONDS = 60.0  # the watch index's top-up (`index.WatchIndex.ensure`)
log = logging.getLogger("wayhome.broker")


@dataclass(frozen=True)
class Event:
    """One alert for one user's open pages."""

    id: str
    user_id: uuid.UUID
    data: dict[str, Any]


class Broker:
    """Per user, the queues of his connected streams; `publish` may be called from any thread."""

    def __init__(self) -> None:
        self._streams: dict[uuid.UUID, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]]]
        self._streams = {}
        self._lock = threading.Lock()
        # Set when other processes' messages may have been missed (a reconnected listener,
        # an alert too long for a message): the catch-up poll reads the table at once.
        self.behind = False

    def connect(self, user_id: uuid.UUID) -> asyncio.Queue[Event]:
        """A queue receiving the user's events (call from the stream's event loop)."""
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        with self._lock:
            self._streams.setdefault(user_id, set()).add((asyncio.get_running_loop(), queue))
        return queue

    def disconnect(self, user_id: uuid.UUID, queue: asyncio.Queue[Event]) -> None:
        """Stop feeding a closed stream."""
        with self._lock:
            streams = self._streams.get(user_id, set())
            for entry in [e for e in streams if e[1] is queue]:
                streams.discard(entry)
            if not streams:
                self._streams.pop(user_id, None)

    def users(self) -> list[uuid.UUID]:
        """The users with an open stream."""
        with self._lock:
            return list(self._streams)

    def connected(self, user_id: uuid.UUID) -> int:
        """How many streams the user has open."""
        with self._lock:
            return len(self._streams.get(user_id, ()))

    def publish(self, events: list[Event]) -> None:
        """Hand events to the streams of their users; a full queue drops (the stream catches
        up from the inbox table)."""
        with self._lock:
            targets = [(event, list(self._streams.get(event.user_id, ()))) for event in events]
        for event, streams in targets:
            for loop, queue in streams:
                try:
                    loop.call_soon_threadsafe(_offer, queue, event)
                except RuntimeError:  # the stream's loop has closed
                    continue

    def poll_due(
        self, last: float, fallback: float, listening: float = LISTENING_POLL_SECONDS
    ) -> bool:
        """Whether the catch-up poll should read the table now, `last` being its previous
        read (`time.monotonic`): every `fallback` seconds without a listener (SQLite, a
        reconnecting one) and at once when messages may have been missed; with one, only
        every `listening` seconds, a safety net."""
        if self.behind:
            return True
        period = listening if LISTENER.healthy else fallback
        return time.monotonic() - last >= period

    def caught_up(self) -> None:
        """The catch-up poll is about to read the table: nothing missed is pending."""
        self.behind = False


def _offer(queue: asyncio.Queue[Event], event: Event) -> None:
    if not queue.full():
        queue.put_nowait(event)


BROKER = Broker()


def announce(target: Session | Connection, channel: str, messages: list[dict[str, Any]]) -> None:
    """Queue messages for the other server processes inside the transaction of a session or
    connection: PostgreSQL sends them at commit (nothing on rollback). A no-op on SQLite."""
    connection = target.connection() if isinstance(target, Session) else target
    if not messages or connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(
        "SELECT pg_notify(%s, p) FROM unnest(%s::text[]) AS p", (channel, _packed(messages))
    )


def _packed(messages: list[dict[str, Any]]) -> list[str]:
    """The messages as few payloads under the limit: `{"from", "items": [...]}` each. A
    message too long alone travels as `{"from", "items": [], "missed": [its "user"]}`: the
    listening processes' catch-up polls then read the table at once."""
    head = f'{{"from":"{PROCESS}","items":['
    room = PAYLOAD_LIMIT - len(head) - 2  # for the items, their commas and the closing "]}"
    payloads: list[str] = []
    items: list[str] = []
    size = 0  # of the items so far, a comma after each
    for message in messages:
        text = json.dumps(message, separators=(",", ":"), default=str)
        length = len(text.encode())
        if length > room:
            missed = json.dumps([str(message.get("user"))])
            payloads.append(f'{{"from":"{PROCESS}","items":[],"missed":{missed}}}')
            continue
        if items and size + length > room:
            payloads.append(head + ",".join(items) + "]}")
            items, size = [], 0
        items.append(text)
        size += length + 1
    if items:
        payloads.append(head + ",".join(items) + "]}")
    return payloads


Handler = Callable[[list[dict[str, Any]]], None]


def _behind() -> None:
    BROKER.behind = True


class Listener:
    """One PostgreSQL session per process that LISTENs on the channels and dispatches what
    other processes announce; reconnects after a lost connection (each reconnection calls
    the `on_reconnect` handlers, which catch up on what was missed)."""

    def __init__(self) -> None:
        self.handlers: dict[str, list[Handler]] = {}
        self.on_reconnect: list[Callable[[], None]] = [_behind]
        self.healthy = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def on(self, channel: str, handler: Handler) -> None:
        """Call `handler` with the items of each message on `channel` from another process."""
        handlers = self.handlers.setdefault(channel, [])
        if handler not in handlers:
            handlers.append(handler)

    def start(self, engine: Engine) -> None:
        """Listen in a background thread (PostgreSQL only; once per process)."""
        if engine.dialect.name != "postgresql":
            return
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(engine,), name="wayhome-listen", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """End the thread (within a second)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None
        self.healthy = False

    def _run(self, engine: Engine) -> None:
        first = True
        while not self._stop.is_set():
            try:
                raw = engine.raw_connection()
                connection: Any = raw.driver_connection
                raw.detach()  # this session listens for as long as the process lives
                try:
                    connection.rollback()
                    connection.autocommit = True
                    for channel in self.handlers.keys() | {ALERTS, WATCHES}:
                        connection.execute(f"LISTEN {channel}")
                    self.healthy = True
                    if not first:
                        for catch_up in list(self.on_reconnect):
                            catch_up()
                    first = False
                    while not self._stop.is_set():
                        for note in connection.notifies(timeout=1.0):
                            self.dispatch(note.channel, note.payload)
                finally:
                    self.healthy = False
                    connection.close()
            except Exception:
                log.warning("listening for other processes failed; retrying", exc_info=True)
                self._stop.wait(1.0)

    def dispatch(self, channel: str, payload: str) -> None:
        """Hand one message to the channel's handlers, unless this process sent it."""
        try:
            message = json.loads(payload)
        except ValueError:
            log.warning("unreadable message on %s", channel)
            return
        if not isinstance(message, dict) or message.get("from") == PROCESS:
            return
        items = [item for item in message.get("items", []) if isinstance(item, dict)]
        for handler in list(self.handlers.get(channel, [])):
            try:
                handler(items)
            except Exception:
                log.exception("handling a message on %s failed", channel)
        if message.get("missed"):
            _behind()


LISTENER = Listener()


def _publish_announced(items: list[dict[str, Any]]) -> None:
    """Alerts another process committed, for this process's open streams."""
    events = []
    for item in items:
        try:
            events.append(Event(str(item["id"]), uuid.UUID(str(item["user"])), item["data"]))
        except (KeyError, ValueError, TypeError):
            continue
    BROKER.publish(events)


LISTENER.on(ALERTS, _publish_announced)


def announce_events(session: Session, events: list[Event]) -> None:
    """The alerts of a transaction, for the streams held by the other processes."""
    announce(
        session,
        ALERTS,
        [{"id": e.id, "user": str(e.user_id), "data": e.data} for e in events],
    )


def wait_healthy(timeout: float) -> bool:
    """Wait until the listener listens (tests, start-up); False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not LISTENER.healthy:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
