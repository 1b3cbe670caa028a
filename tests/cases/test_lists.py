"""Lists that scale: the case list's filters, sort, paging and totals through the gate (a case
the user may not see is never counted, a hidden child's name never matches), one urgency that
never contradicts the stated priority, saved views, the alerts received with their message,
and the inbox naming and linking each message's subject."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import World
from wayhome import clock
from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.cases import alerts, services
from wayhome.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    Person,
    PersonName,
    PersonRole,
    Priority,
)
from wayhome.cases.schemas import AlertIn, CaseIn
from wayhome.cases.services import CaseQuery, search_cases
from wayhome.cases.urgency import assess
from wayhome.errors import InvalidInput, NotFound
from wayhome.inbox import services as inbox
from wayhome.web import listing

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _records(db: Session, user: User) -> Records:
    return Records(db, access.viewer_of(user))


def _case(
    records: Records,
    title: str,
    *,
    priority: Priority = Priority.NORMAL,
    marking: Marking = Marking.AMBER,
    scope: Scope = Scope.OWNER,
    opened: datetime = NOW,
    status: CaseStatus = CaseStatus.REPORTED,
    child: str | None = None,
    born: date | None = None,
    child_marking: Marking | None = None,
) -> Case:
    with clock.frozen(opened):
        case = services.open_case(
            records,
            CaseIn(
                title=title,
                kind=CaseKind.MISSING_CHILD if child else CaseKind.EXPLOITATION,
                priority=priority,
                marking=marking,
                scope=scope,
            ),
        )
    case.status = status
    if child:
        person = Person(
            case_id=case.id,
            role=PersonRole.MISSING_CHILD,
            date_of_birth=born,
            marking=child_marking or marking,
            scope=scope,
            names=[PersonName(full_name=child, script="Latn")],
        )
        records.add(person, [], {"case_id": str(case.id)})
    records.session.flush()
    return case


def _titles(records: Records, query: CaseQuery, limit: int = 50, offset: int = 0) -> list[str]:
    with clock.frozen(NOW):
        return [r.case.title for r in search_cases(records, query, limit, offset).items]


def test_filters_sort_and_paging_count_only_visible_cases(world: World, db: Session) -> None:
    ru, de = world.agency("ls-ru", "RU"), world.agency("ls-de", "DE")
    mine = _records(db, world.user(ru, Role.INVESTIGATOR))
    theirs = _records(db, world.user(de, Role.INVESTIGATOR))
    _case(mine, "Quiet burglary", priority=Priority.LOW, opened=NOW - timedelta(days=40))
    _case(
        mine,
        "Girl missing from Kasimov",
        priority=Priority.LOW,
        child="Alina Orlova",
        born=date(2019, 3, 1),  # a young child: the urgency rises above the stated low
        opened=NOW - timedelta(days=2),
    )
    _case(mine, "Stated critical", priority=Priority.CRITICAL, opened=NOW - timedelta(days=5))
    _case(mine, "Closed matter", priority=Priority.CRITICAL, status=CaseStatus.CLOSED)
    shared = _case(theirs, "German shared case", scope=Scope.ALL, marking=Marking.GREEN)
    # The other agency's own case, and one whose title matches every text query below: never
    # listed, never counted for the Russian investigator.
    _case(theirs, "Hidden Alina Orlova Kasimov", priority=Priority.CRITICAL)

    everything = _titles(mine, CaseQuery())
    assert len(everything) == 5 and "Hidden Alina Orlova Kasimov" not in everything
    # Most urgent first, open cases before closed ones.
    assert everything[0] == "Stated critical" and everything[-1] == "Closed matter"
    assert everything.index("Girl missing from Kasimov") < everything.index("Quiet burglary")

    with clock.frozen(NOW):
        page = search_cases(mine, CaseQuery(), limit=2, offset=2)
    assert page.total == 5 and len(page.items) == 2

    assert _titles(mine, CaseQuery(text="kasimov")) == ["Girl missing from Kasimov"]
    assert _titles(mine, CaseQuery(text="Orlova")) == ["Girl missing from Kasimov"]  # child
    assert _titles(mine, CaseQuery(text=shared.reference)) == ["German shared case"]
    assert _titles(mine, CaseQuery(text="100%_")) == []  # LIKE wildcards are literal
    assert _titles(mine, CaseQuery(agency="ls-de")) == ["German shared case"]
    assert _titles(mine, CaseQuery(marking=Marking.GREEN)) == ["German shared case"]
    assert _titles(mine, CaseQuery(statuses=(CaseStatus.CLOSED,))) == ["Closed matter"]
    assert "Closed matter" not in _titles(mine, CaseQuery(open_only=True))
    assert _titles(mine, CaseQuery(urgency=Priority.LOW)) == ["Quiet burglary"]
    window = CaseQuery(opened_from=(NOW - timedelta(days=6)).date(), opened_to=NOW.date())
    assert "Quiet burglary" not in _titles(mine, window)
    assert len(_titles(mine, window)) == 4
    by_title = _titles(mine, CaseQuery(sort="title", descending=False))
    assert by_title == sorted(by_title)
    oldest_first = _titles(mine, CaseQuery(sort="opened", descending=False))
    assert oldest_first[0] == "Quiet burglary"
    with pytest.raises(InvalidInput) as bad:
        search_cases(mine, CaseQuery(sort="secret"), 50, 0)
    assert bad.value.location == "query.sort"

    counts = services.open_case_counts(mine)
    assert counts.open == 4  # the closed case and the other agency's hidden case are left out
    assert counts.by_urgency == {Priority.CRITICAL: 1, Priority.NORMAL: 2, Priority.LOW: 1}


def test_a_hidden_childs_name_never_makes_a_case_match(world: World, db: Session) -> None:
    owner, reader_agency = world.agency("hc-ru", "RU"), world.agency("hc-nl", "NL")
    records = _records(db, world.user(owner, Role.INVESTIGATOR))
    case = _case(
        records,
        "Shared case, child kept RED",
        marking=Marking.GREEN,
        scope=Scope.ALL,
        child="Secretname Ivanova",
        child_marking=Marking.RED,
    )
    reader = _records(db, world.user(reader_agency, Role.ANALYST))
    assert _titles(reader, CaseQuery(text="Shared case")) == [case.title]
    assert _titles(reader, CaseQuery(text="Secretname")) == []
    assert _titles(records, CaseQuery(text="Secretname")) == [case.title]


def test_urgency_is_never_below_the_stated_priority() -> None:
    stated = assess(None, False, False, None, NOW, Priority.CRITICAL)
    assert stated.priority is Priority.CRITICAL
    assert stated.reasons[0] == "stated priority critical"
    risk = assess(date(2020, 1, 1), True, True, NOW - timedelta(hours=80), NOW, Priority.LOW)
    assert risk.priority is Priority.CRITICAL and "stated priority" not in " ".join(risk.reasons)
    assert assess(None, False, False, None, NOW).priority is Priority.LOW


def test_saved_views_are_the_users_own(world: World, db: Session) -> None:
    agency = world.agency("sv-ru", "RU")
    alice, bob = world.user(agency, Role.INVESTIGATOR), world.user(agency, Role.ANALYST)
    view = listing.save_view(
        db, alice.id, "cases", "Critical open", "?urgency=critical&open=1&offset=50"
    )
    assert view.query == "urgency=critical&open=1"  # paging is not saved
    again = listing.save_view(db, alice.id, "cases", "Critical open", "urgency=high")
    assert again.id == view.id and again.query == "urgency=high"
    assert [v.name for v in listing.views_of(db, alice.id, "cases")] == ["Critical open"]
    assert listing.views_of(db, bob.id, "cases") == []
    with pytest.raises(NotFound):
        listing.delete_view(db, bob.id, view.id)
    with pytest.raises(InvalidInput) as bad:
        listing.save_view(db, alice.id, "cases", "   ", "")
    assert bad.value.location == "form.name"
    with pytest.raises(InvalidInput) as wrong:
        listing.save_view(db, alice.id, "secrets", "x", "")
    assert wrong.value.location == "form.page"
    assert listing.delete_view(db, alice.id, view.id) == "cases"
    assert listing.views_of(db, alice.id, "cases") == []


def test_the_recipient_reads_the_alerts_message(world: World, db: Session) -> None:
    owner, recipient = world.agency("am-ru", "RU"), world.agency("am-de", "DE")
    world.agency("am-nl", "NL")
    sender = _records(db, world.user(owner, Role.INVESTIGATOR))
    case = _case(sender, "Boy missing near the border", child="Ilya Petrov")
    alert = alerts.issue_alert(
        sender, case.id, AlertIn(agencies=["am-de"], message="Seen boarding a bus to Kassel")
    )
    reader = _records(db, world.user(recipient, Role.ANALYST))
    page = alerts.received(reader)
    assert page.total == 1 and page.items[0].alert.message == "Seen boarding a bus to Kassel"
    assert alerts.received(reader, text="Kassel").total == 1
    assert alerts.received(reader, text="nothing like it").total == 0
    alerts.acknowledge(reader, alert.id)
    assert alerts.received(reader, pending_only=True).total == 0
    assert alerts.received(reader).total == 1
    # The sender's agency received nothing; another agency's user sees nothing either.
    assert alerts.received(sender).total == 0
    outsider = _records(db, world.user(world.agency("am-us", "US"), Role.ANALYST))
    assert alerts.received(outsider).total == 0
    note = inbox.for_viewer(db, reader.viewer, 10)[0]
    assert note.detail["message"] == "Seen boarding a bus to Kassel"


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def test_case_list_page_pages_filters_and_saves_views(
    client: TestClient, world: World, db: Session
) -> None:
    agency = world.agency("lp-ru", "RU")
    user = world.user(agency, Role.INVESTIGATOR)
    records = _records(db, user)
    for n in range(55):
        _case(records, f"Case number {n:02d}", priority=Priority.HIGH if n == 54 else Priority.LOW)
    db.commit()
    assert _sign_in(client, user.username) == 303
    first = client.get("/cases").text
    assert "1–50 of 55" in first and "next ›" in first
    assert first.index("Case number 54") < first.index("Case number 00")  # most urgent first
    second = client.get("/cases?offset=50").text
    assert "51–55 of 55" in second and second.count('data-testid="case-row"') == 5
    found = client.get("/cases?q=number+07").text
    assert "1–1 of 1" in found and "Case number 07" in found
    bad = client.get("/cases?status=lost")
    assert bad.status_code == 422 and "query.status" in bad.text
    assert client.get("/cases?limit=7").status_code == 422

    saved = client.post(
        "/views",
        data={"csrf_token": _csrf(client, "/cases"), "page": "cases", "name": "High ones",
              "query": "urgency=high&offset=50"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == "/cases?urgency=high"
    listed = client.get("/cases?urgency=high").text
    assert "High ones" in listed and "1–1 of 1" in listed
    view_id = re.search(r'action="/views/([0-9a-f-]+)/delete"', listed)
    assert view_id
    gone = client.post(
        f"/views/{view_id.group(1)}/delete",
        data={"csrf_token": _csrf(client, "/cases")},
        follow_redirects=False,
    )
    assert gone.status_code == 303 and "High ones" not in client.get("/cases").text
    missing = client.post(
        f"/views/{uuid.uuid4()}/delete",
        data={"csrf_token": _csrf(client, "/cases")},
        follow_redirects=False,
    )
    assert missing.status_code == 404


def test_inbox_names_and_links_the_case_lead_subject(
    client: TestClient, world: World, db: Session
) -> None:
    owner, told = world.agency("il-ru", "RU"), world.agency("il-de", "DE")
    records = _records(db, world.user(owner, Role.INVESTIGATOR))
    visible = _case(records, "Visible to the Germans", scope=Scope.ALL, marking=Marking.GREEN)
    hidden = _case(records, "Kept by the owner")
    for case in (visible, hidden):
        inbox.post_once(
            db,
            told.id,
            "case_lead",
            str(case.id),
            f"Case {case.reference}: a suspect is ranked from your records",
            {
                "case_id": str(case.id),
                "reference": case.reference,
                "record_kind": "case",
                "record_id": str(case.id),
            },
        )
    reader = world.user(told, Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, reader.username) == 303
    page = client.get("/inbox").text
    assert f'href="/cases/{visible.id}"' in page and "Visible to the Germans" in page
    assert f'href="/cases/{hidden.id}"' not in page and "Kept by the owner" not in page
    assert f"{hidden.reference} (held by another agency)" in page
    assert str(hidden.id) not in page and str(visible.id) + ")" not in page
    assert "2 of 2" in page
    only_one = client.get(f"/inbox?q={visible.reference}").text
    assert "1–1 of 1" in only_one


def test_watches_page_filters_and_pages(client: TestClient, world: World, db: Session) -> None:
    from wayhome.watches import services as watches

    agency = world.agency("wp-nl", "NL")
    user = world.user(agency, Role.INVESTIGATOR)
    records = _records(db, user)
    for n in range(30):
        watches.add_watch(records, user, "selector", f"email:person{n:02d}@example.org")
    watches.add_watch(records, user, "selector", "phone:+31612345678")
    db.commit()
    assert _sign_in(client, user.username) == 303
    first = client.get("/watches?limit=25&sort=subject&dir=asc").text
    assert "1–25 of 31" in first and "next ›" in first
    assert first.index("person00@") < first.index("person01@")
    assert "26–31 of 31" in client.get("/watches?limit=25&offset=25").text
    found = client.get("/watches?q=phone").text
    assert "1–1 of 1" in found and "+31612345678" in found
    assert client.get("/watches?kind=secret").status_code == 422


def test_cases_api_filters_sorts_and_counts_only_visible(
    client: TestClient, world: World, db: Session
) -> None:
    ru, de = world.agency("api-ru", "RU"), world.agency("api-de", "DE")
    user = world.user(ru, Role.INVESTIGATOR)
    mine = _records(db, user)
    theirs = _records(db, world.user(de, Role.INVESTIGATOR))
    _case(mine, "Api low case", priority=Priority.LOW, opened=NOW - timedelta(days=3))
    _case(mine, "Api critical case", priority=Priority.CRITICAL, opened=NOW - timedelta(days=9))
    _case(theirs, "Api hidden critical case", priority=Priority.CRITICAL)
    headers = world.headers(user)
    db.commit()
    newest = client.get("/api/v1/cases", headers=headers).json()
    assert newest["total"] == 2 and newest["items"][0]["title"] == "Api low case"
    urgent = client.get("/api/v1/cases?sort=urgency", headers=headers).json()
    assert [c["title"] for c in urgent["items"]] == ["Api critical case", "Api low case"]
    found = client.get("/api/v1/cases?q=critical", headers=headers).json()
    assert found["total"] == 1 and found["items"][0]["title"] == "Api critical case"
    by_level = client.get("/api/v1/cases?urgency=low&limit=1", headers=headers).json()
    assert by_level["total"] == 1 and by_level["limit"] == 1
    assert client.get("/api/v1/cases?agency=api-de", headers=headers).json()["total"] == 0
    bad = client.get("/api/v1/cases?status=lost", headers=headers)
    assert bad.status_code == 422 and "status" in bad.text


def test_inbox_audits_the_subjects_it_names(client: TestClient, world: World, db: Session) -> None:
    """The inbox names a message's case by its reference and title, read from the case: that
    read is audited as the gate audits any listing (the title is the case's content)."""
    from sqlalchemy import select

    from wayhome.audit.models import AuditEntry

    owner, told = world.agency("ia-ru", "RU"), world.agency("ia-de", "DE")
    records = _records(db, world.user(owner, Role.INVESTIGATOR))
    case = _case(records, "Shared with the Germans", scope=Scope.ALL, marking=Marking.AMBER)
    inbox.post_once(
        db,
        told.id,
        "case_lead",
        str(case.id),
        f"Case {case.reference}: a suspect is ranked from your records",
        {"case_id": str(case.id), "reference": case.reference},
    )
    reader = world.user(told, Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, reader.username) == 303
    assert "Shared with the Germans" in client.get("/inbox").text
    shown = db.scalars(
        select(AuditEntry).where(AuditEntry.user_id == reader.id, AuditEntry.object_kind == "case")
    ).all()
    assert [e.detail for e in shown if e.detail.get("view") == "inbox"] == [
        {"ids": [str(case.id)], "view": "inbox"}
    ]
