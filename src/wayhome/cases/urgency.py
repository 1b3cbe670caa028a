"""Urgency of a case: its stated priority and, for a missing child, the risk factors — one
level, pure, typed, explained. The level is never below the priority the case was opened
with, and the reasons say where it comes from, so a page never shows a priority beside an
urgency that contradicts it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from wayhome.cases.models import Priority
from wayhome.cases.vocabularies import N_


class Reason(str):
    """A reason in English words that keeps its message id and values, so that a page can
    say it in the reader's language (the `translated` filter, web/i18n.py)."""

    message: str
    params: dict[str, object]

    def __new__(cls, message: str, **params: object) -> Reason:
        reason = super().__new__(cls, message % params)
        reason.message, reason.params = message, params
        return reason


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
            score, reasons = score + 3, [*reasons, Reason(N_("young child (%(age)s)"), age=age)]
        elif age < 16:
            score, reasons = score + 2, [*reasons, Reason(N_("child aged %(age)s"), age=age)]
        elif age < 18:
            score, reasons = score + 1, [*reasons, Reason(N_("minor aged %(age)s"), age=age)]
    if suspected_abduction:
        score, reasons = score + 4, [*reasons, Reason(N_("suspected abduction"))]
    if online_link:
        score, reasons = score + 2, [*reasons, Reason(N_("online link (grooming or contact)"))]
    if last_seen_at is not None:
        hours = (now - last_seen_at).total_seconds() / 3600
        if hours >= 72:
            late = Reason(N_("missing %(hours)s h (over 72 h)"), hours=int(hours))
            score, reasons = score + 2, [*reasons, late]
        elif hours >= 24:
            late = Reason(N_("missing %(hours)s h (over 24 h)"), hours=int(hours))
            score, reasons = score + 1, [*reasons, late]
    if score >= 7:
        priority = Priority.CRITICAL
    elif score >= 4:
        priority = Priority.HIGH
    elif score >= 2:
        priority = Priority.NORMAL
    else:
        priority = Priority.LOW
    if stated is not None and RANK[stated] > RANK[priority]:
        said = Reason(N_("stated priority %(priority)s"), priority=stated.value)
        return Urgency(stated, score, [said, *reasons])
    return Urgency(priority, score, reasons)
