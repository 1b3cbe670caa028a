"""The composition root: which engines hear the signals, in one visible list.

No module subscribes itself when imported. Every process that writes intelligence — the app
factory (`web/app.py`), the CLI (`cli/main.py`), the demo loader (`demo/replay.py`) and the
benchmarks that time ingest — calls `install_engines()`, so each runs the same subscribers
whatever it happened to import. The app adds one subscriber of its own, the intake counters
of `/metrics` (`web/ops.py:install`).
"""

from __future__ import annotations

from wayhome import signals
from wayhome.cases import timeline
from wayhome.linking import subscriber as linking
from wayhome.signals import Subscriber
from wayhome.watches import alerts as watch_alerts

# Called in this order just before each commit; a subscriber's own signals (a timeline entry
# is a case update) go round again, to every subscriber.
BEFORE_COMMIT: tuple[Subscriber, ...] = (
    timeline.on_signals,  # signals naming a case become its timeline entries
    linking.on_signals,  # new reports' persons and personas are matched (identity links)
    watch_alerts.on_signals,  # watchers of a touched subject are alerted
)
# Called once the transaction is durable.
AFTER_COMMIT: tuple[Subscriber, ...] = (
    watch_alerts.after_commit,  # alerts pushed to open pages; the delivery worker woken
)


def install_engines() -> None:
    """Subscribe every engine's signal subscriber (idempotent: each is subscribed once)."""
    for subscriber in BEFORE_COMMIT:
        signals.subscribe(subscriber)
    for subscriber in AFTER_COMMIT:
        signals.subscribe(subscriber, after_commit=True)
