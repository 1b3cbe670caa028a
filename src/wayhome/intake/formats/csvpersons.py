"""Person lists as CSV: one person a row, under a fixed, documented header.

A CSV whose header has person columns and not `type`/`value` is a person list
(`csvfile.parse_csv` hands it here). Columns (first line, any order, case-insensitive):
`name`, or `given_name` and `surname` (`family_name`), are required; `middle_name`,
`birth_date` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), `sex`, `nationality`, `birth_place`,
`birth_country`, `residence`, `residence_country`, `aliases`, `identifiers`, `role`, `script`
(ISO 15924), `report` (rows with the same report name form one report) and `marking` (a TLP
label) are optional; `nationality`, `aliases` and `identifiers` may hold several values
separated by `;`. Any other column, or a missing name column, is an error naming it; a bad
value is an error naming its line and column (docs/intake-persons.md).

Example:
    name,birth_date,sex,birth_place,nationality,report
    Marek Novák,1988-07,male,Brno,CZ,Operation Lantern
"""

from __future__ import annotations

from wayhome.errors import InvalidInput
from wayhome.intake.formats.csvrows import CsvReports, Rows, records
from wayhome.intake.formats.persons import PersonFields, read_person, split_list
from wayhome.intake.parsed import ParsedReport

FORMAT = "csv"
# A column → `persons.PersonFields` key.
PERSON_COLUMNS = {
    "name": "name",
    "given_name": "given_name",
    "middle_name": "middle_name",
    "surname": "family_name",
    "family_name": "family_name",
    "birth_date": "birth_date",
    "sex": "sex",
    "nationality": "nationalities",
    "birth_place": "birth_place",
    "birth_country": "birth_country",
    "residence": "residence",
    "residence_country": "residence_country",
    "aliases": "aliases",
    "identifiers": "identifiers",
    "role": "role",
    "script": "script",
}
OTHER_COLUMNS = ("report", "marking")
# Cells that may hold several values, separated by `;`.
_LIST_COLUMNS = {"nationality", "aliases", "identifiers"}


def is_person_layout(columns: list[str]) -> bool:
    """Whether a header is a person list: person columns, and not both `type` and `value`."""
    selectors = "type" in columns and "value" in columns
    return not selectors and any(c in PERSON_COLUMNS for c in columns)


def parse_person_rows(rows: Rows, columns: list[str]) -> list[ParsedReport]:
    """Persons, one a row, into one report per distinct `report` value (titled "CSV persons"
    without one); errors name the line and column, and nothing is kept of a bad file."""
    check_person_header(columns)
    reports = CsvReports(FORMAT, "CSV persons")
    for line, record in records(rows, columns):
        reports.report_of(record, line).persons.append(read_person(_fields(record, line)))
    return reports.finish()


def _fields(record: dict[str, str], line: int) -> PersonFields:
    """One row's person fields, each located by its line and column."""
    fields = PersonFields(origin=f"line {line}")
    for column, key in PERSON_COLUMNS.items():
        if column not in record:
            continue
        where = f"line {line}, column {column}"
        parts = split_list(record[column]) if column in _LIST_COLUMNS else [record[column]]
        for part in parts:
            fields.set(key, part, where)
    return fields


def check_person_header(columns: list[str]) -> None:
    """Refuse a person list's header with an unknown column or without a name column."""
    for name in columns:
        if name not in PERSON_COLUMNS and name not in OTHER_COLUMNS:
            raise InvalidInput(f"unknown column {name!r} in a person list", location="line 1")
    has_parts = "given_name" in columns and ("surname" in columns or "family_name" in columns)
    if "name" not in columns and not has_parts:
        raise InvalidInput(
            "missing column 'name' (or 'given_name' and 'surname') in a person list",
            location="line 1",
        )
