"""Review at scale: every link a page at a time (API, CLI, page) with both records by name and
the evidence in words, and decisions on many links at once — all through need-to-know."""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import CliDatabase, World
from tests.linking.linking_world import records_of
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.agencies.models import Agency
from wayhome.audit.models import AuditEntry
from wayhome.cases.models import Person, PersonName, PersonRole
from wayhome.errors import InvalidInput, NotFound
from wayhome.linking import services
from wayhome.linking.models import AssertionState, IdentityAssertion, LinkDecision
from wayhome.linking.wording import evidence_sentence, read_name, weighing

EVIDENCE = [
    {"kind": "person_match:name", "detail": "same name after transliteration",
     "contribution": 8.1, "agency": "ru"},
    {"kind": "person_match:birth", "detail": "different", "contribution": -4.2, "agency": "zz"},
]  # fmt: skip


def _person(
    db: Session, agency: Agency, *names: str, marking: Marking = Marking.GREEN,
    scope: Scope = Scope.ALL,
) -> str:  # fmt: skip
    person = Person(
        agency_id=agency.id,
        marking=marking,
        scope=scope,
        role=PersonRole.SUSPECT,
        names=[PersonName(full_name=n, script="Latn" if n.isascii() else "Cyrl") for n in names],
    )
    db.add(person)
    db.flush()
    return f"person:{person.id}"


def _link(
    db: Session,
    left: str,
    right: str,
    score: float,
    state: AssertionState = AssertionState.PROPOSED,
    holder: Agency | None = None,
    marking: Marking = Marking.GREEN,
    scope: Scope = Scope.ALL,
) -> IdentityAssertion:
    assert holder is not None
    row = IdentityAssertion(
        pair_key=services.pair_key(left, right),
        left_ref=left,
        right_ref=right,
        link_kind="person",
        score=score,
        strong=False,
        state=state,
        made_by="model:person",
        evidence=EVIDENCE,
        agency_id=holder.id,
        marking=marking,
        scope=scope,
        reason="",
    )
    db.add(row)
    db.flush()
    return row


@dataclass
class Links:
    """Persons of two agencies and the links between them, some with an end hidden from ru."""

    ru: Agency
    de: Agency
    seen: IdentityAssertion  # ru's Cyrillic person ~ de's Latin one, proposed
    auto: IdentityAssertion  # two visible persons, accepted by the model
    hidden_end: IdentityAssertion  # the row is shared with all, one end is de's own
    red_end: IdentityAssertion  # one end is RED: investigators see it, analysts do not


def _links(db: Session, world: World) -> Links:
    ru, de = world.agency("ru"), world.agency("de")
    zorin = _person(db, ru, "Вадим Зорин", "Vadim Zorin")
    vadim = _person(db, de, "Vadim Zorin")
    other = _person(db, de, "Wadim Sorin")
    own = _person(db, de, "Vadim Zorin", marking=Marking.AMBER, scope=Scope.OWNER)
    red = _person(db, ru, "Вадим Зорін", marking=Marking.RED, scope=Scope.OWNER)
    links = Links(
        ru,
        de,
        _link(db, zorin, vadim, 0.8, holder=de),
        _link(db, vadim, other, 0.995, AssertionState.ACCEPTED, holder=de),
        _link(db, zorin, own, 0.9, holder=de),
        _link(db, zorin, red, 0.7, holder=ru),
    )
    db.commit()
    return links


def test_names_in_their_script_with_a_latin_reading() -> None:
    assert read_name("Вадим Зорин").latin == "Vadim Zorin"
    assert read_name("Олена Шевченко-Коваль").latin == "Olena Shevchenko-Koval"
    assert read_name("Γιώργος Παπαδόπουλος").script == "greek"
    assert read_name("Vadim Zorin") == read_name("Vadim Zorin")
    assert read_name("Vadim Zorin").latin is None and read_name("Vadim Zorin").script == "latin"


def test_evidence_reads_as_a_sentence() -> None:
    said = evidence_sentence("person_match:birth", "same date of birth", 6.23)
    assert said == "Dates of birth: same date of birth — for (+6.2 bits)."
    assert evidence_sentence("shared_selector", "same strong selector: email", 14).startswith(
        "Selectors: same strong selector: email — strongly for"
    )
    assert "slightly against" in evidence_sentence("stylometry", "unlike", -0.7)
    assert evidence_sentence("new_kind:x_y", "", 0.0) == "X y: no detail — neutral (+0.0 bits)."
    assert [weighing(b) for b in (12, 3, 1, 0, -2, -11)] == [
        "strongly for", "for", "slightly for", "neutral", "against", "strongly against"
    ]  # fmt: skip


def test_listing_shows_names_evidence_and_never_a_hidden_end(
    client: TestClient, db: Session, world: World
) -> None:
    links = _links(db, world)
    analyst = world.headers(world.user(links.ru, Role.ANALYST))
    answer = client.get("/api/v1/links", headers=analyst)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    ids = [item["id"] for item in body["items"]]
    # Best first; the links with a hidden end are neither listed nor counted.
    assert ids == [str(links.auto.id), str(links.seen.id)] and body["total"] == 2
    seen = body["items"][1]
    assert seen["state"] == "proposed" and seen["score"] == 0.8
    left = seen["left"]
    assert left["kind"] == "person" and left["agency"] == "ru"
    assert {"text": "Вадим Зорин", "script": "cyrillic", "latin": "Vadim Zorin"} in left["names"]
    assert seen["right"]["names"] == [{"text": "Vadim Zorin", "script": "latin", "latin": None}]
    assert [e["sentence"] for e in seen["evidence"]] == [
        "Names: same name after transliteration — for (+8.1 bits).",
        "Dates of birth: different — against (-4.2 bits).",
    ]
    # An evidence item names an agency only when it holds one of the two records.
    assert [e["agency"] for e in seen["evidence"]] == ["ru", None]
    assert body["items"][0]["state"] == "auto-accepted" and body["items"][0]["decided"] is None
    # An investigator of ru sees the RED end too; the de-owned end stays out for everyone.
    investigator = world.headers(world.user(links.ru, Role.INVESTIGATOR))
    wider = client.get("/api/v1/links", headers=investigator).json()
    assert wider["total"] == 3
    assert str(links.hidden_end.id) not in {i["id"] for i in wider["items"]}
    # Filters: state, score band, kind, entity, order.
    only = client.get("/api/v1/links", params={"state": "auto-accepted"}, headers=analyst).json()
    assert [i["id"] for i in only["items"]] == [str(links.auto.id)]
    both = client.get(
        "/api/v1/links", params=[("state", "proposed"), ("state", "auto-accepted")], headers=analyst
    ).json()
    assert both["total"] == 2
    band = client.get("/api/v1/links", params={"min_score": 0.5, "max_score": 0.9},
                      headers=analyst).json()  # fmt: skip
    assert [i["id"] for i in band["items"]] == [str(links.seen.id)]
    rising = client.get("/api/v1/links", params={"sort": "score"}, headers=analyst).json()
    assert [i["id"] for i in rising["items"]] == [str(links.seen.id), str(links.auto.id)]
    of_one = client.get("/api/v1/links", params={"ref": links.seen.left_ref}, headers=analyst)
    assert [i["id"] for i in of_one.json()["items"]] == [str(links.seen.id)]
    assert (
        client.get("/api/v1/links", params={"kind": "persona"}, headers=analyst).json()["total"]
        == 0
    )
    # Bad input names the field.
    for params, field in (
        ({"state": "maybe"}, "query.state"),
        ({"min_score": 0.9, "max_score": 0.5}, "query.max_score"),
        ({"kind": "nonsense"}, "query.kind"),
        ({"ref": "person:nope"}, "query.ref"),
        ({"sort": "name"}, "query.sort"),
        ({"limit": 100_000}, "query.limit"),
    ):
        refused = client.get("/api/v1/links", params=params, headers=analyst)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["location"].startswith(field), refused.json()


def test_listing_pages_in_sql_past_two_thousand_links(
    client: TestClient, db: Session, world: World
) -> None:
    ru = world.agency("ru")
    persons = [_person(db, ru, f"Person {n:03d}") for n in range(66)]
    pairs = list(itertools.combinations(persons, 2))[:2_050]
    for n, (left, right) in enumerate(pairs):
        _link(db, left, right, 0.55 + 0.4 * n / len(pairs), holder=ru)
    db.commit()
    headers = world.headers(world.user(ru, Role.ANALYST))
    last = client.get("/api/v1/links/queue", params={"limit": 50, "offset": 2_000},
                      headers=headers).json()  # fmt: skip
    assert last["total"] == 2_050 and len(last["items"]) == 50
    listed = client.get("/api/v1/links", params={"queue": True, "limit": 200, "offset": 1_900},
                        headers=headers).json()  # fmt: skip
    assert listed["total"] == 2_050 and len(listed["items"]) == 150
    scores = [i["score"] for i in listed["items"]]
    assert scores == sorted(scores, reverse=True) and scores[-1] == pytest.approx(0.55)
    # Pages never overlap: ties are broken by id.
    first = client.get("/api/v1/links", params={"limit": 200}, headers=headers).json()
    second = client.get("/api/v1/links", params={"limit": 200, "offset": 200},
                        headers=headers).json()  # fmt: skip
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def _decisions(db: Session, ids: list[uuid.UUID]) -> int:
    stmt = select(func.count()).select_from(LinkDecision).where(LinkDecision.assertion_id.in_(ids))
    return int(db.scalar(stmt) or 0)


def test_bulk_decisions_are_all_or_nothing_and_audited_per_link(
    client: TestClient, db: Session, world: World
) -> None:
    links = _links(db, world)
    reviewer = world.user(links.ru, Role.ANALYST)
    headers = world.headers(reviewer)
    ids = [links.seen.id, links.auto.id]

    def post(body: dict[str, Any]) -> Any:
        return client.post("/api/v1/links/decisions", json=body, headers=headers)

    hidden = post({"decision": "accept", "ids": [str(links.seen.id), str(links.hidden_end.id)]})
    assert hidden.status_code == 404
    assert hidden.json()["errors"][0]["location"] == "body.ids.1"
    no_reason = post({"decision": "reject", "ids": [str(i) for i in ids], "reason": "  "})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["location"] == "body.reason"
    twice = post({"decision": "accept", "ids": [str(links.seen.id)] * 2})
    assert twice.status_code == 422 and twice.json()["errors"][0]["location"] == "body.ids.1"
    too_many = post({"decision": "accept", "ids": [str(uuid.uuid4()) for _ in range(201)]})
    assert too_many.status_code == 422
    assert _decisions(db, [links.seen.id, links.hidden_end.id]) == 0
    db.expire_all()
    assert db.get(IdentityAssertion, links.seen.id).state is AssertionState.PROPOSED  # type: ignore[union-attr]
    done = post({"decision": "reject", "ids": [str(i) for i in ids], "reason": "two men"})
    assert done.status_code == 200, done.text
    assert [i["state"] for i in done.json()["items"]] == ["rejected", "rejected"]
    assert _decisions(db, ids) == 2
    audited = db.scalars(
        select(AuditEntry.object_id).where(
            AuditEntry.action == "update", AuditEntry.object_kind == "assertion"
        )
    ).all()
    assert {str(i) for i in ids} <= set(audited)
    rejected = client.get("/api/v1/links", params={"state": "rejected"}, headers=headers).json()
    assert rejected["total"] == 2
    decided = rejected["items"][0]["decided"]
    assert decided["by"] == reviewer.username and decided["agency"] == "ru"
    assert decided["reason"] == "two men" and decided["at"]
    # Another agency's reviewer is named by his agency only.
    outsider = world.headers(world.user(links.de, Role.ANALYST))
    seen_by_de = client.get("/api/v1/links", params={"state": "rejected"}, headers=outsider)
    assert {i["decided"]["by"] for i in seen_by_de.json()["items"]} == {None}
    assert {i["decided"]["agency"] for i in seen_by_de.json()["items"]} == {"ru"}


def test_one_decision_over_the_api_needs_a_reason_to_reject(
    client: TestClient, db: Session, world: World
) -> None:
    links = _links(db, world)
    headers = world.headers(world.user(links.ru, Role.ANALYST))
    url = f"/api/v1/links/assertions/{links.seen.id}/decision"
    refused = client.post(url, json={"decision": "reject"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "body.reason"
    assert client.post(url, json={"decision": "accept"}, headers=headers).status_code == 200


def test_bulk_decisions_in_the_service(db: Session, world: World) -> None:
    links = _links(db, world)
    records = records_of(db, world.user(links.ru, Role.ANALYST))
    with pytest.raises(InvalidInput) as empty:
        services.decide_many(records, [], "accept", "")
    assert empty.value.location == "body.ids"
    with pytest.raises(InvalidInput):
        services.decide_many(records, [links.seen.id], "maybe", "")
    with pytest.raises(NotFound):
        services.decide_many(records, [links.red_end.id], "accept", "")  # RED end: analyst
    admin = records_of(db, world.user(links.ru, Role.ADMIN))
    with pytest.raises(Exception, match="does not write"):
        services.decide_many(admin, [links.seen.id], "accept", "")
    accepted = services.decide_many(records, [links.seen.id, links.auto.id], "accept", "")
    assert {r.state for r in accepted} == {AssertionState.ACCEPTED}
    page = services.list_links(records, services.LinkFilter((services.LinkState.ACCEPTED,)))
    assert page.total == 2 and all(v.decided is not None for v in page.items)


def test_review_page_shows_names_and_decides_in_bulk(
    client: TestClient, db: Session, world: World
) -> None:
    links = _links(db, world)
    user = world.user(links.ru, Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, user.username) == 303
    page = client.get("/links/queue")
    assert page.status_code == 200
    assert "Вадим Зорин" in page.text and "(Vadim Zorin)" in page.text
    assert "Names: same name after transliteration — for (+8.1 bits)." in page.text
    assert links.seen.left_ref not in re.sub(r'href="[^"]*"', "", page.text)  # names, not refs
    assert str(links.hidden_end.id) not in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    form = {"decision": "reject", "ids": [str(links.seen.id), str(links.red_end.id)],
            "csrf_token": token.group(1), "back": "/links/queue?state=&kind=&offset=0"}  # fmt: skip
    assert client.post("/links/decisions", data={**form, "csrf_token": "x"}).status_code == 403
    no_reason = client.post("/links/decisions", data=form)
    assert no_reason.status_code == 422 and "say why" in no_reason.text
    assert _decisions(db, [links.seen.id, links.red_end.id]) == 0
    done = client.post("/links/decisions", data={**form, "reason": "different fathers"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == form["back"]
    assert client.get(done.headers["location"]).status_code == 200
    assert client.get("/links/queue", params={"state": "maybe"}).status_code == 422
    assert _decisions(db, [links.seen.id, links.red_end.id]) == 2
    rejected = client.get("/links/queue", params={"state": "rejected"})
    assert "different fathers" in rejected.text and f"by {user.username}" in rejected.text
    assert "Nothing here." in client.get("/links/queue").text


def test_links_cli_lists_pages_and_decides_many(cli_database: CliDatabase) -> None:
    with cli_database.session() as session:
        world = World(session)
        links = _links(session, world)
        world.user(links.ru, Role.ANALYST, "cli.ru")
        ids = [str(links.seen.id), str(links.auto.id)]
        hidden = str(links.hidden_end.id)
    listed = cli_database.invoke(["links", "list", "--user", "cli.ru"])
    assert listed.exit_code == 0, listed.output
    assert "Вадим Зорин (Vadim Zorin)" in listed.output and hidden not in listed.output
    assert "Names: same name after transliteration" in listed.output
    assert "links 1-2 of 2" in listed.output
    paged = cli_database.invoke(["links", "list", "--user", "cli.ru", "--limit", "1",
                                 "--offset", "1", "--json"])  # fmt: skip
    assert paged.exit_code == 0, paged.output
    assert '"total": 2' in paged.output and ids[0] in paged.output and ids[1] not in paged.output
    bad = cli_database.invoke(["links", "list", "--user", "cli.ru", "--state", "maybe"])
    assert bad.exit_code == 2
    queue = cli_database.invoke(["links", "queue", "--user", "cli.ru"])
    assert queue.exit_code == 0 and ids[0] in queue.output and ids[1] not in queue.output
    refused = cli_database.invoke(["links", "decide", *ids, "--reject", "--user", "cli.ru"])
    assert refused.exit_code == 2 and "reason" in refused.output
    hidden_one = cli_database.invoke(
        ["links", "decide", ids[0], hidden, "--accept", "--user", "cli.ru"]
    )
    assert hidden_one.exit_code == 2 and "body.ids.1" in hidden_one.output
    decided = cli_database.invoke(["links", "decide", *ids, "--reject", "--reason", "namesakes",
                                   "--user", "cli.ru"])  # fmt: skip
    assert decided.exit_code == 0, decided.output
    assert decided.output.count("rejected") == 2
    with cli_database.session() as session:
        by = session.scalars(select(User.id).where(User.username == "cli.ru")).one()
        rows = session.scalars(select(LinkDecision).where(LinkDecision.user_id == by)).all()
        assert {r.reason for r in rows} == {"namesakes"} and len(rows) == 2
