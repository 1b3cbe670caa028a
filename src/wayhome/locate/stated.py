"""Clues an investigator states — in a request to the API or in a clue file for `wayhome locate
--clues` — read into the library's clues, checked, and located without a case or a database.

The API's stated clues and the clue file share these shapes, so what one accepts the other
does; docs/locate-clues.md documents them. Nothing here touches the database: the CLI answers
a "what if" from a clue file in about a second.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from wayhome.errors import InvalidInput
from wayhome.locate import clues as lc
from wayhome.locate.fusion import LocateConfig, LocateResult, locate, result_as_json
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.ipdata import PackagedCountryDatabase
from wayhome.locate.mentions import find_mentions
from wayhome.locate.phones import parse_number

CLUE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,79}$"
COUNTRY = r"^[A-Za-z]{2}$"

_ip_database = PackagedCountryDatabase()


class _Strict(BaseModel):
    """Unknown fields are refused, so a typo is reported rather than ignored (as
    access.schemas.Strict, which this module does not import: it loads the database models)."""

    model_config = ConfigDict(extra="forbid")


class StatedClue(_Strict):
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
    country: str = Field(pattern=COUNTRY)
    region: str | None = Field(None, max_length=20)


class CircleIn(_Strict):
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
    """A place named outright, in any script or Russian case, with or without its preposition."""

    kind: Literal["place_name"]
    name: str = Field(min_length=1, max_length=200)
    spread_km: float = Field(15.0, gt=0, le=1_000)


class TextIn(StatedClue):
    """A text whose place mentions hint at where its author lives."""

    kind: Literal["text"]
    text: str = Field(min_length=1, max_length=100_000)


class IpIn(StatedClue):
    """An IP address the persona used, or only the country it was located in (a capture that
    kept no address); proxy, VPN and Tor make it weak."""

    kind: Literal["ip"]
    ip: str | None = Field(
        None,
        min_length=2,
        max_length=64,
        description="The address; a country code alone here ('RU') is read as `country`.",
    )
    country: str | None = Field(
        None, pattern=COUNTRY, description="Where the address was located; needed without 'ip'."
    )
    latitude: float | None = Field(None, description="A city database's point, with longitude.")
    longitude: float | None = None
    accuracy_km: float = Field(50.0, gt=0, le=20_000)
    vpn: bool = False
    proxy: bool = False
    tor: bool = False


class PhoneIn(StatedClue):
    """A phone number; one written without its country code needs `default_country`."""

    kind: Literal["phone"]
    number: str = Field(min_length=3, max_length=64)
    default_country: str | None = Field(None, pattern=COUNTRY)


class SiteIn(_Strict):
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
_CLUE = TypeAdapter(ClueIn)


@dataclass
class CaseClue:
    """A clue with its id, where it came from, and whether the caller switched it off."""

    id: str
    label: str
    kind: str
    source: str
    agency: str | None
    clue: lc.Clue | None
    enabled: bool = True
    notes: list[str] = field(default_factory=list)


def library_clue(clue: ClueIn, *, default_country: str | None = None) -> lc.Clue:
    """Turn a stated clue into the library's clue; `default_country` is where a phone number
    written without its country code is dialled, unless the clue says."""
    made = _library_clue(clue, default_country)
    if clue.error_rate is None:
        return made
    return dataclasses.replace(made, error_rate=clue.error_rate)


def _library_clue(clue: ClueIn, default_country: str | None) -> lc.Clue:
    """The library's clue for a stated one, with the kind's default error rate."""
    label = clue.id
    match clue:
        case WithinIn():
            return lc.WithinClue(
                label=label,
                km=clue.km,
                latitude=clue.latitude,
                longitude=clue.longitude,
                place=clue.place,
            )
        case InRegionIn():
            return lc.InRegionClue(label=label, country=clue.country.upper(), region=clue.region)
        case ExcludedIn():
            return lc.ExcludedClue(
                label=label,
                geonameids=tuple(clue.geonameids),
                place_names=tuple(clue.place_names),
                circles=tuple(
                    lc.Circle(c.latitude, c.longitude, c.radius_km) for c in clue.circles
                ),
            )
        case PlaceNameIn():
            return lc.PlaceNameClue(label=label, name=clue.name, spread_km=clue.spread_km)
        case TextIn():
            return lc.TextClue(label=label, text=clue.text)
        case IpIn():
            return _ip_clue(clue)
        case PhoneIn():
            return lc.PhoneClue(
                label=label,
                number=clue.number,
                default_country=clue.default_country or default_country,
            )
        case SitesIn():
            return lc.KnownSitesClue(
                label=label,
                sites=[lc.Site(s.latitude, s.longitude, s.kind) for s in clue.sites],
                buffer_km=clue.buffer_km,
            )
        case PostingTimesIn():
            return lc.PostingTimesClue(label=label, timestamps=clue.timestamps)
        case SubscriberAddressIn():
            return lc.SubscriberAddressClue(
                label=label,
                latitude=clue.latitude,
                longitude=clue.longitude,
                accuracy_km=clue.accuracy_km,
            )
    raise InvalidInput(f"unknown clue kind {clue.kind!r}", location=clue.id)


def _ip_clue(clue: IpIn) -> lc.IpClue:
    """An IP clue from an address, a country, or both (the stated country wins the table's)."""
    if clue.ip is not None and clue.country is None and len(clue.ip.strip()) == 2:
        # `"ip": "RU"`: a capture known only by its country, written where the address goes.
        country = lc.check_country(clue.ip, location=clue.id)
        clue = clue.model_copy(update={"ip": None, "country": country})
    has_point = clue.latitude is not None or clue.longitude is not None
    if clue.ip is None and clue.country is None:
        raise InvalidInput(
            "give the address ('ip'), its country ('country'), or both", location=clue.id
        )
    if has_point and clue.country is None:
        raise InvalidInput("a point needs the country it lies in ('country')", location=clue.id)
    if has_point and (clue.latitude is None or clue.longitude is None):
        raise InvalidInput("give both latitude and longitude", location=clue.id)
    where = None
    if clue.country is not None:
        where = lc.IpLocation(
            country=lc.check_country(clue.country, location=clue.id),
            latitude=clue.latitude,
            longitude=clue.longitude,
            accuracy_km=clue.accuracy_km,
        )
    return lc.IpClue(
        label=clue.id, ip=clue.ip, vpn=clue.vpn, proxy=clue.proxy, tor=clue.tor, located=where
    )


def located(clue: lc.Clue) -> lc.Clue:
    """Resolve an IP clue's country from the packaged table; one the table lacks stays as is."""
    if isinstance(clue, lc.IpClue) and clue.located is None and clue.ip is not None:
        found = _ip_database.locate(clue.ip)
        if found is None:
            return clue
        return dataclasses.replace(clue, located=found)
    return clue


def check_places(clue: lc.Clue, places: Gazetteer, location: str) -> None:
    """Refuse a stated clue that can only fail later: a place name no gazetteer place answers
    to, a text that mentions no place, a phone number that is valid nowhere."""
    names: list[str] = []
    if isinstance(clue, lc.PlaceNameClue):
        names = [clue.name]
    elif isinstance(clue, lc.WithinClue) and clue.place is not None:
        names = [clue.place]
    elif isinstance(clue, lc.ExcludedClue):
        names = list(clue.place_names)
    elif isinstance(clue, lc.TextClue) and not find_mentions(clue.text, places):
        raise InvalidInput("the text mentions no place the gazetteer knows", location=location)
    elif isinstance(clue, lc.PhoneClue):
        parse_number(clue.number, default_country=clue.default_country, label=location)
    for name in names:
        if not places.find(name):
            raise InvalidInput(f"no place called {name!r} in the gazetteer", location=location)


# -- the clue file -------------------------------------------------------------------------------
class ClueFile(_Strict):
    """A clue file: the clues of a "what if", and how to answer it (docs/locate-clues.md)."""

    description: str = Field("", max_length=2_000)
    country: str | None = Field(
        None, pattern=COUNTRY, description="Where phone numbers without a country code are dialled."
    )
    top: int = Field(10, ge=1, le=200)
    disabled: list[str] = Field(default_factory=list, max_length=1_000)
    clues: list[dict[str, Any]] = Field(min_length=1, max_length=200)


@dataclass
class StatedClues:
    """A clue file read and checked: its clues, each with its id, and the answer's settings."""

    clues: list[CaseClue]
    top: int


def _where(error: ValidationError, tag: str | None = None) -> tuple[str, str]:
    """The path and message of a pydantic error's first complaint (less a union's `tag`)."""
    first = error.errors()[0]
    parts = list(first["loc"])
    if tag is not None and parts and parts[0] == tag:
        parts = parts[1:]
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return path, str(first["msg"])


# The list field whose items a library clue numbers in its errors ('posts[1]').
_LISTED = {"posting_times": "timestamps", "sites": "sites", "excluded": "circles"}


def _item(stated: ClueIn, error: InvalidInput) -> str:
    """The list item a clue's error names, as '.timestamps[1]', or ''."""
    inner = error.location or ""
    field = _LISTED.get(stated.kind)
    if field is None or not inner.startswith(f"{stated.id}["):
        return ""
    return f".{field}{inner[len(stated.id) :]}"


def read_clue_file(data: bytes, name: str = "clue file") -> ClueFile:
    """Parse a clue file's JSON, refusing with the place of the first problem."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"not JSON: {error}", location=name) from error
    if isinstance(document, list):
        document = {"clues": document}
    try:
        return ClueFile.model_validate(document)
    except ValidationError as error:
        path, message = _where(error)
        raise InvalidInput(
            message, location=f"{name}: {path.lstrip('.') or 'top level'}"
        ) from error


def stated_clues(document: ClueFile, places: Gazetteer, name: str = "clue file") -> StatedClues:
    """Read every clue of a clue file into the library's clues, checked against the gazetteer.

    An error names the clue by its index and id (`clues[3] (tip-ip)`); nothing is located.
    """
    made: list[CaseClue] = []
    seen: set[str] = set()
    default_country = (
        lc.check_country(document.country, location=f"{name}: country")
        if document.country
        else None
    )
    for position, raw in enumerate(document.clues):
        item = dict(raw)
        item.setdefault("id", f"{item.get('kind', 'clue')}-{position}")
        location = f"{name}: clues[{position}] ({item['id']})"
        try:
            stated = _CLUE.validate_python(item)
        except ValidationError as error:
            path, message = _where(error, str(item.get("kind")))
            raise InvalidInput(message, location=location + path) from error
        if stated.id in seen:
            raise InvalidInput(f"clue id {stated.id!r} is used twice", location=location)
        seen.add(stated.id)
        try:
            clue = library_clue(stated, default_country=default_country)
            check_places(clue, places, location)
        except InvalidInput as error:
            raise InvalidInput(error.detail, location=location + _item(stated, error)) from error
        made.append(
            CaseClue(stated.id, stated.label or stated.id, stated.kind, "stated", None, clue)
        )
    unknown = [clue_id for clue_id in document.disabled if clue_id not in seen]
    if unknown:
        raise InvalidInput(f"no clue with id {unknown[0]!r}", location=f"{name}: disabled")
    for entry in made:
        entry.enabled = entry.id not in document.disabled
    return StatedClues(made, document.top)


def locate_stated(stated: StatedClues, places: Gazetteer) -> LocateResult:
    """Locate from stated clues alone: no case, no database."""
    used = [located(c.clue) for c in stated.clues if c.enabled and c.clue is not None]
    return locate(used, places, LocateConfig(top=stated.top))


def answer_json(clues: Sequence[CaseClue], result: LocateResult) -> dict[str, Any]:
    """The answer to a clue file as plain data, shaped as the API's answer less the case."""
    plain = result_as_json(result)
    likelihoods = {likelihood.label: likelihood for likelihood in result.clues}
    top = result.ranked[0].contributions if result.ranked else {}
    shown = []
    for clue in clues:
        likelihood = likelihoods.get(clue.id)
        shown.append(
            {
                "id": clue.id,
                "label": clue.label,
                "kind": clue.kind,
                "source": clue.source,
                "enabled": clue.enabled and clue.clue is not None,
                "hard": likelihood.hard if likelihood else bool(clue.clue and clue.clue.hard),
                "error_rate": likelihood.error_rate if likelihood else None,
                "contribution": top.get(clue.id),
                "notes": [*clue.notes, *(likelihood.notes if likelihood else ())],
            }
        )
    return {
        "empty_reason": result.empty_reason,
        "places": plain["ranked"],
        "coverage": plain["coverage"],
        "clues": shown,
        "notes": list(result.notes),
    }
