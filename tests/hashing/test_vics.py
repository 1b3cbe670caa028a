"""VICS 2.0 JSON import and export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wayhome.errors import InvalidInput
from wayhome.hashing.records import AlternativeHash, HashRecord
from wayhome.hashing.vics import VICS_CONTEXT, dumps_vics, export_vics, parse_vics

MD5 = "0123456789abcdef0123456789abcdef"
SHA1 = "0123456789abcdef0123456789abcdef01234567"
SHA256 = "ab" * 32
PDQ = "f0" * 32
PHOTODNA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" * 4


def document(*values: dict[str, Any]) -> dict[str, Any]:
    return {"@odata.context": VICS_CONTEXT, "value": list(values)}


def full_entry() -> dict[str, Any]:
    return {
        "MediaID": 12,
        "Category": 1,
        "MD5": MD5.upper(),
        "SHA1": SHA1,
        "VictimIdentified": "true",
        "OffenderIdentified": False,
        "IsDistributed": "False",
        "Series": "Series A",
        "MediaSize": 2048,
        "Tags": ["ignored"],
        "AlternativeHashes": [
            {"HashName": "PhotoDNA", "HashValue": PHOTODNA},
            {"HashName": "PDQ", "HashValue": f"{PDQ},87"},
            {"HashName": "SHA256", "HashValue": SHA256},
            {"HashName": "F1", "HashValue": "opaque-value"},
        ],
        "MediaFiles": [{"FileName": "a.jpg", "FilePath": "x"}, {"FileName": "b.jpg"}],
    }


def test_a_full_record_is_parsed() -> None:
    [record] = parse_vics(json.dumps(document(full_entry())))
    assert record.md5 == MD5
    assert record.sha1 == SHA1
    assert record.sha256 == SHA256
    assert record.pdq == PDQ
    assert record.pdq_quality == 87
    assert record.photodna == PHOTODNA
    assert record.category == 1
    assert record.victim_identified is True
    assert record.offender_identified is False
    assert record.is_distributed is False
    assert record.series == "Series A"
    assert record.media_size == 2048
    assert record.file_names == ("a.jpg", "b.jpg")
    assert record.other_hashes == (AlternativeHash("F1", "opaque-value"),)


def test_export_then_import_gives_the_same_records() -> None:
    records = [
        HashRecord(
            md5=MD5,
            sha1=SHA1,
            sha256=SHA256,
            pdq=PDQ,
            pdq_quality=90,
            photodna=PHOTODNA,
            category=2,
            victim_identified=False,
            offender_identified=True,
            is_distributed=None,
            series="S",
            media_size=5,
            file_names=("one.png",),
            other_hashes=(AlternativeHash("F1", "v"),),
        ),
        HashRecord(md5=MD5),
    ]
    exported = export_vics(records)
    assert exported["@odata.context"].endswith("#Media")
    assert [entry["MediaID"] for entry in exported["value"]] == [1, 2]
    assert exported["value"][1]["Category"] == 0
    again = parse_vics(dumps_vics(records))
    assert again[0] == records[0]
    assert again[1] == HashRecord(md5=MD5, category=0)


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"MD5": "abc"}, "value[1].MD5"),
        ({"SHA1": "z" * 40}, "value[1].SHA1"),
        ({"Category": 9}, "value[1].Category"),
        ({"Category": "one"}, "value[1].Category"),
        ({"VictimIdentified": "maybe"}, "value[1].VictimIdentified"),
        ({"IsDistributed": 3}, "value[1].IsDistributed"),
        ({"Series": 5}, "value[1].Series"),
        ({"MediaSize": -1}, "value[1].MediaSize"),
        (
            {"AlternativeHashes": [{"HashName": "PDQ", "HashValue": PDQ, "Quality": 0}]},
            "value[1].AlternativeHashes[0].Quality",
        ),
        (
            {"AlternativeHashes": [{"HashName": "PDQ", "HashValue": PDQ[:-2]}]},
            "value[1].AlternativeHashes[0].HashValue",
        ),
        (
            {"AlternativeHashes": [{"HashName": "", "HashValue": "x"}]},
            "value[1].AlternativeHashes[0].HashName",
        ),
        (
            {
                "AlternativeHashes": [
                    {"HashName": "PhotoDNA", "HashValue": "a"},
                    {"HashName": "photodna", "HashValue": "b"},
                ]
            },
            "value[1].AlternativeHashes[1]",
        ),
        ({"MediaFiles": "a.jpg"}, "value[1].MediaFiles"),
    ],
)
def test_bad_values_name_the_record_and_field(change: dict[str, Any], location: str) -> None:
    bad = {**full_entry(), **change}
    with pytest.raises(InvalidInput) as caught:
        parse_vics(document(full_entry(), bad))
    assert caught.value.location == location


def test_a_record_without_any_hash_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_vics(document({"Category": 1, "MD5": None}))
    assert caught.value.location == "value[0]"


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("not json", "document"),
        ("[]", "document"),
        (json.dumps({"value": []}), "@odata.context"),
        (json.dumps({"@odata.context": "x#Case", "value": []}), "@odata.context"),
        (json.dumps({"@odata.context": VICS_CONTEXT, "value": {}}), "value"),
        (json.dumps({"@odata.context": VICS_CONTEXT, "value": [3]}), "value[0]"),
    ],
)
def test_malformed_documents_are_refused(text: str, location: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_vics(text)
    assert caught.value.location == location


def test_national_categories_can_be_allowed() -> None:
    entry = {**full_entry(), "Category": 4}
    with pytest.raises(InvalidInput):
        parse_vics(document(entry))
    [record] = parse_vics(document(entry), extra_categories=frozenset({4}))
    assert record.category == 4


def test_pdq_quality_may_come_as_a_field_and_is_optional() -> None:
    with_quality = {
        "MD5": MD5,
        "AlternativeHashes": [{"HashName": "pdq", "HashValue": PDQ.upper(), "Quality": 55}],
    }
    without = {"AlternativeHashes": [{"HashName": "PDQ", "HashValue": PDQ}]}
    first, second = parse_vics(document(with_quality, without))
    assert (first.pdq, first.pdq_quality) == (PDQ, 55)
    assert (second.pdq, second.pdq_quality) == (PDQ, None)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=70),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=5)
    ),
    max_leaves=20,
)
entry_keys = st.sampled_from(
    [
        "MD5",
        "SHA1",
        "Category",
        "VictimIdentified",
        "Series",
        "MediaSize",
        "AlternativeHashes",
        "MediaFiles",
        "IsDistributed",
        "HashName",
        "HashValue",
        "Quality",
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.dictionaries(entry_keys, json_values, max_size=6), max_size=4))
def test_any_document_parses_or_is_refused_with_invalid_input(values: list[dict[str, Any]]) -> None:
    try:
        records = parse_vics(document(*values))
    except InvalidInput as error:
        assert error.location is not None and error.location.startswith("value[")
    else:
        assert len(records) == len(values)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_is_refused_with_invalid_input(text: str) -> None:
    try:
        records = parse_vics(text)
    except InvalidInput as error:
        assert error.location is not None
    else:
        assert isinstance(records, list)
