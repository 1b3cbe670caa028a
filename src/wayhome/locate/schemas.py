"""API shapes for locating: clues an investigator states, the answer, register imports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from wayhome.access.schemas import MarkingOut, Strict

CLUE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,79}$"


class StatedClue(Strict):
    """What every clue an investigator states carries: an id to toggle it by, a label."""

    id: str = Field(pattern=CLUE_ID, description="Unique within the request; used in 'disabled'.")
    label: str = Field("", max_length=200)
    error_rate: float | None = Field(None, ge=0.0, le=1.0)


class WithinIn(StatedClue):
    """Within `km` of a point or of a named place (a hard constraint)."""

    kind: Literal["within"]
    km: float = Field(gt=0, le=20_000)
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = Field(None, max_length=200)


class InRegionIn(StatedClue):
    """Inside a country (ISO code) or one of its regions ('RU.77') (a hard constraint)."""

    kind: Literal["in_region"]
    country: str = Field(min_length=2, max_length=2)
    region: str | None = Field(None, max_length=20)


class CircleIn(Strict):
    """A searched disc."""

    latitude: float
    longitude: float
    radius_km: float = Field(ge=0)


class ExcludedIn(StatedClue):
    """Places already searched (a hard constraint)."""

    kind: Literal["excluded"]
    geonameids: list[int] = Field(default_factory=list, max_length=10_000)
    place_names: list[str] = Field(default_factory=list, max_length=1_000)
    circles: list[CircleIn] = Field(default_factory=list, max_length=1_000)


class PlaceNameIn(StatedClue):
    """A place named outright."""

    kind: Literal["place_name"]
    name: str = Field(min_length=1, max_length=200)
    spread_km: float = Field(15.0, gt=0, le=1_000)


class TextIn(StatedClue):
    """A text whose place mentions hint at where its author lives."""

    kind: Literal["text"]
    text: str = Field(min_length=1, max_length=100_000)


class IpIn(StatedClue):
    """An IP address the persona used."""

    kind: Literal["ip"]
    ip: str = Field(min_length=2, max_length=64)
    vpn: bool = False
    proxy: bool = False
    tor: bool = False


class PhoneIn(StatedClue):
    """A phone number."""

    kind: Literal["phone"]
    number: str = Field(min_length=3, max_length=64)
    default_country: str | None = Field(None, min_length=2, max_length=2)


class SiteIn(Strict):
    """A known site: last seen, a sighting, a found item."""

    latitude: float
    longitude: float
    kind: str = Field("sighting", max_length=40)


class SitesIn(StatedClue):
    """Known sites, read by Rossmo's geographic profile."""

    kind: Literal["sites"]
    sites: list[SiteIn] = Field(min_length=1, max_length=1_000)
    buffer_km: float | None = Field(None, gt=0)


class PostingTimesIn(StatedClue):
    """When the persona posted; timestamps need a time zone."""

    kind: Literal["posting_times"]
    timestamps: list[datetime] = Field(min_length=1, max_length=100_000)


class SubscriberAddressIn(StatedClue):
    """An address an ISP gave for a subscriber."""

    kind: Literal["subscriber_address"]
    latitude: float
    longitude: float
    accuracy_km: float = Field(1.0, gt=0)


ClueIn = Annotated[
    WithinIn
    | InRegionIn
    | ExcludedIn
    | PlaceNameIn
    | TextIn
    | IpIn
    | PhoneIn
    | SitesIn
    | PostingTimesIn
    | SubscriberAddressIn,
    Field(discriminator="kind"),
]


class SuspectIn(Strict):
    """What the case says about the offender, to rank register persons as candidates."""

    age: float | None = Field(None, ge=0, le=120)
    age_spread: float = Field(5.0, gt=0, le=50)
    sex: Literal["M", "F"] | None = None
    identifiers: list[str] = Field(default_factory=list, max_length=100)


class LocateIn(Strict):
    """A locating request: extra clues, clue ids switched off, and optionally a suspect profile."""

    clues: list[ClueIn] = Field(default_factory=list, max_length=200)
    disabled: list[str] = Field(default_factory=list, max_length=1_000)
    suspect: SuspectIn | None = None
    top: int = Field(20, ge=1, le=200)
    grid: bool = Field(False, description="Include the posterior as a map heat layer.")
    cell_km: float = Field(10.0, ge=1.0, le=200.0)


class ClueOut(BaseModel):
    """One clue used (or switched off), where it came from, and what it did."""

    id: str
    label: str
    kind: str
    source: str
    agency: str | None
    enabled: bool
    hard: bool
    error_rate: float | None
    contribution: float | None = Field(
        None, description="Log-likelihood ratio at the top place against the average place."
    )
    notes: list[str] = Field(default_factory=list)


class PlaceOut(BaseModel):
    """A ranked place with each clue's contribution (by clue id)."""

    rank: int
    geonameid: int
    name: str
    local_name: str
    latitude: float
    longitude: float
    population: int
    country: str
    region: str
    probability: float
    contributions: dict[str, float]


class CoverageOut(BaseModel):
    """The fewest places holding a share of the probability."""

    level: float
    places: int
    area_km2: float
    population: int


class GridOut(BaseModel):
    """The posterior on a grid, row 0 southern, column 0 western."""

    bbox: list[float]
    rows: int
    cols: int
    unit: str
    values: list[float]


class CandidateOut(BaseModel):
    """A visible register person ranked as a candidate suspect, with reasons."""

    rank: int
    register_person_id: uuid.UUID
    full_name: str
    birth_date: date
    sex: str
    residence: str
    agency: str
    score: float
    place_probability: float
    reasons: list[str]


class RegisterHitOut(BaseModel):
    """Another agency holds register persons fitting the profile that the caller may not see."""

    agency_id: uuid.UUID
    agency_code: str
    agency_name: str
    country: str
    persons: int


class LocateOut(BaseModel):
    """Where the offender probably lives, why, and who in the registers fits."""

    case_id: uuid.UUID
    empty_reason: str | None
    places: list[PlaceOut]
    coverage: list[CoverageOut]
    clues: list[ClueOut]
    notes: list[str]
    grid: GridOut | None = None
    candidates: list[CandidateOut] | None = None
    register_hits: list[RegisterHitOut] | None = None


class RegisterImportOut(BaseModel):
    """The result of a register import."""

    import_id: uuid.UUID
    created: bool
    persons: int


class RegisterPersonOut(MarkingOut):
    """A register person."""

    id: uuid.UUID
    person_ref: str
    full_name: str
    birth_date: date
    sex: str
    residence: str
    geonameid: int | None
    latitude: float | None
    longitude: float | None
    identifiers: list[str]


class RegisterPersonList(BaseModel):
    """A page of register persons."""

    items: list[RegisterPersonOut]
    total: int
    limit: int
    offset: int
