"""The reader's language and time zone: negotiation, the catalogues in use, labelled local times,
and the account's setting saved (or refused, changing nothing)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _csrf, _sign_in
from tests.conftest import World
from wayhome.access.models import Role
from wayhome.web import i18n


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        (None, "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        (None, "fr-FR, de;q=0.8, en;q=0.5", "de"),  # French is not offered: the next one
        (None, "en;q=0.3, nl-BE;q=0.9", "nl"),  # by quality, not by position
        (None, "ru;q=0, de", "de"),  # q=0 means "not this one"
        (None, "fr, it", "en"),  # nothing offered: the source language
        (None, "", "en"),
        ("de", "ru-RU,ru;q=0.9", "de"),  # the account's choice wins over the browser
        ("xx", "nl", "nl"),  # a stored value that is not offered is ignored
    ],
)
def test_negotiation(chosen: str | None, header: str, expected: str) -> None:
    assert i18n.negotiate(chosen, header) == expected


def test_local_time_is_labelled_with_the_zone() -> None:
    moment = datetime(2026, 12, 7, 11, 5, tzinfo=UTC)
    assert i18n.local_time(moment, ZoneInfo("Europe/Moscow"), "ru") == "2026-12-07 14:05 MSK"
    assert i18n.local_time(moment, ZoneInfo("Europe/Berlin"), "de") == "2026-12-07 12:05 CET"
    # A zone known by its offset only is labelled with the offset.
    assert i18n.local_time(moment, ZoneInfo("Europe/Istanbul"), "en") == "2026-12-07 14:05 +03:00"
    assert i18n.local_time(moment, ZoneInfo("America/St_Johns"), "en").endswith("NST")
    assert i18n.local_time(moment.replace(tzinfo=None), UTC, "en") == "2026-12-07 11:05 UTC"
    assert i18n.local_time(None, UTC, "en") == ""


def test_catalogues_translate_and_english_is_the_source() -> None:
    assert i18n.translations("ru").gettext("Dashboard") == "Обзор"
    assert i18n.translations("de").gettext("Dashboard") == "Übersicht"
    assert i18n.translations("nl").gettext("Dashboard") == "Overzicht"
    assert i18n.translations("en").gettext("Dashboard") == "Dashboard"


def test_russian_browser_gets_russian_pages(client: TestClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in page.text
    assert "Войти" in page.text and "Имя пользователя" in page.text
    english = client.get("/login", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="en">' in english.text and "Username" in english.text


def test_account_setting_overrides_the_browser_and_shows_local_times(
    client: TestClient, world: World, db: Session
) -> None:
    user = world.user(world.agency("i18n-de", "DE"), Role.ANALYST)
    db.commit()
    assert _sign_in(client, user.username) == 303
    token = _csrf(client, "/account")
    saved = client.post(
        "/account/preferences",
        data={"csrf_token": token, "locale": "de", "time_zone": "Europe/Moscow"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    db.refresh(user)
    assert (user.locale, user.time_zone) == ("de", "Europe/Moscow")
    page = client.get("/account", headers={"Accept-Language": "ru"}).text
    assert '<html lang="de">' in page and "Sprache und Zeitzone" in page
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d MSK", page), "the time is labelled MSK"
    assert '<option value="Europe/Moscow" selected>' in page
    form = client.get("/cases/missing/new").text
    assert "Wann (Europe/Moscow, MSK)" in form and "(UTC)" not in form


def test_bad_preferences_are_refused_naming_the_field(
    client: TestClient, world: World, db: Session
) -> None:
    user = world.user(world.agency("i18n-nl", "NL"), Role.ANALYST)
    db.commit()
    assert _sign_in(client, user.username) == 303
    token = _csrf(client, "/account")
    for data, field in (
        ({"locale": "fr", "time_zone": ""}, "locale"),
        ({"locale": "nl", "time_zone": "Mars/Olympus"}, "time_zone"),
    ):
        refused = client.post("/account/preferences", data={"csrf_token": token, **data})
        assert refused.status_code == 422
        assert f"{field}: " in refused.text
    db.refresh(user)
    assert (user.locale, user.time_zone) == (None, None)  # nothing changed


def test_error_pages_are_translated(client: TestClient, world: World, db: Session) -> None:
    user = world.user(world.agency("i18n-ru", "RU"), Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, user.username) == 303
    page = client.get(
        "/cases/00000000-0000-4000-8000-000000000000", headers={"Accept-Language": "ru"}
    )
    assert page.status_code == 404
    assert '<html lang="ru">' in page.text and "404 · Не найдено" in page.text
    assert "Вернуться к обзору" in page.text and "следователь" in page.text


def test_error_pages_follow_the_account_setting(
    client: TestClient, world: World, db: Session
) -> None:
    # The 404 is drawn after the request's session rolled back: the account's language
    # still wins over the browser's.
    user = world.user(world.agency("i18n-de2", "DE"), Role.ANALYST)
    user.locale, user.time_zone = "de", "Europe/Moscow"
    db.commit()
    assert _sign_in(client, user.username) == 303
    page = client.get(
        "/cases/00000000-0000-4000-8000-000000000000", headers={"Accept-Language": "ru"}
    )
    assert page.status_code == 404
    assert '<html lang="de">' in page.text


def test_dashboard_says_the_urgency_reasons_in_the_readers_language(
    client: TestClient, world: World, db: Session
) -> None:
    from tests.cases.helpers import open_child

    user = world.user(world.agency("i18n-ur", "RU"), Role.INVESTIGATOR)
    open_child(client, world.headers(user))  # suspected abduction, an online link
    db.commit()
    assert _sign_in(client, user.username) == 303
    russian = client.get("/", headers={"Accept-Language": "ru"}).text
    assert "подозрение на похищение" in russian and "suspected abduction" not in russian
    english = client.get("/", headers={"Accept-Language": "en"}).text
    assert "suspected abduction" in english


def test_case_page_times_are_in_the_users_zone_labelled_once(
    client: TestClient, world: World, db: Session
) -> None:
    from tests.cases.helpers import open_child

    user = world.user(world.agency("i18n-tz", "RU"), Role.INVESTIGATOR)
    case = open_child(client, world.headers(user))  # last seen 2026-06-01 08:30 UTC
    user.time_zone = "Europe/Moscow"
    db.commit()
    assert _sign_in(client, user.username) == 303
    page = client.get(f"/cases/{case['id']}").text
    assert ">2026-06-01 11:30 MSK</time> at " in page
    assert "MSK UTC" not in page
    russian = client.get(f"/cases/{case['id']}", headers={"Accept-Language": "ru"}).text
    assert "В последний раз видели <time" in russian and "Noginsk, school gate (RU)" in russian
    assert "Срочность: критическая" in russian and "<h2>Подозреваемые</h2>" in russian


def test_case_list_in_german(client: TestClient, world: World, db: Session) -> None:
    user = world.user(world.agency("i18n-cl", "DE"), Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, user.username) == 303
    page = client.get("/cases", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert "<h1>Fälle</h1>" in page and "Vermisstes Kind melden" in page
    assert "Aktenzeichen" in page and "Keine Fälle, die Sie sehen dürfen, passen." in page
    assert "Gespeicherte Ansichten" in page and "Seite 1 von 1" in page
    alerts = client.get("/alerts", headers={"Accept-Language": "nl"}).text
    assert "<h1>Alerts</h1>" in alerts and "Geen ontvangen alerts komen overeen." in alerts


def test_search_report_watches_and_review_pages_in_russian(
    client: TestClient, world: World, db: Session
) -> None:
    user = world.user(world.agency("i18n-sr", "RU"), Role.INVESTIGATOR)
    created = client.post(
        "/api/v1/reports",
        headers=world.headers(user),
        json={
            "title": "Forum scrape",
            "source": "OSINT",
            "marking": "AMBER",
            "scope": "owner",
            "body": "user dozor_85 wrote to lantern.fox@example.org",
        },
    )
    assert created.status_code == 201, created.text
    db.commit()
    assert _sign_in(client, user.username) == 303
    russian = {"Accept-Language": "ru"}
    search = client.get("/search?q=lantern.fox%40example.org", headers=russian).text
    assert "<h1>Поиск</h1>" in search and '<html lang="ru">' in search
    report = client.get(f"/reports/{created.json()['id']}", headers=russian).text
    assert "<h2>Селекторы и сопоставление</h2>" in report and "<h2>Текст</h2>" in report
    watches = client.get("/watches", headers=russian).text
    assert "<h1>Мои наблюдения</h1>" in watches and "Пока нет наблюдений." in watches
    queue = client.get("/links/queue", headers=russian).text
    assert "Связи на проверку" in queue and "Подтвердить выбранные" in queue
    english = client.get("/watches", headers={"Accept-Language": "en"}).text
    assert "<h1>My watches</h1>" in english


def test_a_task_is_due_in_the_users_zone(client: TestClient, world: World, db: Session) -> None:
    from tests.cases.helpers import open_child

    user = world.user(world.agency("i18n-td", "RU"), Role.INVESTIGATOR)
    case = open_child(client, world.headers(user))
    user.time_zone = "Europe/Moscow"
    db.commit()
    assert _sign_in(client, user.username) == 303
    path = f"/cases/{case['id']}"
    assert "Due (Europe/Moscow, MSK)" in client.get(path).text
    added = client.post(
        f"{path}/tasks",
        data={
            "csrf_token": _csrf(client, path),
            "title": "Check the station",
            "due_at": "2026-12-10T12:00",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = client.get(path).text
    assert ">2026-12-10 12:00 MSK</time>" in page  # typed in Moscow, stored as 09:00 UTC
    assert "Срок (Europe/Moscow, MSK)" in client.get(path, headers={"Accept-Language": "ru"}).text
