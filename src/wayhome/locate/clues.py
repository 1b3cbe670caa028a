"""The kinds of clue an investigator feeds to locating, each checked when it is made."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

import phonenumbers

from wayhome.errors import InvalidInput
from wayhome.locate.geo import check_coordinates

# ISO 3166 alpha-2 codes a clue may name: every region phonenumbers knows (245), and the
# assigned codes that have no telephone plan of their own.
KNOWN_COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS) | {
    "AQ", "BV", "GS", "HM", "PN", "TF", "UM",
}  # fmt: skip


def check_country(code: str, *, location: str) -> str:
    """Return an ISO 3166 alpha-2 country code in capitals, or raise InvalidInput naming it."""
    upper = code.strip().upper()
    if upper not in KNOWN_COUNTRIES:
        raise InvalidInput(f"{code!r} is not a known ISO 3166 country code", location=location)
    return upper


def _check_error_rate(value: float, label: str) -> None:
    """Raise InvalidInput unless a clue's chance of being wrong is a probability."""
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InvalidInput(f"error rate {value} is not between 0 and 1", location=label)


@dataclass(frozen=True, kw_only=True)
class Clue:
    """Something known about where a person lives, with the chance that it is simply wrong."""

    label: str
    error_rate: float = 0.1
    hard: ClassVar[bool] = False

    def __post_init__(self) -> None:
        """Check the fields common to every clue."""
        if not self.label.strip():
            raise InvalidInput("a clue needs a label", location="clue")
        _check_error_rate(self.error_rate, self.label)


@dataclass(frozen=True)
class IpLocation:
    """What an IP database says about an address: a country and maybe a point with its accuracy."""

    country: str
    latitude: float | None = None
    longitude: float | None = None
    accuracy_km: float = 50.0


@dataclass(frozen=True, kw_only=True)
class IpClue(Clue):
    """An IP address the persona used; proxies, VPNs and Tor make it weak.

    `ip` None: only the address's country is known (a CyberTip capture without the address, a
    CSV row `ip,RU`); then `located` must say the country.
    """

    ip: str | None
    vpn: bool = False
    proxy: bool = False
    tor: bool = False
    located: IpLocation | None = None

    def __post_init__(self) -> None:
        """Refuse addresses that cannot say anything about a place: private, reserved, malformed;
        and a clue with neither an address nor a country."""
        super().__post_init__()
        if self.ip is None:
            if self.located is None:
                raise InvalidInput(
                    "an IP clue needs an address or the country it was located in",
                    location=self.label,
                )
        else:
            try:
                address = ipaddress.ip_address(self.ip.strip())
            except ValueError as error:
                raise InvalidInput(
                    f"{self.ip!r} is not an IP address", location=self.label
                ) from error
            if not address.is_global:
                raise InvalidInput(
                    f"{self.ip} is a private or reserved address and tells nothing about a place",
                    location=self.label,
                )
        if self.located is not None:
            check_country(self.located.country, location=self.label)
        if self.located is not None and self.located.latitude is not None:
            check_coordinates(
                self.located.latitude, self.located.longitude or 0.0, location=self.label
            )


@dataclass(frozen=True, kw_only=True)
class SubscriberAddressClue(Clue):
    """The address an ISP gave for a subscriber in answer to a legal request."""

    latitude: float
    longitude: float
    accuracy_km: float = 1.0
    error_rate: float = 0.05

    def __post_init__(self) -> None:
        """Check the coordinates and the accuracy."""
        super().__post_init__()
        check_coordinates(self.latitude, self.longitude, location=self.label)
        if not self.accuracy_km > 0:
            raise InvalidInput("accuracy must be positive", location=self.label)


@dataclass(frozen=True, kw_only=True)
class PostingTimesClue(Clue):
    """When a persona posted: people sleep, so the hours hint at a time zone."""

    timestamps: Sequence[datetime]
    error_rate: float = 0.15

    def __post_init__(self) -> None:
        """Refuse an empty list and timestamps without a time zone."""
        super().__post_init__()
        if not self.timestamps:
            raise InvalidInput("no timestamps given", location=self.label)
        for position, moment in enumerate(self.timestamps):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise InvalidInput(
                    f"timestamp {moment.isoformat()} has no time zone",
                    location=f"{self.label}[{position}]",
                )


@dataclass(frozen=True)
class Site:
    """A point the case knows: where the child was last seen, a sighting, a found item."""

    latitude: float
    longitude: float
    kind: str = "sighting"


@dataclass(frozen=True, kw_only=True)
class KnownSitesClue(Clue):
    """The case's known sites, read by Rossmo's geographic profile of the offender's base.

    buffer_km is Rossmo's B (radius of the zone around home where an offender avoids acting;
    None: half the mean nearest-neighbour distance between sites, or 5 km for one site);
    f and g are the decay exponents outside and inside the buffer (1.2 each, Rossmo 1995).
    """

    sites: Sequence[Site]
    buffer_km: float | None = None
    f: float = 1.2
    g: float = 1.2
    error_rate: float = 0.2

    def __post_init__(self) -> None:
        """Check the sites and the parameters."""
        super().__post_init__()
        if not self.sites:
            raise InvalidInput("no sites given", location=self.label)
        for position, site in enumerate(self.sites):
            check_coordinates(site.latitude, site.longitude, location=f"{self.label}[{position}]")
        if self.buffer_km is not None and not self.buffer_km > 0:
            raise InvalidInput("buffer must be positive", location=self.label)
        if not (self.f > 0 and self.g > 0):
            raise InvalidInput("decay exponents must be positive", location=self.label)


@dataclass(frozen=True, kw_only=True)
class PlaceNameClue(Clue):
    """A place named outright (a village named in a chat), in any script or case."""

    name: str
    spread_km: float = 15.0
    error_rate: float = 0.3


@dataclass(frozen=True, kw_only=True)
class TextClue(Clue):
    """A report or chat text whose place mentions hint at where its author lives."""

    text: str
    spread_km: float = 15.0
    error_rate: float = 0.35


@dataclass(frozen=True, kw_only=True)
class PhoneClue(Clue):
    """A phone number: its prefix belongs to a country and often a region."""

    number: str
    default_country: str | None = None
    error_rate: float = 0.25

    def __post_init__(self) -> None:
        """Check the default country, used for numbers written without their country code."""
        super().__post_init__()
        if self.default_country is not None:
            check_country(self.default_country, location=self.label)


@dataclass(frozen=True, kw_only=True)
class WithinClue(Clue):
    """An investigator's constraint: within `km` of a point or of a named place."""

    km: float
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = None
    error_rate: float = 0.0
    hard: ClassVar[bool] = True

    def __post_init__(self) -> None:
        """Check that exactly one centre is given and the radius is positive."""
        super().__post_init__()
        if not (math.isfinite(self.km) and self.km > 0):
            raise InvalidInput(f"radius {self.km} km must be positive", location=self.label)
        has_point = self.latitude is not None or self.longitude is not None
        if has_point == (self.place is not None):
            raise InvalidInput("give either coordinates or a place name", location=self.label)
        if has_point:
            check_coordinates(
                float("nan") if self.latitude is None else self.latitude,
                float("nan") if self.longitude is None else self.longitude,
                location=self.label,
            )


@dataclass(frozen=True, kw_only=True)
class InRegionClue(Clue):
    """An investigator's constraint: inside a country, or one of its regions ('RU.77')."""

    country: str
    region: str | None = None
    error_rate: float = 0.0
    hard: ClassVar[bool] = True

    def __post_init__(self) -> None:
        """Check the country code."""
        super().__post_init__()
        check_country(self.country, location=self.label)


@dataclass(frozen=True)
class Circle:
    """A searched disc on the map."""

    latitude: float
    longitude: float
    radius_km: float


@dataclass(frozen=True, kw_only=True)
class ExcludedClue(Clue):
    """An investigator's constraint: not in places already searched."""

    geonameids: Sequence[int] = ()
    place_names: Sequence[str] = ()
    circles: Sequence[Circle] = field(default_factory=tuple)
    error_rate: float = 0.0
    hard: ClassVar[bool] = True

    def __post_init__(self) -> None:
        """Check the circles."""
        super().__post_init__()
        for position, circle in enumerate(self.circles):
            check_coordinates(
                circle.latitude, circle.longitude, location=f"{self.label}[{position}]"
            )
            if not circle.radius_km >= 0:
                raise InvalidInput(
                    "radius must not be negative", location=f"{self.label}[{position}]"
                )
