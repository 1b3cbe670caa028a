"""Persons as every intake format names them: names and their script, partial birth dates,
sex, countries and places, each checked the same way whichever format brought them.

A format gathers a person's fields with the place in the input each came from
(`PersonFields`) and calls `read_person`; any bad value is an `InvalidInput` naming that
place, so a file with one bad person stores nothing. See docs/intake-persons.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from rigour.territories import lookup_territory

from wayhome.errors import InvalidInput
from wayhome.intake.formats.common import script_of
from wayhome.intake.parsed import ParsedPerson, ParsedPlace

# The oldest birth year a person in an intelligence report can have (the linkage library
# refuses earlier ones too: nobody alive was born before it).
EARLIEST_BIRTH_YEAR = 1900

# Unicode script names (as `common.script_of` gives them) → ISO 15924 codes: the scripts
# Wayhome records names in and the linkage library compares (cases.services.SCRIPT_CODES).
SCRIPTS = {
    "Latin": "Latn",
    "Cyrillic": "Cyrl",
    "Greek": "Grek",
    "Arabic": "Arab",
    "Hebrew": "Hebr",
    "Han": "Hani",
    "Hiragana": "Jpan",
    "Katakana": "Jpan",
    "Hangul": "Hang",
    "Georgian": "Geor",
    "Armenian": "Armn",
    "Devanagari": "Deva",
    "Thai": "Thai",
}
_SCRIPT_CODES = {code.lower(): code for code in SCRIPTS.values()}

_SEXES = {
    "m": "male",
    "male": "male",
    "man": "male",
    "boy": "male",
    "м": "male",
    "муж": "male",
    "мужской": "male",
    "f": "female",
    "female": "female",
    "woman": "female",
    "girl": "female",
    "w": "female",
    "ж": "female",
    "жен": "female",
    "женский": "female",
    "u": "unknown",
    "unknown": "unknown",
    "x": "unknown",
    "other": "unknown",
    "prefer not to say": "unknown",
    "not stated": "unknown",
}
_ROLES = {
    "suspect": "suspect",
    "reported": "suspect",
    "offender": "suspect",
    "accused": "suspect",
    "culprit": "suspect",
    "defendant": "suspect",
    "defendent": "suspect",  # MISP's person template spells it so
    "accomplice": "suspect",
    "victim": "victim",
    "witness": "witness",
    "guardian": "guardian",
    "parent": "guardian",
    "missing": "missing_child",
    "missing child": "missing_child",
    "missing_child": "missing_child",
}

_NAME_KEYS = ("name", "given_name", "middle_name", "family_name")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DOTTED_DATE = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$")
_DATETIME_TAIL = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\S*$")


@dataclass(slots=True)
class PersonFields:
    """A person's fields as one format found them: each value with where it was read from.

    Keys: `name` (full name), `given_name`, `middle_name`, `family_name`, `birth_date`, `sex`,
    `birth_place`, `birth_country`, `residence`, `residence_country`, `role`, `script` (one
    value each), and `nationalities`, `aliases`, `identifiers` (any number: `set` again, or
    give a list).
    """

    origin: str
    values: dict[str, list[tuple[object, str]]] = field(default_factory=dict)

    def set(self, key: str, value: object, location: str) -> None:
        """Record a field's value and where it was read; a blank value is left out, but for a
        name, which is then refused as empty."""
        if value is None:
            return
        if isinstance(value, str) and not value.strip() and key not in _NAME_KEYS:
            return
        if isinstance(value, list) and not value:
            return
        self.values.setdefault(key, []).append((value, location))

    def text(self, key: str) -> str | None:
        """A one-value field as text with its spaces tidied, None when absent."""
        found = self.texts(key)
        return found[0][0] if found else None

    def texts(self, key: str) -> list[tuple[str, str]]:
        """Every non-blank value of a field (lists taken apart), each with its location."""
        out = []
        for value, location in self.values.get(key, []):
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                where = f"{location}[{index}]" if isinstance(value, list) else location
                if not isinstance(item, str):
                    raise InvalidInput(
                        f"expected text, found {type(item).__name__}", location=where
                    )
                if item.strip():
                    out.append((" ".join(item.split()), where))
        return out

    def where(self, key: str) -> str:
        """Where a field was read from, or the person's origin when it is absent."""
        found = self.values.get(key)
        return found[0][1] if found else self.origin

    def has_name(self) -> bool:
        """Whether any name field (or an alias) was given, blank or not."""
        return any(k in self.values for k in (*_NAME_KEYS, "aliases"))

    def has_details(self) -> bool:
        """Whether the fields say anything about a person beyond a role."""
        return any(k != "role" for k in self.values)


def read_person(fields: PersonFields, *, role: str | None = None) -> ParsedPerson:
    """Check a person's fields and build the `ParsedPerson`; `InvalidInput` naming the field."""
    given = fields.text("given_name")
    middle = fields.text("middle_name")
    family = fields.text("family_name")
    name = fields.text("name") or " ".join(p for p in (given, middle, family) if p)
    if not name and not any(k in fields.values for k in _NAME_KEYS):
        name = next((alias for alias, _ in fields.texts("aliases")), "")
    where = next((fields.where(k) for k in _NAME_KEYS if k in fields.values), None)
    if not name:
        raise InvalidInput("the person's name is empty", location=where or fields.origin)
    script = name_script(name, where or fields.where("aliases"))
    declared = fields.text("script")
    if declared is not None:
        script = declared_script(declared, fields.where("script"))
    aliases = []
    for alias, at in fields.texts("aliases"):
        name_script(alias, at)
        if alias != name and alias not in aliases:
            aliases.append(alias)
    born = parse_birth_date(fields.text("birth_date"), fields.where("birth_date"))
    places = []
    for kind, key, country_key in (
        ("birth", "birth_place", "birth_country"),
        ("residence", "residence", "residence_country"),
    ):
        country = country_code(fields.text(country_key), fields.where(country_key))
        for text, _where in fields.texts(key):
            places.append(ParsedPlace(kind=kind, name=text[:300], country=country))
        if country and not fields.texts(key):
            places.append(ParsedPlace(kind=kind, name="", country=country))
    nationalities: list[str] = []
    for text, at in fields.texts("nationalities"):
        code = country_code(text, at)
        if code and code not in nationalities:
            nationalities.append(code)
    identifiers = list(dict.fromkeys(text for text, _ in fields.texts("identifiers")))
    return ParsedPerson(
        name=name,
        script=script,
        date_of_birth=born[0] if born else None,
        birth_date_precision=born[1] if born else "day",
        sex=person_sex(fields.text("sex"), fields.where("sex")),
        nationalities=nationalities,
        role=person_role(fields.text("role")) or role,
        given_name=given,
        family_name=family,
        aliases=aliases,
        places=places,
        identifiers=identifiers,
        origin=fields.origin,
    )


def parse_birth_date(
    value: str | None, location: str, *, today: date | None = None
) -> tuple[date, str] | None:
    """A birth date as far as it is known — `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (a datetime's
    date part; `00` for an unknown month or day) or `DD.MM.YYYY` / `MM.YYYY` — as its first
    day and precision (`year`, `month`, `day`); one in the future or before 1900 is refused."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    stamped = _DATETIME_TAIL.match(text)
    if stamped:
        text = stamped.group(1)
    parts: tuple[str | None, str | None, str | None] | None = None
    found = _ISO_DATE.match(text)
    if found:
        parts = (found.group(1), found.group(2), found.group(3))
    else:
        dotted = _DOTTED_DATE.match(text)
        if dotted:
            parts = (dotted.group(3), dotted.group(2), dotted.group(1))
    if parts is None:
        raise InvalidInput(
            f"{text!r} is not a birth date (use YYYY, YYYY-MM or YYYY-MM-DD)", location=location
        )
    year, month, day = (int(p) if p else 0 for p in parts)
    if month == 0 and day:
        raise InvalidInput(f"{text!r} has a day but no month", location=location)
    precision = "day" if day else "month" if month else "year"
    try:
        born = date(year, month or 1, day or 1)
    except ValueError as error:
        raise InvalidInput(
            f"{text!r} is not a calendar date ({error})", location=location
        ) from None
    if year < EARLIEST_BIRTH_YEAR:
        raise InvalidInput(
            f"birth date {text!r} is impossible (before {EARLIEST_BIRTH_YEAR})", location=location
        )
    if born > (today or datetime.now(UTC).date()):
        raise InvalidInput(f"birth date {text!r} is in the future", location=location)
    return born, precision


def person_sex(value: str | None, location: str) -> str | None:
    """`male`, `female` or `unknown` from the common spellings (M, F, Male, ж, ...)."""
    if value is None or not value.strip():
        return None
    sex = _SEXES.get(value.strip().lower())
    if sex is None:
        raise InvalidInput(f"sex {value!r} is not male, female or unknown", location=location)
    return sex


def person_role(value: str | None) -> str | None:
    """A person role Wayhome knows (`suspect`, `victim`, ...) from a format's word, or None."""
    if value is None:
        return None
    return _ROLES.get(value.strip().lower())


def name_script(name: str, location: str) -> str:
    """The ISO 15924 code of the script a name is written in; `InvalidInput` when it has no
    letters or its script is one Wayhome cannot compare."""
    script = script_of(name)
    if script is None:
        raise InvalidInput(f"name {name!r} has no letters", location=location)
    code = SCRIPTS.get(script)
    if code is None:
        raise InvalidInput(
            f"name {name!r} is written in {script} script, which Wayhome cannot compare; "
            "give the name in Latin letters",
            location=location,
        )
    return code


def declared_script(value: str, location: str) -> str:
    """An ISO 15924 code (`Latn`, `Cyrl`) or script name (`Latin`) a file states for a name."""
    text = value.strip()
    code = _SCRIPT_CODES.get(text.lower()) or SCRIPTS.get(text.title())
    if code is None:
        raise InvalidInput(
            f"unknown script {value!r} (use one of {', '.join(sorted(_SCRIPT_CODES.values()))})",
            location=location,
        )
    return code


def country_code(value: str | None, location: str) -> str | None:
    """An ISO 3166-1 alpha-2 code from a code (`cz`, `CZE`) or a name (`Czechia`, `Czech`)."""
    if value is None or not value.strip():
        return None
    territory = lookup_territory(value.strip())
    if territory is None or len(territory.code) != 2:
        raise InvalidInput(f"{value.strip()!r} is not a country", location=location)
    return territory.code.upper()


def split_list(value: str | None) -> list[str]:
    """The parts of a `;`-separated cell, blanks removed."""
    return [part.strip() for part in (value or "").split(";") if part.strip()]
