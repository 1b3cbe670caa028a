"""Running a test's steps at the same time, each on its own thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

JOIN_SECONDS = 30.0


def run_together(
    *steps: Callable[[], object], join_seconds: float = JOIN_SECONDS
) -> list[BaseException]:
    """Start every step on its own thread, wait for all, and return what they raised, so
    the test's own thread can assert on it."""
    failures: list[BaseException] = []

    def guarded(step: Callable[[], object]) -> None:
        try:
            step()
        except BaseException as error:  # handed to the test's thread
            failures.append(error)

    threads = [threading.Thread(target=guarded, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(join_seconds)
    return failures


def run_async(main: Callable[[], Coroutine[Any, Any, T]], timeout: float = 600.0) -> T:
    """`asyncio.run(main())` on a thread of its own: a browser test earlier on the same xdist
    worker may leave an event loop running on the test's thread, where asyncio.run refuses."""
    results: list[T] = []
    failures = run_together(lambda: results.append(asyncio.run(main())), join_seconds=timeout)
    if failures:
        raise failures[0]
    if not results:
        raise TimeoutError(f"the coroutine did not finish within {timeout} s")
    return results[0]
