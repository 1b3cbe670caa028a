"""Entity pages (leads/entities.py) through need-to-know, and evidence in words
(linking/wording.py): what a person's, a register record's and an account's page says, to whom,
and what it leaves to the holder."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in as sign_in
from tests.conftest import World
from tests.linking.linking_world import fresh_indices, records_of
from tests.linking.test_graph import build_chain
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role
from wayhome.agencies.models import Agency
from wayhome.errors import InvalidInput, NotFound
from wayhome.leads import entities
from wayhome.linking import services as linking
from wayhome.linking.wording import evidence_words, step_words

__all__ = ["fresh_indices"]

MACHINE_WORDS = re.compile(r"filed_to|own_handle|in_report|posted_by|\bbits\b|person_match")


def _id(ref: str) -> uuid.UUID:
    return uuid.UUID(ref.partition(":")[2])


def test_a_register_record_page_reads_in_both_scripts_with_its_links(
    db: Session, world: World
) -> None:
    chain = build_chain(db, world, Marking.AMBER, Scope.ALL)
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    page = entities.register_person_page(viewer, _id(chain.register))
    assert page.title == "Вадим Зорин"
    assert [(n.text, n.latin) for n in page.names] == [("Вадим Зорин", "Vadim Zorin")]
    assert ("Registered in", "Кострома") in page.details
    assert ("Born", "1985-03-02") in page.details
    person = next(line for line in page.links if line.other["id"] == chain.person)
    assert person.url == f"/persons/{_id(chain.person)}"
    assert "names match across scripts" in person.words
    assert not any(MACHINE_WORDS.search(line.words) for line in page.links)
    assert any("raised" in h.decision for h in page.history)


def test_a_person_page_names_who_holds_what_the_viewer_may_not_see(
    db: Session, world: World
) -> None:
    # The account us holds for itself (AMBER, owner) is linked to de's person.
    chain = build_chain(db, world, Marking.AMBER, Scope.OWNER)
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    page = entities.person_page(viewer, _id(chain.person))
    assert page.title == "Vadim Zorin" and ("Born", "1985-03-02") in page.details
    hidden = [line for line in page.links if line.hidden]
    assert hidden and all("held by us" in line.words for line in hidden)
    assert page.holders == ["us"]
    assert all(chain.quietmail != line.other["id"] for line in page.links)
    assert page.appears_in and page.appears_in[0][0] == "case"
    # The account itself: a 404 for ru, as for a record that does not exist.
    with pytest.raises(NotFound):
        entities.persona_page(viewer, _id(chain.quietmail))
    stranger = records_of(db, world.user(world.agency("xx"), Role.ANALYST))
    with pytest.raises(NotFound):
        entities.persona_page(stranger, _id(chain.quietmail))


def test_red_links_are_left_out_not_named(db: Session, world: World) -> None:
    chain = build_chain(db, world, Marking.RED, Scope.OWNER)
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    page = entities.person_page(viewer, _id(chain.person))
    assert page.holders == [] and not any(line.hidden for line in page.links)


def test_what_the_user_types_is_resolved_to_an_entity(db: Session, world: World) -> None:
    chain = build_chain(db, world, Marking.AMBER, Scope.ALL)
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    assert entities.resolve_entity(viewer, chain.case, "query.ref") == chain.case
    assert entities.resolve_entity(viewer, "Зорин", "query.to") in (chain.register, chain.person)
    assert entities.resolve_entity(viewer, "kolokol_77", "query.to").startswith("persona:")
    with pytest.raises(InvalidInput) as empty:
        entities.resolve_entity(viewer, "  ", "query.to")
    assert empty.value.location == "query.to"
    with pytest.raises(NotFound):
        entities.resolve_entity(viewer, "Qwertyuiopasd", "query.to")


def test_the_history_leaves_out_links_to_an_end_the_viewer_may_not_see(
    db: Session, world: World
) -> None:
    # us links its own account (AMBER, owner) to ru's register record, the link shared with
    # all: ru sees the link row but not its other end, so neither its reason nor its decisions.
    chain = build_chain(db, world, Marking.AMBER, Scope.OWNER)
    us = db.scalars(select(Agency).where(Agency.code == "us")).one()
    linking.assert_link(
        records_of(db, world.user(us, Role.SUPERVISOR)),
        linking.NewAssertion(chain.quietmail, chain.register, 0.8, "informant Ф. says so",
                             Marking.AMBER, Scope.ALL),
    )  # fmt: skip
    db.flush()
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    page = entities.register_person_page(viewer, _id(chain.register))
    assert page.history  # the visible link to de's person is still told
    assert all(h.other != chain.quietmail for h in page.history)
    assert not any("informant" in h.reason for h in page.history)


def test_a_selector_held_only_out_of_sight_reads_as_one_nobody_holds(
    db: Session, world: World
) -> None:
    # us holds the e-mail address in a RED report of its own: ru may not learn it exists.
    chain = build_chain(db, world, Marking.RED, Scope.OWNER)
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    for text in ("kolokol.77@mailbox.example", "nobody.holds.this@mailbox.example"):
        with pytest.raises(NotFound) as refused:
            entities.resolve_entity(viewer, text, "query.to")
        assert refused.value.detail == f"nothing you may see matches {text!r}; try the search"
    # us itself resolves its own value to the selector.
    us = db.scalars(select(Agency).where(Agency.code == "us")).one()
    own = records_of(db, world.user(us, Role.SUPERVISOR))
    assert entities.resolve_entity(own, "kolokol.77@mailbox.example", "q").startswith("selector:")


def test_the_pages_over_http_and_a_404_keeps_the_navigation(
    client: TestClient, db: Session, world: World
) -> None:
    chain = build_chain(db, world, Marking.AMBER, Scope.OWNER)
    user = world.user(chain.ru, Role.INVESTIGATOR)
    db.commit()
    assert sign_in(client, user.username) == 303
    page = client.get(f"/register-persons/{_id(chain.register)}")
    assert page.status_code == 200 and "Vadim Zorin" in page.text
    assert "names match across scripts" in page.text
    graph = client.get("/links/graph", params={"ref": chain.case, "to": "Зорин"})
    assert graph.status_code == 200 and 'data-testid="step-words"' in graph.text
    assert not MACHINE_WORDS.search(re.sub(r"<[^>]+>", " ", graph.text.split("<h2>Nodes")[0]))
    missing = client.get(f"/personas/{_id(chain.quietmail)}")
    assert missing.status_code == 404
    assert 'data-testid="nav-menu"' in missing.text and 'data-testid="error-search"' in missing.text


def _node(kind: str, label: str) -> dict[str, object]:
    return {"id": f"{kind}:1", "kind": kind, "label": label, "hidden": False}


@pytest.mark.parametrize(
    ("kind", "ends", "evidence", "said"),
    [
        ("filed_to", ("case", "report"), [], "filed in report “Tip” by hub"),
        ("in_report", ("report", "persona"), [], "named in report “Tip” by hub"),
        ("own_handle", ("persona", "selector"), [], "uses the handle forum:dozor_85"),
        (
            "posted_by",
            ("persona", "selector"),
            ["the persona posted the pgp_fingerprint (same report)"],
            "posted the PGP key fingerprint AB12 in a report by hub",
        ),
        (
            "assertion",
            ("person", "register_person"),
            ["person_match:name: same name after transliteration (+10.9 bits)"],
            "accepted link: names match across scripts (very strong)",
        ),
    ],
)
def test_each_step_in_words(
    kind: str, ends: tuple[str, str], evidence: list[str], said: str
) -> None:
    labels = {
        "case": "WH-1",
        "report": "Tip",
        "persona": "forum:dozor_85",
        "person": "P",
        "register_person": "R",
    }
    labels["selector"] = "pgp_fingerprint AB12" if kind == "posted_by" else "handle forum:dozor_85"
    step = {
        "from": _node(ends[0], labels[ends[0]]),
        "to": _node(ends[1], labels[ends[1]]),
        "edge": {"kind": kind, "evidence": evidence, "agency": "hub", "hidden": False,
                 "state": "accepted"},
    }  # fmt: skip
    assert step_words(step) == said


def test_a_hidden_step_names_only_its_holder() -> None:
    edge = {"kind": "hidden", "evidence": ["a hidden link exists here, held by uk"],
            "agency": "uk", "hidden": True}  # fmt: skip
    said = step_words({"from": _node("persona", "a"), "to": _node("hidden", "b"), "edge": edge})
    assert said == "a link you may not see, held by uk (ask them through channels)"


def test_evidence_pieces_in_words() -> None:
    assert evidence_words("person_match:birth: same date of birth (+8.7 bits)") == (
        "same date of birth (strong)"
    )
    assert evidence_words("handle: 'a' reads 'a', 'b' reads 'b' (-1.0 bits)").endswith("(against)")
    assert evidence_words("not a piece of evidence") == "not a piece of evidence"
