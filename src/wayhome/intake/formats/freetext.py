"""Free text (chat logs, forum scrapes, officer notes) as one report, selectors extracted.

Personas: every handle the extractor is sure of — one written with a label (`user: x`,
`telegram: @x`) or as a profile URL (`t.me/x`), never a bare `@x` — names an account on a
known platform and becomes one persona of the report. Attribution: when the text names more
than one persona, a selector on the line of exactly one persona's handle (a scraped post,
`<time> | user: <handle> | <text>`) is attributed to it (`context` "posted by
<platform:handle>"), so a key in one user's post is not taken for another user's.
"""

from __future__ import annotations

from bisect import bisect_left

from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import decode_text
from wayhome.intake.parsed import ParsedItem, ParsedPersona, ParsedReport
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.types import Selector, SelectorType

FORMAT = "text"
POSTED_BY = "posted by "


def parse_text(
    data: bytes,
    *,
    region: str | None = None,
    title: str | None = None,
    forum_platform: str = "forum",
) -> list[ParsedReport]:
    """One report whose body is the text, whose items are the selectors found in it and whose
    personas are the accounts its labelled handles and profile URLs name."""
    text = decode_text(data)
    if "\x00" in text:
        raise InvalidInput(
            "text contains NUL characters (binary file?)",
            location=f"character {text.index(chr(0))}",
        )
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    report = ParsedReport(title=title or first_line[:120] or "Text", source=FORMAT, body=text)
    selectors = extract_selectors(text, region=region, forum_platform=forum_platform)
    report.personas = personas_of(selectors)
    breaks = [i for i, char in enumerate(text) if char == "\n"] if len(report.personas) > 1 else []
    authors = line_authors(breaks, selectors) if breaks else {}
    for selector in selectors:
        line = line_of(breaks, selector.start) if authors else None
        author = authors.get(line) if line is not None else None
        context = None
        if author is not None and selector.type is not SelectorType.HANDLE:
            context = POSTED_BY + author
        report.items.append(
            ParsedItem(selector=selector, origin=f"offset {selector.start}", context=context)
        )
    return [report]


def personas_of(selectors: list[Selector]) -> list[ParsedPersona]:
    """One persona per distinct handle selector (labelled or a profile URL), in text order."""
    out: dict[str, ParsedPersona] = {}
    for selector in selectors:
        if selector.type is SelectorType.HANDLE and selector.value not in out:
            platform, _, handle = selector.value.partition(":")
            out[selector.value] = ParsedPersona(
                platform=platform, handle=handle, handle_canonical=selector.value
            )
    return list(out.values())


def line_of(breaks: list[int], offset: int | None) -> int | None:
    """The 0-based line of a character offset, given the offsets of the text's line breaks."""
    return None if offset is None else bisect_left(breaks, offset)


def line_authors(breaks: list[int], selectors: list[Selector]) -> dict[int, str]:
    """Lines naming exactly one persona's handle, and that handle (the post's author)."""
    handles: dict[int, set[str]] = {}
    for selector in selectors:
        line = line_of(breaks, selector.start)
        if selector.type is SelectorType.HANDLE and line is not None:
            handles.setdefault(line, set()).add(selector.value)
    return {line: next(iter(found)) for line, found in handles.items() if len(found) == 1}
