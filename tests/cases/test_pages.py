"""The workflow pages: missing-child form with portrait, status buttons, alerts, notice toggle."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.cases.helpers import png
from tests.conftest import World
from wayhome.access.models import Role


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


FORM = {
    "full_name": "Lena Beispiel",
    "other_name": "Лена Бейшпиль",
    "date_of_birth": "2015-02-03",
    "sex": "female",
    "nationalities": "DE",
    "languages": "GER, RUS",
    "last_seen_at": "2026-01-05T16:30",
    "last_seen_place": "Kassel, Hauptbahnhof",
    "last_seen_country": "DE",
    "suspected_abduction": "true",
    "guardian_name": "Petra Beispiel",
    "marking": "AMBER",
    "scope": "owner",
}


def test_missing_child_form_to_case_page_with_workflow(
    client: TestClient, world: World, db: Session
) -> None:
    owner = world.agency("pg-de", "DE")
    world.agency("pg-nl", "NL")
    user = world.user(owner, Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, user.username) == 303
    token = _csrf(client, "/cases/missing/new")
    response = client.post(
        "/cases/missing",
        data={**FORM, "csrf_token": token},
        files={"portrait": ("lena.png", png(), "image/png")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    case_url = response.headers["location"]
    page = client.get(case_url).text
    assert "Lena Beispiel" in page and "Лена Бейшпиль" in page
    assert 'data-testid="portrait"' in page and "Urgency: critical" in page
    assert "Petra Beispiel" in page  # guardians are shown to the owning agency
    image = client.get(f"{case_url}/portrait.jpg")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"

    sent = client.post(
        f"{case_url}/alerts",
        data={"csrf_token": token, "agencies": "pg-nl", "message": "Seen near the border"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    status = client.post(
        f"{case_url}/status",
        data={"csrf_token": token, "status": "active_search"},
        follow_redirects=False,
    )
    assert status.status_code == 303
    notice = client.post(
        f"{case_url}/notice",
        data={"csrf_token": token, "visibility": "restricted"},
        follow_redirects=False,
    )
    assert notice.status_code == 303
    page = client.get(case_url).text
    assert 'data-testid="case-status">active search' in page
    assert 'data-agency="pg-nl"' in page and "not yet" in page
    assert re.search(r'data-testid="notice-id">\d{4}/\d{5}</strong>: restricted', page)


def test_bad_form_shows_the_field_and_stores_nothing(
    client: TestClient, world: World, db: Session, count_rows: Callable[[str], int]
) -> None:
    user = world.user(world.agency("pg-x", "DE"), Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, user.username) == 303
    token = _csrf(client, "/cases/missing/new")
    before = count_rows("cases")
    response = client.post(
        "/cases/missing",
        data={**FORM, "csrf_token": token},
        files={"portrait": ("lena.txt", b"this is not a picture", "text/plain")},
    )
    assert response.status_code == 422
    assert 'data-testid="error-portrait"' in response.text  # beside the field
    assert count_rows("cases") == before
    future = client.post(
        "/cases/missing", data={**FORM, "date_of_birth": "2099-01-01", "csrf_token": token}
    )
    assert future.status_code == 422 and "date_of_birth" in future.text
    assert count_rows("cases") == before


def test_dashboard_lists_alerts_awaiting_acknowledgement(
    client: TestClient, world: World, db: Session
) -> None:
    from tests.cases.helpers import open_child

    owner, rec = world.agency("pg-o", "RU"), world.agency("pg-r", "NL")
    headers = world.headers(world.user(owner, Role.INVESTIGATOR))
    case = open_child(client, headers)
    client.post(f"/api/v1/cases/{case['id']}/alerts", json={"agencies": ["pg-r"]}, headers=headers)
    reader = world.user(rec, Role.ANALYST)
    db.commit()
    assert _sign_in(client, reader.username) == 303
    dashboard = client.get("/").text
    assert (
        'data-testid="pending-alert"' in dashboard and "Missing child: Мария Соколова" in dashboard
    )
    alert_id = re.search(r'action="/alerts/([0-9a-f-]+)/acknowledge"', dashboard)
    assert alert_id
    done = client.post(
        f"/alerts/{alert_id.group(1)}/acknowledge",
        data={"csrf_token": _csrf(client, "/alerts"), "back": "/alerts"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert 'data-testid="pending-alert"' not in client.get("/alerts").text
