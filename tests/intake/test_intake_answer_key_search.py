"""The search box against the independent answer-key set: every recurring selector, typed as
the key writes it, finds every report that holds it (issue 17: before, none of them).

What a format's parser misses is the answer key's own benchmark (bench/intake_answer_key.py);
here a report counts as holding a value when the product holds it there."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World
from tests.intake.answer_key.scoring import HERE, load_key
from wayhome.access.models import Role

PRODUCT_TYPE = {"account": "handle"}


def test_search_finds_every_report_holding_a_recurring_selector(
    client: TestClient, world: World
) -> None:
    key = load_key()
    headers = {
        name: world.headers(world.user(world.agency(name, spec["country"]), Role.ANALYST))
        for name, spec in key["agencies"].items()
    }
    held: dict[str, set[tuple[str, str]]] = {}  # report id -> (type, value) held there
    for name, entry in key["files"].items():
        if entry["format"] == "vics":  # a hash bank: matched by /hashes/match, not searched
            continue
        answer = client.post(
            "/api/v1/imports",
            files={"file": (name, (HERE / name).read_bytes())},
            data={"marking": "AMBER", "scope": "all"},
            headers=headers[entry["agency"]],
        )
        if answer.status_code != 201:  # a file a parser refuses is the formats' own test
            continue
        for report in answer.json()["reports"]:
            links = client.get(f"/api/v1/reports/{report}/correlations", headers=headers["gb"])
            held[report] = {(link["type"], link["value"]) for link in links.json()}
    assert len(held) >= 3
    searched, missed = 0, []
    for link in key["cross_file"]:
        wanted = (PRODUCT_TYPE.get(link["type"], link["type"]), link["value"])
        holding = {report for report, values in held.items() if wanted in values}
        if not holding:
            continue
        searched += 1
        answer = client.get(
            "/api/v1/search", params={"q": link["value"], "limit": 200}, headers=headers["gb"]
        )
        assert answer.status_code == 200, answer.text
        if not holding <= {r["id"] for r in answer.json()["items"]}:
            missed.append(wanted)
    assert searched >= 15 and missed == [], f"{searched - len(missed)} of {searched}: {missed}"
