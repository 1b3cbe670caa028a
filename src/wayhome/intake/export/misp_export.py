"""A parsed report as a MISP event (core format JSON) that PyMISP's `MISPEvent` loads.

Attribute types: `email`, `phone-number`, `ip-dst` (IPv4 and IPv6), `domain`,
`onion-address`, `url`, `btc`, `xmr`, `md5`, `sha1`, `sha256`, `github-username`,
`twitter-id`, `jabber-id`. Objects: `coin-address` (`address-crypto` + `symbol` ETH) for
Ethereum wallets, `pgp-meta` (`key-id`) for PGP fingerprints and key ids, `user-account`
(`username` + `account-type`) for other handles and messenger ids. The marking becomes a
`tlp:` tag on the event (`tlp:clear`, `tlp:green`, `tlp:amber`, `tlp:amber+strict`,
`tlp:red`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pymisp import MISPEvent, MISPObject, MISPOrganisation

from wayhome.intake.parsed import ParsedReport
from wayhome.intake.selectors.types import Selector, SelectorType

_ATTRIBUTE_TYPES = {
    SelectorType.EMAIL: "email",
    SelectorType.PHONE: "phone-number",
    SelectorType.IPV4: "ip-dst",
    SelectorType.IPV6: "ip-dst",
    SelectorType.DOMAIN: "domain",
    SelectorType.ONION: "onion-address",
    SelectorType.URL: "url",
    SelectorType.BTC: "btc",
    SelectorType.XMR: "xmr",
    SelectorType.MD5: "md5",
    SelectorType.SHA1: "sha1",
    SelectorType.SHA256: "sha256",
}
_PLATFORM_TYPES = {"github": "github-username", "twitter": "twitter-id"}


def _add(event: MISPEvent, selector: Selector) -> None:
    kind = selector.type
    if kind in _ATTRIBUTE_TYPES:
        event.add_attribute(_ATTRIBUTE_TYPES[kind], selector.value)
        return
    if kind is SelectorType.ETH:
        wallet = MISPObject("coin-address", standalone=False)
        wallet.add_attribute("address-crypto", value=selector.value)
        wallet.add_attribute("symbol", value="ETH")
        event.add_object(wallet)
        return
    if kind in (SelectorType.PGP_FINGERPRINT, SelectorType.PGP_KEY_ID):
        key = MISPObject("pgp-meta", standalone=False)
        key.add_attribute("key-id", value=selector.value)
        event.add_object(key)
        return
    platform, _, login = selector.value.partition(":")
    if kind is SelectorType.HANDLE and platform in _PLATFORM_TYPES:
        event.add_attribute(_PLATFORM_TYPES[platform], login)
    elif kind is SelectorType.MESSENGER_ID and platform == "xmpp":
        event.add_attribute("jabber-id", login)
    else:
        account = MISPObject("user-account", standalone=False)
        account.add_attribute("username", value=login)
        account.add_attribute("account-type", value=platform)
        event.add_object(account)


def export_misp(
    report: ParsedReport, *, agency: str, now: datetime | None = None
) -> dict[str, Any]:
    """The report as `{"Event": {...}}` in MISP core format."""
    event = MISPEvent()
    event.info = report.title
    moment = report.observed_at or report.received_at or now or datetime.now(UTC)
    event.date = moment.date()
    organisation = MISPOrganisation()
    organisation.name = agency
    event.Orgc = organisation
    if report.marking is not None:
        event.add_tag(f"tlp:{report.marking.value.lower()}")
    seen: set[tuple[SelectorType, str]] = set()
    for item in report.items:
        if item.selector.key not in seen:
            seen.add(item.selector.key)
            _add(event, item.selector)
    exported: dict[str, Any] = json.loads(event.to_json())
    return {"Event": exported}
