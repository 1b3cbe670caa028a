"""Posting hours point to the right UTC offset."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from wayhome.locate import activity


@pytest.mark.parametrize("offset", [3.0, -5.0, 8.0])
def test_offset_distribution_peaks_near_the_true_offset(offset: float) -> None:
    rng = np.random.default_rng(7)
    posts = activity.sample_posting_times(rng, offset, 120, datetime(2026, 2, 1, tzinfo=UTC))
    distribution = activity.offset_distribution(posts)
    assert distribution.sum() == pytest.approx(1.0)
    best = float(activity.OFFSETS_HOURS[int(np.argmax(distribution))])
    assert abs(activity.circular_hours(best - offset)) <= 1.5
    within_two = np.abs(activity.OFFSETS_HOURS - offset) <= 2.0
    assert distribution[within_two].sum() > 0.6
    # Tempered: many posts never make one offset certain.
    assert distribution.max() < 0.9


def test_a_few_posts_say_little() -> None:
    posts = [datetime(2026, 2, 1, 18, tzinfo=UTC)]
    assert activity.offset_distribution(posts).max() < 0.05


def test_zone_offsets_follow_summer_time_and_fall_back_to_longitude() -> None:
    winter = datetime(2026, 1, 15, tzinfo=UTC)
    summer = datetime(2026, 7, 15, tzinfo=UTC)
    assert activity.zone_offset_hours("Europe/Berlin", 13.4, winter) == 1.0
    assert activity.zone_offset_hours("Europe/Berlin", 13.4, summer) == 2.0
    assert activity.zone_offset_hours("Europe/Moscow", 37.6, summer) == 3.0
    assert activity.zone_offset_hours("", 90.0, summer) == 6.0
    assert activity.zone_offset_hours("Not/AZone", -75.0, summer) == -5.0
