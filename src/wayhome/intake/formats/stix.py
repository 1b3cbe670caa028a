"""STIX 2.1 bundles into `ParsedReport`s, each object checked by the `stix2` library.

- Cyber observables: `email-addr`, `ipv4-addr`, `ipv6-addr` (single addresses; CIDR
  ranges are kept in `extra`), `domain-name` (`.onion` names become onion selectors), `url`,
  `user-account` (one account selector each for `account_login` and `user_id`, on the
  platform `account_type` names, else an `x_*platform`/`x_*service`/`x_*site` property,
  else `forum`: docs/intake-accounts.md; messenger services give messenger ids),
  `file` hashes (MD5, SHA-1, SHA-256), and the custom `cryptocurrency-wallet`,
  `phone-number` and Wayhome's `x-wayhome-selector` objects.
- `indicator`: equality comparisons in the pattern (`[ipv4-addr:value = '...']`,
  `[file:hashes.'SHA-256' = '...']`) become selectors; anything else is kept as text.
- `observed-data`: the objects it refers to get its `first_observed` time.
- `report`: each report becomes one `ParsedReport` with the objects it refers to; objects
  no report refers to go into one more report named after the bundle.
- `identity` with `identity_class` `individual` becomes a person (its `roles`, and a partial
  birth date, sex, places, nationalities, aliases and identifiers in `x_wayhome_*`
  properties: docs/intake-persons.md); `location` a location;
  `relationship`, `note` and unknown types are kept in `extra`.
- Markings: TLP 1.0 built-ins and TLP 2.0 definitions (by id, extension or name) map to
  Wayhome markings; a report takes the strictest marking among itself and its objects.
- A marking reference to a definition that is neither in the bundle nor a known TLP marking
  is an error naming the referring object id (a missing marking could loosen it); any other
  missing reference, and an object the `stix2` library rejects, is a warning, and the object
  is read as far as it goes (kept whole when it cannot be). An object in a report brings the
  objects it refers to (an `email-message`'s addresses, `network-traffic`'s hosts).
- A value that is not valid for its type is kept as written (`extra["unnormalised"]`) with
  a warning naming the object; unknown object types are kept whole in `extra`, and their
  `description` goes through the free-text extractor. Phones are read in the country the
  object states (`x_country_calling_code`, `x_country`), then the bundle's locations'
  countries, then the agency's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import stix2

from wayhome.access.markings import Marking, strictest_given
from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import (
    MALFORMED,
    calling_code_region,
    keep_unnormalised,
    malformed,
    parse_datetime,
    structured_selector,
)
from wayhome.intake.formats.jsonfile import load_json
from wayhome.intake.formats.persons import PersonFields, person_role, read_person
from wayhome.intake.formats.stix_markings import KNOWN_MARKING_IDS, marking_of_definition
from wayhome.intake.parsed import (
    ParsedFileHash,
    ParsedItem,
    ParsedLocation,
    ParsedPerson,
    ParsedPersona,
    ParsedReport,
)
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.handles import is_messenger_service
from wayhome.intake.selectors.normalise import canonical_value, classify_host
from wayhome.intake.selectors.platforms import GENERIC, platform_key
from wayhome.intake.selectors.types import Selector, SelectorType

FORMAT = "stix"
_COMPARISON = re.compile(r"([a-z0-9-]+):([A-Za-z0-9_.'\-\[\]*]+)\s*=\s*'((?:[^'\\]|\\.)*)'")
_HASH_KEYS = {
    "md5": SelectorType.MD5,
    "sha-1": SelectorType.SHA1,
    "sha1": SelectorType.SHA1,
    "sha-256": SelectorType.SHA256,
    "sha256": SelectorType.SHA256,
}
_WALLET_TYPES = (SelectorType.BTC, SelectorType.ETH, SelectorType.XMR)
_ACCOUNT_TYPE = "user-account:account_type"


def _top_references(obj: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every id an object refers to, with the top-level property it sits under."""
    for name, inner in obj.items():
        for ref in _references(inner, name):
            yield name, ref


def _references(value: Any, key: str = "") -> Iterator[str]:
    """Every id the object refers to through `*_ref` / `*_refs` properties, at any depth."""
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _references(inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner, key)
    elif isinstance(value, str) and key.endswith(("_ref", "_refs")):
        yield value


class _Bundle:
    """The bundle's objects by id, checked, with their markings resolved."""

    def __init__(self, document: Any, region: str | None) -> None:
        if not isinstance(document, dict) or document.get("type") != "bundle":
            raise InvalidInput("not a STIX bundle: top-level type is not 'bundle'", location="type")
        objects = document.get("objects", [])
        if not isinstance(objects, list):
            raise InvalidInput("'objects' must be a list", location="objects")
        self.id = str(document.get("id", "bundle"))
        self.region = region
        self.warnings: list[str] = []
        self.objects: dict[str, dict[str, Any]] = {}
        for index, obj in enumerate(objects):
            where = f"objects[{index}]"
            if isinstance(obj, dict) and obj.get("id"):
                where = str(obj["id"])
            if not isinstance(obj, dict):
                raise InvalidInput("STIX object must be a JSON object", location=str(where))
            if not isinstance(obj.get("id"), str) or not isinstance(obj.get("type"), str):
                raise InvalidInput("STIX object needs a string 'id' and 'type'", location=where)
            try:
                stix2.parse(obj, allow_custom=True, version="2.1")
            except Exception as error:  # any failure inside stix2 means the object is bad input
                # Read as far as it goes (a hand-written bundle often misses a property);
                # only an object its handler cannot read at all is kept whole instead.
                self.warnings.append(f"{where}: not valid STIX 2.1 ({error}); read as written")
            self.objects[str(obj["id"])] = obj
        # The objects each object brings into its report (not its author nor its markings).
        self.follow: dict[str, list[str]] = {}
        for object_id, obj in self.objects.items():
            followed: list[str] = []
            for name, ref in _top_references(obj):
                if ref not in self.objects and ref not in KNOWN_MARKING_IDS:
                    # A missing marking could loosen what the object says: refused. Any
                    # other missing object is only not read.
                    if name in {"object_marking_refs", "granular_markings"}:
                        raise InvalidInput(
                            f"refers to {ref}, which is not in the bundle", location=object_id
                        )
                    self.warnings.append(
                        f"{object_id}: refers to {ref}, which is not in the bundle"
                    )
                if name not in _NOT_FOLLOWED and ref in self.objects:
                    followed.append(ref)
            if followed and obj["type"] not in _NOT_FOLLOWED_FROM:
                self.follow[object_id] = followed
        self.countries = [
            str(o["country"]).upper()[:2]
            for o in self.objects.values()
            if o["type"] == "location" and isinstance(o.get("country"), str)
        ]
        # Where individuals live: their `located-at` relationships to locations.
        self.homes = _homes(self.objects)
        self.markings: dict[str, Marking] = dict(KNOWN_MARKING_IDS)
        for object_id, obj in self.objects.items():
            if obj["type"] == "marking-definition":
                marking = marking_of_definition(obj)
                if marking is not None:
                    self.markings[object_id] = marking

    def marking_of(self, obj: dict[str, Any]) -> Marking | None:
        refs = list(obj.get("object_marking_refs", []))
        for granular in obj.get("granular_markings", []):
            if isinstance(granular, dict) and granular.get("marking_ref"):
                refs.append(granular["marking_ref"])
        return strictest_given([self.markings.get(ref) for ref in refs])


class _ReportBuilder:
    """Turns a set of STIX objects into one `ParsedReport`."""

    def __init__(self, bundle: _Bundle, report: ParsedReport) -> None:
        self.bundle = bundle
        self.report = report
        self.markings: list[Marking | None] = [report.marking]
        self.seen: set[str] = set()

    def add(self, object_id: str, observed: Any = None) -> None:
        if object_id in self.seen or object_id not in self.bundle.objects:
            return
        self.seen.add(object_id)
        obj = self.bundle.objects[object_id]
        kind = obj["type"]
        if kind == "marking-definition":
            return
        self.markings.append(self.bundle.marking_of(obj))
        handler = getattr(self, "on_" + kind.replace("-", "_"), None)
        if handler is None and kind.startswith("x-"):
            # A custom object named after a known type (`x-cryptocurrency-wallet`).
            handler = getattr(self, "on_" + kind[2:].replace("-", "_"), None)
        try:
            if handler is not None:
                handler(obj, observed)
            else:
                self.report.extra.setdefault("stix_objects", []).append(obj)
                self.free_text(str(obj.get("description") or ""), obj)
        except MALFORMED as error:
            self.report.extra.setdefault("stix_objects", []).append(obj)
            self.report.warnings.append(
                f"{object_id}: cannot be read ({type(error).__name__}: {error}); kept whole"
            )
        for ref in self.bundle.follow.get(object_id, ()):
            self.add(ref, observed)

    def item(
        self, selector: Selector, obj: dict[str, Any], observed: Any, context: str | None = None
    ) -> None:
        self.report.items.append(
            ParsedItem(selector=selector, origin=obj["id"], observed_at=observed, context=context)
        )

    def value(
        self,
        kind: SelectorType | str,
        text: Any,
        obj: dict[str, Any],
        observed: Any,
        platform: str | None = None,
    ) -> None:
        regions: tuple[str | None, ...] = ()
        if kind == SelectorType.PHONE:
            regions = (
                calling_code_region(obj.get("x_country_calling_code") or obj.get("country_code")),
                obj.get("x_country"),
                *self.bundle.countries,
                self.bundle.region,
            )
        structured_selector(
            self.report,
            kind,
            str(text),
            obj["id"],
            regions=regions,
            platform=platform,
            observed_at=observed,
        )

    def on_email_addr(self, obj: dict[str, Any], observed: Any) -> None:
        self.value(SelectorType.EMAIL, obj["value"], obj, observed)

    def on_ipv4_addr(self, obj: dict[str, Any], observed: Any) -> None:
        self.address(SelectorType.IPV4, obj, observed, "/32")

    def on_ipv6_addr(self, obj: dict[str, Any], observed: Any) -> None:
        self.address(SelectorType.IPV6, obj, observed, "/128")

    def address(self, kind: SelectorType, obj: dict[str, Any], observed: Any, host: str) -> None:
        text = str(obj["value"]).removesuffix(host)
        if "/" in text:
            self.report.extra.setdefault("cidr_ranges", []).append(text)
            return
        self.value(kind, text, obj, observed)

    def on_domain_name(self, obj: dict[str, Any], observed: Any) -> None:
        selector = classify_host(str(obj["value"]))
        if selector is None or selector.type not in (SelectorType.DOMAIN, SelectorType.ONION):
            keep_unnormalised(self.report, "domain name", str(obj["value"]), obj["id"])
            return
        self.item(selector, obj, observed)

    def on_url(self, obj: dict[str, Any], observed: Any) -> None:
        self.value(SelectorType.URL, obj["value"], obj, observed)

    def on_phone_number(self, obj: dict[str, Any], observed: Any) -> None:
        self.value(SelectorType.PHONE, obj.get("value") or obj.get("number"), obj, observed)

    def on_cryptocurrency_wallet(self, obj: dict[str, Any], observed: Any) -> None:
        text = str(obj.get("value") or obj.get("address") or "")
        for kind in _WALLET_TYPES:
            canonical = canonical_value(kind, text)
            if canonical is not None:
                self.item(Selector(type=kind, value=canonical, original=text), obj, observed)
                return
        keep_unnormalised(self.report, "BTC, ETH or XMR wallet", text, obj["id"])

    def on_x_wayhome_selector(self, obj: dict[str, Any], observed: Any) -> None:
        kind, text = str(obj.get("selector_type")), str(obj.get("value", ""))
        if kind not in _SELECTOR_TYPES:
            keep_unnormalised(self.report, kind, text, obj["id"])
            return
        self.value(kind, text, obj, observed, platform=obj.get("platform"))

    def on_user_account(self, obj: dict[str, Any], observed: Any) -> None:
        """One account selector per identifier (`account_login`, `user_id`) on one platform."""
        platform = _account_platform(obj)
        kind = SelectorType.MESSENGER_ID if is_messenger_service(platform) else SelectorType.HANDLE
        first: Selector | None = None
        for field in ("account_login", "user_id"):
            login = obj.get(field)
            if login is None or not str(login).strip():
                continue
            selector = structured_selector(
                self.report, kind, str(login), obj["id"], platform=platform, observed_at=observed
            )
            if selector is not None and first is not None and selector.value == first.value:
                self.report.items.pop()
            first = first or selector
        if first is None:
            if not any(obj.get(f) for f in ("account_login", "user_id")):
                self.report.extra.setdefault("stix_objects", []).append(obj)
            return
        if kind is SelectorType.HANDLE:
            self.report.personas.append(
                ParsedPersona(
                    platform=platform_key(platform),
                    handle=first.original,
                    handle_canonical=first.value,
                    display_name=obj.get("display_name"),
                )
            )

    def on_file(self, obj: dict[str, Any], observed: Any) -> None:
        for key, digest in (obj.get("hashes") or {}).items():
            kind = _HASH_KEYS.get(str(key).lower())
            if kind is None:
                continue
            if structured_selector(self.report, kind, str(digest), obj["id"]) is None:
                continue
            self.report.file_hashes.append(
                ParsedFileHash(
                    algorithm=kind.value,
                    value=self.report.items[-1].selector.value,
                    file_name=obj.get("name"),
                )
            )

    def on_indicator(self, obj: dict[str, Any], observed: Any) -> None:
        pattern = str(obj.get("pattern", ""))
        found = False
        comparisons = _COMPARISON.findall(pattern)
        account_type = next(
            (raw for kind, path, raw in comparisons if f"{kind}:{path}" == _ACCOUNT_TYPE), None
        )
        for object_type, path, raw in comparisons:
            text = raw.replace("\\'", "'").replace("\\\\", "\\")
            selector = _pattern_selector(object_type, path, text, account_type)
            if selector is not None:
                found = True
                self.item(selector, obj, observed, context=obj.get("name"))
        if not found:
            self.report.extra.setdefault("patterns", []).append(pattern)

    def on_observed_data(self, obj: dict[str, Any], observed: Any) -> None:
        when = parse_datetime(obj.get("first_observed"), f"{obj['id']}.first_observed")
        for ref in obj.get("object_refs", []):
            self.add(ref, when)

    def on_identity(self, obj: dict[str, Any], observed: Any) -> None:
        if obj.get("identity_class") == "individual":
            self.report.persons.append(_individual(obj, self.bundle.homes.get(obj["id"], [])))
        else:
            self.report.extra.setdefault("identities", []).append(obj["name"])

    def on_location(self, obj: dict[str, Any], observed: Any) -> None:
        place = ", ".join(str(obj[k]) for k in ("street_address", "city", "region") if obj.get(k))
        country = obj.get("country")
        self.report.locations.append(
            ParsedLocation(
                latitude=obj.get("latitude"),
                longitude=obj.get("longitude"),
                place_name=place or obj.get("name"),
                country=str(country).upper()[:2] if country else None,
            )
        )

    def on_relationship(self, obj: dict[str, Any], observed: Any) -> None:
        self.report.extra.setdefault("relationships", []).append(
            [obj["source_ref"], obj["relationship_type"], obj["target_ref"]]
        )

    def on_note(self, obj: dict[str, Any], observed: Any) -> None:
        self.free_text(str(obj.get("content", "")), obj)

    def free_text(self, text: str, obj: dict[str, Any]) -> None:
        if not text:
            return
        for selector in extract_selectors(text, region=self.bundle.region):
            self.item(selector, obj, None, context="free text")

    def finish(self) -> ParsedReport:
        self.report.marking = strictest_given(self.markings)
        return self.report


# Wayhome's custom properties of an `individual` identity (docs/intake-persons.md).
_PERSON_PROPERTIES = {
    "x_wayhome_given_name": "given_name",
    "x_wayhome_family_name": "family_name",
    "x_wayhome_birth_date": "birth_date",
    "x_wayhome_sex": "sex",
    "x_wayhome_birth_place": "birth_place",
    "x_wayhome_birth_country": "birth_country",
    "x_wayhome_residence": "residence",
    "x_wayhome_residence_country": "residence_country",
    "x_wayhome_nationalities": "nationalities",
    "x_wayhome_aliases": "aliases",
    "x_wayhome_identifiers": "identifiers",
    "x_wayhome_script": "script",
}


def _homes(objects: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The locations each object is `located-at` (STIX 2.1's identity → location), by id."""
    homes: dict[str, list[dict[str, Any]]] = {}
    for obj in objects.values():
        if obj["type"] == "relationship" and obj.get("relationship_type") == "located-at":
            target = objects.get(str(obj.get("target_ref")))
            if target is not None and target["type"] == "location":
                homes.setdefault(str(obj.get("source_ref")), []).append(target)
    return homes


def _individual(obj: dict[str, Any], homes: list[dict[str, Any]]) -> ParsedPerson:
    """An `identity` of class `individual` as a person: its name, `roles`, Wayhome's
    `x_wayhome_*` properties (a partial birth date, sex, places, nationalities) and the
    locations it is `located-at` (its residence)."""
    object_id = str(obj["id"])
    fields = PersonFields(origin=object_id)
    fields.set("name", obj.get("name"), f"{object_id}.name")
    for prop, key in _PERSON_PROPERTIES.items():
        fields.set(key, obj.get(prop), f"{object_id}.{prop}")
    for home in homes:
        place = home.get("city") or home.get("name") or home.get("region")
        fields.set("residence", place, f"{home['id']}.city")
        fields.set("residence_country", home.get("country"), f"{home['id']}.country")
    roles = [person_role(str(r)) for r in obj.get("roles") or []]
    return read_person(fields, role=next((r for r in roles if r), None))


def _pattern_selector(
    object_type: str, path: str, text: str, account_type: str | None = None
) -> Selector | None:
    kind: SelectorType | None = None
    path = path.lower()
    if object_type == "user-account" and path in {"account_login", "user_id"}:
        platform = account_type or GENERIC
        messenger = is_messenger_service(platform)
        kind = SelectorType.MESSENGER_ID if messenger else SelectorType.HANDLE
        canonical = canonical_value(kind, text, platform=platform)
        return None if canonical is None else Selector(type=kind, value=canonical, original=text)
    if path == "value":
        kind = {
            "email-addr": SelectorType.EMAIL,
            "ipv4-addr": SelectorType.IPV4,
            "ipv6-addr": SelectorType.IPV6,
            "url": SelectorType.URL,
            "phone-number": SelectorType.PHONE,
        }.get(object_type)
        if object_type == "domain-name":
            return classify_host(text)
        if object_type == "cryptocurrency-wallet":
            for wallet in _WALLET_TYPES:
                canonical = canonical_value(wallet, text)
                if canonical is not None:
                    return Selector(type=wallet, value=canonical, original=text)
    elif object_type == "file" and path.startswith("hashes."):
        kind = _HASH_KEYS.get(path.removeprefix("hashes.").strip("'"))
    if kind is None:
        return None
    canonical = canonical_value(kind, text)
    return None if canonical is None else Selector(type=kind, value=canonical, original=text)


# Properties naming the platform of a `user-account` when `account_type` does not.
_PLATFORM_PROPERTIES = ("platform", "service", "site", "forum", "website", "network")
# References an object in a report does not bring along (its author, its markings), and
# the objects whose references are read otherwise.
_NOT_FOLLOWED = {"created_by_ref", "object_marking_refs", "granular_markings"}
_NOT_FOLLOWED_FROM = {"report", "marking-definition", "observed-data"}
_SELECTOR_TYPES = frozenset(t.value for t in SelectorType)


def _account_platform(obj: dict[str, Any]) -> str:
    """The platform a `user-account` names: `account_type`, else an `x_` property, else forum."""
    if obj.get("account_type"):
        return str(obj["account_type"])
    for name, value in obj.items():
        named = name.startswith("x_") and name.endswith(_PLATFORM_PROPERTIES)
        if named and isinstance(value, str) and value.strip():
            return value
    return GENERIC


def parse_stix(data: bytes, *, region: str | None = None) -> list[ParsedReport]:
    """Parse a STIX 2.1 bundle into one report per STIX report plus one for the rest."""
    document = load_json(data)
    try:
        return _parse_bundle(document, region)
    except MALFORMED as error:
        raise malformed(error, "bundle") from None


def _parse_bundle(document: Any, region: str | None) -> list[ParsedReport]:
    bundle = _Bundle(document, region)
    reports: list[ParsedReport] = []
    covered: set[str] = set()
    for object_id, obj in bundle.objects.items():
        if obj["type"] != "report":
            continue
        parsed = ParsedReport(
            title=str(obj.get("name") or object_id),
            source=f"{FORMAT}:{object_id}",
            body=str(obj.get("description", "")),
            received_at=parse_datetime(obj.get("published"), f"{object_id}.published"),
            marking=bundle.marking_of(obj),
        )
        builder = _ReportBuilder(bundle, parsed)
        builder.free_text(parsed.body, obj)
        described = len(parsed.items)
        named = {item.selector.key for item in parsed.items}
        for ref in obj.get("object_refs", []):
            builder.add(ref)
        # An observable of a value the description names is that mention, not a second one
        # (an export carries both: the text, and an observable per value for other tools).
        parsed.items[described:] = [
            item for item in parsed.items[described:] if item.selector.key not in named
        ]
        covered |= builder.seen | {object_id}
        reports.append(builder.finish())
    creators = {
        str(o["created_by_ref"]) for o in bundle.objects.values() if o.get("created_by_ref")
    }
    covered |= creators
    rest = [i for i, o in bundle.objects.items() if i not in covered and o["type"] != "report"]
    meta = {"marking-definition", "extension-definition"}  # definitions, not intelligence
    rest = [i for i in rest if bundle.objects[i]["type"] not in meta]
    if rest or not reports:
        builder = _ReportBuilder(
            bundle, ParsedReport(title=f"STIX bundle {bundle.id}", source=f"{FORMAT}:{bundle.id}")
        )
        for object_id in rest:
            if bundle.objects[object_id]["type"] == "observed-data":
                builder.add(object_id)
        for object_id in rest:
            builder.add(object_id)
        reports.append(builder.finish())
    reports[0].warnings[:0] = bundle.warnings
    return reports
