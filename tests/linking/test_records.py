"""Bad person records are refused with the field named; good ones become features."""

from __future__ import annotations

import pytest

from wayhome.errors import InvalidInput
from wayhome.linking.records import PersonRecord, parse_date_of_birth, person_features


@pytest.mark.parametrize(
    ("text", "iso"),
    [("1998-03-07", "1998-03-07"), ("07.03.1998", "1998-03-07"), ("07/03/1998", "1998-03-07"),
     ("19980307", "1998-03-07")],
)  # fmt: skip
def test_dates_in_common_forms(text: str, iso: str) -> None:
    born = parse_date_of_birth(text)
    assert born.date is not None and born.date.isoformat() == iso


def test_bare_year() -> None:
    born = parse_date_of_birth("1998")
    assert born.date is None and born.year_min == born.year_max == 1998


@pytest.mark.parametrize("text", ["31/02/1998", "1998-02-30", "31.04.2001", "yesterday", "1850"])
def test_impossible_dates_name_the_field(text: str) -> None:
    record = PersonRecord("r1", ("Ivan Petrov",), date_of_birth=text)
    with pytest.raises(InvalidInput) as caught:
        person_features(record)
    assert caught.value.location == "date_of_birth"


def test_reversed_age_range() -> None:
    record = PersonRecord("r1", ("Ivan Petrov",), age_range=(30, 25), age_observed_on="2024-01-01")
    with pytest.raises(InvalidInput) as caught:
        person_features(record)
    assert caught.value.location == "age_range"


def test_age_range_needs_observation_date() -> None:
    record = PersonRecord("r1", ("Ivan Petrov",), age_range=(25, 30))
    with pytest.raises(InvalidInput) as caught:
        person_features(record)
    assert caught.value.location == "age_observed_on"


def test_age_range_becomes_birth_years() -> None:
    record = PersonRecord("r1", ("Ivan Petrov",), age_range=(25, 30), age_observed_on="2024-06-01")
    features = person_features(record)
    assert (features.birth_year_min, features.birth_year_max) == (1993, 1999)


@pytest.mark.parametrize("names", [(), ("",), ("   ",)])
def test_empty_names(names: tuple[str, ...]) -> None:
    with pytest.raises(InvalidInput) as caught:
        person_features(PersonRecord("r9", names))
    assert caught.value.location == "r9.names"


def test_name_without_transliteration_names_the_name() -> None:
    with pytest.raises(InvalidInput) as caught:
        person_features(PersonRecord("r9", ("Ivan Petrov", "☃☃")))
    assert caught.value.location == "r9.names[1]"


def test_unknown_sex_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        person_features(PersonRecord("r1", ("Ivan Petrov",), sex="q"))
    assert caught.value.location == "sex"


def test_features_normalise_values() -> None:
    features = person_features(
        PersonRecord(
            "r1",
            ("Дмитрий Сергеевич Соколов",),
            date_of_birth="07.03.1998",
            sex="М",
            nationalities=("ru",),
            places=("Москва",),
            identifiers=("4509 123-456",),
        )
    )
    assert features.dob == "1998-03-07"
    assert features.sex == "m"
    assert features.nationalities == ("RU",)
    assert features.places == ("moskva",)
    assert features.identifiers == ("4509123456",)
    assert features.patronymics
    assert "s|sokolov|1998" in features.blocking_keys
    row = features.as_row()
    assert row["selectors"] is None and row["identifier_text"] == "4509123456"
