"""`wayhome import` from the command line, and the report, selector, search and import pages."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import CliDatabase, World
from tests.intake.every_type import every_type_text
from tests.intake.samples_path import SAMPLES
from wayhome.access.models import Role


def test_cli_import_is_idempotent_and_names_errors(
    cli_database: CliDatabase, tmp_path: Path
) -> None:
    with cli_database.session() as session:
        world = World(session)
        world.user(world.agency("uk-x", "GB"), Role.ANALYST, "uk.analyst")
    args = [
        "import",
        str(SAMPLES / "cybertip_report.xml"),
        "--user",
        "uk.analyst",
        "--marking",
        "amber",
        "--agency",
        "uk-x",
    ]
    first = cli_database.invoke(args)
    again = cli_database.invoke(args)
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<report><personOrUserReported><screenName>x</screenName>")
    bad = cli_database.invoke(["import", str(broken), "--user", "uk.analyst", "--marking", "GREEN"])
    assert first.exit_code == 0, first.output
    assert "cybertip, 1 report(s)" in first.output
    assert again.exit_code == 0 and "nothing new stored" in again.output
    assert bad.exit_code == 2 and "line" in bad.output


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def test_pages_show_import_correlation_and_hits(
    client: TestClient, world: World, db: Session
) -> None:
    ru = world.user(world.agency("ru-p", "RU"), Role.INVESTIGATOR)
    de_headers = world.headers(world.user(world.agency("de-p", "DE"), Role.ANALYST))
    client.post(
        "/api/v1/reports",
        headers=de_headers,
        json={
            "title": "German hosting data",
            "source": "ISP",
            "marking": "AMBER",
            "scope": "owner",
            "body": "customer email lantern.fox@example.org",
        },
    )
    db.commit()
    assert _sign_in(client, ru.username) == 303
    page = client.post(
        "/import",
        data={
            "marking": "AMBER",
            "scope": "all",
            "format": "",
            "csrf_token": _csrf(client, "/import"),
        },
        files={"file": ("scrape.txt", b"Forum post by lantern.fox@example.org about the village")},
    )
    assert page.status_code == 200 and "stored 1 report(s)" in page.text
    report_link = re.search(r'href="(/reports/[0-9a-f-]{36})"', page.text)
    assert report_link
    report_page = client.get(report_link.group(1)).text
    assert "lantern.fox@example.org" in report_page
    assert "holds it in 1 report —" in report_page and "DE-P" in report_page
    selector_page = client.get("/selectors/email/lantern.fox@example.org").text
    assert "Hits in other agencies" in selector_page and "DE-P" in selector_page
    assert "holds 1 report with this value" in selector_page
    assert "German hosting data" not in selector_page
    search = client.get("/search", params={"q": "villages"}).text
    assert "Forum post" in search or "scrape" in search


def test_import_page_shows_the_error_and_stores_nothing(
    client: TestClient, world: World, db: Session, count_rows: object
) -> None:
    user = world.user(world.agency(), Role.ANALYST)
    db.commit()
    _sign_in(client, user.username)
    page = client.post(
        "/import",
        data={"marking": "GREEN", "format": "stix", "csrf_token": _csrf(client, "/import")},
        files={"file": ("bad.json", b'{"type": "bundle", "objects": [{"type": "report"')},
    )
    assert page.status_code in (400, 422)
    assert 'data-testid="import-error"' in page.text


def test_a_url_selector_is_found_through_the_api_and_the_page(
    client: TestClient, world: World, db: Session
) -> None:
    analyst = world.user(world.agency("nl-u", "NL"), Role.ANALYST)
    url = "https://board.example.net/t/42/reply?p=3"
    created = client.post(
        "/api/v1/reports",
        headers=world.headers(analyst),
        json={
            "title": "Board thread",
            "source": "test",
            "marking": "AMBER",
            "body": f"The offer was posted at {url} yesterday.",
        },
    )
    assert created.status_code == 201, created.text
    db.commit()
    escaped = quote(url, safe="/")  # as the pages' `urlencode` writes links: slashes kept
    found = client.get(f"/api/v1/selectors/url/{escaped}", headers=world.headers(analyst))
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["type"], body["value"], body["total_visible"]) == ("url", url, 1)
    assert body["occurrences"][0]["report_title"] == "Board thread"
    assert _sign_in(client, analyst.username) == 303
    page = client.get(f"/selectors/url/{escaped}")
    assert page.status_code == 200 and "Board thread" in page.text


def test_every_selector_link_of_a_report_page_opens_its_look_up(
    client: TestClient, world: World, db: Session
) -> None:
    user = world.user(world.agency(), Role.ANALYST)
    headers = world.headers(user)
    body = every_type_text() + " and https://board.example.net/t/2?a=b&c=%2F#top"
    payload = {"title": "all kinds", "source": "t", "marking": "AMBER", "body": body}
    report = client.post("/api/v1/reports", json=payload, headers=headers).json()
    values = {
        (link["type"], link["value"])
        for link in client.get(
            f"/api/v1/reports/{report['id']}/correlations", headers=headers
        ).json()
    }
    db.commit()
    assert _sign_in(client, user.username) == 303
    page = client.get(f"/reports/{report['id']}").text
    hrefs = re.findall(r'href="(/selectors/[^"]+)"', page)
    assert len(hrefs) >= len(values)
    opened = set()
    for href in hrefs:
        selector_page = client.get(html.unescape(href))
        assert selector_page.status_code == 200, href
        heading = re.search(r"<h1>(.*?)</h1><p>(.*?)</p>", selector_page.text)
        assert heading, href
        opened.add((heading.group(2), html.unescape(heading.group(1))))
        assert "1 report, " in selector_page.text, href
    assert opened == values
