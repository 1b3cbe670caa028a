"""Selectors that follow from another: the domain of an e-mail, the host of a URL, the account
a platform's profile URL names.

Every format adds them the same way (`formats.common.add_derived`), so an address written
in a STIX object, a MISP attribute, a tipline element, a CSV row or free text correlates
with its domain or onion written elsewhere. (The fingerprint of a PGP key block is found
where the block is read: `extract` for text, MISP's `pgp-public-key`.)
"""

from __future__ import annotations

from wayhome.intake.selectors.crypto import normalise_onion
from wayhome.intake.selectors.handles import normalise_handle
from wayhome.intake.selectors.network import normalise_ipv4, normalise_ipv6
from wayhome.intake.selectors.patterns import PROFILE, PROFILE_STOPWORDS
from wayhome.intake.selectors.types import Selector, SelectorType


def derived_selectors(selector: Selector) -> list[Selector]:
    """The selectors a canonical selector implies: an e-mail's domain; a URL's onion or IP host."""
    kind = selector.type
    if kind is SelectorType.EMAIL:
        # A canonical address's domain is already lower-case, IDNA-encoded and checked.
        domain = selector.value.rpartition("@")[2]
        if domain.endswith(".onion"):
            onion = normalise_onion(domain)
            return [] if onion is None else [Selector(SelectorType.ONION, onion, selector.original)]
        return [Selector(SelectorType.DOMAIN, domain, selector.original)] if domain else []
    if kind is not SelectorType.URL:
        return []
    # A canonical URL is `scheme://[userinfo@]host[:port]/…` with a lower-case host.
    authority = selector.value.partition("://")[2].partition("/")[0].rpartition("@")[2]
    if authority.startswith("["):
        host = authority[1:].partition("]")[0]
        ipv6 = normalise_ipv6(host)
        return [] if ipv6 is None else [Selector(SelectorType.IPV6, ipv6, selector.original)]
    host = authority.partition(":")[0]
    if host.endswith(".onion"):
        onion = normalise_onion(host)
        return [] if onion is None else [Selector(SelectorType.ONION, onion, selector.original)]
    if host[-1:].isdigit():
        ipv4 = normalise_ipv4(host)
        return [] if ipv4 is None else [Selector(SelectorType.IPV4, ipv4, selector.original)]
    return _profile_handle(selector)


def _profile_handle(url: Selector) -> list[Selector]:
    """The account a listed platform's profile URL names (`https://t.me/x` → `telegram:x`)."""
    found = PROFILE.match(url.value)
    if found is None or found.group(2).lower() in PROFILE_STOPWORDS:
        return []
    rest = url.value[found.end() :]
    if rest and rest[0] not in "/?":
        return []
    handle = normalise_handle(found.group(2), found.group(1))
    return [] if handle is None else [Selector(SelectorType.HANDLE, handle, url.original)]
