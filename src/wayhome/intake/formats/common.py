"""Helpers every intake parser shares: size limits, text decoding, dates, TLP labels, scripts,
and selectors from structured fields (never fatal), phones in the stated country, derived
selectors."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

import phonenumbers

from wayhome.access.markings import Marking
from wayhome.errors import InvalidInput
from wayhome.intake.parsed import ParsedItem, ParsedReport
from wayhome.intake.selectors.derive import derived_selectors
from wayhome.intake.selectors.normalise import canonical_value
from wayhome.intake.selectors.phone import normalise_phone
from wayhome.intake.selectors.platforms import GENERIC
from wayhome.intake.selectors.types import Selector, SelectorType

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS) | {"XK"}

_TLP_NAMES: dict[str, Marking] = {
    "clear": Marking.CLEAR,
    "white": Marking.CLEAR,
    "green": Marking.GREEN,
    "amber": Marking.AMBER,
    "amber+strict": Marking.AMBER_STRICT,
    "amber-strict": Marking.AMBER_STRICT,
    "red": Marking.RED,
}


class InputTooLarge(InvalidInput):
    """The uploaded file is over the configured size limit."""

    status = 413
    title = "Payload too large"


def check_size(data: bytes, max_bytes: int) -> None:
    """Refuse input longer than `max_bytes` before any parsing starts."""
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"file is {len(data)} bytes, over the limit of {max_bytes} bytes",
            location=f"byte {max_bytes}",
        )


def decode_text(data: bytes) -> str:
    """UTF-8 (or BOM-marked UTF-16) text; `InvalidInput` naming the first bad byte otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InvalidInput("text is not valid UTF-16", location=f"byte {error.start}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"text is not UTF-8 (byte 0x{data[error.start]:02x}); re-save the file as UTF-8",
            location=f"byte {error.start}",
        ) from None


MALFORMED = (TypeError, AttributeError, KeyError, ValueError, IndexError)


def malformed(error: Exception, location: str) -> InvalidInput:
    """The `InvalidInput` for a value of the wrong JSON type or shape at `location`."""
    return InvalidInput(f"malformed value ({type(error).__name__}: {error})", location=location)


def _require_text(value: object, location: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"expected text, found {type(value).__name__}", location=location)
    return value


def parse_datetime(value: object, location: str) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text (naive values are taken as UTC)."""
    value = _require_text(value, location)
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not an ISO 8601 date and time", location=location
        ) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# Writings of a time other than ISO 8601 that sources use: US tiplines write month first
# with slashes, European sources day first with dots.
_TIME_FORMATS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
)


def observed_time(report: ParsedReport, value: object, location: str) -> datetime | None:
    """When something was seen: ISO 8601, else a common other writing (`09/01/2026 20:14`,
    `01.09.2026`, RFC 2822, Unix seconds), all as UTC; a time no writing fits is kept as
    written with a warning, so a bad time never refuses the report."""
    try:
        return parse_datetime(value, location)
    except InvalidInput:
        text = str(value).strip()
    for pattern in _TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if text.isdigit() and 9 <= len(text) <= 10:
        return datetime.fromtimestamp(int(text), tz=UTC)
    keep_unnormalised(report, "date and time", text, location)
    return None


def parse_date(value: object, location: str) -> date | None:
    """A date from ISO 8601 text (`YYYY-MM-DD`, or the date part of a datetime)."""
    value = _require_text(value, location)
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InvalidInput(
            f"{value.strip()!r} is not an ISO 8601 date", location=location
        ) from None


def marking_from_tlp(label: str | None) -> Marking | None:
    """The Wayhome marking for a TLP label such as `TLP:AMBER+STRICT`, `tlp:white` or `red`."""
    if label is None:
        return None
    text = label.strip().lower().removeprefix("tlp:").removeprefix("tlp ").strip()
    return _TLP_NAMES.get(text)


def script_of(name: str) -> str | None:
    """The Unicode script most letters of a name are written in (`Latin`, `Cyrillic`, ...)."""
    scripts: Counter[str] = Counter()
    for char in name:
        if char.isalpha():
            label = unicodedata.name(char, "")
            if label.startswith("CJK"):
                scripts["Han"] += 1
            elif label:
                scripts[label.split(" ", 1)[0].title()] += 1
    return scripts.most_common(1)[0][0] if scripts else None


def parse_bool(value: str | None) -> bool | None:
    """A boolean from `true`/`false`/`1`/`0`/`yes`/`no` text, None when empty."""
    if value is None or not value.strip():
        return None
    return value.strip().lower() in {"true", "1", "yes", "y"}


def calling_code_region(code: str | None) -> str | None:
    """The main region of a country calling code (`7` → RU, `+44` → GB), None if unknown."""
    digits = (code or "").strip().lstrip("+")
    if not digits.isdigit() or len(digits) > 4:
        return None
    region = phonenumbers.region_code_for_country_code(int(digits))
    return None if region == phonenumbers.UNKNOWN_REGION else str(region)


def phone_in(text: str, regions: Sequence[str | None]) -> str | None:
    """A phone's E.164 value read in the first of `regions` (the countries the source states,
    then the agency's) that makes it valid; international writing needs none."""
    tried = False
    for region in dict.fromkeys(r.strip().upper() for r in regions if r and r.strip()):
        tried = True
        canonical = normalise_phone(text, region)
        if canonical is not None:
            return canonical
    return None if tried else normalise_phone(text, None)


def is_country_code(value: str) -> bool:
    """Whether a value is an ISO 3166 alpha-2 country code (a region phone numbers know)."""
    text = value.strip().upper()
    return len(text) == 2 and text in _REGIONS


def ip_kind(*flags: str | None) -> str:
    """The location kind of an IP capture: `ip`, or `ip-proxy`/`ip-vpn`/`ip-tor` when flagged."""
    words = " ".join(f.lower() for f in flags if f)
    for flag in ("tor", "vpn", "proxy"):
        if flag in words.replace("-", " ").split() or f"possible {flag}" in words:
            return f"ip-{flag}"
    return "ip"


def keep_unnormalised(report: ParsedReport, kind: str, value: str, where: str) -> None:
    """Keep a value that is not a valid `kind` as written, with a warning naming where it is,
    instead of refusing the report (`extra["unnormalised"]`)."""
    report.extra.setdefault("unnormalised", []).append({"type": kind, "value": value, "at": where})
    report.warnings.append(f"{where}: {value!r} is not a valid {kind}; kept as written")


def structured_selector(
    report: ParsedReport,
    kind: SelectorType | str,
    value: str,
    origin: str,
    *,
    regions: Sequence[str | None] = (),
    platform: str | None = None,
    observed_at: datetime | None = None,
    context: str | None = None,
) -> Selector | None:
    """Add the selector a structured field holds to `report`, or keep the value as written
    with a warning when it is not valid for its type (never fatal)."""
    selector_type = kind if isinstance(kind, SelectorType) else SelectorType(kind)
    if selector_type is SelectorType.PHONE:
        canonical = phone_in(value, regions)
    else:
        canonical = canonical_value(selector_type, value, platform=platform)
        if canonical is None and selector_type is SelectorType.HANDLE and platform is None:
            canonical = canonical_value(selector_type, value, platform=GENERIC)
    if canonical is None:
        keep_unnormalised(report, selector_type.value, value, origin)
        return None
    selector = Selector(type=selector_type, value=canonical, original=value)
    report.items.append(ParsedItem(selector, origin, observed_at=observed_at, context=context))
    return selector


_DERIVING = frozenset({SelectorType.EMAIL, SelectorType.URL})
_DERIVED = frozenset(
    {
        SelectorType.DOMAIN,
        SelectorType.ONION,
        SelectorType.IPV4,
        SelectorType.IPV6,
        SelectorType.HANDLE,
    }
)


def add_derived(report: ParsedReport) -> None:
    """Add the selectors each selector implies (an e-mail's domain, a URL's onion or IP host),
    once per report (at the first place that implies it), unless the report already holds them.

    Once per report, not per line: a list of 10,000 addresses at one provider holds that domain
    once, so a derived value costs one stored occurrence per report (hits count reports).
    """
    sources = [item for item in report.items if item.selector.type in _DERIVING]
    if not sources:
        return
    held = {
        (item.selector.type, item.selector.value)
        for item in report.items
        if item.selector.type in _DERIVED
    }
    for item in sources:
        for found in derived_selectors(item.selector):
            key = (found.type, found.value)
            if key in held:
                continue
            held.add(key)
            selector = Selector(
                found.type, found.value, found.original, item.selector.start, item.selector.end
            )
            report.items.append(ParsedItem(selector, item.origin, item.observed_at, item.context))
