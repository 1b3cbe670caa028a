"""Selector types and the `Selector` record: one typed identifier, canonical and as written."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SelectorType(StrEnum):
    """The kinds of identifier Wayhome extracts, normalises and correlates."""

    EMAIL = "email"
    PHONE = "phone"
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    DOMAIN = "domain"
    URL = "url"
    ONION = "onion"
    BTC = "btc"
    ETH = "eth"
    XMR = "xmr"
    PGP_FINGERPRINT = "pgp_fingerprint"
    PGP_KEY_ID = "pgp_key_id"
    HANDLE = "handle"
    MESSENGER_ID = "messenger_id"
    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"


HASH_TYPES = frozenset({SelectorType.MD5, SelectorType.SHA1, SelectorType.SHA256})


@dataclass(frozen=True, slots=True)
class Selector:
    """One identifier: its type, its canonical value, the text it came from and where.

    `start`/`end` are character offsets into the text it was extracted from (free text or a
    free-text field); they are None for values that came from a structured field.
    """

    type: SelectorType
    value: str
    original: str
    start: int | None = None
    end: int | None = None

    @property
    def key(self) -> tuple[SelectorType, str]:
        """The pair two selectors must share to be the same identifier."""
        return (self.type, self.value)
