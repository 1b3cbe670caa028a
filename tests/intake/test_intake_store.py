"""Importing files into the database: all-or-nothing, idempotent, markings never loosened."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World
from tests.intake.samples_path import sample
from wayhome.access.models import Role

SAMPLES = [
    ("stix_bundle.json", "stix"),
    ("misp_event.json", "misp"),
    ("cybertip_report.xml", "cybertip"),
    ("selectors.csv", "csv"),
    ("chat_log.txt", "text"),
]


@pytest.fixture
def headers(world: World) -> dict[str, str]:
    return world.headers(world.user(world.agency("nl-tst", "NL"), Role.ANALYST))


def _upload(
    client: TestClient, headers: dict[str, str], name: str, data: bytes, **form: str
) -> tuple[int, dict[str, object]]:
    response = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": (name, data)},
        data={"marking": "AMBER", **form},
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(("name", "kind"), SAMPLES)
def test_each_format_imports_once(
    client: TestClient,
    headers: dict[str, str],
    count_rows: Callable[[str], int],
    name: str,
    kind: str,
) -> None:
    status, body = _upload(client, headers, name, sample(name))
    assert status == 201, body
    assert body["format"] == kind and body["created"] is True
    assert isinstance(body["selectors"], int) and body["selectors"] > 0
    rows = (count_rows("reports"), count_rows("selectors"), count_rows("selector_values"))
    status, again = _upload(client, headers, name, sample(name))
    assert status == 201 and again["created"] is False
    assert again["reports"] == body["reports"]
    assert (count_rows("reports"), count_rows("selectors"), count_rows("selector_values")) == rows


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("broken.json", b'{"type": "bundle", "objects": [', "line"),
        ("broken.xml", b"<report><incidentSummary><incidentType>x</incident", "line"),
        ("latin1.txt", "Zeuge sah ihn in Köln".encode("latin-1"), "byte 18"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_bad_files_store_nothing(
    client: TestClient,
    headers: dict[str, str],
    count_rows: Callable[[str], int],
    name: str,
    data: bytes,
    needle: str,
) -> None:
    before = (
        count_rows("reports"),
        count_rows("selectors"),
        count_rows("intake_imports"),
        count_rows("audit_entries"),
    )
    status, body = _upload(client, headers, name, data)
    assert 400 <= status < 500, body
    assert needle in str(body["detail"])
    after = (
        count_rows("reports"),
        count_rows("selectors"),
        count_rows("intake_imports"),
        count_rows("audit_entries"),
    )
    assert after == before


def test_file_marking_is_never_loosened(client: TestClient, headers: dict[str, str]) -> None:
    # The MISP sample carries tlp:green on the event and tlp:amber on an attribute: the report
    # keeps the strictest, AMBER, although CLEAR was asked for.
    status, body = _upload(
        client, headers, "misp_event.json", sample("misp_event.json"), marking="CLEAR"
    )
    assert status == 201
    report_ids = body["reports"]
    assert isinstance(report_ids, list)
    report = client.get(f"/api/v1/reports/{report_ids[0]}", headers=headers).json()
    assert report["marking"] == "AMBER"


def test_red_file_cannot_go_to_all_agencies(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    before = count_rows("reports")
    status, body = _upload(
        client, headers, "notes.txt", b"Contact x@example.net", marking="RED", scope="all"
    )
    assert status == 422 and "scope" in str(body["detail"])
    assert count_rows("reports") == before


def test_bulk_reports_are_all_or_nothing(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    good = {"title": "ok", "source": "s", "marking": "GREEN", "body": "mail a@example.net"}
    bad = {**good, "title": "bad", "selectors": [{"type": "btc", "value": "1NotAWallet"}]}
    before = count_rows("reports")
    response = client.post("/api/v1/reports/bulk", json={"reports": [good, bad]}, headers=headers)
    assert response.status_code == 422
    assert "body.reports[1].selectors[0]" in response.json()["detail"]
    assert count_rows("reports") == before
    response = client.post("/api/v1/reports/bulk", json={"reports": [good]}, headers=headers)
    assert response.status_code == 201 and response.json()["selectors"] == 1
