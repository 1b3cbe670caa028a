"""CyberTipline-style XML reports (the shape NCMEC's reporting API uses) into `ParsedReport`s.

Read elements: `incidentSummary` (incidentType, incidentDateTime, escalateToHighPriority),
`internetDetails` (urls, e-mail addresses, chat client/room, free text), `reporter` (espName,
reporting person), `personOrUserReported` (person, espIdentifier, espService, screenName,
displayName, profileUrl, ipCaptureEvent, deviceId, estimatedLocation, additionalInfo),
`victim`, `additionalInfo`, and `fileDetails`/`uploadedFile` with `originalFileHash`. A TLP
label may sit in a root `tlp` attribute or a top-level `<tlp>`/`<marking>` element.

Unknown elements are not fatal: they are kept whole in `extra` — each leaf's text under its
element path, each attribute under `path/@name`. Free-text elements (`additionalInfo`, chat
text, notes) go through the selector extractor. A value not valid for its type (an e-mail, a
URL, an IP, a phone) is kept as written with a warning naming the element; only XML that is
not well-formed, or is not a report, refuses the file.

Accounts: `espService` names the platform (else the reporting `espName`, else `forum`);
`screenName` and `espIdentifier` are each an account selector on it (docs/intake-accounts.md).
Phones are read in the country the element states (`countryCallingCode`), a written `+`, the
report's own countries (`countryCode` of its locations and addresses), then the agency's.
An `ipCaptureEvent` with a `countryCode` adds a location of kind `ip` (`ip-proxy`, `ip-vpn`,
`ip-tor` when flagged); one with a country but no address is that location alone.
"""

from __future__ import annotations

from typing import Any

from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import (
    calling_code_region,
    ip_kind,
    is_country_code,
    keep_unnormalised,
    marking_from_tlp,
    observed_time,
    parse_bool,
    structured_selector,
)
from wayhome.intake.formats.persons import PersonFields, person_role, read_person
from wayhome.intake.formats.safe_xml import XmlNode, parse_xml
from wayhome.intake.parsed import (
    ParsedFileHash,
    ParsedItem,
    ParsedLocation,
    ParsedPersona,
    ParsedReport,
)
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.normalise import classify_host
from wayhome.intake.selectors.platforms import GENERIC, platform_key
from wayhome.intake.selectors.types import Selector, SelectorType

FORMAT = "cybertip"
_FREE_TEXT = {"additionalInfo", "chatText", "note", "notes", "comment", "description"}
_PERSON_FIELDS = {
    "firstName",
    "middleName",
    "lastName",
    "fullName",
    "dateOfBirth",
    "approximateAge",
    "sex",
    "gender",
    "nationality",
    "address",
    "email",
    "phone",
    "alias",
    "placeOfBirth",
    "passportNumber",
    "idNumber",
}
_HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha-1": 40, "sha256": 64, "sha-256": 64}


class _Reader:
    """Walks one report element, collecting everything into a `ParsedReport`."""

    def __init__(self, root: XmlNode, region: str | None) -> None:
        self.root = root
        self.region = region
        self.report = ParsedReport(title="CyberTipline report", source=FORMAT)
        self.esp = (root.child("reporter") or root).text_of("espName")
        self.texts: list[str] = []
        self._countries: list[str] | None = None

    @property
    def countries(self) -> list[str]:
        """The report's own countries, read once when a phone first needs them."""
        if self._countries is None:
            self._countries = _countries(self.root)
        return self._countries

    def item(self, kind: SelectorType, value: str, node: XmlNode, path: str, **kw: Any) -> None:
        """The selector an element holds; a value not valid for its type is kept as written."""
        structured_selector(self.report, kind, value, _at(path, node), **kw)

    def phone(self, text: str, node: XmlNode, path: str) -> None:
        """A phone in the country the source states (the element's `countryCallingCode`, a
        written `+`, the report's countries), else the agency's; never fatal: a number that
        still does not normalise is kept as written with a warning naming the element."""
        stated = _calling_code_region(node.attributes.get("countryCallingCode"))
        regions = (stated, node.attributes.get("countryCode"), *self.countries, self.region)
        structured_selector(self.report, SelectorType.PHONE, text, _at(path, node), regions=regions)

    def free_text(self, node: XmlNode, path: str) -> None:
        text = node.text.strip()
        if not text:
            return
        self.texts.append(text)
        for selector in extract_selectors(text, region=self.region):
            self.report.items.append(
                ParsedItem(selector=selector, origin=_at(path, node), context="free text")
            )

    def keep(self, node: XmlNode, path: str) -> None:
        """An element Wayhome does not model, kept whole in `extra`: each leaf's text under
        its path, each attribute under `path/@name`, text beside child elements too."""
        for name, value in node.attributes.items():
            self.report.extra.setdefault(f"{path}/@{name}", []).append(value)
        text = node.text.strip()
        if text:
            self.report.extra.setdefault(path, []).append(text)
        for child in node.children:
            self.keep(child, f"{path}/{child.tag}")

    def run(self) -> ParsedReport:
        root = self.root
        self.report.marking = marking_from_tlp(
            root.attributes.get("tlp") or root.text_of("tlp") or root.text_of("marking")
        )
        for child in root.children:
            path = f"{root.tag}/{child.tag}"
            handler = getattr(self, f"on_{child.tag}", None)
            if handler is not None:
                handler(child, path)
            elif child.tag in _FREE_TEXT:
                self.free_text(child, path)
            elif child.tag not in {"tlp", "marking"}:
                self.keep(child, path)
        self.report.body = "\n\n".join(self.texts)
        return self.report

    def on_incidentSummary(self, node: XmlNode, path: str) -> None:
        kind = node.text_of("incidentType")
        if kind:
            self.report.title = f"CyberTipline report: {kind}"
            self.report.extra["incidentType"] = kind
        when = node.child("incidentDateTime")
        if when is not None:
            self.report.observed_at = observed_time(
                self.report, when.text, _at(f"{path}/incidentDateTime", when)
            )
        escalate = parse_bool(node.text_of("escalateToHighPriority"))
        if escalate is not None:
            self.report.extra["escalateToHighPriority"] = escalate
        for child in node.children:
            if child.tag not in {"incidentType", "incidentDateTime", "escalateToHighPriority"}:
                self.keep(child, f"{path}/{child.tag}")

    def on_internetDetails(self, node: XmlNode, path: str) -> None:
        self.walk_values(node, path)

    def walk_values(self, node: XmlNode, path: str) -> None:
        for child in node.children:
            here = f"{path}/{child.tag}"
            text = child.text.strip()
            if child.children:
                self.walk_values(child, here)
            elif child.tag in {"url", "profileUrl", "webPage"} and text:
                self.item(SelectorType.URL, text, child, here)
            elif child.tag in {"emailAddress", "email"} and text:
                self.item(SelectorType.EMAIL, text, child, here)
            elif child.tag in {"phone", "phoneNumber", "mobile"} and text:
                self.phone(text, child, here)
            elif child.tag in {"ipAddress", "ip"} and text:
                self.host(text, child, here)
            elif child.tag in _FREE_TEXT:
                self.free_text(child, here)
            else:
                self.keep(child, here)

    def host(self, text: str, node: XmlNode, path: str, **kw: Any) -> None:
        selector = classify_host(text)
        if selector is None or selector.type not in (SelectorType.IPV4, SelectorType.IPV6):
            keep_unnormalised(self.report, "IP address", text, _at(path, node))
            return
        self.report.items.append(ParsedItem(selector=selector, origin=_at(path, node), **kw))

    def on_reporter(self, node: XmlNode, path: str) -> None:
        for child in node.children:
            here = f"{path}/{child.tag}"
            if child.tag == "espName":
                self.report.source = f"{FORMAT}:{child.text.strip()}"
            else:
                self.keep(child, here)

    def person(self, node: XmlNode, path: str, role: str) -> None:
        """A person block: names, a partial birth date, sex, nationalities, places of birth
        and residence (`address`), aliases and document numbers; its e-mail and phone as
        selectors. A block without a name adds no person (a warning says so)."""
        fields = PersonFields(origin=_at(path, node))
        for child in node.children:
            key = _PERSON_KEYS.get(child.tag)
            here = _at(f"{path}/{child.tag}", child)
            if key is not None and not child.children:
                fields.set(key, child.text, here)
            elif child.tag in {"address", "placeOfBirth"}:
                place, country = _place_of(child)
                kind = "residence" if child.tag == "address" else "birth_place"
                fields.set(kind, place, here)
                fields.set(f"{kind.removesuffix('_place')}_country", country, here)
        if fields.has_name():
            self.report.persons.append(read_person(fields, role=person_role(role) or role))
        elif fields.has_details():
            self.report.warnings.append(
                f"{_at(path, node)}: a person without a name; details kept as written"
            )
            for child in node.children:
                if child.tag in _PERSON_KEYS or child.tag == "placeOfBirth":
                    self.keep(child, f"{path}/{child.tag}")
        for child in node.children:
            here = f"{path}/{child.tag}"
            text = child.text.strip()
            if child.tag == "email" and text:
                self.item(SelectorType.EMAIL, text, child, here)
            elif child.tag == "phone" and text:
                self.phone(text, child, here)
            elif child.tag == "address":
                self.address(child, here, "address")
            elif child.tag not in _PERSON_FIELDS:
                self.keep(child, here)

    def address(self, node: XmlNode, path: str, kind: str) -> None:
        parts = [
            node.text_of(t) for t in ("address", "street", "city", "region", "state", "zipCode")
        ]
        place = ", ".join(p for p in parts if p)
        country = node.text_of("countryCode") or node.text_of("country")
        lat, lon = node.text_of("latitude"), node.text_of("longitude")
        try:
            latitude = float(lat) if lat else None
            longitude = float(lon) if lon else None
        except ValueError:
            raise InvalidInput(
                "latitude/longitude is not a number", location=_at(path, node)
            ) from None
        if place or country or latitude is not None:
            self.report.locations.append(
                ParsedLocation(
                    latitude=latitude,
                    longitude=longitude,
                    place_name=place or None,
                    country=country.upper()[:2] if country else None,
                    kind=kind,
                )
            )

    def account(self, node: XmlNode, path: str, role: str) -> None:
        """The user's account on the service `espService` names (else the reporting ESP, else
        `forum`): one account selector for the screen name and one for the ESP's identifier
        when it differs (docs/intake-accounts.md)."""
        platform = node.text_of("espService") or self.esp or GENERIC
        display = node.text_of("displayName")
        profile = node.text_of("profileUrl")
        first: Selector | None = None
        for tag in ("screenName", "espIdentifier"):
            element = node.child(tag)
            written = element.text.strip() if element is not None else ""
            if element is None or not written:
                continue
            selector = structured_selector(
                self.report,
                SelectorType.HANDLE,
                written,
                _at(f"{path}/{tag}", element),
                platform=platform,
                context=role,
            )
            if selector is not None and first is not None and selector.value == first.value:
                self.report.items.pop()
            first = first or selector
        if first is not None:
            self.report.personas.append(
                ParsedPersona(
                    platform=platform_key(platform),
                    handle=first.original,
                    handle_canonical=first.value,
                    display_name=display,
                    profile_url=profile,
                    role=role,
                )
            )
        if profile:
            here = f"{path}/profileUrl"
            self.item(SelectorType.URL, profile, node.child("profileUrl") or node, here)

    def reported(self, node: XmlNode, path: str, role: str) -> None:
        self.account(node, path, role)
        handled = {"espService", "screenName", "displayName", "profileUrl", "espIdentifier"}
        for child in node.children:
            here = f"{path}/{child.tag}"
            if child.tag in handled:
                continue
            if child.tag in _PERSON_BLOCKS:
                self.person(child, here, role)
            elif child.tag == "ipCaptureEvent":
                self.ip_event(child, here)
            elif child.tag == "estimatedLocation":
                self.address(child, here, "estimated")
            elif child.tag == "deviceId":
                self.keep(child, here)
            elif child.tag in _FREE_TEXT:
                self.free_text(child, here)
            elif child.tag in {"email", "emailAddress"} and child.text.strip():
                self.item(SelectorType.EMAIL, child.text.strip(), child, here)
            elif child.tag in {"phone", "phoneNumber"} and child.text.strip():
                self.phone(child.text.strip(), child, here)
            else:
                self.keep(child, here)

    def on_personOrUserReported(self, node: XmlNode, path: str) -> None:
        self.reported(node, path, "reported")

    def on_victim(self, node: XmlNode, path: str) -> None:
        self.reported(node, path, "victim")

    def ip_event(self, node: XmlNode, path: str) -> None:
        """An IP capture: the address as a selector, and its country (when stated) as a
        location of kind `ip` (`ip-proxy`, `ip-vpn`, `ip-tor` when flagged); a capture
        known only by its country is a location alone."""
        fields: dict[str, XmlNode] = {}
        for child in node.children:
            fields.setdefault(child.tag, child)

        def text_of(tag: str) -> str | None:
            found = fields.get(tag)
            return found.text.strip() or None if found is not None else None

        address = fields.get("ipAddress")
        when = fields.get("dateTime")
        where = _at(f"{path}/dateTime", when) if when is not None else ""
        observed = observed_time(self.report, when.text, where) if when is not None else None
        label = text_of("eventName") or "ip capture"
        flags: list[str] = []
        for tag, flag in _IP_FLAGS:
            if flag not in flags and (
                (tag in fields and parse_bool(fields[tag].text))
                or (tag in node.attributes and parse_bool(node.attributes[tag]))
            ):
                flags.append(flag)
        details = [label, *flags]
        port = text_of("port")
        if port:
            details.append(f"port {port}")
        country = text_of("countryCode") or text_of("country")
        if country and is_country_code(country):
            self.report.locations.append(
                ParsedLocation(country=country.upper(), observed_at=observed, kind=ip_kind(*flags))
            )
        if address is not None and address.text.strip():
            self.host(
                address.text.strip(),
                address,
                f"{path}/ipAddress",
                observed_at=observed,
                context="; ".join(details),
            )
        elif not (country and is_country_code(country)):
            self.keep(node, path)
            self.report.warnings.append(
                f"{_at(path, node)}: an IP capture without an address or country; kept as written"
            )
        for child in node.children:
            if child.tag not in _IP_EVENT_FIELDS:
                self.keep(child, f"{path}/{child.tag}")

    def on_fileDetails(self, node: XmlNode, path: str) -> None:
        name = node.text_of("fileName")
        for child in node.children:
            here = f"{path}/{child.tag}"
            if child.tag == "originalFileHash":
                self.file_hash(child, here, name)
            elif child.tag != "fileName":
                self.keep(child, here)

    on_uploadedFile = on_fileDetails

    def file_hash(self, node: XmlNode, path: str, name: str | None) -> None:
        algorithm = (node.attributes.get("hashType") or "").lower()
        value = node.text.strip()
        if not algorithm:
            algorithm = {32: "md5", 40: "sha1", 64: "sha256"}.get(len(value), "")
        if algorithm not in _HASH_LENGTHS:
            raise InvalidInput(f"unknown hashType {algorithm!r}", location=_at(path, node))
        kind = SelectorType(algorithm.replace("-", ""))
        self.item(kind, value, node, path, context=name)
        canonical = self.report.items[-1].selector.value
        self.report.file_hashes.append(
            ParsedFileHash(algorithm=kind.value, value=canonical, file_name=name)
        )


_PERSON_BLOCKS = {"personOrUserReportedPerson", "reportedPerson", "victimPerson", "person"}
# Person block elements → `persons.PersonFields` keys.
_PERSON_KEYS = {
    "fullName": "name",
    "firstName": "given_name",
    "middleName": "middle_name",
    "lastName": "family_name",
    "alias": "aliases",
    "dateOfBirth": "birth_date",
    "sex": "sex",
    "gender": "sex",
    "nationality": "nationalities",
    "passportNumber": "identifiers",
    "idNumber": "identifiers",
}


def _place_of(node: XmlNode) -> tuple[str | None, str | None]:
    """A place element as (its town — else region, else address —, country), or its text:
    the town is what the matcher compares with a register's residence."""
    if not node.children:
        return node.text.strip() or None, None
    place = next(
        (node.text_of(t) for t in ("city", "region", "state", "address") if node.text_of(t)),
        None,
    )
    return place, node.text_of("countryCode") or node.text_of("country")


_calling_code_region = calling_code_region
# ipCaptureEvent flags → the words its location kind and context carry.
_IP_FLAGS = (
    ("possibleProxy", "possible proxy"),
    ("proxy", "possible proxy"),
    ("possibleVpn", "possible vpn"),
    ("vpn", "possible vpn"),
    ("possibleTor", "possible tor"),
    ("tor", "possible tor"),
)
_IP_EVENT_FIELDS = {"ipAddress", "dateTime", "eventName", "port", "countryCode", "country"}
_IP_EVENT_FIELDS |= {tag for tag, _ in _IP_FLAGS}


def _countries(root: XmlNode) -> list[str]:
    """The countries a report states for its people (`countryCode` of locations, addresses)."""
    found: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.tag == "ipCaptureEvent":
            continue
        if node.tag in {"countryCode", "country"} and is_country_code(node.text):
            found.append(node.text.strip().upper())
        stack.extend(reversed(node.children))
    return found


def _at(path: str, node: XmlNode) -> str:
    return f"{path} (line {node.line})"


def parse_cybertip(data: bytes, *, region: str | None = None) -> list[ParsedReport]:
    """Parse a CyberTipline-style XML file (one `<report>`, or several under a wrapper)."""
    root = parse_xml(data)
    if root.child("incidentSummary") is not None:
        reports = [root]
    else:
        reports = [c for c in root.children if c.child("incidentSummary") is not None]
    if not reports:
        raise InvalidInput(
            "not a CyberTipline report: no incidentSummary element", location=_at(root.tag, root)
        )
    return [_Reader(node, region).run() for node in reports]
