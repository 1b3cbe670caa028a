"""The times of posts in a text (a forum scrape, a chat log, a CSV): when its author was awake.

Only times that say their zone are read: ISO 8601 with `Z` or an offset, and the common forum
forms `2026-08-03 21:22 +0300`, `03.08.2026 21:22 (UTC+3)`, `… GMT+3`, `… UTC`. A time without
a zone could be any hour of the day where its author lives, so it is counted and skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

_DATE = (
    r"(?:(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4}))"
)
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
# A zone: Z, UTC or GMT (maybe with an offset), or a numeric offset right after the time.
_ZONE = (
    r"(?:\s?\(?\s?(?:(?P<named>UTC|GMT)\s?(?:(?P<nsign>[+\-−])(?P<nh>\d{1,2})(?::?(?P<nm>\d{2}))?)?"
    r"|(?P<sign>[+\-−])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?)\)?|(?P<z>Z))"
)
_STAMP = re.compile(
    rf"(?<!\d){_DATE}(?:[T ]|,\s?|\s+)(?:в\s|at\s)?{_TIME}(?!\d)(?:{_ZONE}(?![\d:]))?",
    re.IGNORECASE,
)
# Who wrote a post, where a scrape says it on the post's line: `user: name`, `author: name`.
_AUTHOR = re.compile(
    r"(?:user|author|from|posted by|от|автор|пользователь)\s*:?\s*@?([^\s|,;]+)", re.IGNORECASE
)
_LONGEST_OFFSET = timedelta(hours=14)


@dataclass(frozen=True)
class PostTimes:
    """The zoned post times found in a text, and what was left out and why."""

    moments: list[datetime]
    without_zone: int = 0
    author: str | None = None
    other_authors: list[str] = field(default_factory=list)
    left_out: int = 0

    def notes(self) -> list[str]:
        """Say what was left out, in an investigator's words."""
        said = []
        if self.without_zone:
            said.append(f"{self.without_zone} time(s) without a time zone skipped")
        if self.author is not None and self.other_authors:
            said.append(
                f"only the posts of {self.author}, the most frequent author; "
                f"{self.left_out} post(s) of {', '.join(self.other_authors)} left out"
            )
        return said


def _offset(match: re.Match[str]) -> timedelta | None:
    """The UTC offset a stamp states, or None when it states none."""
    if match.group("z"):
        return timedelta(0)
    if match.group("named"):
        if not match.group("nsign"):
            return timedelta(0)
        sign, hours, minutes = match.group("nsign"), match.group("nh"), match.group("nm")
    elif match.group("sign"):
        sign, hours, minutes = match.group("sign"), match.group("oh"), match.group("om")
    else:
        return None
    size = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return -size if sign in "-−" else size


def _moment(match: re.Match[str]) -> datetime | None:
    """The aware moment of a stamp, None when it has no zone; ValueError when it is no date."""
    offset = _offset(match)
    if offset is None:
        return None
    if abs(offset) > _LONGEST_OFFSET:
        raise ValueError("no such offset")
    year = int(match.group("y") or match.group("y2"))
    month = int(match.group("m") or match.group("m2"))
    day = int(match.group("d") or match.group("d2"))
    local = datetime(
        year,
        month,
        day,
        int(match.group("H")),
        int(match.group("M")),
        int(match.group("S") or 0),
        tzinfo=timezone(offset),
    )
    return local.astimezone(UTC)


def post_times(text: str) -> PostTimes:
    """Return the zoned times of the posts in a text, one per distinct moment.

    When the lines carrying times name authors (`… | user: name | …`), only the most frequent
    author's posts are kept: a scrape of a persona's board holds other users' posts too.
    """
    found: list[tuple[datetime, str | None]] = []
    without_zone = 0
    for match in _STAMP.finditer(text):
        try:
            moment = _moment(match)
        except ValueError:
            continue  # 31.02.2026, 25:61: a number that only looks like a time
        if moment is None:
            without_zone += 1
            continue
        line_end = text.find("\n", match.end())
        rest = text[match.end() : line_end if line_end >= 0 else len(text)]
        author = _AUTHOR.search(rest)
        found.append((moment, author.group(1).lower() if author else None))
    authors = Counter(author for _, author in found if author is not None)
    chosen = authors.most_common(1)[0][0] if authors else None
    if chosen is not None and len(authors) > 1:
        kept = [moment for moment, author in found if author in (chosen, None)]
        others = sorted(author for author in authors if author != chosen)
        left_out = len(found) - len(kept)
    else:
        kept, others, left_out = [moment for moment, _ in found], [], 0
    return PostTimes(
        moments=sorted(set(kept)),
        without_zone=without_zone,
        author=chosen,
        other_authors=others,
        left_out=left_out,
    )
