"""Canonical forms of online handles (`platform:handle`) and messenger ids (`service:id`).

Rules (also in `docs/intake-normalisation.md` and `docs/intake-accounts.md`):
- The platform is one key of `platforms.PLATFORMS` (`tg`, `t.me` -> `telegram`; `x`, `x.com`
  -> `twitter`; STIX, MISP and tipline names; any other site, or none named -> `forum`).
- The identifier loses its decoration (a leading `@`, a Reddit `u/` or `/u/`, a profile
  URL around it), is NFKC-folded and lower-cased (every listed platform treats handles
  case-insensitively) and loses trailing sentence punctuation; the canonical value is
  `platform:identifier`. Every format calls `normalise_handle`, so one account written in
  STIX, MISP, a tipline report or free text is one selector.
- Messenger ids are `service:id`: Session ids are 66 hex digits starting `05` (lower-case);
  Tox ids are 76 hex digits whose last two bytes are the XOR checksum of the rest
  (lower-case); Threema ids are 8 characters (upper-case); Matrix ids `@user:server` and
  XMPP/Jabber ids `user@server` (resource removed) are lower-cased; Wickr, Signal and Skype
  user names are lower-cased without `@`.
"""

from __future__ import annotations

import re
import unicodedata

from wayhome.intake.selectors.patterns import PROFILE
from wayhome.intake.selectors.platforms import GENERIC, messenger_key, platform_key

_HANDLE = re.compile(r"^[^\s/?#<>\"']{1,100}$")
_SESSION = re.compile(r"^05[0-9a-f]{64}$")
_TOX = re.compile(r"^[0-9a-f]{76}$")
_THREEMA = re.compile(r"^[A-Z0-9*][A-Z0-9]{7}$")
_MATRIX = re.compile(r"^@[a-z0-9._=/+-]+:[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?$")
_XMPP = re.compile(r"^[^\s@/]+@[a-z0-9.-]+\.[a-z]{2,}$")
_USERNAME = re.compile(r"^[\w.\-]{1,64}$")


def is_messenger_service(name: str | None) -> bool:
    """Whether a platform name denotes a messenger whose ids are `messenger_id` selectors."""
    return messenger_key(name) is not None


def normalise_identifier(value: str) -> str | None:
    """An account's identifier as every format stores it: folded, lower-case, undecorated."""
    handle = unicodedata.normalize("NFKC", value).strip().lower()
    for decoration in ("/u/", "u/", "/user/", "@"):
        if handle.startswith(decoration):
            handle = handle[len(decoration) :]
    handle = handle.rstrip(".,;:!?")
    return handle if _HANDLE.match(handle) else None


def normalise_handle(value: str, platform: str | None = None) -> str | None:
    """Canonical `platform:identifier`, or None when no platform is written or the identifier
    is not usable. A profile URL (`https://t.me/x`) gives its own platform and identifier."""
    text = value.strip()
    if platform is None:
        prefix, sep, rest = text.partition(":")
        if not sep or not prefix.strip() or rest.startswith("//"):
            return None
        platform, text = prefix, rest.strip()
    profile = PROFILE.fullmatch(text.rstrip("/")) if "/" in text else None
    if profile is not None:
        text = profile.group(2)
        if platform_key(platform) == GENERIC:
            platform = profile.group(1)
    handle = normalise_identifier(text)
    if handle is None:
        return None
    return f"{platform_key(platform)}:{handle}"


def tox_checksum_ok(hex_id: str) -> bool:
    """Whether a 76-hex Tox id carries a correct two-byte XOR checksum."""
    raw = bytes.fromhex(hex_id)
    check = [0, 0]
    for i, byte in enumerate(raw[:36]):
        check[i % 2] ^= byte
    return bytes(check) == raw[36:]


def _detect_service(text: str) -> str | None:
    lowered = text.lower()
    if _SESSION.match(lowered):
        return "session"
    if _TOX.match(lowered) and tox_checksum_ok(lowered):
        return "tox"
    if _MATRIX.match(lowered):
        return "matrix"
    return None


def normalise_messenger_id(value: str, service: str | None = None) -> str | None:
    """Canonical `service:id`, or None when the id does not fit the service's rules."""
    text = value.strip()
    if service is None:
        prefix, sep, rest = text.partition(":")
        if sep and messenger_key(prefix) is not None:
            service, text = prefix, rest.strip()
        else:
            service = _detect_service(text)
            if service is None:
                return None
    name = messenger_key(service)
    if name is None:
        return None
    lowered = unicodedata.normalize("NFKC", text).lower()
    canonical: str | None = None
    if name == "session":
        canonical = lowered if _SESSION.match(lowered) else None
    elif name == "tox":
        canonical = lowered if _TOX.match(lowered) and tox_checksum_ok(lowered) else None
    elif name == "threema":
        canonical = text.upper() if _THREEMA.match(text.upper()) else None
    elif name == "matrix":
        canonical = lowered if _MATRIX.match(lowered) else None
    elif name == "xmpp":
        bare = lowered.removeprefix("xmpp:").split("/", 1)[0]
        canonical = bare if _XMPP.match(bare) else None
    else:
        bare = lowered.removeprefix("@")
        canonical = bare if _USERNAME.match(bare) else None
    return None if canonical is None else f"{name}:{canonical}"
