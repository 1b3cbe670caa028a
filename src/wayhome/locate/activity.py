"""Posting hours → UTC offset: people sleep at night, so their posts cluster in their evening."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Share of a typical adult's social-media posts in each local hour 0..23: a trough at 3-5 h,
# a morning rise, a plateau through the day and an evening peak at 20-22 h. The shape follows
# the diurnal curves published for Twitter and forum activity (e.g. Golder & Macy, Science
# 2011); it is a prior, not a fit to one persona, hence the tempering below.
HOURLY_ACTIVITY: tuple[float, ...] = (
    0.55, 0.35, 0.20, 0.12, 0.08, 0.08, 0.15, 0.30, 0.45, 0.55, 0.60, 0.62,
    0.65, 0.65, 0.65, 0.68, 0.72, 0.78, 0.85, 0.92, 1.00, 1.00, 0.95, 0.80,
)  # fmt: skip
STEP_HOURS = 0.25
OFFSETS_HOURS: FloatArray = np.arange(-12.0, 14.0 + STEP_HOURS / 2, STEP_HOURS)
# Posts of one persona are not independent (bursts, habits, shift work), so the evidence is
# tempered to at most this many independent posts, which keeps the clue from being certain.
EFFECTIVE_POSTS = 25.0
# Share of a persona's posts assumed to fall at any hour (insomnia, travel, scheduled posts).
BACKGROUND_SHARE = 0.1


def activity_at(local_hours: FloatArray) -> FloatArray:
    """Return the activity density at fractional local hours, interpolated around the clock."""
    hourly = np.array(HOURLY_ACTIVITY, dtype=np.float64)
    hourly /= hourly.sum()
    curve = np.concatenate((hourly[-1:], hourly, hourly[:1]))
    centres = np.arange(-1, 25, dtype=np.float64) + 0.5
    density = np.interp(np.mod(local_hours, 24.0), centres, curve)
    return np.asarray((1.0 - BACKGROUND_SHARE) * density + BACKGROUND_SHARE / 24.0)


def utc_hours(timestamps: Sequence[datetime]) -> FloatArray:
    """Return each timestamp's hour of the day in UTC as a fraction."""
    hours = []
    for moment in timestamps:
        utc = moment.astimezone(UTC)
        hours.append(utc.hour + utc.minute / 60.0 + utc.second / 3600.0)
    return np.array(hours, dtype=np.float64)


def offset_distribution(timestamps: Sequence[datetime]) -> FloatArray:
    """Return the probability of each UTC offset in OFFSETS_HOURS given when the posts were made."""
    hours = utc_hours(timestamps)
    log_density = np.log(activity_at(hours[None, :] + OFFSETS_HOURS[:, None])).sum(axis=1)
    log_density *= min(1.0, EFFECTIVE_POSTS / max(len(hours), 1))
    log_density -= log_density.max()
    weights = np.exp(log_density)
    return np.asarray(weights / weights.sum())


@functools.lru_cache(maxsize=1024)
def _zone_rules(zone: str) -> ZoneInfo | None:
    """Return a time zone's rules, read from the tz database once (they do not change in a run)."""
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_offset_hours(zone: str, longitude: float, moment: datetime) -> float:
    """Return a time zone's UTC offset at a moment, or longitude/15 when the zone is unknown."""
    rules = _zone_rules(zone)
    offset = None if rules is None else rules.utcoffset(moment.astimezone(UTC).replace(tzinfo=None))
    if offset is None:
        return round(longitude / 15.0 / STEP_HOURS) * STEP_HOURS
    return offset / timedelta(hours=1)


def median_moment(timestamps: Sequence[datetime]) -> datetime:
    """Return the middle timestamp, at which time-zone offsets (and summer time) are read."""
    ordered = sorted(moment.astimezone(UTC) for moment in timestamps)
    return ordered[len(ordered) // 2]


def offset_index(offset_hours: float) -> int:
    """Return the position of an offset in OFFSETS_HOURS, clamped to its ends."""
    position = round((offset_hours - float(OFFSETS_HOURS[0])) / STEP_HOURS)
    return int(min(max(position, 0), len(OFFSETS_HOURS) - 1))


def sample_posting_times(
    rng: np.random.Generator,
    zone_offset: float,
    count: int,
    start: datetime,
    *,
    shift_hours: float = 0.0,
) -> list[datetime]:
    """Draw posting times of a persona living at a UTC offset (for scenarios and tests)."""
    weights = np.array(HOURLY_ACTIVITY, dtype=np.float64)
    weights /= weights.sum()
    moments = []
    for _ in range(count):
        local_hour = float(rng.choice(24, p=weights)) + float(rng.random()) + shift_hours
        day = int(rng.integers(0, 60))
        utc_hour = local_hour - zone_offset
        moments.append(start + timedelta(days=day, hours=utc_hour))
    return moments


def circular_hours(value: float) -> float:
    """Wrap an hour difference into -12..12."""
    return (value + 12.0) % 24.0 - 12.0 if math.isfinite(value) else value
