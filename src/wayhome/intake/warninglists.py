"""Warning lists: selectors too common or too benign to link cases on their own.

A hit is not dropped; it is flagged with the reason, so an analyst sees why two reports that
share `8.8.8.8` or `gmail.com` are not thereby connected. Built in: public DNS resolvers,
private/reserved/documentation IP ranges, RFC 2606/6761 example and special-use domains,
the bare domains of very large providers, hashes of the empty file and well-known burn
addresses. Agencies' administrators add their own values with `WarningList.extended`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from wayhome.intake.selectors.types import SelectorType

PUBLIC_RESOLVERS = [
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "1.0.0.1",
    "9.9.9.9",
    "149.112.112.112",
    "208.67.222.222",
    "208.67.220.220",
    "94.140.14.14",
    "94.140.15.15",
    "2001:4860:4860::8888",
    "2001:4860:4860::8844",
    "2606:4700:4700::1111",
    "2606:4700:4700::1001",
    "2620:fe::fe",
    "2620:fe::9",
]
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("test", "example", "invalid", "localhost", "local", "internal", "arpa")
PROVIDER_DOMAINS = [
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.net",
    "gmx.de",
    "web.de",
    "mail.ru",
    "yandex.ru",
    "qq.com",
    "163.com",
    "google.com",
    "facebook.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "t.me",
    "telegram.org",
    "tiktok.com",
    "youtube.com",
    "reddit.com",
    "discord.com",
    "discord.gg",
    "github.com",
    "microsoft.com",
    "apple.com",
    "amazon.com",
    "wikipedia.org",
    "whatsapp.com",
    "snapchat.com",
    "kik.com",
    "bit.ly",
    "dropbox.com",
    "mega.nz",
    "imgur.com",
]
EMPTY_FILE_HASHES = {
    SelectorType.MD5: "d41d8cd98f00b204e9800998ecf8427e",
    SelectorType.SHA1: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    SelectorType.SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
}
BURN_ADDRESSES = {
    SelectorType.ETH: "0x0000000000000000000000000000000000000000",
    SelectorType.BTC: "1BitcoinEaterAddressDontSendf59kuE",
}
_AUTOMATED_LOCAL_PARTS = ("noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon")


def _ip_reason(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.is_loopback:
        return "loopback address"
    if address.is_unspecified:
        return "unspecified address"
    if address.is_link_local:
        return "link-local address"
    if address.is_multicast:
        return "multicast address"
    documentation = [
        ipaddress.ip_network(n)
        for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
    ]
    if any(address in net for net in documentation if net.version == address.version):
        return "documentation range (RFC 5737/3849)"
    if address.is_private:
        return "private or reserved range"
    if not address.is_global:
        return "not globally routable (reserved or shared range)"
    return None


def _domain_reason(domain: str, providers: frozenset[str]) -> str | None:
    labels = domain.split(".")
    if labels[-1] in RESERVED_TLDS:
        return f"special-use TLD .{labels[-1]} (RFC 2606/6761)"
    for reserved in RESERVED_DOMAINS:
        if domain == reserved or domain.endswith("." + reserved):
            return "example domain (RFC 2606)"
    if domain in providers:
        return "bare domain of a large provider"
    return None


@dataclass(frozen=True)
class WarningList:
    """Benign values per selector type, plus the built-in rules; immutable, extend to add."""

    values: Mapping[SelectorType, Mapping[str, str]] = field(default_factory=dict)
    providers: frozenset[str] = frozenset(PROVIDER_DOMAINS)

    @classmethod
    def builtin(cls) -> WarningList:
        """The list Wayhome ships: resolvers, empty-file hashes, burn addresses, providers."""
        values: dict[SelectorType, dict[str, str]] = {}
        for resolver in PUBLIC_RESOLVERS:
            kind = SelectorType.IPV6 if ":" in resolver else SelectorType.IPV4
            values.setdefault(kind, {})[resolver] = "public DNS resolver"
        for kind, digest in EMPTY_FILE_HASHES.items():
            values.setdefault(kind, {})[digest] = "hash of an empty file"
        for kind, address in BURN_ADDRESSES.items():
            values.setdefault(kind, {})[address] = "well-known burn address"
        return cls(values=MappingProxyType({k: MappingProxyType(v) for k, v in values.items()}))

    def extended(self, entries: Iterable[tuple[SelectorType | str, str, str]]) -> WarningList:
        """A new list with (type, canonical value, reason) entries added by an administrator."""
        values = {kind: dict(found) for kind, found in self.values.items()}
        for kind, canonical, reason in entries:
            values.setdefault(SelectorType(kind), {})[canonical] = reason
        return WarningList(
            values=MappingProxyType({k: MappingProxyType(v) for k, v in values.items()}),
            providers=self.providers,
        )

    def warning_for(self, selector_type: SelectorType | str, canonical: str) -> str | None:
        """Why this canonical selector is benign or too common, or None when it is not."""
        kind = SelectorType(selector_type)
        listed = self.values.get(kind, {}).get(canonical)
        if listed is not None:
            return listed
        if kind in (SelectorType.IPV4, SelectorType.IPV6):
            return _ip_reason(canonical)
        if kind is SelectorType.DOMAIN:
            return _domain_reason(canonical, self.providers)
        if kind is SelectorType.EMAIL:
            local, _, domain = canonical.rpartition("@")
            reason = _domain_reason(domain, frozenset())
            if reason is not None:
                return f"address at an {reason}" if reason.startswith("example") else reason
            if local in _AUTOMATED_LOCAL_PARTS:
                return "automated sender address"
        if kind is SelectorType.URL:
            host = canonical.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
            host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host.strip("[]")
            reason = _ip_reason(host) or _domain_reason(host, frozenset())
            if reason is not None:
                return reason
            path = canonical.split("://", 1)[-1][len(host) :]
            if host in self.providers and path in ("", "/"):
                return "home page of a large provider"
        return None


BUILTIN_WARNINGS = WarningList.builtin()


def warning_for(
    selector_type: SelectorType | str, canonical: str, warnings: WarningList = BUILTIN_WARNINGS
) -> str | None:
    """Why a canonical selector should not link reports by itself, or None (built-in list)."""
    return warnings.warning_for(selector_type, canonical)
