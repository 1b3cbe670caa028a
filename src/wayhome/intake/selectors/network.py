"""Canonical forms of network selectors: e-mail addresses, IP addresses, domains and URLs.

Rules (also in `docs-intake-normalisation.md`):
- Defanged writing is refanged first: `[.]`, `(.)`, `{.}`, `[dot]` become `.`; `[@]` and
  `[at]` become `@`; `hxxp` becomes `http`; `[:]` becomes `:`.
- e-mail: surrounding `<>` and a `mailto:` prefix removed; the whole address lower-cased
  (non-ASCII local parts, RFC 6531, are allowed)
  (local parts are case-insensitive at every large provider); the domain IDNA-encoded.
  Provider-specific rewrites (Gmail dots, `+tags`) are *not* applied: they would merge
  addresses that other providers keep distinct.
- IPv4: dotted quad, no leading zeros (an octet like `010` is ambiguous and rejected).
- IPv6: RFC 5952 compressed lower-case form (`2001:DB8:0::1` -> `2001:db8::1`); brackets
  removed; zone ids are not accepted.
- domain: lower-case, trailing dot removed, internationalised labels IDNA-encoded
  (`xn--...`); at least two labels, each 1-63 letters/digits/hyphens not starting or ending
  with a hyphen, the last one alphabetic or `xn--`.
- URL: scheme and host lower-cased, host IDNA-encoded, default ports (80/443/21) dropped,
  an empty path becomes `/`, the fragment dropped, percent-escapes upper-cased; path and
  query otherwise kept as written (they can be case-sensitive).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

import phonenumbers

_REFANG = [
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("[@]", "@"),
    ("[at]", "@"),
    ("(at)", "@"),
    ("[:]", ":"),
    ("[://]", "://"),
]
_HXXP = re.compile(r"^hxxp(s?)", re.IGNORECASE)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_EMAIL_LOCAL = re.compile(r"^[\w!#$%&'*+/=?^`{|}~.-]{1,64}$")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}

GENERIC_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "edu",
        "gov",
        "mil",
        "int",
        "xyz",
        "top",
        "online",
        "site",
        "club",
        "shop",
        "app",
        "dev",
        "store",
        "live",
        "tech",
        "space",
        "pro",
        "name",
        "mobi",
        "asia",
        "tel",
        "travel",
        "jobs",
        "cat",
        "aero",
        "coop",
        "museum",
        "icu",
        "vip",
        "win",
        "bid",
        "loan",
        "work",
        "link",
        "click",
        "download",
        "stream",
        "fun",
        "art",
        "blog",
        "cloud",
        "email",
        "ink",
        "wiki",
        "page",
        "one",
        "moe",
        "lol",
        "chat",
        "social",
        "network",
        "news",
        "media",
        "world",
        "life",
        "today",
        "email",
        "host",
        "website",
        "press",
        "digital",
        "agency",
        "company",
        "solutions",
        "services",
        "support",
        "group",
        "global",
        "city",
        "center",
        "zone",
        "guru",
        "tips",
        "tools",
        "cam",
        "xxx",
        "porn",
        "sex",
        "adult",
        "sexy",
        "dating",
        "love",
        "photo",
        "photos",
        "pics",
        "video",
        "games",
        "game",
        "bet",
        "casino",
        "money",
        "cash",
        "bank",
        "finance",
        "capital",
        "ltd",
        "llc",
        "inc",
        "foundation",
        "church",
        "school",
        "academy",
        "university",
        "college",
        "onion",
        "arpa",
    ]
)
# Every region `phonenumbers` knows is an ISO 3166 code and thus a country-code TLD, plus the
# few ccTLDs that are not region codes.
COUNTRY_TLDS = frozenset(
    {region.lower() for region in phonenumbers.SUPPORTED_REGIONS} | {"uk", "eu", "su", "ac"}
)
KNOWN_TLDS = GENERIC_TLDS | COUNTRY_TLDS


def refang(value: str) -> str:
    """Undo the usual defanging of indicators (`example[.]com`, `hxxp://`)."""
    if "[" in value or "(" in value or "{" in value:
        for old, new in _REFANG:
            value = value.replace(old, new)
    return _HXXP.sub(r"http\1", value)


def normalise_domain(value: str) -> str | None:
    """Canonical domain name, or None when the text is not a syntactically valid domain."""
    text = refang(value.strip()).rstrip(".").lower()
    if not text or len(text) > 253:
        return None
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = text.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if not _TLD.match(labels[-1]):
        return None
    return text


def has_known_tld(domain: str) -> bool:
    """Whether a canonical domain ends in a TLD from Wayhome's built-in list."""
    tld = domain.rsplit(".", 1)[-1]
    return tld in KNOWN_TLDS or tld.startswith("xn--")


def normalise_email(value: str) -> str | None:
    """Canonical e-mail address, or None when the text is not one."""
    text = refang(value.strip().strip("<>"))
    if text[:7].lower() == "mailto:":
        text = text[7:]
    local, sep, domain = text.rpartition("@")
    if not sep or not local:
        return None
    local = local.lower()
    if not _EMAIL_LOCAL.match(local) or local.startswith(".") or ".." in local:
        return None
    canonical_domain = normalise_domain(domain)
    if canonical_domain is None:
        return None
    return f"{local}@{canonical_domain}"


def normalise_ipv4(value: str) -> str | None:
    """Canonical IPv4 address, or None when the text is not one."""
    text = refang(value.strip())
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        return None


def normalise_ipv6(value: str) -> str | None:
    """Canonical (RFC 5952) IPv6 address, or None when the text is not one."""
    text = value.strip().strip("[]")
    if "%" in text or ":" not in text:
        return None
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        return None


def _upper_escapes(text: str) -> str:
    return _PERCENT.sub(lambda m: m.group(0).upper(), text)


def normalise_url(value: str) -> str | None:
    """Canonical URL, or None when the text is not an absolute URL with a host."""
    text = refang(value.strip())
    if text[:4].lower() == "www.":
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname or any(c.isspace() for c in text):
        return None
    raw_host = parts.hostname
    host = normalise_ipv4(raw_host) or normalise_ipv6(raw_host) or normalise_domain(raw_host)
    if host is None:
        if raw_host.lower() != "localhost":
            return None
        host = "localhost"
    if ":" in host:
        host = f"[{host}]"
    netloc = host
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    path = _upper_escapes(parts.path) or "/"
    return urlunsplit((scheme, netloc, path, _upper_escapes(parts.query), ""))
