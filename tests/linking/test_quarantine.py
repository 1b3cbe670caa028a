"""One bad record is named with its reason and left out; the rest are linked (issue 16)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from wayhome.errors import InvalidInput
from wayhome.linking import live
from wayhome.linking.engine import link_records
from wayhome.linking.records import (
    PersonRecord,
    RejectedRecord,
    parse_date_of_birth,
    screen_features,
)


def test_partial_dates_keep_year_and_month() -> None:
    born = parse_date_of_birth("1998-03")
    assert (born.date, born.year_min, born.year_max, born.month) == (None, 1998, 1998, 3)
    assert parse_date_of_birth("03.1998").month == 3
    assert parse_date_of_birth("1998").month is None
    assert parse_date_of_birth("1998-03-07").month == 3


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2030-09-30", "birth year 2030 is out of range"),
        ("1998-13", "no month 13"),
        ("2026-12", "in the future"),
        ("2026-12-30", "in the future"),
    ],
)
def test_future_and_impossible_dates_are_refused(text: str, why: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date_of_birth(text, today=dt.date(2026, 11, 1))
    assert why in caught.value.detail


def test_screening_names_each_bad_record_and_keeps_the_rest() -> None:
    records = [
        PersonRecord("good-1", ("Ivan Petrov",), date_of_birth="1990-01-02"),
        PersonRecord("future", ("Oleg Popov",), date_of_birth="2030-09-30"),
        PersonRecord("empty", ("  ",)),
        PersonRecord("snowman", ("☃☃",)),
        PersonRecord("good-1", ("Ivan Petrov",)),
        PersonRecord("good-2", ("Иван Петров",), date_of_birth="1990-01"),
    ]
    features, kept, rejected = screen_features(records)
    assert [f.unique_id for f in features] == ["good-1", "good-2"]
    assert [r.record_id for r in kept] == ["good-1", "good-2"]
    assert {(r.record_id, r.location) for r in rejected} == {
        ("future", "date_of_birth"),
        ("empty", "empty.names"),
        ("snowman", "snowman.names[0]"),
        ("good-1", "record_id"),
    }
    assert features[1].birth_month == "1990-01" and features[1].dob is None


def test_link_records_links_the_rest_when_one_record_is_bad(
    caplog: pytest.LogCaptureFixture,
) -> None:
    people = [
        ("Иван Петров", "Ivan Petrov", "1990-01-02"),
        ("Ольга Смирнова", "Olga Smirnova", "1985-06-07"),
        ("Дмитрий Соколов", "Dmitri Sokolov", "1979-03-04"),
        ("Анна Козлова", "Anna Kozlova", "2001-11-12"),
    ]
    records = [
        PersonRecord(f"reg-{i}", (cyr,), date_of_birth=born, source="register")
        for i, (cyr, _, born) in enumerate(people)
    ] + [
        PersonRecord(f"rep-{i}", (lat,), date_of_birth=born, source="report")
        for i, (_, lat, born) in enumerate(people)
    ]
    records.append(
        PersonRecord("rep-bad", ("Vadim Prokhorov",), date_of_birth="2030-09-30", source="report")
    )
    rejected: list[RejectedRecord] = []
    with caplog.at_level(logging.WARNING, logger="wayhome.linking.engine"):
        _, pairs = link_records(
            records, link_type="link_only", threshold_probability=0.0, rejected=rejected
        )
    assert rejected == [
        RejectedRecord("rep-bad", "date_of_birth", "birth year 2030 is out of range")
    ]
    assert "rep-bad" in caplog.text
    assert pairs and all("rep-bad" not in (p.left_id, p.right_id) for p in pairs)


def test_live_matching_reports_a_record_it_cannot_read(caplog: pytest.LogCaptureFixture) -> None:
    record = PersonRecord("person:x-1", ("Elena Savchuk",), date_of_birth="2030-09-30")
    with caplog.at_level(logging.WARNING, logger="wayhome.linking.live"):
        assert live.features_or_none(record) is None
    assert live.QUARANTINE["person:x-1"] == ("date_of_birth", "birth year 2030 is out of range")
    assert "person:x-1" in caplog.text
