"""The linking API and pages: graph, path, queue, decisions; problem details; CSRF on forms."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import CliDatabase, World
from tests.linking.linking_world import fresh_indices, ingest, persona_in, pgp, records_of, tipline
from tests.linking.test_graph import build_chain
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.linking import services
from wayhome.linking.models import AssertionState, IdentityAssertion, LinkDecision

__all__ = ["fresh_indices"]


def test_graph_and_path_over_the_api(client: TestClient, db: Session, world: World) -> None:
    chain = build_chain(db, world, Marking.AMBER, Scope.OWNER)
    headers = world.headers(world.user(chain.ru, Role.ANALYST))
    graph = client.get("/api/v1/links/graph", params={"ref": chain.forum, "depth": 2},
                       headers=headers)  # fmt: skip
    assert graph.status_code == 200, graph.text
    body = graph.json()
    hidden = [n for n in body["nodes"] if n["hidden"]]
    assert hidden and {n["agency"] for n in hidden} == {"us"}
    assert "kolokol77" not in graph.text
    path = client.get(
        "/api/v1/links/path",
        params={"from_ref": chain.case, "to_ref": chain.register},
        headers=headers,
    )
    assert path.status_code == 200 and path.json()["found"]
    assert any(s["edge"]["hidden"] for s in path.json()["steps"])
    bad = client.get("/api/v1/links/graph", params={"ref": "case:nope"}, headers=headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["location"] == "query.ref"
    hidden_ref = client.get("/api/v1/links/graph", params={"ref": chain.quietmail},
                            headers=headers)  # fmt: skip
    assert hidden_ref.status_code == 404
    deep = client.get("/api/v1/links/graph", params={"ref": chain.case, "depth": 9},
                      headers=headers)  # fmt: skip
    assert deep.status_code == 422


def test_decide_over_the_api_and_refusals(client: TestClient, db: Session, world: World) -> None:
    chain = build_chain(db, world, Marking.AMBER, Scope.ALL)
    headers = world.headers(world.user(chain.ru, Role.ANALYST))
    listed = client.get("/api/v1/links/assertions", params={"ref": chain.person}, headers=headers)
    assert listed.status_code == 200
    manual = [a for a in listed.json()["items"] if a["made_by"].startswith("user:")]
    assert len(manual) == 1 and manual[0]["state"] == "proposed"
    queue = client.get("/api/v1/links/queue", headers=headers).json()
    assert manual[0]["id"] in {a["id"] for a in queue["items"]}
    url = f"/api/v1/links/assertions/{manual[0]['id']}/decision"
    wrong = client.post(url, json={"decision": "maybe"}, headers=headers)
    assert wrong.status_code == 422
    done = client.post(url, json={"decision": "reject", "reason": "two people"}, headers=headers)
    assert done.status_code == 200 and done.json()["state"] == "rejected"
    queue = client.get("/api/v1/links/queue", headers=headers).json()
    assert manual[0]["id"] not in {a["id"] for a in queue["items"]}
    cluster = client.get("/api/v1/links/clusters", params={"ref": chain.person}, headers=headers)
    assert cluster.status_code == 200
    assert chain.quietmail not in {r for c in cluster.json()["components"] for r in c}


def test_review_page_decides_with_csrf(client: TestClient, db: Session, world: World) -> None:
    chain = build_chain(db, world, Marking.GREEN, Scope.ALL)
    user = world.user(chain.ru, Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, user.username) == 303
    page = client.get("/links/queue")
    assert page.status_code == 200 and "subscriber record" in page.text
    row = db.scalars(
        select(IdentityAssertion).where(IdentityAssertion.made_by.like("user:%"))
    ).one()
    refused = client.post(
        f"/links/assertions/{row.id}/decision", data={"decision": "accept", "csrf_token": "x"}
    )
    assert refused.status_code == 403
    assert db.scalar(select(LinkDecision.id)) is None
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    accepted = client.post(
        f"/links/assertions/{row.id}/decision",
        data={"decision": "accept", "reason": "photo", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    db.refresh(row)
    assert row.state is AssertionState.ACCEPTED
    graph_page = client.get("/links/graph", params={"ref": chain.case})
    assert graph_page.status_code == 200
    assert "/static/vendor/cytoscape.min.js" in graph_page.text
    assert 'data-root="' + chain.case in graph_page.text
    missing = client.get("/links/graph", params={"ref": f"persona:{uuid.uuid4()}"})
    assert missing.status_code == 404


def test_split_over_the_api_leaves_both_sides(
    client: TestClient, db: Session, world: World
) -> None:
    chain = build_chain(db, world, Marking.GREEN, Scope.ALL)
    viewer = records_of(db, world.user(chain.ru, Role.SUPERVISOR))
    link = next(a for a in services.assertions_for(viewer, chain.forum) if a.link_kind == "persona")
    headers = world.headers(world.user(chain.ru, Role.SUPERVISOR))
    split = client.post(f"/api/v1/links/assertions/{link.id}/split",
                        json={"reason": "sold key"}, headers=headers)  # fmt: skip
    assert split.status_code == 200, split.text
    parts = split.json()["components"]
    assert any(chain.forum in p and chain.quietmail not in p for p in parts)
    no_reason = client.post(f"/api/v1/links/assertions/{link.id}/split", json={"reason": " "},
                            headers=headers)  # fmt: skip
    assert (
        no_reason.status_code == 422 and no_reason.json()["errors"][0]["location"] == "body.reason"
    )


def test_links_cli_path_and_decision(cli_database: CliDatabase) -> None:
    with cli_database.session() as session:
        world = World(session)
        nl, us = world.agency("cli-nl"), world.agency("cli-us")
        world.user(nl, Role.INVESTIGATOR, "cli.nl")
        world.user(us, Role.INVESTIGATOR, "cli.us")
        key = pgp(5)
        first = ingest(
            records_of(
                session, session.scalars(select(User).where(User.username == "cli.nl")).one()
            ),
            tipline("bell_77", "Forum", info=f"PGP fingerprint {key}"),
        )
        second = ingest(
            records_of(
                session, session.scalars(select(User).where(User.username == "cli.us")).one()
            ),
            tipline("bell77", "Quietmail", info=f"key 0x{key[-16:]}"),
        )
        refs = [f"persona:{persona_in(session, r).id}" for r in (first, second)]
    with cli_database.session() as session:
        link = session.scalars(select(IdentityAssertion)).one()
    shown = cli_database.invoke(["links", "path", refs[0], refs[1], "--user", "cli.nl"])
    assert shown.exit_code == 0, shown.output
    assert "same strong selector: pgp" in shown.output
    assert "bell_77" in shown.output and "bell77" in shown.output
    decided = cli_database.invoke(
        ["links", "decide", str(link.id), "--reject", "--user", "cli.us", "--reason", "sold key"]
    )
    assert decided.exit_code == 0 and "rejected" in decided.output
    bad = cli_database.invoke(["links", "path", "case:x", refs[1], "--user", "cli.nl"])
    assert bad.exit_code == 2 and "from_ref" in bad.output
