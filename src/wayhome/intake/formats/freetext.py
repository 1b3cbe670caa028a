"""Free text (chat logs, forum scrapes, officer notes) as one report, selectors extracted."""

from __future__ import annotations

from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import decode_text
from wayhome.intake.parsed import ParsedItem, ParsedReport
from wayhome.intake.selectors.extract import extract_selectors

FORMAT = "text"


def parse_text(
    data: bytes,
    *,
    region: str | None = None,
    title: str | None = None,
    forum_platform: str = "forum",
) -> list[ParsedReport]:
    """One report whose body is the text and whose items are the selectors found in it."""
    text = decode_text(data)
    if "\x00" in text:
        raise InvalidInput(
            "text contains NUL characters (binary file?)",
            location=f"character {text.index(chr(0))}",
        )
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    report = ParsedReport(title=title or first_line[:120] or "Text", source=FORMAT, body=text)
    for selector in extract_selectors(text, region=region, forum_platform=forum_platform):
        report.items.append(ParsedItem(selector=selector, origin=f"offset {selector.start}"))
    return [report]
