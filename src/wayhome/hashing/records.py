"""The plain records a hash list is made of, and the checks every value must pass.

A `HashRecord` is one media file as a hash list describes it: its cryptographic hashes, its
PDQ (with quality), opaque PhotoDNA, and the VICS classification (category, series,
victim and offender identification, distribution).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from wayhome.errors import InvalidInput

# VICS 2.0 categories as Project VIC publishes them to adopters: 0 uncategorised,
# 1 child abuse material, 2 child exploitive (age difficult), 3 non-pertinent. National
# variants add codes (for instance CAID's); callers pass those as `extra_categories`.
VICS_CATEGORIES: dict[int, str] = {
    0: "Uncategorized",
    1: "Child abuse material",
    2: "Child exploitive / age difficult",
    3: "Non-pertinent",
}

# Meta recommends treating PDQ hashes under quality 50 as too featureless to match.
UNRELIABLE_PDQ_QUALITY = 49

_HEX = re.compile(r"^[0-9a-fA-F]+$")
_HEX_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}


class HashKind(enum.StrEnum):
    """A kind of hash Wayhome can match; PhotoDNA is opaque and matched exactly."""

    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    PDQ = "pdq"
    PHOTODNA = "photodna"


EXACT_KINDS: tuple[HashKind, ...] = (
    HashKind.MD5,
    HashKind.SHA1,
    HashKind.SHA256,
    HashKind.PHOTODNA,
)


@dataclass(frozen=True, slots=True)
class AlternativeHash:
    """A hash carried through unchanged under its VICS `HashName` (one Wayhome does not use)."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class HashRecord:
    """One media file of a hash list: hashes, PDQ quality and VICS classification."""

    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    photodna: str | None = None
    category: int | None = None
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    is_distributed: bool | None = None
    series: str | None = None
    media_size: int | None = None
    file_names: tuple[str, ...] = ()
    other_hashes: tuple[AlternativeHash, ...] = ()
    # PDQ of the eight rotations/flips, in `Orientation` order, when computed from the image.
    pdq_dihedral: tuple[str, ...] = field(default=(), compare=False)

    def hash_of(self, kind: HashKind) -> str | None:
        """The value of one kind of hash, or None when the record lacks it."""
        value: str | None = getattr(self, kind.value)
        return value

    @property
    def pdq_unreliable(self) -> bool:
        """Whether the PDQ is too featureless to match (quality at or under 49)."""
        return self.pdq_quality is not None and self.pdq_quality <= UNRELIABLE_PDQ_QUALITY


def normalise_hex(kind: HashKind, value: object, location: str) -> str:
    """A hex hash of the right length, in lowercase; anything else is refused naming the place."""
    if not isinstance(value, str):
        raise InvalidInput(f"{kind.value} must be a string of hex digits", location=location)
    text = value.strip()
    expected = _HEX_LENGTHS[kind.value]
    if len(text) != expected:
        raise InvalidInput(
            f"{kind.value} must have {expected} hex digits, not {len(text)}", location=location
        )
    if not _HEX.match(text):
        raise InvalidInput(
            f"{kind.value} has characters that are not hex digits", location=location
        )
    return text.lower()


def normalise_photodna(value: object, location: str) -> str:
    """A PhotoDNA value kept opaque, only trimmed; empty or non-text values are refused."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("PhotoDNA must be a non-empty string", location=location)
    return "".join(value.split())


def check_pdq_quality(quality: object, location: str) -> int:
    """A PDQ quality 1..100 (0 means the hash carries no information and is refused)."""
    if isinstance(quality, bool) or not isinstance(quality, int | str):
        raise InvalidInput("PDQ quality must be an integer 1..100", location=location)
    try:
        number = int(quality)
    except ValueError:
        raise InvalidInput("PDQ quality must be an integer 1..100", location=location) from None
    if number == 0:
        raise InvalidInput("a PDQ of quality 0 carries no information", location=location)
    if not 1 <= number <= 100:
        raise InvalidInput("PDQ quality must be an integer 1..100", location=location)
    return number


def check_category(
    value: object, location: str, extra_categories: frozenset[int] = frozenset()
) -> int:
    """A known VICS category code (0..3 plus any national extras the caller allows)."""
    if isinstance(value, bool):
        raise InvalidInput("category must be an integer", location=location)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise InvalidInput("category must be an integer", location=location)
    if value not in VICS_CATEGORIES and value not in extra_categories:
        raise InvalidInput(f"unknown VICS category {value}", location=location)
    return value


_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def parse_flag(value: object, location: str) -> bool | None:
    """A VICS boolean given as a JSON boolean or as the strings true/false (empty means unknown)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise InvalidInput("must be true or false", location=location)
