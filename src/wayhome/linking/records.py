"""Person records as agencies send them, checked and turned into comparison features."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any

from anyascii import anyascii

from wayhome.errors import InvalidInput
from wayhome.linking.names import analyse_name, skeleton

_DATE_FORMATS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$"), ("d", "m", "y")),
]
_YEAR = re.compile(r"^(\d{4})$")
# A year and month only ("1998-03", "03.1998", "03/1998"): registers keep partial dates.
_YEAR_MONTH = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{1,2})[./](\d{4})$"), ("m", "y")),
]
_SEXES = {"m": "m", "male": "m", "м": "m", "f": "f", "female": "f", "ж": "f", "w": "f"}


@dataclass(frozen=True)
class PersonRecord:
    """What one agency holds about one person; every field but the id and a name is optional."""

    record_id: str
    names: tuple[str, ...]
    date_of_birth: str | None = None
    age_range: tuple[int, int] | None = None
    age_observed_on: str | None = None
    sex: str | None = None
    nationalities: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    selectors: tuple[str, ...] = ()
    source: str | None = None


@dataclass(frozen=True)
class BirthDate:
    """A full date of birth, or only a range of possible birth years (with the month when a
    partial date gives one)."""

    date: dt.date | None
    year_min: int
    year_max: int
    month: int | None = None


@dataclass(frozen=True)
class RejectedRecord:
    """A record left out of a job: its id, the field at fault and why (the rest go on)."""

    record_id: str
    location: str
    reason: str


@dataclass(frozen=True)
class PersonFeatures:
    """The normalised values the linkage model compares, one row per record."""

    unique_id: str
    name_primary: str
    name_keys: tuple[str, ...]
    name_pair_keys: tuple[str, ...]
    name_fuzzy_keys: tuple[str, ...]
    patronymics: tuple[str, ...]
    dob: str | None
    # "YYYY-MM" when the month is known (a full date's too), for the partial-date level.
    birth_month: str | None
    birth_year_min: int | None
    birth_year_max: int | None
    sex: str | None
    nationalities: tuple[str, ...]
    places: tuple[str, ...]
    identifiers: tuple[str, ...]
    selectors: tuple[str, ...]
    places_text: str = ""
    identifier_text: str = ""
    blocking_keys: tuple[str, ...] = field(default=())
    # The primary name's parts, each as "primary,key,key…" (see `names.name_part_keys`).
    name_parts: tuple[str, ...] = field(default=())
    # 1 when a given name of the record is borne by both sexes (Саша, Женя), else None.
    unisex_name: int | None = None

    def as_row(self) -> dict[str, Any]:
        """A plain dict for a data frame; empty lists become None so they count as missing."""
        row: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, tuple):
                row[key] = sorted(value) if value else None
            elif value == "":
                row[key] = None
            else:
                row[key] = value
        return row


def parse_date_of_birth(
    text: str, *, location: str = "date_of_birth", today: dt.date | None = None
) -> BirthDate:
    """Read a date of birth in ISO, compact or day-first form, a year and month, or a bare year;
    a date after `today` (default: the system date) is refused."""
    return _parse_date(text, location, today or dt.date.today())


@lru_cache(maxsize=100_000)
def _parse_date(text: str, location: str, today: dt.date) -> BirthDate:
    """Cached body of `parse_date_of_birth` (dates recur; a refusal is raised anew each time)."""
    value = text.strip()
    year_only = _YEAR.match(value)
    if year_only:
        year = int(year_only.group(1))
        _check_year(year, location, today)
        return BirthDate(None, year, year)
    for partial, fields in _YEAR_MONTH:
        found = partial.match(value)
        if found:
            parts = dict(zip(fields, (int(g) for g in found.groups()), strict=True))
            if not 1 <= parts["m"] <= 12:
                raise InvalidInput(f"{text!r} has no month {parts['m']}", location=location)
            _check_year(parts["y"], location, today)
            if (parts["y"], parts["m"]) > (today.year, today.month):
                raise InvalidInput(f"{text!r} is in the future", location=location)
            return BirthDate(None, parts["y"], parts["y"], parts["m"])
    for pattern, order in _DATE_FORMATS:
        found = pattern.match(value)
        if not found:
            continue
        parts = dict(zip(order, (int(g) for g in found.groups()), strict=True))
        try:
            date = dt.date(parts["y"], parts["m"], parts["d"])
        except ValueError as err:
            raise InvalidInput(
                f"{text!r} is not a calendar date ({err})", location=location
            ) from err
        _check_year(date.year, location, today)
        if date > today:
            raise InvalidInput(f"{text!r} is in the future", location=location)
        return BirthDate(date, date.year, date.year, date.month)
    raise InvalidInput(
        f"{text!r} is not a date (use YYYY-MM-DD, DD.MM.YYYY, YYYY-MM or YYYY)", location=location
    )


def _check_year(year: int, location: str, today: dt.date | None = None) -> None:
    """Refuse birth years no living person can have (before 1900, or after this year)."""
    if not 1900 <= year <= (today or dt.date.today()).year:
        raise InvalidInput(f"birth year {year} is out of range", location=location)


def birth_years(record: PersonRecord) -> BirthDate | None:
    """The birth date, or the birth-year range implied by an observed age range."""
    if record.date_of_birth:
        return parse_date_of_birth(record.date_of_birth)
    if record.age_range is None:
        return None
    low, high = record.age_range
    if low < 0 or high > 130:
        raise InvalidInput(f"age range {low}-{high} is impossible", location="age_range")
    if low > high:
        raise InvalidInput(f"age range is reversed ({low} > {high})", location="age_range")
    if record.age_observed_on is None:
        raise InvalidInput(
            "an age range needs the date it was observed", location="age_observed_on"
        )
    observed = parse_date_of_birth(record.age_observed_on, location="age_observed_on")
    return BirthDate(None, observed.year_min - high - 1, observed.year_max - low)


def normalise_sex(value: str | None) -> str | None:
    """Map the common spellings of sex to m or f; unknown stays None."""
    if value is None or not value.strip():
        return None
    key = value.strip().lower()
    if key in {"u", "unknown", "x"}:
        return None
    if key not in _SEXES:
        raise InvalidInput(f"sex {value!r} is not m, f or unknown", location="sex")
    return _SEXES[key]


_SPACES = re.compile(r"\s+")


def _plain(values: tuple[str, ...]) -> tuple[str, ...]:
    """Lower-case ASCII forms of free-text values, blanks removed."""
    out = {_plain_one(v) for v in values}
    return tuple(sorted(v for v in out if v))


def _plain_one(value: str) -> str:
    """One value as `_plain` writes it (blank: "")."""
    return _SPACES.sub(" ", anyascii(value).lower()).strip()


@lru_cache(maxsize=100_000)
def _place_word(word: str) -> str:
    """A word of a place as its cross-script skeleton (Тверь, Tver, Twer agree); digits stay."""
    if not any(c.isalpha() for c in word):
        return word
    return skeleton(word) or word


def _places(values: tuple[str, ...]) -> tuple[str, ...]:
    """Places as lower-case ASCII with every word reduced to its skeleton, blanks removed."""
    out = {_place(v) for v in values}
    return tuple(sorted(v for v in out if v))


@lru_cache(maxsize=100_000)
def _place(value: str) -> str:
    """One place as `_places` writes it (towns and postcodes recur: each is worked out once)."""
    plain = _plain_one(value)
    return " ".join(_place_word(w) for w in plain.split())


_IDENTIFIER_PUNCTUATION = re.compile(r"[\s\-./]")


def _identifier(values: tuple[str, ...]) -> tuple[str, ...]:
    """Identifiers compared without spaces, dashes or case."""
    out = {_IDENTIFIER_PUNCTUATION.sub("", v).upper() for v in values}
    return tuple(sorted(v for v in out if v))


def _union(tuples: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The sorted union of the names' key tuples; for one name (the common case) its cached
    analysis's own tuple, shared rather than copied (the strings are already interned)."""
    if len(tuples) == 1:
        return tuples[0]
    return tuple(sorted(set(chain.from_iterable(tuples))))


# Letters of a surname that a given-name + surname-prefix blocking key keeps.
SURNAME_PREFIX = 4


@dataclass(frozen=True)
class _NameFeatures:
    """What a record's names alone give its features (the same names, the same features)."""

    primary: str
    keys: tuple[str, ...]
    pair_keys: tuple[str, ...]
    fuzzy_keys: tuple[str, ...]
    patronymics: tuple[str, ...]
    surnames: tuple[str, ...]
    block_keys: tuple[str, ...]
    part_keys: tuple[str, ...]
    unisex: bool
    # First letters of the name keys that are not given-name groups (for the date keys).
    initials: frozenset[str]
    given_surname_blocks: frozenset[str]


@lru_cache(maxsize=65_536)
def _name_features(names: tuple[str, ...]) -> _NameFeatures:
    """The name features of a record's names (cached, fewer than the names' analyses: the
    entries hold sets of their own); a name that cannot be read is refused at "names[i]"."""
    analyses = []
    for i, name in enumerate(names):
        try:
            analyses.append(analyse_name(name))
        except InvalidInput as err:
            raise InvalidInput(err.detail, location=f"names[{i}]") from err
    first = analyses[0]
    if len(analyses) == 1:  # the common case: the analysis's own tuples (see `_union`)
        keys, pair_keys, fuzzy_keys = first.keys, first.pair_keys, first.fuzzy_keys
        patronymics, surnames, name_blocks = first.patronymics, first.surname_keys, first.block_keys
    else:
        keys, pair_keys, fuzzy_keys, patronymics, surnames, name_blocks = (
            _union([getattr(a, column) for a in analyses])
            for column in (
                "keys",
                "pair_keys",
                "fuzzy_keys",
                "patronymics",
                "surname_keys",
                "block_keys",
            )
        )
    # A known given name with the surname's first letters, and with its first two and last
    # three: catches a surname two edits away (a typo on top of another scheme: "Papaaakis" vs
    # "Παπαδάκης", "Чеенанов" vs "Cherenanov"), which no pair key meets.
    given = [g for g in keys if g.startswith("g:")]
    long_surnames = [s for s in surnames if len(s) > SURNAME_PREFIX]
    blocking: set[str] = set()
    if given and long_surnames:
        blocking.update([f"gs|{g}|{s[:SURNAME_PREFIX]}" for s in long_surnames for g in given])
        blocking.update([f"ge|{g}|{s[:2]}|{s[-3:]}" for s in long_surnames for g in given])
    return _NameFeatures(
        primary=first.primary,
        keys=keys,
        pair_keys=pair_keys,
        fuzzy_keys=fuzzy_keys,
        patronymics=patronymics,
        surnames=surnames,
        block_keys=name_blocks,
        part_keys=first.part_keys,
        unisex=any(a.unisex for a in analyses),
        initials=frozenset(k[:1] for k in keys if not k.startswith("g:")),
        given_surname_blocks=frozenset(blocking),
    )


def person_features(record: PersonRecord) -> PersonFeatures:
    """Check one record and compute the features the linkage model compares."""
    if not record.record_id:
        raise InvalidInput("record has no id", location="record_id")
    names = [n for n in record.names if n is not None]
    if not names or not any(n.strip() for n in names):
        raise InvalidInput("record has no name", location=f"{record.record_id}.names")
    try:
        named = _name_features(tuple(names))
    except InvalidInput as err:
        raise InvalidInput(err.detail, location=f"{record.record_id}.{err.location}") from err
    keys, surnames = named.keys, named.surnames
    born = birth_years(record)
    dob = born.date.isoformat() if born and born.date else None
    month = f"{born.year_min:04d}-{born.month:02d}" if born and born.month else None
    year_min = born.year_min if born else None
    year_max = born.year_max if born else None
    # Blocking keys: two name parts agreeing (one may carry a typo: SymSpell-style deletions;
    # `names.NameAnalysis.block_keys`), a surname with the birth year, the date of birth (day
    # and month in either order) with a name initial, two shared places.
    # The given name + surname keys (`_name_features`) are the names' own.
    blocking: set[str] = set(named.given_surname_blocks)
    if year_min is not None and year_min == year_max:
        blocking.update([f"s|{k}|{year_min}" for k in surnames])
    if dob:
        # Day and month in either order, so a date written month-first still meets its record.
        day_month = "|".join(sorted((dob[5:7], dob[8:10])))
        blocking.update([f"d|{dob[:4]}|{day_month}|{i}" for i in named.initials])
    places = _places(record.places)
    blocking |= {f"pl|{a}|{b}" for i, a in enumerate(places) for b in places[i + 1 :]}
    identifiers = _identifier(record.identifiers)
    return PersonFeatures(
        unique_id=record.record_id,
        name_primary=named.primary,
        name_keys=keys,
        name_pair_keys=named.pair_keys,
        name_fuzzy_keys=named.fuzzy_keys,
        patronymics=named.patronymics,
        dob=dob,
        birth_month=month,
        birth_year_min=year_min,
        birth_year_max=year_max,
        sex=normalise_sex(record.sex),
        nationalities=tuple(sorted({n.strip().upper() for n in record.nationalities if n})),
        places=places,
        identifiers=identifiers,
        selectors=_plain(record.selectors),
        places_text=" ".join(places),
        identifier_text=" ".join(identifiers),
        blocking_keys=named.block_keys + tuple(sorted(blocking)),
        name_parts=named.part_keys,
        unisex_name=1 if named.unisex else None,
    )


def screen_features(
    records: Iterable[PersonRecord],
) -> tuple[list[PersonFeatures], list[PersonRecord], list[RejectedRecord]]:
    """Features of every readable record (and the records kept, in order), and each record
    left out with its id and reason: an impossible date, no name, an unreadable script, a
    duplicate id. One bad record never stops the others."""
    seen: set[str] = set()
    features: list[PersonFeatures] = []
    kept: list[PersonRecord] = []
    rejected: list[RejectedRecord] = []
    for record in records:
        record_id = str(record.record_id or "")
        if record_id and record_id in seen:
            rejected.append(RejectedRecord(record_id, "record_id", "duplicate record id"))
            continue
        try:
            features.append(person_features(record))
        except InvalidInput as err:
            rejected.append(RejectedRecord(record_id, err.location or "record", err.detail))
            continue
        seen.add(record_id)
        kept.append(record)
    return features, kept, rejected
