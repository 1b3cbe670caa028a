"""The live-update broker: alerts pushed to the open pages (SSE streams) of this process."""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass
from typing import Any

QUEUE_SIZE = 1000


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


def _offer(queue: asyncio.Queue[Event], event: Event) -> None:
    if not queue.full():
        queue.put_nowait(event)


BROKER = Broker()
