"""Format detection and the single entry point for uploads: size, emptiness, wrong format."""

from __future__ import annotations

import pytest

from tests.intake.samples_path import sample
from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import InputTooLarge
from wayhome.intake.formats.detect import detect_format
from wayhome.intake.formats.submission import parse_submission


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("chat_log.txt", "text"),
        ("selectors.csv", "csv"),
        ("cybertip_report.xml", "cybertip"),
        ("misp_event.json", "misp"),
        ("stix_bundle.json", "stix"),
    ],
)
def test_detect_from_content_alone(name: str, expected: str) -> None:
    assert detect_format(sample(name)) == expected
    assert detect_format(sample(name), "upload.bin") == expected
    submission = parse_submission(sample(name), filename=name, region="GB")
    assert submission.format == expected
    assert submission.reports and all(r.items for r in submission.reports)


def test_detect_uses_the_name_when_content_is_ambiguous() -> None:
    assert detect_format(b"value;kind\n1;2\n", "list.csv") == "csv"
    assert detect_format(b"type,value\nemail,a@example.org\n") == "csv"
    assert detect_format('\ufeff{"type": "bundle"}'.encode()) == "stix"
    assert detect_format('{"type": "bundle"}'.encode("utf-16")) == "stix"


def test_size_limit() -> None:
    with pytest.raises(InputTooLarge) as big:
        parse_submission(b"x" * 101, max_bytes=100)
    assert isinstance(big.value, InvalidInput)
    assert big.value.status == 413
    assert big.value.location == "byte 100"


def test_empty_file() -> None:
    with pytest.raises(InvalidInput):
        parse_submission(b"  \n ")


def test_wrong_forced_format_and_unknown_format() -> None:
    with pytest.raises(InvalidInput):
        parse_submission(sample("cybertip_report.xml"), format="stix")
    with pytest.raises(InvalidInput):
        parse_submission(sample("stix_bundle.json"), format="cybertip")
    with pytest.raises(InvalidInput) as unknown:
        parse_submission(b"abc", format="docx")
    assert unknown.value.location == "format"


@pytest.mark.parametrize("name", ["misp_event.json", "stix_bundle.json", "cybertip_report.xml"])
def test_truncated_files_are_refused_with_a_location(name: str) -> None:
    data = sample(name)
    with pytest.raises(InvalidInput) as truncated:
        parse_submission(data[: len(data) // 2], filename=name)
    assert truncated.value.location is not None


def test_notes_name_what_was_kept_without_being_understood() -> None:
    stix = parse_submission(sample("stix_bundle.json"))
    assert stix.warnings == [
        "report 1: 1 STIX address range(s), kept in extra (ranges are not selectors)"
    ]
    misp = parse_submission(sample("misp_event.json"))
    assert any("MISP attribute(s)" in note for note in misp.warnings)
    tip = parse_submission(sample("cybertip_report.xml"))
    assert any("report/customVendorBlock/ticket" in note for note in tip.warnings)
    assert parse_submission(sample("chat_log.txt")).warnings == []
