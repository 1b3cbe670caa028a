"""Persona evidence: selectors, handles, posting times, writing style and co-occurrence."""

from __future__ import annotations

import random

import pytest

from wayhome.errors import InvalidInput
from wayhome.linking.persona import (
    Selector,
    co_occurrence,
    handle_similarity,
    hour_of_week_profile,
    jensen_shannon,
    posting_time_similarity,
    rank_by_style,
    shared_selectors,
    style_profile,
    stylometry,
)


def test_same_pgp_key_written_differently_is_strong() -> None:
    left = [Selector("pgp", "0x1A2B 3C4D 5E6F 7081 92A3 B4C5 D6E7 F809 1A2B 3C4D")]
    right = [Selector("PGP", "f8091a2b3c4d")]
    assert shared_selectors(left, right).score == 0.0  # a short id is not the long key id
    right = [Selector("PGP", "d6e7f8091a2b3c4d")]
    found = shared_selectors(left, right)
    assert found.score == 1.0 and "pgp" in found.explanation


def test_email_case_and_phone_punctuation() -> None:
    assert (
        shared_selectors(
            [Selector("email", "D1m@Mail.example")], [Selector("email", "d1m@mail.example")]
        ).score
        == 1.0
    )
    assert (
        shared_selectors(
            [Selector("phone", "+7 (912) 555-01-02")], [Selector("phone", "79125550102")]
        ).score
        == 1.0
    )


def test_weak_selector_and_none() -> None:
    assert shared_selectors([Selector("forum", "x1")], [Selector("forum", "X1")]).score == 0.3
    assert shared_selectors([Selector("email", "a@b.c")], [Selector("email", "d@e.f")]).score == 0.0


def test_selector_needs_kind_and_value() -> None:
    with pytest.raises(InvalidInput):
        shared_selectors([Selector("", "x")], [])


@pytest.mark.parametrize(
    ("left", "right"),
    [("d1m_s0k", "dim_sok"), ("d1m_s0k", "dimsok"), ("@dim.sok_official", "DimSok1998"),
     ("xx_d1msok_xx", "dimsok")],
)  # fmt: skip
def test_leetspeak_handles_meet(left: str, right: str) -> None:
    assert handle_similarity(left, right).score >= 0.95


def test_unrelated_handles_differ() -> None:
    assert handle_similarity("d1m_s0k", "vasya_pupkin").score < 0.6
    assert handle_similarity("dimsok", "dimsok").score == 1.0


def test_empty_handle_refused() -> None:
    with pytest.raises(InvalidInput):
        handle_similarity("  ", "x")


def _night_owl(rng: random.Random, n: int) -> list[int]:
    return [
        day * 24 + rng.choice([22, 23, 0, 1]) % 24 for day in (rng.randrange(7) for _ in range(n))
    ]


def _office(rng: random.Random, n: int) -> list[int]:
    return [day * 24 + rng.randrange(9, 17) for day in (rng.randrange(5) for _ in range(n))]


def test_posting_times_same_habit_beats_different_habit() -> None:
    rng = random.Random(4)
    a, b, c = _night_owl(rng, 200), _night_owl(rng, 200), _office(rng, 200)
    same = posting_time_similarity(a, b).score
    different = posting_time_similarity(a, c).score
    assert same > 0.7 > different


def test_posting_times_need_enough_posts() -> None:
    found = posting_time_similarity([1, 2], [1, 2])
    assert found.score == 0.6 and "too few" in found.explanation


def test_posting_hour_out_of_range() -> None:
    with pytest.raises(InvalidInput):
        hour_of_week_profile([168])


def test_jensen_shannon_bounds() -> None:
    p = hour_of_week_profile([1] * 50, smoothing=0.0)
    q = hour_of_week_profile([2] * 50, smoothing=0.0)
    assert jensen_shannon(p, p) == pytest.approx(0.0)
    assert jensen_shannon(p, q) == pytest.approx(1.0)


def test_stylometry_ranks_the_author_first() -> None:
    authors = {
        "a": ["ну короче, я думаю что это норм)) ну короче да", "короче норм)) ну да"],
        "b": ["Dear sir, I kindly request the document. Regards.", "Kindly confirm. Regards."],
        "c": ["lol omg thats sooo cool!!! lol", "omg lol!!! sooo"],
    }
    profiles = {name: style_profile(texts) for name, texts in authors.items()}
    query = style_profile(["короче, это норм)) ну да"])
    assert rank_by_style(query, profiles)[0][0] == "a"
    assert (
        stylometry(authors["c"], ["omg lol sooo cool!!!"]).score
        > stylometry(authors["b"], ["omg lol sooo cool!!!"]).score
    )


def test_style_profile_needs_text() -> None:
    with pytest.raises(InvalidInput):
        style_profile([])


def test_co_occurrence() -> None:
    assert co_occurrence({"t1", "t2", "t3"}, {"t2", "t3", "t4", "t1"}).score == 1.0
    assert co_occurrence({"t1"}, {"t1", "t9"}).score == pytest.approx(1 / 3, abs=1e-3)
    assert co_occurrence({"t1"}, {"t2"}).score == 0.0
