"""Each fragment in the format its agency really sends, written with the reference libraries.

Free text for the forum scrape and the tip; CyberTipline-style XML for the provider; a MISP
event built with PyMISP; a STIX 2.1 bundle built with `stix2`; VICS 2.0 JSON through
Wayhome's VICS writer; a semicolon CSV register extract in Cyrillic; the case as the JSON
body the cases API takes.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

import stix2
from pymisp import MISPEvent, MISPObject

from wayhome.access.markings import Marking
from wayhome.hashing.records import HashRecord
from wayhome.hashing.vics import dumps_vics
from wayhome.intake.formats.stix_markings import TLP2_IDS, tlp2_definition


def stamp(moment: datetime) -> str:
    """A UTC time as STIX and the tipline write it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tipline_xml(
    *,
    provider: str,
    incident_at: datetime,
    email: str | None,
    screen_name: str,
    esp_identifier: str,
    logins: Sequence[tuple[str, datetime, bool]],
    city: str | None,
    country: str,
    info: str,
    tlp: str = "TLP:AMBER",
) -> bytes:
    """A CyberTipline-style report: the reported user, his IP login events, a rough location."""
    events = "\n".join(
        f"    <ipCaptureEvent><ipAddress>{escape(ip)}</ipAddress><eventName>Login</eventName>"
        f"<dateTime>{stamp(at)}</dateTime><possibleProxy>{str(proxy).lower()}</possibleProxy>"
        "</ipCaptureEvent>"
        for ip, at, proxy in logins
    )
    person = (
        f"    <personOrUserReportedPerson><email>{escape(email)}</email>"
        "</personOrUserReportedPerson>\n"
        if email
        else ""
    )
    place = f"<city>{escape(city)}</city>" if city else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<report tlp="{tlp}">
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <incidentDateTime>{stamp(incident_at)}</incidentDateTime>
    <escalateToHighPriority>true</escalateToHighPriority>
  </incidentSummary>
  <reporter><espName>{escape(provider)}</espName></reporter>
  <personOrUserReported>
{person}    <espIdentifier>{escape(esp_identifier)}</espIdentifier>
    <screenName>{escape(screen_name)}</screenName>
{events}
    <estimatedLocation>{place}<countryCode>{country}</countryCode></estimatedLocation>
  </personOrUserReported>
  <additionalInfo>{escape(info)}</additionalInfo>
</report>
""".encode()


def misp_event(
    *,
    uuid_value: uuid.UUID,
    info: str,
    org: str,
    day: datetime,
    attributes: Sequence[tuple[str, str, str]],
    account: tuple[str, str] | None,
    person: dict[str, str],
) -> bytes:
    """A MISP event (PyMISP's JSON): attributes, a user-account object and a person object."""
    event = MISPEvent()
    event.uuid = str(uuid_value)
    event.info = info
    event.date = day.date()
    event.timestamp = day
    event.add_tag("tlp:amber")
    event.Orgc = {"name": org}  # type: ignore[assignment]
    for kind, category, value in attributes:
        event.add_attribute(kind, value, category=category)
    if account is not None:
        platform, login = account
        holder = MISPObject("user-account", standalone=False)
        holder.add_attribute("username", value=login)
        holder.add_attribute("account-type", value=platform)
        event.add_object(holder)
    if person:
        who = MISPObject("person", standalone=False)
        for relation, value in person.items():
            who.add_attribute(relation, value=value)
        event.add_object(who)
    document: dict[str, Any] = json.loads(event.to_json())
    _pin_uuids(document, uuid_value)
    return json.dumps({"Event": document}, ensure_ascii=False, indent=1).encode()


def _pin_uuids(node: Any, seed: uuid.UUID, counter: list[int] | None = None) -> None:
    """Replace PyMISP's random attribute and object uuids by ones derived from the event's."""
    counter = counter if counter is not None else [0]
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "uuid" and isinstance(value, str):
                counter[0] += 1
                node[key] = str(uuid.uuid5(seed, str(counter[0])))
            elif key == "timestamp" and isinstance(value, str) and "Attribute" not in node:
                continue
            else:
                _pin_uuids(value, seed, counter)
    elif isinstance(node, list):
        for item in node:
            _pin_uuids(item, seed, counter)


def stix_bundle(
    *,
    ids: Sequence[uuid.UUID],
    created: datetime,
    marking: Marking,
    author: str,
    title: str,
    handle: str,
    platform: str,
    clearnet: tuple[str, str],
    email: str,
    person_name: str,
    note: str,
) -> bytes:
    """A STIX 2.1 bundle: persona, e-mail, clearnet account, a person, and how they relate."""
    marking_ref = TLP2_IDS[marking]
    common = {"created": created, "modified": created, "object_marking_refs": [marking_ref]}
    identity = stix2.Identity(
        id=f"identity--{ids[0]}", name=author, identity_class="organization", **common
    )
    persona = stix2.UserAccount(account_login=handle, account_type=platform)
    mailbox = stix2.EmailAddress(value=email)
    account = stix2.UserAccount(account_login=clearnet[1], account_type=clearnet[0])
    person = stix2.Identity(
        id=f"identity--{ids[1]}", name=person_name, identity_class="individual", **common
    )
    links = [
        stix2.Relationship(
            id=f"relationship--{ids[2 + n]}",
            source_ref=source,
            target_ref=target,
            relationship_type="related-to",
            **common,
        )
        for n, (source, target) in enumerate(((persona.id, account.id), (account.id, person.id)))
    ]
    remark = stix2.Note(
        id=f"note--{ids[4]}",
        content=note,
        object_refs=[persona.id],
        created_by_ref=identity.id,
        **common,
    )
    report = stix2.Report(
        id=f"report--{ids[5]}",
        name=title,
        published=created,
        report_types=["threat-actor"],
        created_by_ref=identity.id,
        object_refs=[
            persona.id,
            mailbox.id,
            account.id,
            person.id,
            *(link.id for link in links),
            remark.id,
        ],
        **common,
    )
    objects: list[Any] = [identity, persona, mailbox, account, person, *links, remark, report]
    bundle = stix2.Bundle(
        *objects, tlp2_definition(marking), id=f"bundle--{ids[6]}", allow_custom=True
    )
    text: str = bundle.serialize(pretty=True, ensure_ascii=False)
    return text.encode()


def vics_list(records: Sequence[HashRecord]) -> bytes:
    """A VICS 2.0 JSON hash list."""
    return dumps_vics(records).encode()


def register_csv(rows: Sequence[dict[str, str]]) -> bytes:
    """A register extract as Russian offices send it: UTF-8 with BOM, semicolons."""
    out = io.StringIO()
    columns = ["person_id", "full_name", "birth_date", "sex", "residence", "geonameid"]
    writer = csv.DictWriter(out, columns, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def case_json(document: dict[str, Any]) -> bytes:
    """The case as the cases API takes it: the case, its persons and its first events."""
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode()
