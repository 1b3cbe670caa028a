"""Selectors that follow from another: the domain of an e-mail, the host of a URL.

Every format adds them the same way (`formats.common.add_derived`), so an address written
in a STIX object, a MISP attribute, a tipline element, a CSV row or free text correlates
with its domain or onion written elsewhere. (The fingerprint of a PGP key block is found
where the block is read: `extract` for text, MISP's `pgp-public-key`.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

from wayhome.intake.selectors.crypto import normalise_onion
from wayhome.intake.selectors.network import normalise_domain, normalise_ipv4, normalise_ipv6
from wayhome.intake.selectors.types import Selector, SelectorType


def derived_selectors(selector: Selector) -> list[Selector]:
    """The selectors a canonical selector implies: an e-mail's domain; a URL's onion or IP host."""
    if selector.type is SelectorType.EMAIL:
        domain = normalise_domain(selector.value.rsplit("@", 1)[-1])
        if domain is None:
            return []
        onion = normalise_onion(domain) if domain.endswith(".onion") else None
        if onion is not None:
            return [Selector(SelectorType.ONION, onion, selector.original)]
        return [Selector(SelectorType.DOMAIN, domain, selector.original)]
    if selector.type is SelectorType.URL:
        try:
            host = urlsplit(selector.value).hostname
        except ValueError:
            return []
        if not host:
            return []
        for kind, value in (
            (SelectorType.ONION, normalise_onion(host) if host.endswith(".onion") else None),
            (SelectorType.IPV4, normalise_ipv4(host)),
            (SelectorType.IPV6, normalise_ipv6(host)),
        ):
            if value is not None:
                return [Selector(kind, value, selector.original)]
    return []
