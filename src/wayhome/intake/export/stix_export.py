"""Parsed reports as a STIX 2.1 bundle that `stix2-validator --strict` accepts.

Each agency is an `identity` (organization); each report a `report` created by it, marked
with the published TLP 2.0 marking definition (included in the bundle). Selectors become:
`email-addr`, `ipv4-addr`, `ipv6-addr`, `domain-name` (onions too), `url`, `file` (hashes),
`user-account` (handles and messenger ids), and for phone numbers, wallets and PGP keys
Wayhome's custom `x-wayhome-selector` observable (`selector_type`, `value`).

Extensions, declared by `extension-definition` objects created by the Wayhome identity:
`x-wayhome-selector` is the `new-sco` of "Wayhome selectors". A `user-account` whose
platform is outside the `account-type-ov` vocabulary (`twitter`, `facebook`, `skype` are in
it) names the platform twice: in that extension's `property-extension` (`platform`), which
is what stix2-validator's strict mode accepts on an observable, and as the top-level
`x_wayhome_platform` of a second definition's `toplevel-property-extension`, which is what
importers that read `x_` properties (Wayhome's own among them) find.

Identifiers, stable so that exporting a report again gives the same objects:

- identities and reports take the stored record's own random id (a UUIDv4) when there is
  one; a report parsed but not stored, and the extension's own objects, take an id derived
  from their content, written as a UUIDv4 (SHA-256, version and variant bits set);
- standard observables take the UUIDv5 the spec derives from their id-contributing
  properties; a `user-account` without `account_type` adds `x_wayhome_platform` to them, or
  `telegram:raven` and `forum:raven` would be one object;
- `x-wayhome-selector` takes a content-derived UUIDv4 too: the spec would give a custom
  observable a UUIDv5, but stix2-validator knows only the standard observable types and
  requires UUIDv4 of every other object (its check 103, `uuid-check`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wayhome.access.markings import Marking, rank
from wayhome.intake.formats.stix_markings import TLP2_IDS, tlp2_definition
from wayhome.intake.parsed import ParsedItem, ParsedReport
from wayhome.intake.selectors.derive import derived_selectors
from wayhome.intake.selectors.types import Selector, SelectorType

SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")  # the spec's, for UUIDv5
ACCOUNT_TYPES = frozenset({"twitter", "facebook", "skype"})  # account-type-ov, by platform
PLATFORM_PROPERTY = "x_wayhome_platform"
CUSTOM_TYPE = "x-wayhome-selector"
_DEFINED = "2026-12-07T00:00:00.000Z"
WAYHOME_IDENTITY: dict[str, Any] = {
    "type": "identity",
    "spec_version": "2.1",
    "id": "identity--8e5b0c7e-3f0a-4d1e-9b7a-2c6d4e8f1a35",
    "created": _DEFINED,
    "modified": _DEFINED,
    "name": "Wayhome",
    "description": "The Wayhome platform: the author of Wayhome's STIX extension.",
    "identity_class": "system",
}
EXTENSION_ID = "extension-definition--4b7e2f7c-6a1d-4c3b-8e55-1f0d9a2b7c64"
PLATFORM_EXTENSION_ID = "extension-definition--9d3a6c21-5e8f-4a7b-b1c2-7e4f0a6d3b58"


def _definition(ident: str, name: str, schema: str, types: list[str]) -> dict[str, Any]:
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": ident,
        "created_by_ref": WAYHOME_IDENTITY["id"],
        "created": _DEFINED,
        "modified": _DEFINED,
        "name": name,
        "description": f"{name}: defined by Wayhome for its exports.",
        "schema": schema,
        "version": "1.0.0",
        "extension_types": types,
    }


EXTENSION = _definition(
    EXTENSION_ID,
    "Wayhome selectors",
    "x-wayhome-selector (new-sco): selector_type is one of phone (E.164), btc, eth, xmr, "
    "pgp_fingerprint (40 upper-case hex digits), pgp_key_id (16 upper-case hex digits); value "
    "is the canonical value. On a user-account (property-extension): platform, the platform "
    "or messenger service of the account in lower case, when account_type cannot name it.",
    ["new-sco", "property-extension"],
)
PLATFORM_EXTENSION = {
    **_definition(
        PLATFORM_EXTENSION_ID,
        "Wayhome account platform",
        f"{PLATFORM_PROPERTY} (toplevel-property-extension of user-account): the platform or "
        "messenger service of the account in lower case, when account_type cannot name it.",
        ["toplevel-property-extension"],
    ),
    "extension_properties": [PLATFORM_PROPERTY],
}
_SCO_TYPES = {
    SelectorType.EMAIL: "email-addr",
    SelectorType.IPV4: "ipv4-addr",
    SelectorType.IPV6: "ipv6-addr",
    SelectorType.DOMAIN: "domain-name",
    SelectorType.ONION: "domain-name",
    SelectorType.URL: "url",
}
_HASH_NAMES = {SelectorType.MD5: "MD5", SelectorType.SHA1: "SHA-1", SelectorType.SHA256: "SHA-256"}


@dataclass(frozen=True)
class Holder:
    """Who holds an exported report, with the stored ids that keep its STIX ids stable."""

    agency: str
    agency_id: uuid.UUID | None = None
    report_id: uuid.UUID | None = None


def independent_items(report: ParsedReport) -> list[ParsedItem]:
    """The report's selectors but those derived from another at the same place (an
    e-mail's domain, a URL's host): every importer derives them again, Wayhome's included,
    so exporting them too would count them twice there."""
    sources: dict[tuple[str, int | None, int | None], set[tuple[SelectorType, str]]] = {}
    for item in report.items:
        place = (item.origin, item.selector.start, item.selector.end)
        implied = {d.key for d in derived_selectors(item.selector)}
        sources.setdefault(place, set()).update(implied)
    return [
        item
        for item in report.items
        if item.selector.key
        not in sources.get((item.origin, item.selector.start, item.selector.end), set())
    ]


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_uuid4(*parts: Any) -> uuid.UUID:
    """A UUID in version-4 form derived from content: the same parts, the same id."""
    digest = hashlib.sha256(_canonical_json(["wayhome", *parts]).encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def _sco_id(kind: str, contributing: dict[str, Any]) -> str:
    return f"{kind}--{uuid.uuid5(SCO_NAMESPACE, _canonical_json(contributing))}"


def selector_observable(selector: Selector, marking: Marking | None) -> dict[str, Any]:
    """The STIX cyber observable for one selector."""
    obj: dict[str, Any]
    kind = selector.type
    if kind in _SCO_TYPES:
        sco = _SCO_TYPES[kind]
        obj = {"type": sco, "id": _sco_id(sco, {"value": selector.value}), "value": selector.value}
    elif kind in _HASH_NAMES:
        hashes = {_HASH_NAMES[kind]: selector.value}
        obj = {"type": "file", "id": _sco_id("file", {"hashes": hashes}), "hashes": hashes}
    elif kind in (SelectorType.HANDLE, SelectorType.MESSENGER_ID):
        platform, _, login = selector.value.partition(":")
        named: dict[str, Any] = {"account_login": login}
        if platform in ACCOUNT_TYPES:
            named["account_type"] = platform
        else:
            named[PLATFORM_PROPERTY] = platform
            named["extensions"] = {
                EXTENSION_ID: {"extension_type": "property-extension", "platform": platform},
                PLATFORM_EXTENSION_ID: {"extension_type": "toplevel-property-extension"},
            }
        contributing = {k: v for k, v in named.items() if k != "extensions"}
        obj = {"type": "user-account", "id": _sco_id("user-account", contributing), **named}
    else:
        fields = {"selector_type": kind.value, "value": selector.value}
        obj = {
            "type": CUSTOM_TYPE,
            "id": f"{CUSTOM_TYPE}--{content_uuid4(CUSTOM_TYPE, fields)}",
            **fields,
            "extensions": {EXTENSION_ID: {"extension_type": "new-sco"}},
        }
    obj["spec_version"] = "2.1"
    if marking is not None:
        obj["object_marking_refs"] = [TLP2_IDS[marking]]
    return obj


def agency_identity(holder: Holder | str) -> dict[str, Any]:
    """The STIX identity (organization) of an agency: its own id, or one from its name."""
    holder = Holder(holder) if isinstance(holder, str) else holder
    identity = holder.agency_id or content_uuid4("identity", holder.agency)
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{identity}",
        "created": "2020-01-01T00:00:00.000Z",
        "modified": "2020-01-01T00:00:00.000Z",
        "name": holder.agency,
        "identity_class": "organization",
    }


def _report_id(report: ParsedReport, holder: Holder) -> str:
    if holder.report_id is not None:
        return f"report--{holder.report_id}"
    received = report.received_at.isoformat() if report.received_at else None
    keys = sorted({f"{i.selector.type.value}:{i.selector.value}" for i in report.items})
    content = [holder.agency, report.title, report.source, report.body, received, keys]
    return f"report--{content_uuid4('report', content)}"


def export_stix(
    reports: Sequence[tuple[ParsedReport, Holder | str]], *, now: datetime | None = None
) -> dict[str, Any]:
    """A STIX 2.1 bundle (as a dict) of (report, holder or agency name) pairs."""
    current = now or datetime.now(UTC)
    objects: dict[str, dict[str, Any]] = {}
    markings: set[Marking] = set()
    stix_reports: list[dict[str, Any]] = []
    sco_markings: dict[str, Marking | None] = {}
    extended = False
    for report, given in reports:
        holder = Holder(given) if isinstance(given, str) else given
        identity = agency_identity(holder)
        objects[identity["id"]] = identity
        refs: list[str] = []
        for item in independent_items(report):
            sco = selector_observable(item.selector, report.marking)
            extended = extended or "extensions" in sco
            held = objects.setdefault(sco["id"], sco)
            shared = sco_markings.setdefault(sco["id"], report.marking)
            if shared and report.marking and rank(report.marking) < rank(shared):
                # A value two reports hold is known at the looser marking: marking it with
                # the stricter would raise the looser report's marking when read back.
                sco_markings[sco["id"]] = report.marking
                held["object_marking_refs"] = [TLP2_IDS[report.marking]]
            if sco["id"] not in refs:
                refs.append(sco["id"])
        published = report.received_at or current
        published = published if published.tzinfo else published.replace(tzinfo=UTC)
        entry: dict[str, Any] = {
            "type": "report",
            "spec_version": "2.1",
            "id": _report_id(report, holder),
            "created": _timestamp(published),
            "modified": _timestamp(max(published, current)),
            "created_by_ref": identity["id"],
            "name": report.title,
            "published": _timestamp(published),
            "report_types": ["observed-data"],
            "object_refs": refs or [identity["id"]],
        }
        if report.body:
            entry["description"] = report.body
        if report.marking is not None:
            markings.add(report.marking)
            entry["object_marking_refs"] = [TLP2_IDS[report.marking]]
        stix_reports.append(entry)
    definitions = [tlp2_definition(m) for m in sorted(markings, key=rank)]
    extension = [WAYHOME_IDENTITY, EXTENSION, PLATFORM_EXTENSION] if extended else []
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid4()}",
        "objects": [*definitions, *extension, *objects.values(), *stix_reports],
    }
