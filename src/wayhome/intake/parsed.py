"""Plain records that every intake format parses into, before anything touches the database.

A submission is a list of reports; each report carries its text, times, source, marking,
the selectors found in it (with the text they came from), personas, persons, locations and
file hashes, plus `extra` for elements Wayhome does not model but keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from wayhome.access.markings import Marking, strictest_given
from wayhome.intake.selectors.types import Selector


@dataclass(slots=True)
class ParsedItem:
    """One selector from a report, with where in the input it came from and when it was seen.

    `origin` names the field, element path, object id or line the value was read from;
    `context` is a short label such as an IP capture event's name.
    """

    selector: Selector
    origin: str
    observed_at: datetime | None = None
    context: str | None = None


@dataclass(slots=True)
class ParsedPersona:
    """An online account named in a report: platform and handle, as written."""

    platform: str
    handle: str
    handle_canonical: str
    display_name: str | None = None
    profile_url: str | None = None
    role: str | None = None


@dataclass(slots=True)
class ParsedPlace:
    """A place tied to a person, as written: `kind` is `birth` or `residence`."""

    kind: str
    name: str
    country: str | None = None


@dataclass(slots=True)
class ParsedPerson:
    """A person named in a report: name (with its script), birth date, sex, nationalities.

    A partial birth date ("1988", "1988-07") is its first day with `birth_date_precision`
    `year` or `month`; `origin` names the element, object or line the person came from.
    """

    name: str
    script: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    nationalities: list[str] = field(default_factory=list)
    role: str | None = None
    birth_date_precision: str = "day"
    given_name: str | None = None
    family_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    places: list[ParsedPlace] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    origin: str = ""

    @property
    def birth_date(self) -> str | None:
        """The birth date as far as it is known: `1988`, `1988-07` or `1988-07-14`."""
        if self.date_of_birth is None:
            return None
        text = self.date_of_birth.isoformat()
        return {"year": text[:4], "month": text[:7]}.get(self.birth_date_precision, text)


@dataclass(slots=True)
class ParsedLocation:
    """A place in a report: coordinates and/or a place name, optionally a country."""

    latitude: float | None = None
    longitude: float | None = None
    place_name: str | None = None
    country: str | None = None
    observed_at: datetime | None = None
    kind: str = "reported"


@dataclass(slots=True)
class ParsedFileHash:
    """A file named in a report by its digest."""

    algorithm: str
    value: str
    file_name: str | None = None


@dataclass(slots=True)
class ParsedReport:
    """One report from a submission, all-or-nothing parsed."""

    title: str
    source: str
    body: str = ""
    received_at: datetime | None = None
    observed_at: datetime | None = None
    marking: Marking | None = None
    items: list[ParsedItem] = field(default_factory=list)
    personas: list[ParsedPersona] = field(default_factory=list)
    persons: list[ParsedPerson] = field(default_factory=list)
    locations: list[ParsedLocation] = field(default_factory=list)
    file_hashes: list[ParsedFileHash] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # Non-fatal notes about this report (a value kept as written, not as a selector).
    warnings: list[str] = field(default_factory=list)

    @property
    def selectors(self) -> list[Selector]:
        """The report's selectors, in input order."""
        return [item.selector for item in self.items]


@dataclass(slots=True)
class ParsedSubmission:
    """What one uploaded file holds: its format, its reports and any non-fatal notes."""

    format: str
    reports: list[ParsedReport]
    warnings: list[str] = field(default_factory=list)

    @property
    def marking(self) -> Marking | None:
        """The strictest marking any report carries."""
        return strictest_given([r.marking for r in self.reports])
