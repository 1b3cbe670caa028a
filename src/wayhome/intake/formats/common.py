"""Helpers every intake parser shares: size limits, text decoding, dates, TLP labels, scripts."""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import UTC, date, datetime

from wayhome.access.markings import Marking
from wayhome.errors import InvalidInput

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

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
