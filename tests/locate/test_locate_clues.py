"""Clues refuse bad input and name themselves in the error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wayhome.errors import InvalidInput
from wayhome.locate.clues import (
    Circle,
    ExcludedClue,
    IpClue,
    IpLocation,
    KnownSitesClue,
    PostingTimesClue,
    Site,
    SubscriberAddressClue,
    WithinClue,
)


@pytest.mark.parametrize(
    "ip",
    ["10.1.2.3", "192.168.0.1", "127.0.0.1", "169.254.1.1", "::1", "fc00::1", "0.0.0.0"],  # noqa: S104
)
def test_private_and_reserved_ips_are_refused_by_name(ip: str) -> None:
    with pytest.raises(InvalidInput) as error:
        IpClue(label="chat IP", ip=ip)
    assert error.value.location == "chat IP"
    assert "private or reserved" in error.value.detail


def test_malformed_ip_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not an IP"):
        IpClue(label="ip", ip="300.1.1.1")


def test_naive_timestamps_are_refused_with_their_position() -> None:
    aware = datetime(2026, 1, 1, 20, tzinfo=UTC)
    with pytest.raises(InvalidInput) as error:
        PostingTimesClue(label="posts", timestamps=[aware, datetime(2026, 1, 1, 21)])
    assert error.value.location == "posts[1]"
    with pytest.raises(InvalidInput):
        PostingTimesClue(label="posts", timestamps=[])


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 0.0), (0.0, -181.0), (float("nan"), 0.0)])
def test_coordinates_out_of_range_are_refused(lat: float, lon: float) -> None:
    with pytest.raises(InvalidInput) as error:
        SubscriberAddressClue(label="isp answer", latitude=lat, longitude=lon)
    assert error.value.location == "isp answer"
    with pytest.raises(InvalidInput) as site_error:
        KnownSitesClue(label="sites", sites=[Site(55.0, 37.0), Site(lat, lon)])
    assert site_error.value.location == "sites[1]"


def test_constraint_shapes_are_checked() -> None:
    with pytest.raises(InvalidInput, match="either"):
        WithinClue(label="w", km=10, latitude=55.0, longitude=37.0, place="Tver")
    with pytest.raises(InvalidInput, match="either"):
        WithinClue(label="w", km=10)
    with pytest.raises(InvalidInput, match="positive"):
        WithinClue(label="w", km=-1, place="Tver")
    with pytest.raises(InvalidInput):
        WithinClue(label="w", km=5, latitude=55.0)
    with pytest.raises(InvalidInput):
        ExcludedClue(label="searched", circles=[Circle(95.0, 0.0, 1.0)])


def test_error_rate_and_label_are_checked() -> None:
    with pytest.raises(InvalidInput, match="error rate"):
        IpClue(label="ip", ip="8.8.8.8", error_rate=1.5)
    with pytest.raises(InvalidInput, match="label"):
        IpClue(label=" ", ip="8.8.8.8")


def test_an_ip_known_only_by_its_country_needs_that_country() -> None:
    from wayhome.locate.clues import InRegionClue, PhoneClue

    clue = IpClue(label="tip capture", ip=None, located=IpLocation(country="RU"), proxy=True)
    assert clue.ip is None and clue.located is not None and clue.located.country == "RU"
    with pytest.raises(InvalidInput) as missing:
        IpClue(label="tip capture", ip=None)
    assert missing.value.location == "tip capture" and "country" in missing.value.detail
    with pytest.raises(InvalidInput) as unknown:
        IpClue(label="tip capture", ip=None, located=IpLocation(country="QQ"))
    assert unknown.value.location == "tip capture" and "'QQ'" in unknown.value.detail
    with pytest.raises(InvalidInput, match="country code"):
        InRegionClue(label="region", country="XX")
    with pytest.raises(InvalidInput, match="country code"):
        PhoneClue(label="phone", number="8 (8362) 45-67-89", default_country="ZZ")
    assert InRegionClue(label="region", country="ru").country == "ru"
