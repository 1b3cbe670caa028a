"""API shapes for locating: clues an investigator states, the answer, register imports."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from wayhome.access.schemas import MarkingOut, Strict

# The stated clues' shapes live with the clue file's reader (stated.py), which the CLI loads
# without the database layer; the API names them from here.
from wayhome.locate.stated import CLUE_ID as CLUE_ID
from wayhome.locate.stated import CircleIn as CircleIn
from wayhome.locate.stated import ClueIn as ClueIn
from wayhome.locate.stated import ExcludedIn as ExcludedIn
from wayhome.locate.stated import InRegionIn as InRegionIn
from wayhome.locate.stated import IpIn as IpIn
from wayhome.locate.stated import PhoneIn as PhoneIn
from wayhome.locate.stated import PlaceNameIn as PlaceNameIn
from wayhome.locate.stated import PostingTimesIn as PostingTimesIn
from wayhome.locate.stated import SiteIn as SiteIn
from wayhome.locate.stated import SitesIn as SitesIn
from wayhome.locate.stated import StatedClue as StatedClue
from wayhome.locate.stated import SubscriberAddressIn as SubscriberAddressIn
from wayhome.locate.stated import TextIn as TextIn
from wayhome.locate.stated import WithinIn as WithinIn


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
