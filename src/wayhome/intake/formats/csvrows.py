"""What both CSV layouts (selectors and persons) read the same way: rows checked against the
header, one report per `report` value, and each report's marking the strictest of its rows'."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from wayhome.access.markings import Marking, strictest_given
from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import marking_from_tlp
from wayhome.intake.parsed import ParsedReport


class Rows(Protocol):
    """A `csv.reader` past its header: rows, and the line the last one ended on."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...


def records(rows: Rows, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-blank row as {column: stripped cell} with its line; a row whose field count
    differs from the header's is refused naming its line."""
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise InvalidInput(
                f"row has {len(row)} fields, the header has {len(columns)}",
                location=f"line {line}",
            )
        yield line, dict(zip(columns, (cell.strip() for cell in row), strict=True))


@dataclass
class CsvReports:
    """The reports a CSV file's rows go into, by their `report` value (else `default_title`)."""

    source: str
    default_title: str
    reports: dict[str, ParsedReport] = field(default_factory=dict)
    markings: dict[str, list[Marking | None]] = field(default_factory=dict)

    def report_of(self, record: dict[str, str], line: int) -> ParsedReport:
        """The row's report, its `marking` cell (a TLP name) counted; a bad one names the line."""
        title = record.get("report") or self.default_title
        report = self.reports.setdefault(title, ParsedReport(title=title, source=self.source))
        text = record.get("marking")
        marking = marking_from_tlp(text) if text else None
        if text and marking is None:
            raise InvalidInput(f"unknown marking {text!r}", location=f"line {line}, column marking")
        self.markings.setdefault(title, []).append(marking)
        return report

    def finish(self) -> list[ParsedReport]:
        """The reports, each marked with the strictest of its rows' markings; none is an error."""
        if not self.reports:
            raise InvalidInput("CSV file has a header but no rows", location="line 2")
        for title, report in self.reports.items():
            report.marking = strictest_given(self.markings[title])
        return list(self.reports.values())
