"""Guessing a submitted file's format from its first bytes and its name."""

from __future__ import annotations

import re

_STIX = re.compile(rb'"type"\s*:\s*"bundle"')
_MISP = re.compile(rb'"(?:Event|Attribute|Object)"\s*:|"response"\s*:')
_CYBERTIP = re.compile(rb"<(?:\w+:)?(?:incidentSummary|reportedInformation|personOrUserReported)\b")
_CSV_HEADER = re.compile(rb"^\s*[\w ,\"]*\btype\b[\w ,\"]*\bvalue\b", re.IGNORECASE)
# A person list's header (formats/csvpersons.py): comma-separated column names, among them a
# name column and `birth_date` or `sex`.
_PERSON_CSV_HEADER = re.compile(
    rb"^(?=.*\b(?:name|given_name|surname)\b)(?=.*\b(?:birth_date|sex)\b)"
    rb'"?\w+"?(?:\s*,\s*"?\w+"?)+\s*$',
    re.IGNORECASE,
)
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|div|p|table)\b", re.IGNORECASE)
_SNIFF = 65536

FORMATS = ("stix", "misp", "cybertip", "csv", "text")


def detect_format(data: bytes, filename: str | None = None) -> str:
    """One of `stix`, `misp`, `cybertip`, `csv`, `text`, judged from content, then name."""
    head = data[:_SNIFF]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            head = b""
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    name = (filename or "").lower()
    if head.startswith((b"{", b"[")):
        if _STIX.search(head):
            return "stix"
        if _MISP.search(head):
            return "misp"
        return "stix" if name.endswith(".stix") or "stix" in name else "misp"
    if head.startswith(b"<"):
        # A saved web page (a forum scrape) is text to extract from, not a tipline report.
        if _HTML.match(head) and not _CYBERTIP.search(head):
            return "text"
        return "cybertip"
    first_line = head.split(b"\n", 1)[0]
    if name.endswith(".csv") or _CSV_HEADER.match(first_line):
        return "csv"
    if _PERSON_CSV_HEADER.match(first_line.strip()):
        return "csv"
    if name.endswith(".xml") and _CYBERTIP.search(head):
        return "cybertip"
    return "text"
