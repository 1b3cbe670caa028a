"""Parsed reports as a STIX 2.1 bundle that `stix2-validator` accepts.

Each agency is an `identity` (organization); each report a `report` created by it, marked
with the published TLP 2.0 marking definition (included in the bundle). Selectors become:
`email-addr`, `ipv4-addr`, `ipv6-addr`, `domain-name` (onions too), `url`, `file` (hashes),
`user-account` (handles: `account_type` is the platform; messenger ids: the service), and
for phone numbers, wallets and PGP keys Wayhome's custom `x-wayhome-selector` observable
(`selector_type`, `value`). Observable ids are deterministic (UUIDv5 over the value), so the
same selector in two exports has the same id.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from wayhome.access.markings import Marking, rank
from wayhome.intake.formats.stix_markings import TLP2_IDS, tlp2_definition
from wayhome.intake.parsed import ParsedReport
from wayhome.intake.selectors.types import Selector, SelectorType

SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
WAYHOME_NAMESPACE = uuid.UUID("6f1d9a0e-5b8c-4c55-9d0a-7a1e2b3c4d5e")
_SCO_TYPES = {
    SelectorType.EMAIL: "email-addr",
    SelectorType.IPV4: "ipv4-addr",
    SelectorType.IPV6: "ipv6-addr",
    SelectorType.DOMAIN: "domain-name",
    SelectorType.ONION: "domain-name",
    SelectorType.URL: "url",
}
_HASH_NAMES = {SelectorType.MD5: "MD5", SelectorType.SHA1: "SHA-1", SelectorType.SHA256: "SHA-256"}


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _sco_id(kind: str, contributing: dict[str, Any]) -> str:
    name = json.dumps(contributing, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{kind}--{uuid.uuid5(SCO_NAMESPACE, name)}"


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
        contributing = {"account_login": login, "account_type": platform}
        obj = {"type": "user-account", "id": _sco_id("user-account", contributing), **contributing}
    else:
        contributing = {"selector_type": kind.value, "value": selector.value}
        obj = {
            "type": "x-wayhome-selector",
            "id": f"x-wayhome-selector--{uuid.uuid5(WAYHOME_NAMESPACE, json.dumps(contributing))}",
            **contributing,
        }
    obj["spec_version"] = "2.1"
    if marking is not None:
        obj["object_marking_refs"] = [TLP2_IDS[marking]]
    return obj


def agency_identity(agency: str) -> dict[str, Any]:
    """A deterministic STIX identity (organization) for an agency name."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.uuid5(WAYHOME_NAMESPACE, 'agency:' + agency)}",
        "created": "2020-01-01T00:00:00.000Z",
        "modified": "2020-01-01T00:00:00.000Z",
        "name": agency,
        "identity_class": "organization",
    }


def export_stix(
    reports: list[tuple[ParsedReport, str]], *, now: datetime | None = None
) -> dict[str, Any]:
    """A STIX 2.1 bundle (as a dict) of (report, agency name) pairs."""
    moment = _timestamp(now or datetime.now(UTC))
    objects: dict[str, dict[str, Any]] = {}
    markings: set[Marking] = set()
    stix_reports: list[dict[str, Any]] = []
    for report, agency in reports:
        identity = agency_identity(agency)
        objects[identity["id"]] = identity
        refs: list[str] = []
        for item in report.items:
            sco = selector_observable(item.selector, report.marking)
            objects.setdefault(sco["id"], sco)
            if sco["id"] not in refs:
                refs.append(sco["id"])
        published = report.received_at or now or datetime.now(UTC)
        entry: dict[str, Any] = {
            "type": "report",
            "spec_version": "2.1",
            "id": f"report--{uuid.uuid4()}",
            "created": moment,
            "modified": moment,
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
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid4()}",
        "objects": [*definitions, *objects.values(), *stix_reports],
    }
