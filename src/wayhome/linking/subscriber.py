"""The identity-link matcher's signal subscriber: new reports are matched at once.

`on_signals` is a before-commit subscriber to REPORT_INGESTED: each newly ingested report's
persons are matched against every held person and register person and its personas against
personas that share a selector or a handle skeleton (`matching.match_report`). The
composition root (`wayhome/compose.py`) subscribes it; nothing here subscribes itself.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from wayhome.linking.matching import match_report
from wayhome.signals import Signal, SignalKind


def on_signals(session: Session, batch: list[Signal]) -> None:
    """Before-commit subscriber: match every newly ingested report that carries persons or
    personas (the signal's subjects tell which carry personas; persons are looked up)."""
    for signal in batch:
        if signal.kind is SignalKind.REPORT_INGESTED and signal.record_kind == "report":
            match_report(session, uuid.UUID(signal.record_id), signal.case_id)
