"""Urgency of a case: its stated priority and, for a missing child, the risk factors — one
level, pure, typed, explained. The level is never below the priority the case was opened
with, and the reasons say where it comes from, so a page never shows a priority beside an
urgency that contradicts it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from wayhome.cases.models import Priority


@dataclass(frozen=True)
class Urgency:
    """A level, the risk score behind it, and the reasons (one per risk factor, and the stated
    priority when it sets the level)."""

    priority: Priority
    score: int
    reasons: list[str]


def age_on(born: date, day: date) -> int:
    """Whole years of age on `day`."""
    years = day.year - born.year
    return years - ((day.month, day.day) < (born.month, born.day))


# Most urgent first: the sort key of a level.
RANK: dict[Priority, int] = {
    Priority.CRITICAL: 3,
    Priority.HIGH: 2,
    Priority.NORMAL: 1,
    Priority.LOW: 0,
}


def assess(
    born: date | None,
    suspected_abduction: bool,
    online_link: bool,
    last_seen_at: datetime | None,
    now: datetime,
    stated: Priority | None = None,
) -> Urgency:
    """Score the risk factors (age, abduction, online link, time elapsed) into a level; with
    the case's `stated` priority, the higher of the two (the reasons say which it was)."""
    score = 0
    reasons: list[str] = []
    if born is not None:
        age = age_on(born, now.date())
        if age < 12:
            score, reasons = score + 3, [*reasons, f"young child ({age})"]
        elif age < 16:
            score, reasons = score + 2, [*reasons, f"child aged {age}"]
        elif age < 18:
            score, reasons = score + 1, [*reasons, f"minor aged {age}"]
    if suspected_abduction:
        score, reasons = score + 4, [*reasons, "suspected abduction"]
    if online_link:
        score, reasons = score + 2, [*reasons, "online link (grooming or contact)"]
    if last_seen_at is not None:
        hours = (now - last_seen_at).total_seconds() / 3600
        if hours >= 72:
            score, reasons = score + 2, [*reasons, f"missing {int(hours)} h (over 72 h)"]
        elif hours >= 24:
            score, reasons = score + 1, [*reasons, f"missing {int(hours)} h (over 24 h)"]
    if score >= 7:
        priority = Priority.CRITICAL
    elif score >= 4:
        priority = Priority.HIGH
    elif score >= 2:
        priority = Priority.NORMAL
    else:
        priority = Priority.LOW
    if stated is not None and RANK[stated] > RANK[priority]:
        return Urgency(stated, score, [f"stated priority {stated.value}", *reasons])
    return Urgency(priority, score, reasons)
