"""The report page: each selector once with its count, each occurrence as the words around it,
and a value held by an agency the reader may not see stays a hit, never a record."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import World
from wayhome.access.models import Role

BODY = (
    "2025-08-02 13:40 | user: dozor_85 | new place is quiet\n"
    "2025-08-05 21:45 | user: tishina_964 | see you at the market\n"
    "2025-08-09 23:39 | user: dozor_85 | write to lantern.fox@example.org\n"
    "2025-08-17 22:09 | user: dozor_85 | nobody asks here\n"
)


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-testid="selector-row">(.*?)</tr>', page, flags=re.S)


def test_each_selector_once_with_its_count_and_snippets(
    client: TestClient, world: World, db: Session
) -> None:
    ru = world.user(world.agency("ru-r", "RU"), Role.INVESTIGATOR)
    de = world.user(world.agency("de-r", "DE"), Role.ANALYST)
    # A German report the Russian investigator may not read holds the e-mail address.
    hidden = client.post(
        "/api/v1/reports",
        headers=world.headers(de),
        json={
            "title": "German hosting data",
            "source": "ISP",
            "marking": "AMBER",
            "scope": "owner",
            "body": "customer lantern.fox@example.org, secret hosting contract 7781",
        },
    )
    assert hidden.status_code == 201, hidden.text
    created = client.post(
        "/api/v1/reports",
        headers=world.headers(ru),
        json={
            "title": "Forum scrape",
            "source": "OSINT",
            "marking": "AMBER",
            "scope": "owner",
            "body": BODY,
        },
    )
    assert created.status_code == 201, created.text
    db.commit()
    assert _sign_in(client, ru.username) == 303
    page = client.get(f"/reports/{created.json()['id']}").text
    # The handle the text names three times is listed once.
    assert page.count('href="/selectors/handle/forum%3Adozor_85"') == 1, page
    rows = _rows(page)
    assert rows
    # Each selector value is one row, whatever the number of times the text names it.
    values = [re.search(r'<a href="/selectors/[^"]+">([^<]+)</a>', row) for row in rows]
    canon = [m.group(1) for m in values if m]
    assert len(canon) == len(set(canon)) == len(rows), canon
    by_value = dict(zip(canon, rows, strict=True))
    dozor = by_value["forum:dozor_85"] if "forum:dozor_85" in by_value else by_value["dozor_85"]
    assert re.search(r'data-testid="occurrence-count">3 occurrences<', dozor), dozor
    snippets = re.findall(r'<span class="snippet">(.*?)</span>', dozor, flags=re.S)
    assert len(snippets) == 3
    # The words around each occurrence, the value marked; no bare "offset 123".
    assert "<mark>dozor_85</mark>" in snippets[0] and "new place is quiet" in snippets[0]
    assert "write to lantern.fox" in snippets[1] and "nobody asks here" in snippets[2]
    assert not re.search(r"offset \d+", page)
    email = by_value["lantern.fox@example.org"]
    assert 'data-testid="occurrence-count">1 occurrence<' in email
    # The hidden German report is a hit through channels, never its title or its text.
    assert "holds it in 1 report" in email
    assert "German hosting data" not in page and "7781" not in page
