"""Correlation across agencies: visible records, hit/no-hit, silent records, warning flags."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.conftest import DatabaseFactory, World
from tests.intake.every_type import EVERY_TYPE, every_type_text
from wayhome.access.models import Role
from wayhome.audit.models import AuditEntry
from wayhome.db import migrate
from wayhome.db.engine import make_engine
from wayhome.inbox.models import Notification

EMAIL = "dark.fox.77@example.net"


def _report(client: TestClient, headers: dict[str, str], body: str, **over: Any) -> str:
    payload = {"title": "fragment", "source": "test", "marking": "AMBER", "body": body, **over}
    response = client.post("/api/v1/reports", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    report_id: str = response.json()["id"]
    return report_id


def _cast(world: World) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    ru, de, nl = world.agency("ru", "RU"), world.agency("de", "DE"), world.agency("nl", "NL")
    return (
        world.headers(world.user(ru, Role.INVESTIGATOR)),
        world.headers(world.user(de, Role.INVESTIGATOR)),
        world.headers(world.user(nl, Role.ANALYST)),
    )


def test_second_fragment_finds_the_first(client: TestClient, world: World) -> None:
    ru, de, nl = _cast(world)
    _report(client, ru, f"Forum user wrote from {EMAIL}", scope="all")
    second = _report(client, de, f"Hosting customer e-mail: {EMAIL.upper()}", scope="all")
    links = client.get(f"/api/v1/reports/{second}/correlations", headers=de).json()
    email = next(link for link in links if link["type"] == "email")
    assert email["value"] == EMAIL
    assert (email["other_reports"], email["other_agencies"]) == (1, 1)
    assert email["hits"] == []
    found = client.get(f"/api/v1/selectors/email/{EMAIL}", headers=nl).json()
    assert found["total_visible"] == 2
    assert {o["agency_code"] for o in found["occurrences"]} == {"ru", "de"}


def test_hidden_holder_is_a_hit_without_content(client: TestClient, world: World) -> None:
    ru, de, _ = _cast(world)
    _report(client, ru, f"Secret lead {EMAIL}", scope="owner")
    found = client.get(f"/api/v1/selectors/email/{EMAIL}", headers=de).json()
    assert found["total_visible"] == 0 and found["occurrences"] == []
    assert [(h["agency_code"], h["records"]) for h in found["hits"]] == [("ru", 1)]
    assert "Secret lead" not in str(found)


def test_silent_holder_is_told_and_the_querier_learns_nothing(
    client: TestClient, world: World, db: Session
) -> None:
    ru, de, _ = _cast(world)
    _report(client, ru, f"Undercover account {EMAIL}", scope="owner", silent=True)
    found = client.get(f"/api/v1/selectors/email/{EMAIL}", headers=de).json()
    assert found["hits"] == [] and found["total_visible"] == 0
    inbox = client.get("/api/v1/inbox", headers=ru).json()
    assert [m["kind"] for m in inbox] == ["silent_hit"]
    assert inbox[0]["detail"]["value"] == EMAIL
    # Once-only is kept by an indexed key, not by a look-up inside the JSON detail.
    [key] = db.scalars(select(Notification.dedup_key).where(Notification.kind == "silent_hit"))
    assert key == f"silent_hit:{inbox[0]['detail']['key']}"
    # Asking again does not notify twice; the querier's own inbox stays empty.
    client.get(f"/api/v1/selectors/email/{EMAIL}", headers=de)
    assert len(client.get("/api/v1/inbox", headers=ru).json()) == 1
    assert client.get("/api/v1/inbox", headers=de).json() == []
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"selector_query", "hit_notified"} <= actions


def test_red_records_are_silent(client: TestClient, world: World) -> None:
    ru, de, _ = _cast(world)
    _report(client, ru, f"Named-source lead {EMAIL}", marking="RED", scope="owner")
    found = client.get(f"/api/v1/selectors/email/{EMAIL}", headers=de).json()
    assert found["hits"] == []
    assert len(client.get("/api/v1/inbox", headers=ru).json()) == 1


def test_warning_list_flags_rather_than_alarms(client: TestClient, world: World) -> None:
    ru, de, _ = _cast(world)
    _report(client, ru, "resolver 8.8.8.8 seen", scope="all")
    second = _report(client, de, "same resolver 8.8.8.8", scope="all")
    links = client.get(f"/api/v1/reports/{second}/correlations", headers=de).json()
    ip = next(link for link in links if link["type"] == "ipv4")
    assert ip["other_reports"] == 1  # still shown
    assert ip["warning"] and "resolver" in ip["warning"].lower()


def test_over_common_values_are_flagged(client: TestClient, world: World, settings: Any) -> None:
    ru, _, _ = _cast(world)
    settings.overcommon_threshold = 3
    for i in range(4):
        _report(client, ru, f"post {i} by common@example.net", scope="all")
    found = client.get("/api/v1/selectors/email/common@example.net", headers=ru).json()
    assert found["over_common"] is True and found["total_visible"] == 4


def test_invalid_selector_in_path_is_named(client: TestClient, world: World) -> None:
    ru, _, _ = _cast(world)
    bad_type = client.get("/api/v1/selectors/shoe-size/42", headers=ru)
    assert bad_type.status_code == 422 and "path.type" in bad_type.json()["detail"]
    bad_value = client.get("/api/v1/selectors/btc/1BadChecksumAddr", headers=ru)
    assert bad_value.status_code == 422 and "path.value" in bad_value.json()["detail"]


def test_silent_hits_notified_before_the_key_column_keep_their_key(
    databases: DatabaseFactory,
) -> None:
    """Revision 0008 copies the key of earlier silent-hit notifications into `dedup_key`."""
    url = databases.new_url()
    migrate.upgrade(url, "0007")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            agency = uuid.uuid4().hex
            connection.execute(
                text(
                    "INSERT INTO agencies (id, code, name, country, kind, active, created_at, "
                    "updated_at) VALUES (:id, 'ru', 'RU police', 'RU', 'police_unit', true, "
                    ":now, :now)"
                ),
                {"id": agency, "now": "2026-11-29 00:00:00"},
            )
            for kind in ("silent_hit", "watch_alert"):
                connection.execute(
                    text(
                        "INSERT INTO notifications (id, agency_id, kind, subject, detail, "
                        "created_at) VALUES (:id, :agency, :kind, 's', :detail, :now)"
                    ),
                    {
                        "id": uuid.uuid4().hex,
                        "agency": agency,
                        "kind": kind,
                        "detail": json.dumps({"key": "7:abc"}),
                        "now": "2026-11-29 00:00:00",
                    },
                )
        migrate.upgrade(url)
        with engine.connect() as connection:
            keys = dict(connection.execute(text("SELECT kind, dedup_key FROM notifications")).all())
        assert keys == {"silent_hit": "silent_hit:7:abc", "watch_alert": None}
    finally:
        engine.dispose()


def test_a_hit_counts_reports_not_occurrences(client: TestClient, world: World) -> None:
    ru, de, _ = _cast(world)
    _report(client, ru, f"{EMAIL} wrote, {EMAIL} again, and {EMAIL} once more", scope="owner")
    _report(client, ru, f"second lead {EMAIL}", scope="owner")
    _report(client, de, f"own lead {EMAIL} and {EMAIL}", scope="owner")
    found = client.get(f"/api/v1/selectors/email/{EMAIL}", headers=de).json()
    assert [(h["agency_code"], h["records"]) for h in found["hits"]] == [("ru", 2)]
    assert (found["total_visible"], found["visible_reports"]) == (2, 1)
    own = _report(client, de, f"third {EMAIL}", scope="owner")
    [link, *_] = client.get(f"/api/v1/reports/{own}/correlations", headers=de).json()
    assert [(h["agency_code"], h["records"]) for h in link["hits"]] == [("ru", 2)]


URLS = [
    "https://board.example.net/t/1?a=b&c=d",
    "http://x.example.org/a%20b/c?q=%2F&r=1",
    "https://forum.example.net/viewtopic.php?t=7",
]


@pytest.mark.parametrize("url", URLS)
def test_a_url_is_found_however_the_path_writes_it(
    client: TestClient, world: World, url: str
) -> None:
    ru, _, _ = _cast(world)
    _report(client, ru, f"seen at {url}#post-3 yesterday")
    forms = {
        "as written": url,
        "encoded": quote(url, safe=""),
        "encoded with a fragment": quote(url + "#post-3", safe=""),
        "as a page links it": quote(url, safe="/"),
    }
    for form, path in forms.items():
        found = client.get(f"/api/v1/selectors/url/{path}", headers=ru)
        assert found.status_code == 200, (form, found.text)
        assert (found.json()["value"], found.json()["total_visible"]) == (url, 1), form
    by_query = client.get("/api/v1/selectors/url", params={"value": url}, headers=ru).json()
    assert (by_query["value"], by_query["total_visible"]) == (url, 1)


def test_every_stored_selector_is_found_by_its_look_up(client: TestClient, world: World) -> None:
    """Each selector of a report naming every type, looked up as the report page links it
    (percent-encoded) and as written, finds that report."""
    ru, _, _ = _cast(world)
    report = _report(client, ru, every_type_text())
    links = client.get(f"/api/v1/reports/{report}/correlations", headers=ru).json()
    assert {link["type"] for link in links} == EVERY_TYPE
    for link in links:
        for path in (quote(link["value"], safe=""), link["value"]):
            found = client.get(f"/api/v1/selectors/{link['type']}/{path}", headers=ru)
            assert found.status_code == 200, (link, found.text)
            assert found.json()["value"] == link["value"]
            assert [o["report_id"] for o in found.json()["occurrences"]][:1] == [report]
