"""The disclosure matrix for derived records: a report filed by another agency to a case
(shared with all) and the timeline entries it derives there, for every marking × scope ×
silent flag × reader (the case's investigator and analyst, a named agency, an agency not
named). An entry shows exactly to those who may see both the case and the report."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.cases.helpers import open_child
from tests.conftest import World
from wayhome.access.models import Role

DERIVED = {"tip_received", "selector_match"}
READERS = ("ru_investigator", "ru_analyst", "nl_investigator", "us_investigator")
CASES = [
    (marking, scope, silent)
    for marking in ("GREEN", "AMBER", "AMBER+STRICT", "RED")
    for scope in ("owner", "named_ru_nl", "named_nl", "all")
    for silent in (False, True)
    if not (marking == "RED" and scope == "all")  # refused at intake
]


def may_see_report(reader: str, marking: str, scope: str, silent: bool) -> bool:
    """The policy for the UK report itself, restated: it reaches the UK only when owner-only,
    the named agencies when named, everyone when shared with all; RED is for investigators;
    a silent report shows to nobody outside its owner."""
    agency, role = reader.split("_")
    reached = {
        "owner": set(),
        "named_ru_nl": {"ru", "nl"},
        "named_nl": {"nl"},
        "all": {"ru", "nl", "us"},
    }[scope]
    return agency in reached and not silent and not (marking == "RED" and role == "analyst")


@pytest.mark.parametrize(("marking", "scope", "silent"), CASES)
def test_a_derived_entry_shows_where_case_and_source_both_show(
    client: TestClient, world: World, marking: str, scope: str, silent: bool
) -> None:
    ru, uk = world.agency("tm-ru", "RU"), world.agency("tm-uk", "GB")
    nl, us = world.agency("tm-nl", "NL"), world.agency("tm-us", "US")
    headers = {
        "ru_investigator": world.headers(world.user(ru, Role.INVESTIGATOR)),
        "ru_analyst": world.headers(world.user(ru, Role.ANALYST)),
        "nl_investigator": world.headers(world.user(nl, Role.INVESTIGATOR)),
        "us_investigator": world.headers(world.user(us, Role.INVESTIGATOR)),
    }
    filer = world.headers(world.user(uk, Role.INVESTIGATOR))
    case_id = open_child(client, headers["ru_investigator"], scope="all")["id"]
    held = {
        "title": "Dutch chat log",
        "source": "test",
        "marking": "GREEN",
        "scope": "all",
        "body": "contact wolf.matrix@example.net",
    }
    assert client.post("/api/v1/reports", json=held, headers=headers["nl_investigator"]).is_success
    shared = {"named_ru_nl": [str(ru.id), str(nl.id)], "named_nl": [str(nl.id)]}.get(scope, [])
    report: dict[str, Any] = {
        "title": "UK tip",
        "source": "test",
        "marking": marking,
        "scope": "named" if scope.startswith("named") else scope,
        "shared_with": shared,
        "silent": silent,
        "case_id": case_id,
        "body": "wolf.matrix@example.net wrote from fox.matrix@example.org",
    }
    filed = client.post("/api/v1/reports", json=report, headers=filer)
    assert filed.status_code == 201, filed.text

    for reader in READERS:
        answer = client.get(f"/api/v1/cases/{case_id}/events", headers=headers[reader])
        assert answer.status_code == 200, answer.text
        kinds = {e["kind"] for e in answer.json()["items"]} & DERIVED
        # The case's own agency must see the report for anything to be written at all.
        written = may_see_report("ru_investigator", marking, scope, silent)
        expected = written and may_see_report(reader, marking, scope, silent)
        assert bool(kinds) == expected, (reader, kinds)
        if expected:
            assert kinds == DERIVED, (reader, kinds)
