"""The answer key's own normaliser: one canonical form per selector type, for comparison.

Written without the product's normalisation code (it imports nothing from wayhome), so a
value the product writes differently from the key's judgement is compared on the key's
terms. Phones go through `phonenumbers`, the reference library, to E.164.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

import phonenumbers

# The product's type names that the key counts as one of its own types.
PRODUCT_TYPES = {"handle": "account", "messenger_id": "account"}

PLATFORM_ALIASES = {
    "x": "twitter",
    "x.com": "twitter",
    "twitter.com": "twitter",
    "tg": "telegram",
    "t.me": "telegram",
    "telegram.me": "telegram",
}
DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}


def key_type(product_type: str) -> str:
    """The key's type for a type name the product reports."""
    return PRODUCT_TYPES.get(product_type, product_type)


def _url(value: str) -> str:
    parts = urlsplit(value.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").encode("idna").decode().lower()
    port = parts.port
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def _account(value: str) -> str:
    platform, _, identifier = value.partition(":")
    platform = platform.strip().lower().replace(" ", "-")
    platform = PLATFORM_ALIASES.get(platform, platform)
    return f"{platform}:{identifier.strip().lstrip('@').lower()}"


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value.strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def canonical(kind: str, value: str) -> str:
    """`value` of the key's type `kind` in the key's canonical form."""
    value = value.strip()
    if kind in ("email", "domain", "onion", "md5", "sha1", "sha256"):
        return value.lower().rstrip(".")
    if kind in ("ipv4", "ipv6"):
        try:
            return str(ipaddress.ip_address(value.strip("[]")))
        except ValueError:
            return value
    if kind == "phone":
        return _phone(value)
    if kind == "url":
        return _url(value)
    if kind == "btc":
        return value.lower() if value.lower().startswith(("bc1", "tb1")) else value
    if kind in ("pgp_fingerprint", "pgp_key_id"):
        return "".join(value.split()).upper().removeprefix("0X")
    if kind == "account":
        return _account(value)
    return value
