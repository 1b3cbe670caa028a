"""Persons from every format: partial birth dates, places, names and scripts, checked alike;
stored under the file's marking and seen by the identity matcher with what they carry."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pymisp import MISPEvent, MISPObject
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stix2validator import ValidationOptions, validate_string

from tests.conftest import World
from tests.intake.samples_path import sample
from tests.linking.linking_world import fresh_indices, records_of
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role
from wayhome.cases.models import DatePrecision, Person
from wayhome.errors import InvalidInput
from wayhome.intake.formats.cybertip import parse_cybertip
from wayhome.intake.formats.misp import parse_misp
from wayhome.intake.formats.persons import country_code, parse_birth_date, person_sex
from wayhome.intake.formats.stix import parse_stix
from wayhome.intake.formats.submission import parse_submission
from wayhome.intake.models import Report
from wayhome.intake.parsed import ParsedPerson, ParsedPlace
from wayhome.intake.services import import_file
from wayhome.intake.store import Placement
from wayhome.linking import live
from wayhome.linking.models import IdentityAssertion

__all__ = ["fresh_indices"]

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1987", (date(1987, 1, 1), "year")),
        ("1987-11", (date(1987, 11, 1), "month")),
        ("1987-11-23", (date(1987, 11, 23), "day")),
        ("1987-11-23T00:00:00Z", (date(1987, 11, 23), "day")),
        ("1987-00-00", (date(1987, 1, 1), "year")),
        ("1987-11-00", (date(1987, 11, 1), "month")),
        ("23.11.1987", (date(1987, 11, 23), "day")),
        ("11.1987", (date(1987, 11, 1), "month")),
        ("2026-12", (date(2026, 12, 1), "month")),
    ],
)
def test_birth_dates_as_far_as_known(text: str, expected: tuple[date, str]) -> None:
    assert parse_birth_date(text, "here", today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2030-09-30", "in the future"),
        ("2027", "in the future"),
        ("2026-12-08", "in the future"),
        ("1850-01-01", "impossible"),
        ("1987-02-30", "not a calendar date"),
        ("1987-13", "not a calendar date"),
        ("1987-00-14", "no month"),
        ("11/23/1987", "not a birth date"),
        ("born 1987", "not a birth date"),
    ],
)
def test_bad_birth_dates_name_the_field(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_birth_date(text, "line 4, column birth_date", today=TODAY)
    assert says in caught.value.detail
    assert caught.value.location == "line 4, column birth_date"


def test_sex_and_countries_in_their_common_spellings() -> None:
    assert [person_sex(v, "s") for v in ("M", "Female", "ж", "Other", "")] == [
        "male",
        "female",
        "female",
        "unknown",
        None,
    ]
    assert [country_code(v, "c") for v in ("cz", "CZE", "Czech Republic", "Czech")] == ["CZ"] * 4
    with pytest.raises(InvalidInput) as caught:
        person_sex("yes", "Event.Object[0].Attribute[4]")
    assert caught.value.location == "Event.Object[0].Attribute[4]"
    with pytest.raises(InvalidInput) as caught:
        country_code("Atlantis", "identity--x.x_wayhome_nationalities[1]")
    assert "not a country" in caught.value.detail


def _kestrel(person: ParsedPerson) -> None:
    """The fictional subject every sample names: Tomáš Hrubý, born November 1987 in Olomouc."""
    assert person.date_of_birth == date(1987, 11, 1) and person.birth_date == "1987-11"
    assert person.sex == "male" and person.role == "suspect" and person.script == "Latn"
    assert "CZ" in person.nationalities
    assert ParsedPlace("birth", "Olomouc", "CZ") in person.places
    assert [p.name for p in person.places if p.kind == "residence"] == ["Ostrava"]


def test_stix_individuals_carry_wayhome_properties_and_pass_the_validator() -> None:
    data = sample("stix_persons.json")
    # Non-strict validation accepts x_ custom properties (warning 401: not an extension).
    result = validate_string(data.decode(), ValidationOptions(version="2.1"))
    assert result.is_valid, result.errors
    [report] = parse_stix(data)
    assert report.marking is Marking.AMBER
    subject, child = report.persons
    _kestrel(subject)
    assert (subject.given_name, subject.family_name) == ("Tomáš", "Hrubý")
    assert subject.nationalities == ["CZ", "SK"]
    assert subject.aliases == ["Tomas Hruby"] and subject.identifiers == ["CZ 40112233"]
    assert subject.origin == "identity--6f1c2d3e-0000-4a00-8a00-000000000010"
    assert (child.name, child.script, child.birth_date, child.sex, child.role) == (
        "Лада Кречетова",
        "Cyrl",
        "2012",
        "female",
        "victim",
    )
    # STIX's own way: the identity is `located-at` a location.
    assert child.places == [ParsedPlace("residence", "Opava", "CZ")]


def _stix_with(**props: Any) -> bytes:
    document = json.loads(sample("stix_persons.json"))
    document["objects"][1].update(props)
    document["objects"][1] = {k: v for k, v in document["objects"][1].items() if v is not None}
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("props", "field", "says"),
    [
        ({"x_wayhome_birth_date": "2030-09-30"}, "x_wayhome_birth_date", "in the future"),
        ({"x_wayhome_birth_date": "1987-02-30"}, "x_wayhome_birth_date", "calendar date"),
        (
            {"name": " ", "x_wayhome_given_name": None, "x_wayhome_family_name": None},
            "name",
            "name is empty",
        ),
        ({"name": "தமிழ் செல்வன்"}, "name", "Tamil script"),
        ({"name": "12345"}, "name", "no letters"),
        ({"x_wayhome_sex": "yes"}, "x_wayhome_sex", "sex"),
        ({"x_wayhome_nationalities": ["CZ", "Atlantis"]}, "x_wayhome_nationalities[1]", "country"),
        ({"x_wayhome_script": "Klingon"}, "x_wayhome_script", "unknown script"),
    ],
)
def test_bad_stix_individuals_name_the_object_and_property(
    props: dict[str, Any], field: str, says: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_stix(_stix_with(**props))
    assert caught.value.location == f"identity--6f1c2d3e-0000-4a00-8a00-000000000010.{field}"
    assert says in caught.value.detail


def test_misp_person_objects_with_partial_dates_places_and_documents() -> None:
    data = sample("misp_persons.json")
    event = MISPEvent()
    event.load(data.decode())
    # Every relation the sample uses is one of the person template's (PyMISP, strict).
    for obj in event.objects:
        strict = MISPObject("person", strict=True)
        for attribute in obj.attributes:
            strict.add_attribute(attribute.object_relation, value=attribute.value)
        assert strict.to_dict()
    [report] = parse_misp(data)
    subject, child = report.persons
    assert subject.name == "Tomas Hruby" and subject.birth_date == "1987"
    assert subject.birth_date_precision == "year" and subject.sex == "male"
    assert subject.places == [
        ParsedPlace("birth", "Olomouc", None),
        ParsedPlace("residence", "Ostrava", None),
    ]
    assert subject.nationalities == ["CZ"] and subject.identifiers == ["CZ40112233"]
    assert subject.aliases == ["Tomáš Hrubý"] and subject.role == "suspect"
    assert subject.origin == "Event.Object[0]"
    assert (child.birth_date, child.sex, child.role) == ("2012-04", "female", "victim")
    # The person's e-mail is a selector, not a note.
    assert "kestrel.t@mailbox.example" in {i.selector.value for i in report.items}


def _misp_person(*relations: tuple[str, str, str]) -> bytes:
    attributes = [
        {"uuid": f"00000000-0000-4000-8000-00000000000{i}", "object_relation": relation,
         "type": kind, "value": value}
        for i, (relation, kind, value) in enumerate(relations)
    ]  # fmt: skip
    return json.dumps(
        {"Event": {"info": "persons", "Object": [{"name": "person", "Attribute": attributes}]}}
    ).encode()


def test_a_future_misp_birth_date_is_refused_naming_the_attribute() -> None:
    data = _misp_person(
        ("full-name", "full-name", "Ivo Kral"), ("date-of-birth", "date-of-birth", "2030-09-30")
    )
    with pytest.raises(InvalidInput) as caught:
        parse_misp(data)
    assert caught.value.location == (
        "Event.Object[0].Attribute[1] (00000000-0000-4000-8000-000000000001)"
    )
    assert "2030-09-30" in caught.value.detail and "future" in caught.value.detail


def test_a_misp_person_without_a_name_keeps_its_details_with_a_warning() -> None:
    [report] = parse_misp(_misp_person(("date-of-birth", "date-of-birth", "1990")))
    assert report.persons == []
    assert ["person", "birth_date", "1990"] in report.extra["misp_object_attributes"]
    assert report.warnings and "Event.Object[0]" in report.warnings[0]


def test_csv_person_list() -> None:
    submission = parse_submission(sample("persons.csv"))  # told apart by its header
    assert submission.format == "csv"
    [report] = submission.reports
    assert report.title == "Operation Kestrel" and report.marking is Marking.AMBER
    subject, child, witness = report.persons
    _kestrel(subject)
    assert subject.aliases == ["Tomas Hruby"] and subject.nationalities == ["CZ", "SK"]
    assert (child.name, child.birth_date, child.sex, child.origin) == (
        "Лада Кречетова",
        "2012",
        "female",
        "line 3",
    )
    assert (witness.birth_date, witness.role) == ("1979-03-14", "witness")


@pytest.mark.parametrize(
    ("data", "where", "says"),
    [
        (b"birth_date,sex\n1987,m\n", "line 1", "missing column 'name'"),
        (b"given_name,birth_date\nIvo,1987\n", "line 1", "missing column 'name'"),
        (b"name,birth_date,shoe_size\nIvo Kral,1987,44\n", "line 1", "'shoe_size'"),
        (b"name,birth_date\nIvo Kral,1987\n ,1990\n", "line 3, column name", "name is empty"),
        (b"name,birth_date\nIvo Kral,2030-09-30\n", "line 2, column birth_date", "future"),
        (b"name,sex\nIvo Kral,m\nEva Kralova,q\n", "line 3, column sex", "sex 'q'"),
        (b"name,nationality\nIvo Kral,CZ;Atlantis\n", "line 2, column nationality", "country"),
        (b"name,birth_date\nIvo Kral\n", "line 2", "fields"),
        (b"name,birth_date\n", "line 2", "no rows"),
    ],
)
def test_bad_person_lists_name_the_line_and_column(data: bytes, where: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_submission(data, filename="persons.csv")
    assert caught.value.location == where
    assert says in caught.value.detail


def test_cybertip_person_blocks() -> None:
    [report] = parse_cybertip(sample("cybertip_persons.xml"))
    subject, child = report.persons
    _kestrel(subject)
    assert subject.places[-1] == ParsedPlace("residence", "Ostrava", "CZ")
    assert subject.aliases == ["Tomáš Hrubý"]
    assert "line 9" in subject.origin
    assert (child.name, child.birth_date, child.role) == ("Лада Кречетова", "2012", "victim")


def test_a_cybertip_future_birth_date_names_the_element_and_line() -> None:
    data = sample("cybertip_persons.xml").replace(b"1987-11", b"2031-01")
    with pytest.raises(InvalidInput) as caught:
        parse_cybertip(data)
    assert caught.value.location == (
        "report/personOrUserReported/personOrUserReportedPerson/dateOfBirth (line 13)"
    )


FILES = ["stix_persons.json", "misp_persons.json", "persons.csv", "cybertip_persons.xml"]


@pytest.mark.parametrize("name", FILES)
def test_persons_are_stored_under_the_files_marking(db: Session, world: World, name: str) -> None:
    records = records_of(db, world.user(world.agency(), Role.INVESTIGATOR))
    result, _ = import_file(
        records, sample(name), Placement(Marking.GREEN, Scope.ALL), filename=name, max_bytes=10**6
    )
    persons = db.scalars(select(Person).where(Person.report_id.in_(result.report_ids))).all()
    subject = next(p for p in persons if any(n.full_name.startswith("Tom") for n in p.names))
    # The file says AMBER: it is never loosened to the placement's GREEN.
    assert {p.marking for p in persons} == {Marking.AMBER}
    assert {p.scope for p in persons} == {Scope.ALL}
    assert subject.birth_date_precision in (DatePrecision.MONTH, DatePrecision.YEAR)
    assert subject.birth_date_text in ("1987-11", "1987")
    assert any(p["kind"] == "birth" and p["name"] == "Olomouc" for p in subject.places)
    # The alias is a name variant of the same person, in its own script.
    assert {n.full_name for n in subject.names} == {"Tomáš Hrubý", "Tomas Hruby"}
    assert {n.script for n in subject.names} == {"Latn"}
    assert subject.sex.value == "male" and "CZ" in subject.nationalities
    if name != "cybertip_persons.xml":
        assert [i.replace(" ", "") for i in subject.identifiers] == ["CZ40112233"]
    record = live.person_record(subject)
    assert record is not None
    assert record.date_of_birth == subject.birth_date_text
    assert "Olomouc" in record.places
    features = live.features_or_none(record)  # as the matcher reads it
    assert features is not None
    assert (features.birth_year_min, features.birth_year_max) == (1987, 1987)
    assert len(features.places) == 2  # born in Olomouc, lives in Ostrava
    # The same file again stores nothing new.
    again, _ = import_file(
        records, sample(name), Placement(Marking.GREEN, Scope.ALL), filename=name, max_bytes=10**6
    )
    assert not again.created
    assert db.scalar(select(func.count()).select_from(Person)) == len(persons)


def test_person_lists_are_told_apart_by_their_persons(db: Session, world: World) -> None:
    records = records_of(db, world.user(world.agency(), Role.INVESTIGATOR))
    header, *rows = sample("persons.csv").splitlines(keepends=True)
    placement = Placement(Marking.AMBER)
    first, _ = import_file(records, sample("persons.csv"), placement, max_bytes=10**6)
    # The same persons in another order (another file): the same report, nothing new.
    shuffled = header + b"".join(reversed(rows))
    again, _ = import_file(records, shuffled, placement, max_bytes=10**6)
    assert first.report_ids and again.report_ids == []
    # Another list under the same report name is another report.
    other = header + rows[0].replace(b"1987-11", b"1986")
    third, _ = import_file(records, other, placement, max_bytes=10**6)
    assert len(third.report_ids) == 1 and third.report_ids != first.report_ids


def test_a_bad_person_list_stores_nothing(db: Session, world: World) -> None:
    records = records_of(db, world.user(world.agency(), Role.INVESTIGATOR))
    before = [db.scalar(select(func.count()).select_from(t)) for t in (Report, Person)]
    data = sample("persons.csv") + b"Ivo Kral,,,2030-09-30,m,,,,,,,,Operation Kestrel,\n"
    with pytest.raises(InvalidInput) as caught:
        import_file(records, data, Placement(Marking.AMBER), filename="p.csv", max_bytes=10**6)
    assert caught.value.location == "line 5, column birth_date"
    assert [db.scalar(select(func.count()).select_from(t)) for t in (Report, Person)] == before


def test_two_agencies_persons_meet_through_the_matcher(db: Session, world: World) -> None:
    """One agency's CSV names Tomáš Hrubý born "1987-11"; another's STIX bundle the same man:
    the identity matcher links the two person records."""
    first = records_of(db, world.user(world.agency("cz"), Role.INVESTIGATOR))
    second = records_of(db, world.user(world.agency("sk"), Role.INVESTIGATOR))
    placement = Placement(Marking.AMBER, Scope.ALL)
    listed, _ = import_file(first, sample("persons.csv"), placement, max_bytes=10**6)
    db.commit()
    bundled, _ = import_file(second, sample("stix_persons.json"), placement, max_bytes=10**6)
    db.commit()

    def subject(report_ids: list[Any]) -> str:
        persons = db.scalars(select(Person).where(Person.report_id.in_(report_ids))).all()
        return next(
            f"person:{p.id}" for p in persons if any(n.given_name == "Tomáš" for n in p.names)
        )

    wanted = {subject(listed.report_ids), subject(bundled.report_ids)}
    links = [{row.left_ref, row.right_ref} for row in db.scalars(select(IdentityAssertion))]
    assert wanted in links


_FORMATS = {
    "stix_persons.json": "stix",
    "misp_persons.json": "misp",
    "persons.csv": "csv",
    "cybertip_persons.xml": "cybertip",
}
_WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.sampled_from(["", " ", "2030-09-30", "1987-02-30", "0000", "1987-11", "Atlantis", "ᏣᎳᎩ"]),
    st.lists(st.one_of(st.integers(), st.text(max_size=4)), max_size=2),
)


def _parse_or_refuse(data: bytes, fmt: str) -> None:
    """A damaged file is parsed or refused with an `InvalidInput` that says where."""
    try:
        parse_submission(data, format=fmt)
    except InvalidInput as refused:
        assert refused.detail and refused.location


@pytest.mark.parametrize("name", list(_FORMATS))
@settings(max_examples=60, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=6)), max_size=3
    )
)
def test_damaged_person_files_are_refused_cleanly(
    name: str, edits: list[tuple[float, bytes]]
) -> None:
    data = bytearray(sample(name))
    for where, chunk in edits:
        pos = int(where * len(data))
        data[pos : pos + len(chunk)] = chunk
    _parse_or_refuse(bytes(data), _FORMATS[name])


_PERSON_VALUES = {
    "stix_persons.json": [("objects", 1, k) for k in ("name", "x_wayhome_birth_date",
                          "x_wayhome_sex", "x_wayhome_nationalities", "x_wayhome_aliases",
                          "x_wayhome_birth_place", "roles")],
    "misp_persons.json": [("Event", "Object", 0, "Attribute", i, "value") for i in range(11)],
}  # fmt: skip


@pytest.mark.parametrize("name", list(_PERSON_VALUES))
@settings(max_examples=80, deadline=None)
@given(choices=st.lists(st.tuples(st.integers(min_value=0), _WEIRD), min_size=1, max_size=3))
def test_person_values_of_any_kind_never_crash(name: str, choices: list[tuple[int, Any]]) -> None:
    document = json.loads(sample(name))
    paths = _PERSON_VALUES[name]
    for index, value in choices:
        *parents, last = paths[index % len(paths)]
        node = document
        for key in parents:
            node = node[key]
        node[last] = value
    _parse_or_refuse(json.dumps(document).encode(), _FORMATS[name])


def test_person_list_through_the_api(client: TestClient, db: Session, world: World) -> None:
    headers = world.headers(world.user(world.agency("cz-tst", "CZ"), Role.INVESTIGATOR))
    bad = sample("persons.csv").replace(b"1987-11", b"2030-09")
    refused = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": ("people.csv", bad)},
        data={"marking": "GREEN"},
    )
    assert refused.status_code == 422, refused.text
    assert "line 2, column birth_date" in refused.text and "future" in refused.text
    assert db.scalar(select(func.count()).select_from(Person)) == 0
    stored = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": ("people.csv", sample("persons.csv"))},
        data={"marking": "GREEN"},
    )
    assert stored.status_code == 201, stored.text
    person = db.scalars(select(Person).where(Person.birth_date_precision == "month")).one()
    shown = client.get(f"/api/v1/persons/{person.id}", headers=headers).json()
    assert (shown["birth_date"], shown["birth_date_precision"], shown["marking"]) == (
        "1987-11",
        "month",
        "AMBER",
    )
    assert {"kind": "birth", "name": "Olomouc", "country": "CZ"} in shown["places"]
    assert shown["identifiers"] == ["CZ 40112233"]
