"""Register files and ranking their people as candidate suspects."""

from __future__ import annotations

from datetime import date

import pytest

from wayhome.errors import InvalidInput
from wayhome.locate.candidates import SuspectProfile, rank_candidates
from wayhome.locate.clues import TextClue
from wayhome.locate.fusion import locate
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.register import parse_register

REGISTER = (
    "\ufeffperson_id;full_name;residence;birth_date;sex;identifiers\n"
    "p1;Иванов Пётр Сергеевич;Пивовариха;2000-05-01;М;+7 (914) 555-12-34\n"
    "p2;Сидорова Анна;Пивовариха;2001-03-02;Ж;\n"
    "p3;Петров Олег;Тверь;2000-01-01;M;\n"
    "p4;Кузнецов Иван;Пивовариха;1960-01-01;м;\n"
    "p5;Смирнов Илья;Атлантида;2000-01-01;m;\n"
)


def test_register_reads_cyrillic_semicolons_and_bom() -> None:
    people = parse_register(REGISTER.encode("utf-8"))
    assert [person.person_id for person in people] == ["p1", "p2", "p3", "p4", "p5"]
    assert people[0].full_name == "Иванов Пётр Сергеевич"
    assert people[0].sex == "M" and people[1].sex == "F"
    assert people[0].identifiers == ("+7 (914) 555-12-34",)
    assert people[0].row == 2
    assert people[0].age_on(date(2026, 4, 30)) == 25
    assert people[0].age_on(date(2026, 5, 1)) == 26


def test_broken_rows_are_reported_by_number() -> None:
    broken = (
        "person_id,full_name,residence,birth_date,sex\n"
        "p1,A,Tver,2000-01-01,M\n"
        "p2,B,Tver,01.02.2000,M\n"
        "p3,,Tver,2000-01-01,F\n"
        "p4,D,Tver,2000-01-01,X\n"
    )
    with pytest.raises(InvalidInput) as error:
        parse_register(broken)
    assert error.value.location == "row 3, birth_date"
    listed = error.value.extra["errors"]
    assert len(listed) == 3
    assert listed[1].startswith("row 4, full_name") and listed[2].startswith("row 5, sex")
    with pytest.raises(InvalidInput, match="missing column"):
        parse_register("person_id,full_name\np1,A\n")
    with pytest.raises(InvalidInput) as extra:
        parse_register(
            "person_id,full_name,residence,birth_date,sex\np1,A,Tver,2000-01-01,M,extra\n"
        )
    assert extra.value.location == "row 2"


def test_a_bare_carriage_return_is_refused_naming_the_row() -> None:
    """csv.Error, once a 500 from POST /api/v1/register/imports (found by Schemathesis)."""
    with pytest.raises(InvalidInput, match="not CSV") as error:
        parse_register("person_id,full_name,residence,birth_date,sex\np1,A\r,Tver,2000-01-01,M\n")
    assert error.value.location == "row 2"
    with pytest.raises(InvalidInput, match="not CSV") as header:
        parse_register("person_id\r,full_name\n")
    assert header.value.location == "row 1"


def test_candidates_rank_by_place_age_sex_and_identity(russia: Gazetteer) -> None:
    people = parse_register(REGISTER)
    posterior = locate([TextClue(label="chat", text="живу в Пивоварихе")], russia)
    profile = SuspectProfile(age=26, age_spread=4, sex="M", on=date(2026, 11, 1))
    ranked = rank_candidates(people, posterior, profile)
    order = [candidate.person.person_id for candidate in ranked]
    assert order[0] == "p1"
    assert order.index("p2") > 0 and order.index("p4") > 0
    assert order[-1] in {"p3", "p5"}
    assert any("Pivovarikha" in reason for reason in ranked[0].reasons)
    assert any("does not fit" in reason for reason in ranked[order.index("p2")].reasons)
    linked = rank_candidates(people, posterior, SuspectProfile(identifiers=("89145551234",)))
    assert any("shares identifier" in reason for reason in linked[0].reasons)
    assert linked[0].person.person_id == "p1"
    assert ranked[order.index("p5")].reasons[0].startswith("residence 'Атлантида' not in")
