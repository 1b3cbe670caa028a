"""Damaged files only ever raise `InvalidInput`: byte edits and JSON values of the wrong type."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.intake.samples_path import sample
from wayhome.errors import InvalidInput
from wayhome.intake.formats.submission import parse_submission

_FORMATS = {
    "chat_log.txt": "text",
    "selectors.csv": "csv",
    "cybertip_report.xml": "cybertip",
    "misp_event.json": "misp",
    "stix_bundle.json": "stix",
}
_EDITS = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=1, exclude_max=True),
        st.sampled_from(["replace", "delete", "insert"]),
        st.binary(min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=4,
)
_WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _parse_or_refuse(data: bytes, fmt: str) -> None:
    try:
        submission = parse_submission(data, format=fmt, region="GB")
    except InvalidInput as refused:
        assert refused.detail
        return
    assert submission.format == fmt


@pytest.mark.parametrize("name", list(_FORMATS))
@settings(max_examples=120, deadline=None)
@given(edits=_EDITS)
def test_byte_edits(name: str, edits: list[tuple[float, str, bytes]]) -> None:
    data = bytearray(sample(name))
    for where, kind, chunk in edits:
        pos = int(where * len(data))
        if kind == "replace":
            data[pos : pos + len(chunk)] = chunk
        elif kind == "delete":
            del data[pos : pos + len(chunk)]
        else:
            data[pos:pos] = chunk
    _parse_or_refuse(bytes(data), _FORMATS[name])


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@pytest.mark.parametrize("name", ["misp_event.json", "stix_bundle.json"])
@settings(max_examples=150, deadline=None)
@given(choices=st.lists(st.tuples(st.integers(min_value=0), _WEIRD), min_size=1, max_size=3))
def test_json_values_of_the_wrong_type(name: str, choices: list[tuple[int, Any]]) -> None:
    document = json.loads(sample(name))
    paths = [p for p in _paths(document) if p]
    for index, value in choices:
        path = paths[index % len(paths)]
        node = document
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    _parse_or_refuse(json.dumps(document).encode(), _FORMATS[name])
