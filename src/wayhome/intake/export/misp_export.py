"""A parsed report as a MISP event (core format JSON) that PyMISP's `MISPEvent` loads.

Attribute types: `email`, `phone-number`, `ip-src` / `ip-dst` (below), `domain`,
`onion-address`, `url`, `btc`, `xmr`, `md5`, `sha1`, `sha256`, `github-username`,
`twitter-id`, `jabber-id`. Objects: `coin-address` (`address-crypto` + `symbol` ETH) for
Ethereum wallets, `pgp-meta` (`key-id`) for PGP fingerprints and key ids, `user-account`
(`username` + `account-type`) for other handles and messenger ids. An attribute's comment
is its selector's context (an IP capture event's name, "posted by …").

An address is `ip-src`, the address activity came from (the subject's login, upload or
post), unless its context names a server (`ip-dst`): Wayhome's reports name the addresses
their subjects connected from, and a hosting or DNS record says "server" or "host".

The report's text is the event's `EventReport` (MISP's place for a report's prose). The
creator organisation (`Orgc`) has a name and a uuid: the agency's own id when stored. The
event's and attributes' uuids are stable (the report's own id, or one derived from its
content), so exporting a report again gives the same event, which MISP and Wayhome
recognise. The marking is a `tlp:` tag on the event (`tlp:clear`, `tlp:green`,
`tlp:amber`, `tlp:amber+strict`, `tlp:red`).

PyMISP ships two JSON schemas: `schema-lax.json` accepts the whole event; the strict
`schema.json` is MISP 2.4's core format from before objects and event reports, and accepts
the event without its `Object` and `EventReport` lists (tests check both).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from pymisp import MISPEvent, MISPObject, MISPOrganisation

from wayhome.intake.export.stix_export import Holder, content_uuid4, independent_items
from wayhome.intake.parsed import ParsedItem, ParsedReport
from wayhome.intake.selectors.types import SelectorType

_ATTRIBUTE_TYPES = {
    SelectorType.EMAIL: "email",
    SelectorType.PHONE: "phone-number",
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
_SERVER = re.compile(r"\b(server|host(ing|ed|name)?|c2|destination|dst|resolv\w*|dns)\b", re.I)
BODY_NAME = "Report text"


def ip_direction(item: ParsedItem) -> str:
    """`ip-dst` for an address its context or origin calls a server, else `ip-src`."""
    said = f"{item.context or ''} {item.origin}"
    return "ip-dst" if _SERVER.search(said) else "ip-src"


def _add(event: MISPEvent, item: ParsedItem, event_id: uuid.UUID) -> None:
    selector = item.selector
    kind = selector.type
    stable = content_uuid4("misp-attribute", str(event_id), kind.value, selector.value)
    common: dict[str, Any] = {"uuid": str(stable)}
    if item.context:
        common["comment"] = item.context
    if kind in (SelectorType.IPV4, SelectorType.IPV6):
        event.add_attribute(ip_direction(item), selector.value, **common)
        return
    if kind in _ATTRIBUTE_TYPES:
        event.add_attribute(_ATTRIBUTE_TYPES[kind], selector.value, **common)
        return
    platform, _, login = selector.value.partition(":")
    if kind is SelectorType.HANDLE and platform in _PLATFORM_TYPES:
        event.add_attribute(_PLATFORM_TYPES[platform], login, **common)
        return
    if kind is SelectorType.MESSENGER_ID and platform == "xmpp":
        event.add_attribute("jabber-id", login, **common)
        return
    if kind is SelectorType.ETH:
        name, relations = "coin-address", {"address-crypto": selector.value, "symbol": "ETH"}
    elif kind in (SelectorType.PGP_FINGERPRINT, SelectorType.PGP_KEY_ID):
        name, relations = "pgp-meta", {"key-id": selector.value}
    else:
        name, relations = "user-account", {"username": login, "account-type": platform}
    obj = MISPObject(name, standalone=False)
    obj.uuid = str(stable)
    for relation, value in relations.items():
        inner = content_uuid4("misp-object-attribute", str(stable), relation)
        obj.add_attribute(relation, value=value, uuid=str(inner))
    if item.context:
        obj.comment = item.context
    event.add_object(obj)


def export_misp(
    report: ParsedReport, *, agency: Holder | str, now: datetime | None = None
) -> dict[str, Any]:
    """The report as `{"Event": {...}}` in MISP core format."""
    holder = Holder(agency) if isinstance(agency, str) else agency
    event = MISPEvent()
    keys = sorted({f"{i.selector.type.value}:{i.selector.value}" for i in report.items})
    event_id = holder.report_id or content_uuid4(
        "misp-event", holder.agency, report.title, report.source, report.body, keys
    )
    event.uuid = str(event_id)
    event.info = report.title
    moment = report.observed_at or report.received_at or now or datetime.now(UTC)
    event.date = moment.date()
    organisation = MISPOrganisation()
    organisation.name = holder.agency
    organisation.uuid = str(holder.agency_id or content_uuid4("identity", holder.agency))
    event.Orgc = organisation
    if report.marking is not None:
        event.add_tag(f"tlp:{report.marking.value.lower()}")
    seen: set[tuple[SelectorType, str]] = set()
    for item in independent_items(report):
        if item.selector.key not in seen:
            seen.add(item.selector.key)
            _add(event, item, event_id)
    if report.body:
        body = event.add_event_report(BODY_NAME, report.body)
        body.uuid = str(content_uuid4("misp-event-report", str(event_id)))
    exported: dict[str, Any] = json.loads(event.to_json())
    return {"Event": exported}
