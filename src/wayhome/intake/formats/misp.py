"""MISP event JSON (`{"Event": {...}}`, a bare event, or a search `response` list).

Attribute types read (also inside objects): `email`, `email-src`, `email-dst`,
`target-email`, `whois-registrant-email`, `ip-src`, `ip-dst`, `ip-src|port`, `ip-dst|port`,
`domain`, `hostname`, `domain|ip`, `hostname|port`, `url`, `uri`, `link`, `phone-number`,
`whois-registrant-phone`, `btc`, `xmr`, `onion-address`, `github-username`, `twitter-id`,
`jabber-id`, `md5`, `sha1`, `sha256`, `filename|md5/sha1/sha256`; `text`, `comment`, `other`
and `pgp-public-key` go through the free-text extractor, as does an `EventReport`'s content
(the report's text; a typed value it names adds no second mention); a `pgp-public-key` block
also yields the v4 fingerprint of its first key packet. A `url`/`uri`/`link` whose host is a v3
onion also yields that onion.
Objects read: `coin-address` (`address`, `address-xmr`, `address-crypto`), account objects
(`user-account` with `account-type`, `telegram-account`, `twitter-account`, ...: `username`
or `user-id`), `pgp-meta` (`key-id`: 40 hex is a fingerprint, 16 a key id), `person`
(names, alias, a partial `date-of-birth`, gender, nationality, place-of-birth, address,
role, document numbers: docs/intake-persons.md; its e-mail, phone and IP as selectors),
`geolocation`, `file`.

Accounts (docs/intake-accounts.md): an account object's platform is its `account-type`, else
the platform of its `link`/`url`, else the object's name (`telegram-account`), and a bare
`user-account` is `forum`; each identifier relation is one account selector on it.

Types that MISP defines but Wayhome does not model are kept in `extra`; a type MISP itself
does not know is kept as written with a warning naming the attribute's uuid (or index), its
value read as free text. A value that is not valid
for its type is kept as written (`extra["unnormalised"]`) with a warning naming the
attribute. Phones are read in the event's `geolocation` countries, then the agency's.
`tlp:*` tags on the event or on attributes map to markings; the report takes the strictest.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from wayhome.access.markings import Marking, strictest_given
from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import (
    MALFORMED,
    keep_unnormalised,
    malformed,
    marking_from_tlp,
    observed_time,
    parse_date,
    structured_selector,
)
from wayhome.intake.formats.jsonfile import load_json
from wayhome.intake.formats.persons import PersonFields, read_person
from wayhome.intake.parsed import (
    ParsedFileHash,
    ParsedItem,
    ParsedLocation,
    ParsedPersona,
    ParsedReport,
)
from wayhome.intake.selectors.crypto import normalise_onion
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.handles import is_messenger_service
from wayhome.intake.selectors.keys import pgp_fingerprint_of_key_block
from wayhome.intake.selectors.normalise import canonical_value, classify_host
from wayhome.intake.selectors.platforms import GENERIC, platform_key, platform_of_url
from wayhome.intake.selectors.types import Selector, SelectorType

FORMAT = "misp"
_SIMPLE_TYPES: dict[str, SelectorType] = {
    "email": SelectorType.EMAIL,
    "email-src": SelectorType.EMAIL,
    "email-dst": SelectorType.EMAIL,
    "target-email": SelectorType.EMAIL,
    "whois-registrant-email": SelectorType.EMAIL,
    "email-reply-to": SelectorType.EMAIL,
    "url": SelectorType.URL,
    "uri": SelectorType.URL,
    "link": SelectorType.URL,
    "phone-number": SelectorType.PHONE,
    "whois-registrant-phone": SelectorType.PHONE,
    "btc": SelectorType.BTC,
    "xmr": SelectorType.XMR,
    "onion-address": SelectorType.ONION,
    "md5": SelectorType.MD5,
    "sha1": SelectorType.SHA1,
    "sha256": SelectorType.SHA256,
}
_HOST_TYPES = {"ip-src", "ip-dst", "domain", "hostname", "ip-src|port", "ip-dst|port"}
_HOST_TYPES |= {"hostname|port", "domain|ip"}
_HANDLE_TYPES = {"github-username": "github", "twitter-id": "twitter"}
_FREE_TEXT_TYPES = {"text", "comment", "other"}
_ACCOUNT_RELATIONS = {"username", "user-id", "screen-name", "account-name", "login", "id"}
# The `person` object's relations (PyMISP's misp-objects template) a person is read from.
_PERSON_RELATIONS = {
    "full-name": "name",
    "first-name": "given_name",
    "middle-name": "middle_name",
    "last-name": "family_name",
    "alias": "aliases",
    "date-of-birth": "birth_date",
    "gender": "sex",
    "sex": "sex",
    "nationality": "nationalities",
    "place-of-birth": "birth_place",
    "address": "residence",
    "role": "role",
    "passport-number": "identifiers",
    "identity-card-number": "identifiers",
    "birth-certificate-number": "identifiers",
    "social-security-number": "identifiers",
    "dni": "identifiers",
    "nie": "identifiers",
    "nif": "identifiers",
}


@cache
def misp_types() -> frozenset[str]:
    """Every attribute type MISP defines, from PyMISP's bundled `describeTypes.json`."""
    source = resources.files("pymisp").joinpath("data/describeTypes.json").read_text("utf-8")
    return frozenset(json.loads(source)["result"]["types"])


def _events(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, dict) and isinstance(document.get("response"), list):
        document = document["response"]
    if isinstance(document, list):
        return [_event(entry, f"response[{i}]") for i, entry in enumerate(document)]
    return [_event(document, "Event")]


def _event(document: Any, where: str) -> dict[str, Any]:
    if isinstance(document, dict) and isinstance(document.get("Event"), dict):
        return dict(document["Event"])
    if isinstance(document, dict) and ("Attribute" in document or "info" in document):
        return document
    raise InvalidInput("not a MISP event: no 'Event', 'Attribute' or 'info'", location=where)


def _tags_marking(holder: dict[str, Any]) -> Marking | None:
    found: list[Marking | None] = []
    for tag in holder.get("Tag", []) or []:
        name = str(tag.get("name", "")) if isinstance(tag, dict) else str(tag)
        if name.lower().startswith("tlp:"):
            found.append(marking_from_tlp(name))
    return strictest_given(found)


def _timestamp(value: Any, location: str) -> datetime | None:
    if value in (None, "", "0", 0):
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(f"{value!r} is not a Unix timestamp", location=location) from None


class _EventReader:
    """Reads one MISP event into a `ParsedReport`."""

    def __init__(self, event: dict[str, Any], index: int, region: str | None) -> None:
        self.event = event
        self.where = f"Event[{index}]" if index else "Event"
        self.region = region
        org = event.get("Orgc") or event.get("Org") or {}
        source = (
            f"{FORMAT}:{org.get('name')}" if isinstance(org, dict) and org.get("name") else FORMAT
        )
        self.report = ParsedReport(
            title=str(event.get("info") or "MISP event"),
            source=source,
            received_at=_timestamp(
                event.get("publish_timestamp") or event.get("timestamp"), f"{self.where}.timestamp"
            ),
        )
        date = parse_date(event.get("date"), f"{self.where}.date")
        if date is not None:
            self.report.observed_at = datetime(date.year, date.month, date.day, tzinfo=UTC)
        if event.get("uuid"):
            self.report.extra["misp_event_uuid"] = event["uuid"]
        self.markings: list[Marking | None] = [_tags_marking(event)]
        self.texts: list[str] = []
        self.countries = _countries(event)
        self.persona_keys: set[str] = set()

    def run(self) -> ParsedReport:
        self.event_reports()
        described = len(self.report.items)
        named = {item.selector.key for item in self.report.items}
        attributes = self.event.get("Attribute", []) or []
        if not isinstance(attributes, list):
            raise InvalidInput("'Attribute' must be a list", location=f"{self.where}.Attribute")
        for index, attribute in enumerate(attributes):
            where = f"{self.where}.Attribute[{index}]"
            try:
                self.attribute(attribute, where)
            except MALFORMED as error:
                raise malformed(error, where) from None
        objects = self.event.get("Object", []) or []
        if not isinstance(objects, list):
            raise InvalidInput("'Object' must be a list", location=f"{self.where}.Object")
        for index, obj in enumerate(objects):
            where = f"{self.where}.Object[{index}]"
            try:
                self.object(obj, where)
            except MALFORMED as error:
                raise malformed(error, where) from None
        # A typed value an event report names is that mention, not a second one (an export
        # carries both: the text, and an attribute per value for MISP's correlation).
        self.report.items[described:] = [
            item for item in self.report.items[described:] if item.selector.key not in named
        ]
        self.report.marking = strictest_given(self.markings)
        self.report.body = "\n\n".join(self.texts)
        return self.report

    def event_reports(self) -> None:
        """The event's reports (MISP's prose about the event) are its text, read as such."""
        entries = self.event.get("EventReport", []) or []
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and entry.get("content") and not entry.get("deleted"):
                where = f"{self.where}.EventReport[{index}]"
                self.free_text(str(entry["content"]), entry, where)

    def origin(self, attribute: dict[str, Any], where: str) -> str:
        return f"{where} ({attribute['uuid']})" if attribute.get("uuid") else where

    def check(self, attribute: Any, where: str) -> tuple[str, str] | None:
        """An attribute's type and value; None (with a warning) for one without a value or of
        a type MISP does not define, whose value is kept as written and read as free text."""
        if not isinstance(attribute, dict):
            raise InvalidInput("attribute must be a JSON object", location=where)
        kind = str(attribute.get("type", ""))
        value = attribute.get("value")
        if _deleted(attribute):
            # MISP's soft delete: the producer withdrew it; kept, never read as a selector.
            self.report.extra.setdefault("misp_deleted", []).append([kind, str(value)])
            return None
        if value is None or str(value).strip() == "":
            origin = self.origin(attribute, where)
            self.report.warnings.append(f"{origin}: attribute has no value; skipped")
            return None
        self.markings.append(_tags_marking(attribute))
        if kind not in misp_types():
            text = str(value).strip()
            self.report.extra.setdefault("misp_attributes", []).append([kind, text])
            self.report.warnings.append(
                f"{self.origin(attribute, where)}: unknown MISP attribute type {kind!r}; "
                "kept as written"
            )
            for selector in extract_selectors(text, region=self.region):
                self.add(selector, attribute, where)
            return None
        return kind, str(value).strip()

    def add(self, selector: Selector, attribute: dict[str, Any], where: str) -> None:
        observed = observed_time(self.report, attribute.get("first_seen"), f"{where}.first_seen")
        self.report.items.append(
            ParsedItem(
                selector=selector,
                origin=self.origin(attribute, where),
                observed_at=observed,
                context=attribute.get("comment") or None,
            )
        )

    def typed(self, kind: SelectorType | str, value: str, attribute: dict[str, Any], where: str,
              platform: str | None = None) -> Selector | None:  # fmt: skip
        """The selector of a typed value, or None when it is kept as written with a warning."""
        return structured_selector(
            self.report,
            kind,
            value,
            self.origin(attribute, where),
            regions=(*self.countries, self.region),
            platform=platform,
            observed_at=observed_time(
                self.report, attribute.get("first_seen"), f"{where}.first_seen"
            ),
            context=attribute.get("comment") or None,
        )

    def host(self, value: str, attribute: dict[str, Any], where: str) -> None:
        for part in value.split("|"):
            if part.isdigit():
                continue
            selector = classify_host(part)
            if selector is None:
                keep_unnormalised(
                    self.report, "IP address or host name", part, self.origin(attribute, where)
                )
                continue
            self.add(selector, attribute, where)

    def attribute(self, attribute: Any, where: str) -> None:
        checked = self.check(attribute, where)
        if checked is None:
            return
        kind, value = checked
        if kind in _SIMPLE_TYPES:
            selector = self.typed(_SIMPLE_TYPES[kind], value, attribute, where)
            if selector is not None and selector.type is SelectorType.URL:
                self.url_onion(selector, attribute, where)
        elif kind in _HOST_TYPES:
            self.host(value, attribute, where)
        elif kind.startswith("filename|") and kind.split("|", 1)[1] in {"md5", "sha1", "sha256"}:
            name, _, digest = value.partition("|")
            self.file_hash(kind.split("|", 1)[1], digest, name, attribute, where)
        elif kind in _HANDLE_TYPES:
            self.account(_HANDLE_TYPES[kind], value, attribute, where)
        elif kind == "jabber-id":
            self.typed(SelectorType.MESSENGER_ID, value, attribute, where, platform="xmpp")
        elif kind in _FREE_TEXT_TYPES:
            self.free_text(value, attribute, where)
        elif kind == "pgp-public-key":
            self.public_key(value, attribute, where)
        else:
            self.report.extra.setdefault("misp_attributes", []).append([kind, value])

    def url_onion(self, url: Selector, attribute: dict[str, Any], where: str) -> None:
        """The onion selector of a URL whose host is an onion (as free-text URLs yield)."""
        host = urlsplit(url.value).hostname
        onion = normalise_onion(host) if host else None
        if onion is not None:
            self.add(
                Selector(type=SelectorType.ONION, value=onion, original=url.original),
                attribute,
                where,
            )

    def free_text(self, value: str, attribute: dict[str, Any], where: str) -> None:
        self.texts.append(value)
        for selector in extract_selectors(value, region=self.region):
            self.add(selector, attribute, where)

    def public_key(self, value: str, attribute: dict[str, Any], where: str) -> None:
        """A key block's text, plus the fingerprint derived from its first key packet."""
        before = len(self.report.items)
        self.free_text(value, attribute, where)
        fingerprint = pgp_fingerprint_of_key_block(value)
        if fingerprint is None:
            return
        selector = Selector(
            type=SelectorType.PGP_FINGERPRINT, value=fingerprint, original=fingerprint
        )
        if all(i.selector.value != fingerprint for i in self.report.items[before:]):
            self.add(selector, attribute, where)

    def file_hash(self, algorithm: str, digest: str, name: str | None,
                  attribute: dict[str, Any], where: str) -> None:  # fmt: skip
        selector = self.typed(algorithm, digest, attribute, where)
        if selector is not None:
            self.report.file_hashes.append(
                ParsedFileHash(algorithm=algorithm, value=selector.value, file_name=name or None)
            )

    def account(self, platform: str, login: str, attribute: dict[str, Any], where: str) -> None:
        """One account selector on its platform (docs/intake-accounts.md), and its persona."""
        if is_messenger_service(platform):
            self.typed(SelectorType.MESSENGER_ID, login, attribute, where, platform=platform)
            return
        selector = self.typed(SelectorType.HANDLE, login, attribute, where, platform=platform)
        if selector is not None and selector.value not in self.persona_keys:
            self.persona_keys.add(selector.value)
            self.report.personas.append(
                ParsedPersona(
                    platform=platform_key(platform),
                    handle=login,
                    handle_canonical=selector.value,
                )
            )

    def object(self, obj: Any, where: str) -> None:
        if not isinstance(obj, dict):
            raise InvalidInput("object must be a JSON object", location=where)
        if _deleted(obj):
            self.report.extra.setdefault("misp_deleted", []).append([obj.get("name"), None])
            return
        name = str(obj.get("name", ""))
        attributes = obj.get("Attribute", []) or []
        self.markings.append(_tags_marking(obj))
        relations: dict[str, list[tuple[str, dict[str, Any], str]]] = {}
        for index, attribute in enumerate(attributes):
            here = f"{where}.Attribute[{index}]"
            checked = self.check(attribute, here)
            if checked is None:
                continue
            value = checked[1]
            relations.setdefault(str(attribute.get("object_relation", "")), []).append(
                (value, attribute, here)
            )
        if name == "coin-address":
            self.coin_address(relations)
        elif name == "user-account" or name.endswith(("-account", "-user")):
            platform = _account_platform(name, relations)
            for relation in sorted(_ACCOUNT_RELATIONS & relations.keys()):
                for value, attribute, here in relations.pop(relation):
                    self.account(platform, value, attribute, here)
        elif name == "pgp-meta":
            for value, attribute, here in relations.pop("key-id", []):
                digits = value.replace(" ", "").removeprefix("0x")
                kind = (
                    SelectorType.PGP_FINGERPRINT if len(digits) == 40 else SelectorType.PGP_KEY_ID
                )
                self.typed(kind, value, attribute, here)
        elif name == "person":
            self.person(relations, where)
        elif name == "geolocation":
            self.location(relations, where)
        elif name == "file":
            file_name = next((v for v, _, _ in relations.get("filename", [])), None)
            for algorithm in ("md5", "sha1", "sha256"):
                for value, attribute, here in relations.pop(algorithm, []):
                    self.file_hash(algorithm, value, file_name, attribute, here)
        for relation, entries in relations.items():
            for value, attribute, here in entries:
                if name in {"geolocation", "file"}:
                    kept = self.report.extra.setdefault("misp_object_attributes", [])
                    kept.append([name, relation, value])
                else:
                    self.attribute(attribute, here)

    def coin_address(self, relations: dict[str, list[tuple[str, dict[str, Any], str]]]) -> None:
        symbol = next((v.lower() for v, _, _ in relations.pop("symbol", [])), "")
        for relation in ("address", "address-xmr", "address-crypto"):
            for value, attribute, here in relations.pop(relation, []):
                kinds = [SelectorType.BTC, SelectorType.ETH, SelectorType.XMR]
                preferred = {
                    "eth": SelectorType.ETH,
                    "xmr": SelectorType.XMR,
                    "btc": SelectorType.BTC,
                }
                if symbol in preferred:
                    kinds = [preferred[symbol]]
                elif relation == "address-xmr":
                    kinds = [SelectorType.XMR]
                for kind in kinds:
                    canonical = canonical_value(kind, value)
                    if canonical is not None:
                        self.add(
                            Selector(type=kind, value=canonical, original=value), attribute, here
                        )
                        break
                else:
                    keep_unnormalised(
                        self.report, "wallet address", value, self.origin(attribute, here)
                    )

    def person(
        self, relations: dict[str, list[tuple[str, dict[str, Any], str]]], where: str
    ) -> None:
        """A `person` object as a person: names, a partial birth date, sex, places,
        nationalities, aliases and document numbers; its other attributes are read as such."""
        fields = PersonFields(origin=where)
        for relation, key in _PERSON_RELATIONS.items():
            for value, attribute, here in relations.pop(relation, []):
                fields.set(key, value, self.origin(attribute, here))
        if not fields.has_name():
            if fields.has_details():
                kept = self.report.extra.setdefault("misp_object_attributes", [])
                kept += [["person", key, v] for key in fields.values for v, _ in fields.texts(key)]
                self.report.warnings.append(
                    f"{where}: a person object without a name; its details kept as written"
                )
            return
        self.report.persons.append(read_person(fields))

    def location(
        self, relations: dict[str, list[tuple[str, dict[str, Any], str]]], where: str
    ) -> None:
        def first(relation: str) -> str | None:
            return next((v for v, _, _ in relations.pop(relation, [])), None)

        lat, lon = first("latitude"), first("longitude")
        try:
            latitude = float(lat) if lat else None
            longitude = float(lon) if lon else None
        except ValueError:
            raise InvalidInput("latitude/longitude is not a number", location=where) from None
        country = first("countrycode") or first("country")
        self.report.locations.append(
            ParsedLocation(
                latitude=latitude,
                longitude=longitude,
                place_name=", ".join(
                    p for p in (first("address"), first("city"), first("region")) if p
                )
                or None,
                country=country.upper()[:2] if country else None,
            )
        )


def _deleted(holder: dict[str, Any]) -> bool:
    """Whether MISP marks an attribute or object as deleted (`"deleted": true`)."""
    return str(holder.get("deleted", "")).strip().lower() in {"true", "1"}


def _account_platform(
    name: str, relations: dict[str, list[tuple[str, dict[str, Any], str]]]
) -> str:
    """An account object's platform: its `account-type`, the site its `link`/`url` names, the
    object's own name (`telegram-account`), else `forum` (docs/intake-accounts.md)."""
    stated = relations.pop("account-type", []) + relations.pop("platform", [])
    if stated:
        return stated[0][0]
    for relation in ("link", "url", "profile-url"):
        for value, _, _ in relations.get(relation, []):
            found = platform_of_url(value)
            if found is not None:
                return found
    if name in {"user-account", "ftm-UserAccount"}:
        return GENERIC
    return platform_key(name)


def _countries(event: dict[str, Any]) -> list[str]:
    """The countries an event's `geolocation` objects state (the phones' first regions)."""
    found: list[str] = []
    for obj in event.get("Object", []) or []:
        if not isinstance(obj, dict) or obj.get("name") != "geolocation":
            continue
        for attribute in obj.get("Attribute", []) or []:
            if isinstance(attribute, dict) and attribute.get("object_relation") in {
                "countrycode",
                "country",
            }:
                code = str(attribute.get("value") or "").strip().upper()
                if len(code) == 2:
                    found.append(code)
    return found


def parse_misp(data: bytes, *, region: str | None = None) -> list[ParsedReport]:
    """Parse MISP event JSON into one report per event."""
    reports: list[ParsedReport] = []
    for index, event in enumerate(_events(load_json(data))):
        try:
            reader = _EventReader(event, index, region)
        except MALFORMED as error:
            raise malformed(error, f"Event[{index}]" if index else "Event") from None
        reports.append(reader.run())
    return reports
