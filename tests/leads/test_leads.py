"""Case leads: suspects ranked from the identity graph and the place prior, places, known
series and alerts, through need-to-know, in the API and on the case page."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from wayhome.access import services as access
from wayhome.access.models import User
from wayhome.access.records import Records
from wayhome.demo.replay import DEMO_PASSWORD, load_world_in
from wayhome.errors import NotFound
from wayhome.leads.services import (
    best_chains,
    case_leads,
    edge_weight,
    evidence_chain,
    lead_chains,
    place_share,
)
from wayhome.linking.graph import Edge
from wayhome.locate.models import RegisterPersonRecord
from wayhome.synth import generate, write


@pytest.fixture
def small_world(db: Session, tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    folder = tmp_path / "world"
    write(generate(7, 1, register_size=400), folder)
    loaded = load_world_in(db, folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return loaded, truth


def _records(db: Session, username: str) -> Records:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return Records(db, access.viewer_of(user), "test")


def _offender_ref(db: Session, truth: dict[str, Any]) -> str:
    wanted = truth["offender"]["register_person_id"]
    row = db.scalar(select(RegisterPersonRecord).where(RegisterPersonRecord.person_ref == wanted))
    assert row is not None
    return f"register_person:{row.id}"


def test_mentions_count_for_less_than_identity_evidence() -> None:
    kinds = {"case:1": "case", "report:1": "report", "person:1": "person", "persona:1": "persona"}
    mention = Edge("report:1", "person:1", "in_report", 1.0, (), "report:1")
    holder = Edge("persona:1", "person:1", "assertion", 0.9, (), "assertion:1")
    assert edge_weight(mention, kinds) == 0.5 and edge_weight(holder, kinds) == 0.9
    edges = [
        Edge("case:1", "report:1", "filed_to", 1.0, (), "report:1"),
        Edge("report:1", "persona:1", "in_report", 1.0, (), "report:1"),
        mention,
        holder,
    ]
    confidence, chain = best_chains("case:1", edges, kinds, set())["person:1"]
    assert [e.kind for e in chain] == ["filed_to", "in_report", "assertion"]
    assert confidence == pytest.approx(0.9)
    # a blocked node (the child, a register record) is reached but never passed through
    assert "person:1" not in best_chains("case:1", edges[:2], kinds, {"report:1"})


def test_the_shown_path_follows_the_earliest_lead_that_holds_up() -> None:
    kinds = {
        "case:1": "case", "report:tip": "report", "report:seized": "report",
        "persona:forum": "persona", "selector:key": "selector", "persona:account": "persona",
        "person:1": "person",
    }  # fmt: skip
    edges = [
        Edge("case:1", "report:tip", "filed_to", 1.0, (), "report:tip"),
        Edge("case:1", "report:seized", "filed_to", 1.0, (), "report:seized"),
        Edge("report:tip", "persona:forum", "in_report", 1.0, (), "report:tip"),
        Edge("persona:forum", "selector:key", "posted_by", 0.95, (), "report:scrape"),
        Edge("selector:key", "persona:account", "posted_by", 0.95, (), "report:seized"),
        Edge("report:seized", "persona:account", "in_report", 1.0, (), "report:seized"),
        Edge("persona:account", "person:1", "assertion", 0.9, (), "assertion:1"),
    ]
    best = best_chains("case:1", edges, kinds, set())["person:1"]
    assert [e.carrier for e in best[1]][:2] == ["report:seized", "report:seized"]
    by_lead = lead_chains("case:1", ["report:tip", "report:seized"], edges, kinds, set())
    confidence, chain = evidence_chain("person:1", best, by_lead)
    assert chain[0].right == "report:tip" and "selector:key" in {e.right for e in chain}
    assert confidence == pytest.approx(0.95 * 0.95 * 0.9) and confidence < best[0]
    # a lead whose chain is far weaker than the best one is not shown
    weak = [e if e.kind != "posted_by" else Edge(e.left, e.right, e.kind, 0.3, (), e.carrier)
            for e in edges]  # fmt: skip
    by_lead = lead_chains("case:1", ["report:tip", "report:seized"], weak, kinds, set())
    assert evidence_chain("person:1", best, by_lead)[1] == best[1]
    # going back from an account to a report that names it is context, not identity
    back = Edge("report:seized", "persona:account", "in_report", 1.0, (), "report:seized")
    assert edge_weight(back, kinds, "persona:account") == 0.5
    assert edge_weight(back, kinds, "report:seized") == 1.0


def test_place_share_is_logarithmic() -> None:
    assert place_share(1.0) == 1.0 and place_share(0.0) == 0.0
    assert place_share(1e-3) == pytest.approx(0.5) and place_share(1e-9) == 0.0
    assert place_share(1e-2) > place_share(1e-4) > place_share(1e-5)


def test_the_owner_sees_the_offender_first_with_his_home(
    db: Session, small_world: tuple[Any, dict[str, Any]]
) -> None:
    loaded, truth = small_world
    leads = case_leads(_records(db, "ru.investigator"), loaded.case_id)
    top = leads.suspects[0]
    assert top.ref == _offender_ref(db, truth) and not top.hidden
    assert top.home is not None and top.home["geonameid"] == truth["offender"]["home_geonameid"]
    # One posterior (issue 15): places carry the locating result's probabilities in its order;
    # the offender's registered home is listed as a suspect's home with its own rank there.
    ranked = [p for p in leads.places if p.located]
    assert [p.probability for p in ranked] == sorted((p.probability for p in ranked), reverse=True)
    home = next(p for p in leads.places if p.geonameid == truth["offender"]["home_geonameid"])
    assert home.residence > 0 and home.rank >= 1 and home.probability == home.located
    assert top.path["steps"][-1]["to"]["id"] == top.ref
    assert {"de-bka", "ru-ncb"} <= set(top.agencies)
    assert [s.series for s in leads.series if not s.hidden] == [truth["series"]]
    assert all(alert.notified for alert in leads.alerts)  # told at the register's import


def test_another_agency_sees_only_who_holds_the_suspect(
    db: Session, small_world: tuple[Any, dict[str, Any]]
) -> None:
    loaded, truth = small_world
    leads = case_leads(_records(db, "us.investigator"), loaded.case_id)
    offender = _offender_ref(db, truth)
    for suspect in leads.suspects:
        assert suspect.ref != offender and truth["offender"]["full_name"] not in suspect.name
        if suspect.hidden:
            assert suspect.name.startswith("held by") and suspect.home is None
            # His home must not colour the score or show as a "place" figure either.
            assert suspect.place_share is None
    assert any(suspect.hidden for suspect in leads.suspects)
    text = json.dumps([s.__dict__ for s in leads.suspects], default=str, ensure_ascii=False)
    assert truth["offender"]["full_name"] not in text


def test_leads_of_a_hidden_case_are_a_404(db: Session, world: World) -> None:
    other = world.agency("ld-xx")
    user = world.user(other, "investigator")
    with pytest.raises(NotFound):
        case_leads(Records(db, access.viewer_of(user)), uuid.uuid4())


def _sign_in(client: TestClient, username: str) -> None:
    page = client.get("/login")
    match = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert match
    answer = client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "login_csrf": match.group(1),
              "next": "/"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text


def test_case_page_and_api_show_the_leads(
    client: TestClient, db: Session, small_world: tuple[Any, dict[str, Any]]
) -> None:
    loaded, truth = small_world
    db.commit()
    _sign_in(client, "ru.investigator")
    page = client.get(f"/cases/{loaded.case_id}")
    assert page.status_code == 200
    section = page.text.split('data-testid="leads"')[1].split("</section>")[0]
    assert "Suspects" in section and truth["offender"]["full_name"] in section
    assert truth["series"] in section and f"/cases/{loaded.case_id}/map" in section
    api = client.get(f"/api/v1/cases/{loaded.case_id}/leads")
    assert api.status_code == 200
    body = api.json()
    assert body["suspects"][0]["name"].startswith(truth["offender"]["full_name"])
    assert body["places"] and body["series"]
    client.cookies.clear()
    _sign_in(client, "us.investigator")
    seen = client.get(f"/cases/{loaded.case_id}").text.split('data-testid="leads"')[1]
    assert truth["offender"]["full_name"] not in seen.split("</section>")[0]
