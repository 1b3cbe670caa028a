"""Watches firing on new intake, and staying silent across need-to-know."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.watches.helpers import EMAIL, Cast, agency_messages, alerts, report, watch
from wayhome import signals
from wayhome.audit.models import AuditEntry
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind
from wayhome.watches.models import Delivery


@pytest.fixture
def cast(world: World) -> Cast:
    return Cast(world)


def test_visible_report_alerts_with_what(client: TestClient, db: Session, cast: Cast) -> None:
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL.upper()}")
    report_id = report(client, cast.ru_headers, f"Seen writing from {EMAIL}", scope="all")
    [alert] = alerts(db, cast.watcher)
    assert alert.kind == "watch_alert"
    assert alert.detail["record_id"] == report_id
    assert alert.detail["watched"] == [f"selector:email:{EMAIL}"]
    assert alert.detail["agency_code"] == cast.ru.code
    # Disclosing an AMBER report to the watcher is audited as his read.
    audited = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "watch_alert", AuditEntry.object_id == report_id
        )
    ).all()
    assert [a.username for a in audited] == [cast.watcher.username]
    # Nobody else is alerted: the other agency's analyst watches nothing.
    assert alerts(db, cast.other) == []


def test_hidden_report_gives_a_hit_only(client: TestClient, db: Session, cast: Cast) -> None:
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL}")
    report_id = report(client, cast.ru_headers, f"Undercover note {EMAIL}", scope="owner")
    [alert] = alerts(db, cast.watcher)
    assert alert.kind == "watch_hit"
    assert cast.ru.name in alert.subject
    assert "record_id" not in alert.detail
    assert report_id not in str(alert.detail) and "Undercover" not in alert.subject


def test_silent_report_tells_the_holder_not_the_watcher(
    client: TestClient, db: Session, cast: Cast
) -> None:
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL}")
    report(client, cast.ru_headers, f"Covert account {EMAIL}", scope="owner", silent=True)
    assert alerts(db, cast.watcher) == []
    [told] = agency_messages(db, cast.ru.id, "silent_hit")
    assert told.detail["querier_agency"] == str(cast.de.id)
    # Once per value and watching agency, however many silent reports follow.
    report(client, cast.ru_headers, f"Second covert note {EMAIL}", scope="owner", silent=True)
    assert len(agency_messages(db, cast.ru.id, "silent_hit")) == 1


def test_red_record_only_as_visibility_allows(client: TestClient, db: Session, cast: Cast) -> None:
    for user in (cast.watcher, cast.analyst):
        watch(client, cast.headers[user.id], "selector", f"email:{EMAIL}")
    report(
        client,
        cast.ru_headers,
        f"Named for Germany: {EMAIL}",
        marking="RED",
        scope="named",
        shared_with=[str(cast.de.id)],
    )
    assert [a.kind for a in alerts(db, cast.watcher)] == ["watch_alert"]
    # The analyst may not read RED: he learns nothing, and the holder is told instead.
    assert alerts(db, cast.analyst) == []
    assert len(agency_messages(db, cast.ru.id, "silent_hit")) == 1


def test_persona_watch_fires(client: TestClient, db: Session, cast: Cast) -> None:
    bundle = {
        "type": "bundle",
        "id": "bundle--2b0e7a4e-4a2f-4a6c-9a4e-0f6b6c2f1a11",
        "objects": [
            {
                "type": "user-account",
                "spec_version": "2.1",
                "id": "user-account--0c8e9c1e-8a8e-4a55-9c9a-0e2b9d9a1c11",
                "account_login": "Kolokol_77",
                "account_type": "forum",
            }
        ],
    }
    headers = cast.headers[cast.watcher.id]
    watch(client, headers, "persona", "forum:Kolokol_77")
    [mine] = client.get("/api/v1/watches", headers=headers).json()
    response = client.post(
        "/api/v1/imports",
        headers=cast.ru_headers,
        data={"marking": "GREEN", "scope": "all"},
        files={"file": ("bundle.json", json.dumps(bundle).encode())},
    )
    assert response.status_code in (200, 201), response.text
    [alert] = alerts(db, cast.watcher)
    # The key is the one intake emits: the platform, then the canonical handle.
    assert mine["subject_key"].endswith("kolokol_77")
    assert f"persona:{mine['subject_key']}" in alert.detail["watched"]


def test_person_and_case_watches_fire_on_their_signals(
    client: TestClient, db: Session, cast: Cast
) -> None:
    headers = cast.headers[cast.watcher.id]
    case = client.post(
        "/api/v1/cases",
        headers=headers,
        json={"title": "Missing: Lena", "kind": "missing_child", "marking": "AMBER"},
    )
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    watch(client, headers, "case", case_id)
    # The contract the cases and linking engines emit (signals.py), stated directly here.
    signals.emit(
        db,
        Signal(
            SignalKind.CASE_UPDATED,
            agency_id=cast.de.id,
            record_kind="case",
            record_id=case_id,
            summary="alert issued",
            subjects=(Subject(SubjectKind.CASE, case_id),),
        ),
    )
    db.commit()
    [alert] = alerts(db, cast.watcher)
    assert (alert.kind, alert.detail["signal"]) == ("watch_alert", "case_updated")


def test_nothing_without_a_watch_and_nothing_on_rollback(
    client: TestClient, db: Session, cast: Cast
) -> None:
    report(client, cast.ru_headers, f"Unwatched {EMAIL}", scope="all")
    assert alerts(db, cast.watcher) == []
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL}")
    signals.emit(
        db,
        Signal(
            SignalKind.REPORT_INGESTED,
            agency_id=cast.ru.id,
            record_kind="report",
            record_id="00000000-0000-0000-0000-000000000001",
            summary="rolled back",
            subjects=(Subject(SubjectKind.SELECTOR, f"email:{EMAIL}"),),
        ),
    )
    db.rollback()
    db.commit()
    assert alerts(db, cast.watcher) == []


def test_watch_with_email_queues_a_delivery(client: TestClient, db: Session, cast: Cast) -> None:
    cast.watcher.email = "watcher@example.org"
    db.commit()
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL}", email=True)
    report(client, cast.ru_headers, f"Seen {EMAIL}", scope="all")
    [delivery] = db.scalars(select(Delivery).where(Delivery.user_id == cast.watcher.id)).all()
    assert (delivery.channel, delivery.status) == ("email", "pending")
    assert delivery.payload["to"] == "watcher@example.org"
