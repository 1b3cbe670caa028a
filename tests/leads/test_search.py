"""The one search box (leads/search.py): every group, both scripts, need-to-know, and the
hit/no-hit rule for what the searcher may not see — never a false "no hits"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.linking.linking_world import records_of
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases.models import Case, CaseKind, Person, PersonName, PersonRole
from wayhome.errors import InvalidInput
from wayhome.inbox.models import Notification
from wayhome.intake import services as intake
from wayhome.intake.schemas import ReportIn
from wayhome.leads.search import SEARCH_HIT, Found, name_rank, query_name_keys, search
from wayhome.locate.models import RegisterImport, RegisterPersonRecord

FINGERPRINT = "B957168E894A497524E0A5B4B7934F06D9B55E5D"


@dataclass
class Setting:
    ru: Agency
    de: Agency
    uk: Agency
    ru_user: User
    de_user: User
    uk_user: User
    case: Case


def _person(records: Records, name: str, role: PersonRole, marking: Marking, scope: Scope,
            case: Case | None = None) -> Person:  # fmt: skip
    script = "Cyrl" if any("а" <= c.lower() <= "я" for c in name) else "Latn"
    person = Person(
        role=role,
        marking=marking,
        scope=scope,
        case_id=case.id if case else None,
        date_of_birth=dt.date(1990, 5, 1),
        names=[PersonName(full_name=name, script=script)],
    )
    return records.add(person)


def _register(records: Records, db: Session, name: str, residence: str) -> RegisterPersonRecord:
    extract = RegisterImport(
        agency_id=records.viewer.agency_id, sha256="0" * 64, filename="r.csv", person_count=1
    )
    db.add(extract)
    db.flush()
    row = RegisterPersonRecord(
        import_id=extract.id,
        row=1,
        person_ref="RU-1",
        full_name=name,
        birth_date=dt.date(1980, 1, 2),
        sex="m",
        residence=residence,
        identifiers=[],
        marking=Marking.AMBER,
        scope=Scope.OWNER,
    )
    return records.add(row)


def _report(records: Records, title: str, body: str, scope: Scope = Scope.ALL,
            marking: Marking = Marking.AMBER, silent: bool = False) -> None:  # fmt: skip
    data = ReportIn(title=title, source="t", body=body, marking=marking, scope=scope, silent=silent)
    intake.submit_report(records, data)


@pytest.fixture
def setting(db: Session, world: World) -> Setting:
    ru, de, uk = world.agency("ru-s", "RU"), world.agency("de-s", "DE"), world.agency("uk-s", "GB")
    ru_user = world.user(ru, Role.INVESTIGATOR)
    de_user = world.user(de, Role.ANALYST)
    uk_user = world.user(uk, Role.INVESTIGATOR)
    ru_records = records_of(db, ru_user)
    case = ru_records.add(
        Case(
            reference="WH-2026-5EA7C1",
            title="Boy, 7, missing near the school",
            kind=CaseKind.MISSING_CHILD,
            marking=Marking.AMBER,
            scope=Scope.ALL,
        )
    )
    _person(ru_records, "Матвей Кирулищев", PersonRole.MISSING_CHILD, Marking.AMBER,
            Scope.ALL, case)  # fmt: skip
    # The suspect's surname: in Cyrillic at ru (its own only), in Latin at de (shared with all).
    _person(ru_records, "Пётр Гудевушкин", PersonRole.SUSPECT, Marking.AMBER, Scope.OWNER)
    _person(records_of(db, de_user), "Petr Gudevushkin", PersonRole.SUSPECT, Marking.AMBER,
            Scope.ALL)  # fmt: skip
    # A RED record at uk: nobody else learns of it; uk is told.
    _person(records_of(db, uk_user), "Olga Zarechnaya", PersonRole.SUSPECT, Marking.RED,
            Scope.OWNER)  # fmt: skip
    _register(ru_records, db, "Гудевушкин Илья Станиславович", "Сынтул")
    _report(ru_records, "Key server extract", f"PGP fingerprint {FINGERPRINT} of dozor_85")
    _report(records_of(db, uk_user), "UK key note", f"fingerprint {FINGERPRINT}", Scope.OWNER)
    db.flush()
    return Setting(ru, de, uk, ru_user, de_user, uk_user, case)


def _refs(found: Found, group: str) -> list[str]:
    hits = found.group(group)
    return [i.title for i in hits.items] if hits else []


def _hits(found: Found, group: str) -> dict[str, int]:
    hits = found.group(group)
    return {h.agency_code: h.records for h in hits.hits} if hits else {}


def test_names_match_across_scripts() -> None:
    assert name_rank(query_name_keys("Ivanov"), "Иванов Пётр") == 0
    assert name_rank(query_name_keys("Иванов"), "Petr Ivanov") == 0
    assert name_rank(query_name_keys("Kirul"), "Кирулищев Матвей") == 1  # the start of a name
    assert name_rank(query_name_keys("Ivanov"), "Антонова Мария Ивановна") is None  # patronymic
    assert name_rank(query_name_keys("Petrov"), "Иванов Пётр") is None
    assert query_name_keys("WH-2026-5EA7C1") == ()  # not a name


def test_a_case_by_reference_title_and_the_childs_name(db: Session, setting: Setting) -> None:
    ru = records_of(db, setting.ru_user)
    by_reference = search(ru, "wh-2026-5ea7c1")
    assert by_reference.groups[0].key == "cases"  # the exact answer first
    assert _refs(by_reference, "cases") == ["WH-2026-5EA7C1 · Boy, 7, missing near the school"]
    assert by_reference.group("cases").items[0].url == f"/cases/{setting.case.id}"
    assert _refs(search(ru, "missing near the school"), "cases")
    by_child = search(ru, "Kirulishchev")  # Latin letters, the child's name is Cyrillic
    assert by_child.group("cases").items[0].why == "the missing child's name"
    assert by_child.facets["cases"] == 1 and by_child.facets["persons"] == 1


def test_persons_and_register_records_in_either_script(db: Session, setting: Setting) -> None:
    ru = records_of(db, setting.ru_user)
    latin = search(ru, "Gudevushkin")
    assert sorted(_refs(latin, "persons")) == ["Petr Gudevushkin", "Пётр Гудевушкин"]
    assert _refs(latin, "register") == ["Гудевушкин Илья Станиславович"]
    register = latin.group("register").items[0]
    assert register.names[0].latin == "Gudevushkin Ilia Stanislavovich"
    cyrillic = search(ru, "Гудевушкин")
    assert sorted(_refs(cyrillic, "persons")) == sorted(_refs(latin, "persons"))
    assert latin.facets == {**latin.facets, "persons": 2, "register": 1}


def test_hidden_records_are_never_shown_but_disclosed_as_hits(
    db: Session, setting: Setting
) -> None:
    de = records_of(db, setting.de_user)
    found = search(de, "Гудевушкин")
    assert _refs(found, "persons") == ["Petr Gudevushkin"]  # his own agency's, shared
    assert _hits(found, "persons") == {"ru-s": 1}  # ru's own-only suspect: a hit, no content
    # The register record de may not see: nothing of it, only who holds it.
    assert _refs(found, "register") == [] and _hits(found, "register") == {"ru-s": 1}
    shown = " ".join(i.title + i.detail for g in found.groups for i in g.items)
    assert "Пётр" not in shown and "Сынтул" not in shown


def test_a_hidden_only_match_says_who_holds_it_not_no_hits(db: Session, setting: Setting) -> None:
    de = records_of(db, setting.de_user)
    found = search(de, "Ilia Gudevushkin")  # only ru's register record has the name
    assert found.total == 0
    assert [h.agency_code for h in found.hits] == ["ru-s"]
    assert found.group("register") is not None  # the group is there, to say who to ask


def test_red_records_tell_their_holder_and_nothing_to_the_searcher(
    db: Session, setting: Setting
) -> None:
    de = records_of(db, setting.de_user)
    found = search(de, "Zarechnaya")
    assert found.total == 0 and found.hits == []  # not even that it exists
    told = list(
        db.scalars(
            select(Notification).where(
                Notification.agency_id == setting.uk.id, Notification.kind == SEARCH_HIT
            )
        )
    )
    assert len(told) == 1 and "Zarechnaya" in told[0].subject
    search(de, "Zarechnaya")  # asked again: told once
    count = db.scalars(select(Notification).where(Notification.kind == SEARCH_HIT)).all()
    assert len(count) == 1
    # uk's own search of its own RED record shows it, and tells nobody.
    own = search(records_of(db, setting.uk_user), "Zarechnaya")
    assert _refs(own, "persons") == ["Olga Zarechnaya"]


def test_a_pasted_fingerprint_is_a_pgp_key_with_its_hits(db: Session, setting: Setting) -> None:
    ru = records_of(db, setting.ru_user)
    found = search(ru, FINGERPRINT.lower())
    selectors = found.group("selectors")
    assert selectors is not None and selectors.items[0].why == "pgp_fingerprint"
    assert "in 1 report you may see" in selectors.items[0].detail
    assert _hits(found, "selectors") == {"uk-s": 1}
    assert _refs(found, "reports") == ["Key server extract"]


def test_places_from_the_gazetteer_in_either_script(db: Session, setting: Setting) -> None:
    ru = records_of(db, setting.ru_user)
    cyrillic = search(ru, "Касимов")
    assert any(i.title == "Kasimov" for i in cyrillic.group("places").items)
    assert any(i.title == "Kasimov" for i in search(ru, "Kasimov").group("places").items)


def test_a_facet_keeps_one_group_and_all_counts(db: Session, setting: Setting) -> None:
    ru = records_of(db, setting.ru_user)
    found = search(ru, "Gudevushkin", kind="register")
    assert [g.key for g in found.groups] == ["register"]
    assert found.facets["persons"] == 2 and found.facets["register"] == 1


def test_nothing_anywhere_is_said_as_such(db: Session, setting: Setting) -> None:
    found = search(records_of(db, setting.ru_user), "Qwertyuiopasd")
    assert found.total == 0 and found.hits == []


@pytest.mark.parametrize(
    ("query", "kind", "location"),
    [("   ", None, "query.q"), ("x" * 201, None, "query.q"), ("Ivanov", "aliens", "query.kind")],
)
def test_bad_input_names_the_field(
    db: Session, setting: Setting, query: str, kind: str | None, location: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        search(records_of(db, setting.ru_user), query, kind=kind)
    assert refused.value.location == location


def test_hidden_cases_and_report_text_are_hits_silent_reports_tell(
    db: Session, world: World, setting: Setting
) -> None:
    ru = records_of(db, setting.ru_user)
    ru.add(
        Case(
            reference="WH-2026-0AB0C1",
            title="Girl, 12, left with a stranger",
            kind=CaseKind.MISSING_CHILD,
            marking=Marking.AMBER,
            scope=Scope.OWNER,
        )
    )
    _report(ru, "Witness at the quarry", "Witness saw a grey van near the quarry", Scope.OWNER)
    _report(ru, "Silent note", "An informant mentions the lighthouse", Scope.OWNER, silent=True)
    db.flush()
    de = records_of(db, setting.de_user)
    case = search(de, "WH-2026-0AB0C1")
    assert _refs(case, "cases") == [] and _hits(case, "cases") == {"ru-s": 1}
    words = search(de, "quarry van")
    assert _refs(words, "reports") == [] and _hits(words, "reports") == {"ru-s": 1}
    silent = search(de, "lighthouse")
    assert silent.total == 0 and silent.hits == []
    told = db.scalars(
        select(Notification).where(
            Notification.agency_id == setting.ru.id, Notification.kind == SEARCH_HIT
        )
    ).all()
    assert len(told) == 1 and "lighthouse" in told[0].subject


def test_a_hidden_childs_name_neither_finds_the_case_nor_says_it_exists(
    db: Session, setting: Setting
) -> None:
    # ru's case is shared with all; its missing child is RED (ru's investigators only).
    ru = records_of(db, setting.ru_user)
    case = ru.add(
        Case(
            reference="WH-2026-0C0DE1",
            title="Girl, 9, missing from the park",
            kind=CaseKind.MISSING_CHILD,
            marking=Marking.AMBER,
            scope=Scope.ALL,
        )
    )
    _person(ru, "Алиса Ветрогонова", PersonRole.MISSING_CHILD, Marking.RED, Scope.OWNER, case)
    db.flush()
    de = records_of(db, setting.de_user)
    found = search(de, "Vetrogonova")
    assert _refs(found, "cases") == [] and _hits(found, "cases") == {}
    assert found.total == 0 and found.hits == []
    # ru's own investigator still finds the case by the child's name.
    own = search(ru, "Vetrogonova")
    assert own.group("cases").items[0].why == "the missing child's name"
