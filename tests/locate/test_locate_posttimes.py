"""Post times read out of a scraped text: zoned forms only, the most frequent author's posts."""

from __future__ import annotations

from datetime import UTC, datetime

from wayhome.locate.posttimes import post_times

SCRAPE = """Forum scrape, example.onion, board 'meetups', collected 2026-09-01
2026-07-01 21:33 +0300 | user: wolf | по субботам езжу на рынок
2026-07-02 22:10 +0300 | user: wolf | отвечаю ночью
2026-07-03 08:10 +0300 | user: cat | кто был в Твери?
2026-07-04T18:22:26Z | user: wolf | ключ сменил
03.08.2026 21:22 (UTC+3) user: wolf
03.08.2026, 21:25 GMT+3 автор: wolf
2026-08-06 10:00 user: wolf (no zone)
31.02.2026 21:00 +0300 user: wolf (no such day)
"""


def test_zoned_forms_are_read_as_utc_moments() -> None:
    found = post_times(SCRAPE)
    assert found.moments == [
        datetime(2026, 7, 1, 18, 33, tzinfo=UTC),
        datetime(2026, 7, 2, 19, 10, tzinfo=UTC),
        datetime(2026, 7, 4, 18, 22, 26, tzinfo=UTC),
        datetime(2026, 8, 3, 18, 22, tzinfo=UTC),
        datetime(2026, 8, 3, 18, 25, tzinfo=UTC),
    ]
    assert all(moment.utcoffset() is not None for moment in found.moments)


def test_times_without_a_zone_and_other_authors_are_left_out_and_said() -> None:
    found = post_times(SCRAPE)
    assert found.without_zone == 1
    assert found.author == "wolf" and found.other_authors == ["cat"] and found.left_out == 1
    notes = " ".join(found.notes())
    assert "1 time(s) without a time zone" in notes and "cat" in notes


def test_repeated_moments_count_once_and_a_text_without_times_gives_none() -> None:
    twice = "2026-07-01T18:33:00Z posted\n2026-07-01 21:33 +03:00 the same post, quoted\n"
    assert post_times(twice).moments == [datetime(2026, 7, 1, 18, 33, tzinfo=UTC)]
    nothing = post_times("no times here, only a phone +7 916 123 45 67 and 12:30")
    assert nothing.moments == [] and nothing.notes() == []
