"""Residents' register files (CSV): people with residence, date of birth and sex."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from wayhome.errors import InvalidInput

REQUIRED_COLUMNS = ("person_id", "full_name", "residence", "birth_date", "sex")
# Sex codes as registers write them, in Latin and Cyrillic.
SEX_CODES = {
    "m": "M", "male": "M", "м": "M", "муж": "M", "мужской": "M",
    "f": "F", "female": "F", "ж": "F", "жен": "F", "женский": "F",
    "": "U", "u": "U", "unknown": "U",
}  # fmt: skip
MAX_ERRORS_LISTED = 50


@dataclass(frozen=True)
class RegisterPerson:
    """One person of a register: who, where he lives, born when, which sex, which identifiers."""

    row: int
    person_id: str
    full_name: str
    residence: str
    birth_date: date
    sex: str
    geonameid: int | None = None
    identifiers: tuple[str, ...] = ()

    def age_on(self, day: date) -> int:
        """Return the person's age in whole years on a day."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


def _person(row_number: int, row: dict[str, str]) -> RegisterPerson:
    """Turn one CSV row into a person, raising InvalidInput naming the row and field."""
    where = f"row {row_number}"
    values = {key: (value or "").strip() for key, value in row.items() if key is not None}
    for column in ("person_id", "full_name", "residence"):
        if not values.get(column):
            raise InvalidInput(f"{column} is empty", location=f"{where}, {column}")
    try:
        born = date.fromisoformat(values.get("birth_date", ""))
    except ValueError as error:
        raise InvalidInput(
            f"birth date {values.get('birth_date')!r} is not YYYY-MM-DD",
            location=f"{where}, birth_date",
        ) from error
    sex = SEX_CODES.get(values.get("sex", "").lower())
    if sex is None:
        raise InvalidInput(f"sex {values.get('sex')!r} is not M or F", location=f"{where}, sex")
    geonameid: int | None = None
    if values.get("geonameid"):
        try:
            geonameid = int(values["geonameid"])
        except ValueError as error:
            raise InvalidInput(
                "geonameid is not a number", location=f"{where}, geonameid"
            ) from error
    identifiers = tuple(
        part.strip() for part in values.get("identifiers", "").split(";") if part.strip()
    )
    return RegisterPerson(
        row=row_number,
        person_id=values["person_id"],
        full_name=values["full_name"],
        residence=values["residence"],
        birth_date=born,
        sex=sex,
        geonameid=geonameid,
        identifiers=identifiers,
    )


def parse_register(content: str | bytes) -> list[RegisterPerson]:
    """Parse a register CSV (UTF-8, comma or semicolon); every broken row is reported by number."""
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        return _people(reader)
    except csv.Error as error:  # e.g. a bare carriage return inside an unquoted field
        raise InvalidInput(f"not CSV: {error}", location=f"row {reader.reader.line_num}") from None


def _people(reader: csv.DictReader[str]) -> list[RegisterPerson]:
    """The register persons of a CSV reader, every broken row reported by number."""
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise InvalidInput(f"missing column(s): {', '.join(missing)}", location="row 1 (header)")
    reader.fieldnames = header
    people: list[RegisterPerson] = []
    errors: list[InvalidInput] = []
    for row_number, row in enumerate(reader, start=2):
        if None in row:
            errors.append(InvalidInput("too many fields", location=f"row {row_number}"))
            continue
        try:
            people.append(_person(row_number, row))
        except InvalidInput as error:
            errors.append(error)
    if errors:
        first = errors[0]
        listed = [str(error) for error in errors[:MAX_ERRORS_LISTED]]
        raise InvalidInput(
            f"{len(errors)} broken row(s); first: {first.detail}",
            location=first.location,
            extra={"errors": listed},
        )
    return people
