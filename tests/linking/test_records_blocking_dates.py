"""A date of birth written month-first still shares a blocking key with its record (issue 4)."""

from __future__ import annotations

from wayhome.linking.records import PersonRecord, person_features


def _keys(name: str, dob: str) -> set[str]:
    return set(person_features(PersonRecord("r", (name,), date_of_birth=dob)).blocking_keys)


def test_day_and_month_swapped_share_a_date_key() -> None:
    # From the cross-script bench: typos in both names, so no name key meets; only the date can.
    left = _keys("Papadaiks, Pavlos", "1987-04-01")
    right = _keys("Pavsos Papadakis", "1987-01-04")
    shared = left & right
    assert any(k.startswith("d|1987|") for k in shared), shared


def test_the_date_key_still_needs_the_same_year_and_a_shared_initial() -> None:
    assert not {
        k
        for k in _keys("Ivan Petrov", "1987-04-01") & _keys("Ivan Petrov", "1988-01-04")
        if k.startswith("d|")
    }
    assert not {
        k
        for k in _keys("Ivan Petrov", "1987-04-01") & _keys("Oleg Sokolov", "1987-04-01")
        if k.startswith("d|")
    }
