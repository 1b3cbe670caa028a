"""CSV hash list import and export."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wayhome.errors import InvalidInput
from wayhome.hashing.csvlist import CSV_COLUMNS, dumps_csv, parse_csv
from wayhome.hashing.records import HashRecord

MD5 = "0123456789abcdef0123456789abcdef"
PDQ = "0f" * 32


def test_round_trip() -> None:
    records = [
        HashRecord(
            md5=MD5,
            sha256="cd" * 32,
            pdq=PDQ,
            pdq_quality=70,
            photodna="opaque",
            category=1,
            victim_identified=True,
            offender_identified=False,
            series="Series, with comma",
            media_size=10,
            file_names=("dir/a b.jpg",),
        ),
        HashRecord(sha1="ab" * 20),
    ]
    text = dumps_csv(records)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert parse_csv(text) == records


def test_columns_may_be_a_subset_in_any_order_with_blank_lines() -> None:
    text = "\ufeffPDQ,md5\n" + f"{PDQ.upper()},{MD5}\n\n,{MD5}\n"
    records = parse_csv(text)
    assert records == [HashRecord(md5=MD5, pdq=PDQ), HashRecord(md5=MD5)]


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("", "line 1"),
        ("md5,colour\n", "line 1"),
        ("md5,md5\n", "line 1"),
        (f"md5,pdq\n{MD5},{PDQ}\n{MD5[:-1]},\n", "line 3, column md5"),
        (f"md5,pdq_quality\n{MD5},0\n", "line 2, column pdq_quality"),
        (f"md5,pdq_quality\n{MD5},101\n", "line 2, column pdq_quality"),
        (f"md5,category\n{MD5},7\n", "line 2, column category"),
        (f"md5,victim_identified\n{MD5},perhaps\n", "line 2, column victim_identified"),
        (f"md5,media_size\n{MD5},-3\n", "line 2, column media_size"),
        (f"md5,series\n{MD5}\n", "line 2"),
        ("md5,series\n,S\n", "line 2"),
        # A bare carriage return inside an unquoted cell (csv.Error, once a 500; Schemathesis).
        (f"md5\n{MD5}\r,x\n", "line 2"),
        ("md5\r,x\n", "line 1"),
    ],
)
def test_errors_name_the_line_and_column(text: str, location: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_csv(text)
    assert caught.value.location == location


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet='md5,sha1pdq_quality0123456789abcdef\n\r"', max_size=200))
def test_any_text_parses_or_is_refused_with_invalid_input(text: str) -> None:
    try:
        parse_csv(text)
    except InvalidInput as error:
        assert error.location is not None and error.location.startswith("line ")
