"""Running a test's steps at the same time, each on its own thread."""

from __future__ import annotations

import threading
from collections.abc import Callable

JOIN_SECONDS = 30.0


def run_together(*steps: Callable[[], object]) -> list[BaseException]:
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
        thread.join(JOIN_SECONDS)
    return failures
