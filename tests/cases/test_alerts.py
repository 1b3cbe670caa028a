"""Cross-border alerts: acknowledgement, escalation with the controllable clock, need-to-know."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.cases.helpers import open_child
from tests.conftest import World
from wayhome import clock
from wayhome.access.models import Role
from wayhome.audit.models import AuditEntry
from wayhome.cases.alerts import escalate_due
from wayhome.inbox.models import Notification
from wayhome.settings import Settings

SETTINGS = Settings(alert_renotify_minutes=30, alert_escalate_minutes=120)


def _issue(client: TestClient, headers: dict[str, str], case_id: str, **body: Any) -> Any:
    return client.post(f"/api/v1/cases/{case_id}/alerts", json=body, headers=headers)


def _notes(db: Session, agency_id: Any, kind: str) -> list[Notification]:
    stmt = select(Notification).where(
        Notification.agency_id == agency_id, Notification.kind == kind
    )
    return list(db.scalars(stmt))


def test_alert_acknowledgement_and_case_page_table(
    client: TestClient, world: World, frozen: datetime, db: Session
) -> None:
    owner, de, nl = (
        world.agency("ru-o", "RU"),
        world.agency("de-r", "DE"),
        world.agency("nl-r", "NL"),
    )
    bystander = world.agency("gb-b", "GB")
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    case = open_child(client, mine)  # owner-only until alerted
    german = world.headers(world.user(de, Role.ANALYST))
    assert client.get(f"/api/v1/cases/{case['id']}", headers=german).status_code == 404

    response = _issue(client, mine, case["id"], agencies=["de-r", str(nl.id)], message="Urgent")
    assert response.status_code == 201, response.text
    alert = response.json()
    assert {r["agency"] for r in alert["recipients"]} == {"DE-R", "NL-R"}
    assert all(r["acknowledged_at"] is None for r in alert["recipients"])
    # The recipients now see the case and the child; the bystander does not.
    assert client.get(f"/api/v1/cases/{case['id']}", headers=german).status_code == 200
    persons = client.get(f"/api/v1/cases/{case['id']}/persons", headers=german).json()
    assert persons["items"][0]["role"] == "missing_child"
    outsider = world.headers(world.user(bystander, Role.INVESTIGATOR))
    assert client.get(f"/api/v1/cases/{case['id']}", headers=outsider).status_code == 404
    assert len(_notes(db, de.id, "case_alert")) == 1

    pending = client.get("/api/v1/alerts/pending", headers=german).json()
    assert [p["alert_id"] for p in pending] == [alert["id"]]

    clock.advance(timedelta(minutes=17))
    ack = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=german)
    assert ack.status_code == 200, ack.text
    rows = {r["agency"]: r for r in ack.json()["recipients"]}
    assert rows["DE-R"]["acknowledged_at"].startswith("2026-06-01T12:17")
    assert rows["DE-R"]["pending_seconds"] is None
    assert rows["NL-R"]["pending_seconds"] == 17 * 60
    assert client.get("/api/v1/alerts/pending", headers=german).json() == []
    # Acknowledging twice changes nothing.
    again = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=german).json()
    assert again["recipients"] == ack.json()["recipients"]

    flow = client.get(f"/api/v1/cases/{case['id']}/workflow", headers=mine).json()
    assert flow["status"] == "alert_issued"
    kinds = [
        e["kind"]
        for e in client.get(f"/api/v1/cases/{case['id']}/events", headers=mine).json()["items"]
    ]
    assert kinds == ["reported", "alert_sent", "alert_issued", "acknowledged"]
    assert len(_notes(db, owner.id, "alert_acknowledged")) == 1
    audited = db.scalars(
        select(AuditEntry).where(
            AuditEntry.object_kind == "case_alert", AuditEntry.object_id == alert["id"]
        )
    ).all()
    assert [a.action for a in audited] == ["create", "update"]


def test_acknowledgement_by_an_agency_not_alerted(
    client: TestClient, world: World, count_rows: Callable[[str], int]
) -> None:
    owner, _de, fr = world.agency("o1", "RU"), world.agency("d1", "DE"), world.agency("f1", "FR")
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    case = open_child(client, mine, scope="all")  # everybody sees the case
    alert = _issue(client, mine, case["id"], agencies=["d1"]).json()
    french = world.headers(world.user(fr, Role.INVESTIGATOR))
    before = (count_rows("audit_entries"), count_rows("events"))
    refused = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=french)
    assert refused.status_code == 403
    assert "path.alert_id" in refused.json()["detail"]
    assert "not alerted" in refused.json()["detail"]
    assert (count_rows("audit_entries"), count_rows("events")) == before


def test_alert_about_a_hidden_case_is_indistinguishable_from_none(
    client: TestClient, world: World
) -> None:
    owner, de, gb = world.agency("o2", "RU"), world.agency("d2", "DE"), world.agency("g2", "GB")
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    alert = _issue(client, mine, open_child(client, mine)["id"], agencies=["d2"]).json()
    british = world.headers(world.user(gb, Role.INVESTIGATOR))
    hidden = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=british)
    missing = client.post(
        "/api/v1/alerts/00000000-0000-4000-8000-000000000000/acknowledge", headers=british
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]
    del de


def test_bad_alert_requests(
    client: TestClient, world: World, count_rows: Callable[[str], int]
) -> None:
    owner = world.agency("o3", "RU")
    world.agency("d3", "DE")
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    red = open_child(client, mine, marking="RED")
    before = count_rows("case_alerts")
    to_all = _issue(client, mine, red["id"])
    assert to_all.status_code == 422 and "body.agencies" in to_all.json()["detail"]
    unknown = _issue(client, mine, red["id"], agencies=["d3", "nowhere"])
    assert unknown.status_code == 422 and "body.agencies[1]" in unknown.json()["detail"]
    own = _issue(client, mine, red["id"], agencies=["o3"])
    assert own.status_code == 422 and "body.agencies[0]" in own.json()["detail"]
    assert count_rows("case_alerts") == before
    # RED to a named agency is allowed: the case becomes shared with it only.
    assert _issue(client, mine, red["id"], agencies=["d3"]).status_code == 201


def test_escalation_renotifies_then_tells_supervisors(
    client: TestClient, world: World, frozen: datetime, db: Session
) -> None:
    owner, slow, quick = (
        world.agency("o4", "RU"),
        world.agency("s4", "DE"),
        world.agency("q4", "NL"),
    )
    boss = world.user(slow, Role.SUPERVISOR)
    world.user(slow, Role.ANALYST)
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    case = open_child(client, mine)
    alert = _issue(client, mine, case["id"], agencies=["s4", "q4"]).json()
    quick_user = world.headers(world.user(quick, Role.ANALYST))
    clock.advance(timedelta(minutes=5))
    assert (
        client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=quick_user).status_code
        == 200
    )

    # Before T1 nothing happens.
    clock.advance(timedelta(minutes=20))
    assert escalate_due(db, clock.now(), SETTINGS).renotified == 0
    # After T1 (30 min): the silent agency is reminded, once; the acknowledging one never.
    clock.advance(timedelta(minutes=6))
    done = escalate_due(db, clock.now(), SETTINGS)
    assert (done.renotified, done.escalated) == (1, 0)
    assert len(_notes(db, slow.id, "case_alert_reminder")) == 1
    assert _notes(db, quick.id, "case_alert_reminder") == []
    assert escalate_due(db, clock.now(), SETTINGS).renotified == 0
    # After T2 (120 min): its supervisors are told, by name, once.
    clock.advance(timedelta(minutes=90))
    done = escalate_due(db, clock.now(), SETTINGS)
    assert (done.renotified, done.escalated) == (0, 1)
    escalated = _notes(db, slow.id, "case_alert_escalated")
    assert [n.user_id for n in escalated] == [boss.id]
    assert _notes(db, quick.id, "case_alert_escalated") == []
    assert escalate_due(db, clock.now(), SETTINGS).escalated == 0
    flow = client.get(f"/api/v1/cases/{case['id']}/workflow", headers=mine).json()
    rows = {r["agency"]: r for r in flow["alerts"][0]["recipients"]}
    assert rows["S4"]["renotified_at"] and rows["S4"]["escalated_at"]
    assert rows["S4"]["pending_seconds"] == (5 + 20 + 6 + 90) * 60
    assert rows["Q4"]["renotified_at"] is None and rows["Q4"]["escalated_at"] is None
    kinds = [
        e["kind"]
        for e in client.get(f"/api/v1/cases/{case['id']}/events", headers=mine).json()["items"]
    ]
    assert kinds.count("alert_escalated") == 1


def test_acknowledged_alert_never_escalates(
    client: TestClient, world: World, frozen: datetime, db: Session
) -> None:
    owner, rec = world.agency("o5", "RU"), world.agency("r5", "DE")
    world.user(rec, Role.SUPERVISOR)
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    alert = _issue(client, mine, open_child(client, mine)["id"], agencies=["r5"]).json()
    clock.advance(timedelta(minutes=29))
    theirs = world.headers(world.user(rec, Role.INVESTIGATOR))
    assert (
        client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=theirs).status_code == 200
    )
    clock.advance(timedelta(days=3))
    done = escalate_due(db, clock.now(), SETTINGS)
    assert (done.renotified, done.escalated) == (0, 0)
    assert _notes(db, rec.id, "case_alert_reminder") == []


def test_alert_to_all_agencies(client: TestClient, world: World, frozen: datetime) -> None:
    owner = world.agency("o6", "RU")
    others = [world.agency(f"a6{i}", "DE") for i in range(3)]
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    case = open_child(client, mine, scope="all")
    alert = _issue(client, mine, case["id"]).json()
    assert alert["to_all"] is True
    got = {r["agency_id"] for r in alert["recipients"]}
    assert {str(a.id) for a in others} <= got and str(owner.id) not in got


def test_cli_escalates_due_alerts(cli_database: Any) -> None:
    from tests.cases.helpers import child_case
    from wayhome.access import services as access
    from wayhome.access.records import Records
    from wayhome.audit import services as audit
    from wayhome.cases import alerts, workflow
    from wayhome.cases.models import AlertRecipient
    from wayhome.cases.schemas import AlertIn, MissingChildIn

    with cli_database.session() as session:
        owner = access.create_agency(session, audit.SYSTEM, "cli-o", "Owner", "RU", "police_unit")
        rec = access.create_agency(session, audit.SYSTEM, "cli-r", "Recipient", "DE", "police_unit")
        user = access.create_user(
            session, audit.SYSTEM, owner, "cli.inv", "Inv", "investigator", "long password 123"
        )
        access.create_user(
            session, audit.SYSTEM, rec, "cli.sup", "Sup", "supervisor", "long password 123"
        )
        records = Records(session, access.viewer_of(user))
        case = workflow.open_missing_child(
            records, MissingChildIn.model_validate(child_case()), Settings()
        )
        alert = alerts.issue_alert(records, case.id, AlertIn(agencies=["cli-r"]))
        for recipient in session.scalars(
            select(AlertRecipient).where(AlertRecipient.alert_id == alert.id)
        ):
            recipient.notified_at = clock.now() - timedelta(hours=3)
    result = cli_database.invoke(["alerts", "escalate"])
    assert result.exit_code == 0, result.output
    assert "1 re-notified, 1 escalated" in result.output
    again = cli_database.invoke(["alerts", "escalate"])
    assert "0 re-notified, 0 escalated" in again.output


def test_server_loop_escalates_in_the_background(cli_database: Any, tmp_path: Any) -> None:
    import time

    from fastapi.testclient import TestClient as Client

    from tests.cases.helpers import child_case
    from wayhome.access import services as access
    from wayhome.access.records import Records
    from wayhome.audit import services as audit
    from wayhome.cases import alerts, workflow
    from wayhome.cases.models import AlertRecipient
    from wayhome.cases.schemas import AlertIn, MissingChildIn
    from wayhome.db.engine import make_engine, make_session_factory
    from wayhome.settings import Environment
    from wayhome.web.app import create_app

    with cli_database.session() as session:
        owner = access.create_agency(session, audit.SYSTEM, "bg-o", "Owner", "RU", "police_unit")
        access.create_agency(session, audit.SYSTEM, "bg-r", "Recipient", "DE", "police_unit")
        user = access.create_user(
            session, audit.SYSTEM, owner, "bg.inv", "Inv", "investigator", "long password 123"
        )
        records = Records(session, access.viewer_of(user))
        case = workflow.open_missing_child(
            records, MissingChildIn.model_validate(child_case()), Settings()
        )
        alert = alerts.issue_alert(records, case.id, AlertIn(agencies=["bg-r"]))
        for recipient in alert.recipients:
            recipient.notified_at = clock.now() - timedelta(minutes=45)
        alert_id = alert.id
    engine = make_engine(cli_database.url)
    factory = make_session_factory(engine)
    settings = Settings(
        environment=Environment.DEVELOPMENT,
        database_url=cli_database.url,
        data_dir=tmp_path,
        alert_escalation_interval_seconds=1,
    )
    try:
        with Client(create_app(settings, factory)):
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                with factory() as session:
                    row = session.scalars(
                        select(AlertRecipient).where(AlertRecipient.alert_id == alert_id)
                    ).one()
                    if row.renotified_at is not None:
                        break
                time.sleep(0.2)
        assert row.renotified_at is not None and row.escalated_at is None
    finally:
        engine.dispose()
