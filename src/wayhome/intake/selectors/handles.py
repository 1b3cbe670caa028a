"""Canonical forms of online handles (`platform:handle`) and messenger ids (`service:id`).

Rules (also in `docs-intake-normalisation.md`):
- Platform names go through an alias table (`tg`, `t.me` -> `telegram`; `x`, `x.com` ->
  `twitter`; `ig`, `insta` -> `instagram`; `fb` -> `facebook`; ...); other names (forums)
  are lower-cased with spaces turned into hyphens.
- A handle loses its decoration (a leading `@`, a Reddit `u/` or `/u/`), is NFKC-folded
  and lower-cased (every listed platform treats handles case-insensitively); the canonical
  value is `platform:handle`.
- Messenger ids are `service:id`: Session ids are 66 hex digits starting `05` (lower-case);
  Tox ids are 76 hex digits whose last two bytes are the XOR checksum of the rest
  (lower-case); Threema ids are 8 characters (upper-case); Matrix ids `@user:server` and
  XMPP/Jabber ids `user@server` (resource removed) are lower-cased; Wickr, Signal and Skype
  user names are lower-cased without `@`.
"""

from __future__ import annotations

import re
import unicodedata

PLATFORM_ALIASES: dict[str, str] = {
    "telegram": "telegram",
    "tg": "telegram",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "twitter": "twitter",
    "x": "twitter",
    "x.com": "twitter",
    "twitter.com": "twitter",
    "instagram": "instagram",
    "insta": "instagram",
    "ig": "instagram",
    "instagram.com": "instagram",
    "tiktok": "tiktok",
    "tiktok.com": "tiktok",
    "snapchat": "snapchat",
    "snap": "snapchat",
    "kik": "kik",
    "kik.me": "kik",
    "discord": "discord",
    "reddit": "reddit",
    "reddit.com": "reddit",
    "github": "github",
    "github.com": "github",
    "facebook": "facebook",
    "fb": "facebook",
    "facebook.com": "facebook",
    "youtube": "youtube",
    "vk": "vk",
    "vk.com": "vk",
}
MESSENGER_ALIASES: dict[str, str] = {
    "session": "session",
    "tox": "tox",
    "wickr": "wickr",
    "wickr me": "wickr",
    "wickrme": "wickr",
    "threema": "threema",
    "matrix": "matrix",
    "element": "matrix",
    "xmpp": "xmpp",
    "jabber": "xmpp",
    "signal": "signal",
    "skype": "skype",
}
_HANDLE = re.compile(r"^[^\s/?#<>\"']{1,100}$")
_SESSION = re.compile(r"^05[0-9a-f]{64}$")
_TOX = re.compile(r"^[0-9a-f]{76}$")
_THREEMA = re.compile(r"^[A-Z0-9*][A-Z0-9]{7}$")
_MATRIX = re.compile(r"^@[a-z0-9._=/+-]+:[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?$")
_XMPP = re.compile(r"^[^\s@/]+@[a-z0-9.-]+\.[a-z]{2,}$")
_USERNAME = re.compile(r"^[\w.\-]{1,64}$")


def canonical_platform(name: str) -> str:
    """Canonical platform name: an alias resolved, otherwise lower-case with hyphens."""
    text = " ".join(name.strip().lower().split())
    return PLATFORM_ALIASES.get(text) or MESSENGER_ALIASES.get(text) or text.replace(" ", "-")


def is_messenger_service(name: str) -> bool:
    """Whether a platform name denotes a messenger whose ids are `messenger_id` selectors."""
    return " ".join(name.strip().lower().split()) in MESSENGER_ALIASES


def normalise_handle(value: str, platform: str | None = None) -> str | None:
    """Canonical `platform:handle`, or None when no platform is known or the handle is empty."""
    text = value.strip()
    if platform is None:
        prefix, sep, rest = text.partition(":")
        if not sep or not prefix.strip():
            return None
        platform, text = prefix, rest.strip()
    handle = unicodedata.normalize("NFKC", text).lower()
    for decoration in ("/u/", "u/", "/user/", "@"):
        if handle.startswith(decoration):
            handle = handle[len(decoration) :]
    handle = handle.rstrip(".,;:!?")
    name = canonical_platform(platform)
    if not name or ":" in name or not _HANDLE.match(handle):
        return None
    return f"{name}:{handle}"


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
        if sep and prefix.strip().lower() in MESSENGER_ALIASES:
            service, text = prefix, rest.strip()
        else:
            service = _detect_service(text)
            if service is None:
                return None
    name = MESSENGER_ALIASES.get(" ".join(service.strip().lower().split()))
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
