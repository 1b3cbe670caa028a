"""Warning lists flag benign selectors with a reason; administrators extend them."""

from __future__ import annotations

import pytest

from wayhome.intake.selectors.types import SelectorType
from wayhome.intake.warninglists import BUILTIN_WARNINGS, WarningList, warning_for


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("ipv4", "8.8.8.8", "public DNS resolver"),
        ("ipv4", "1.1.1.1", "public DNS resolver"),
        ("ipv4", "9.9.9.9", "public DNS resolver"),
        ("ipv6", "2606:4700:4700::1111", "public DNS resolver"),
        ("ipv4", "10.20.30.40", "private"),
        ("ipv4", "192.168.1.1", "private"),
        ("ipv4", "127.0.0.1", "loopback"),
        ("ipv4", "100.64.0.1", "not globally routable"),
        ("ipv4", "198.51.100.7", "documentation"),
        ("ipv6", "fe80::1", "link-local"),
        ("ipv6", "2001:db8::1", "documentation"),
        ("domain", "example.com", "RFC 2606"),
        ("domain", "shop.example.net", "RFC 2606"),
        ("domain", "board.test", "special-use"),
        ("domain", "gmail.com", "large provider"),
        ("email", "someone@example.org", "example domain"),
        ("email", "noreply@evil-shop.net", "automated sender"),
        ("url", "https://outlook.com/", "large provider"),
        ("url", "http://10.0.0.1/admin", "private"),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e", "empty file"),
        ("eth", "0x0000000000000000000000000000000000000000", "burn"),
    ],
)
def test_builtin_warnings(kind: str, value: str, reason: str) -> None:
    found = warning_for(kind, value)
    assert found is not None and reason in found


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("ipv4", "5.6.7.8"),
        ("domain", "evil-shop.net"),
        ("domain", "mail.gmail.com.evil-shop.net"),
        ("email", "night.owl22@gmail.com"),
        ("url", "https://twitter.com/nightowl"),
        ("sha256", "ab" * 32),
        ("handle", "telegram:nightowl"),
    ],
)
def test_ordinary_selectors_have_no_warning(kind: str, value: str) -> None:
    assert warning_for(kind, value) is None


def test_admin_values_extend_without_changing_the_builtin_list() -> None:
    extended = BUILTIN_WARNINGS.extended(
        [("domain", "partner-portal.net", "partner agency's own portal")]
    )
    assert extended.warning_for(SelectorType.DOMAIN, "partner-portal.net") == (
        "partner agency's own portal"
    )
    assert extended.warning_for("ipv4", "8.8.8.8") == "public DNS resolver"
    assert BUILTIN_WARNINGS.warning_for("domain", "partner-portal.net") is None
    assert warning_for("domain", "partner-portal.net", extended) is not None
    bare = WarningList()
    assert bare.warning_for("ipv4", "8.8.8.8") is None
    assert bare.warning_for("ipv4", "10.0.0.1") is not None
