"""One entry point that turns any written identifier into its canonical value per type.

The per-type rules are documented in the modules that implement them (`network`, `phone`,
`crypto`, `keys`, `handles`) and together in `docs-intake-normalisation.md`.
"""

from __future__ import annotations

from collections.abc import Callable

from wayhome.errors import InvalidInput
from wayhome.intake.selectors.crypto import (
    normalise_btc,
    normalise_eth,
    normalise_onion,
    normalise_xmr,
)
from wayhome.intake.selectors.handles import normalise_handle, normalise_messenger_id
from wayhome.intake.selectors.keys import (
    normalise_hash,
    normalise_pgp_fingerprint,
    normalise_pgp_key_id,
)
from wayhome.intake.selectors.network import (
    normalise_domain,
    normalise_email,
    normalise_ipv4,
    normalise_ipv6,
    normalise_url,
)
from wayhome.intake.selectors.phone import normalise_phone
from wayhome.intake.selectors.types import Selector, SelectorType

_SIMPLE: dict[SelectorType, Callable[[str], str | None]] = {
    SelectorType.EMAIL: normalise_email,
    SelectorType.IPV4: normalise_ipv4,
    SelectorType.IPV6: normalise_ipv6,
    SelectorType.URL: normalise_url,
    SelectorType.ONION: normalise_onion,
    SelectorType.BTC: normalise_btc,
    SelectorType.ETH: normalise_eth,
    SelectorType.XMR: normalise_xmr,
    SelectorType.PGP_FINGERPRINT: normalise_pgp_fingerprint,
    SelectorType.PGP_KEY_ID: normalise_pgp_key_id,
    SelectorType.MD5: lambda v: normalise_hash(v, 32),
    SelectorType.SHA1: lambda v: normalise_hash(v, 40),
    SelectorType.SHA256: lambda v: normalise_hash(v, 64),
}


def canonical_value(
    selector_type: SelectorType | str,
    value: str,
    *,
    region: str | None = None,
    platform: str | None = None,
) -> str | None:
    """The canonical value of `value` read as `selector_type`, or None when it is not valid.

    `region` is the default region for national phone numbers; `platform` names the
    platform of a handle or the service of a messenger id when `value` does not carry it.
    """
    kind = SelectorType(selector_type)
    if kind is SelectorType.PHONE:
        return normalise_phone(value, region)
    if kind is SelectorType.HANDLE:
        return normalise_handle(value, platform)
    if kind is SelectorType.MESSENGER_ID:
        return normalise_messenger_id(value, platform)
    if kind is SelectorType.DOMAIN:
        canonical = normalise_domain(value)
        if canonical is not None and canonical.endswith(".onion"):
            return None
        return canonical
    return _SIMPLE[kind](value)


def make_selector(
    selector_type: SelectorType | str,
    value: str,
    *,
    region: str | None = None,
    platform: str | None = None,
    location: str | None = None,
) -> Selector:
    """A `Selector` for a value from a structured field; `InvalidInput` naming it if invalid."""
    try:
        kind = SelectorType(selector_type)
    except ValueError:
        raise InvalidInput(f"unknown selector type {selector_type!r}", location=location) from None
    canonical = canonical_value(kind, value, region=region, platform=platform)
    if canonical is None:
        raise InvalidInput(f"{value!r} is not a valid {kind.value}", location=location)
    return Selector(type=kind, value=canonical, original=value)


def classify_host(value: str) -> Selector | None:
    """A selector for a bare host written in a structured field: IP, onion or domain."""
    for kind in (SelectorType.IPV4, SelectorType.IPV6, SelectorType.ONION, SelectorType.DOMAIN):
        canonical = canonical_value(kind, value)
        if canonical is not None:
            return Selector(type=kind, value=canonical, original=value)
    return None
