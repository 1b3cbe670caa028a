"""The link graph and evidence paths through need-to-know: hidden records are markers only."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.linking.linking_world import fresh_indices, ingest, persona_in, pgp, records_of, tipline
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role
from wayhome.agencies.models import Agency
from wayhome.audit.models import AuditEntry
from wayhome.cases import services as cases
from wayhome.cases.models import CaseKind, PersonRole, Sex
from wayhome.cases.schemas import CaseIn, NameIn, PersonIn
from wayhome.errors import InvalidInput, NotFound
from wayhome.linking import services
from wayhome.linking.models import IdentityAssertion
from wayhome.locate import services as locating
from wayhome.locate.models import RegisterPersonRecord

__all__ = ["fresh_indices"]


@dataclass
class Chain:
    """From a missing child's case to a suspect in a register, across four agencies."""

    ru: Agency
    case: str
    forum: str  # persona in the report filed to the case (nl)
    quietmail: str  # persona held by us, marked as the test says
    person: str  # Latin-script person (de)
    register: str  # Cyrillic register person (ru)


def build_chain(
    db: Session, world: World, marking: Marking, scope: Scope, shared: tuple[str, ...] = ()
) -> Chain:
    ru, nl, us, de = (world.agency(c) for c in ("ru", "nl", "us", "de"))
    codes = {"ru": ru.id}
    ru_records = records_of(db, world.user(ru, Role.SUPERVISOR))
    case = cases.open_case(
        ru_records,
        CaseIn(title="Boy, 7, missing", kind=CaseKind.MISSING_CHILD, marking=Marking.AMBER,
               scope=Scope.ALL),
    )  # fmt: skip
    key = pgp(11)
    first = ingest(
        records_of(db, world.user(nl, Role.INVESTIGATOR)),
        tipline("kolokol_77", "Forum", info=f"PGP fingerprint {key}"),
        case_id=case.id,
    )
    db.commit()
    us_user = world.user(us, Role.SUPERVISOR)
    second = ingest(
        records_of(db, us_user),
        tipline("kolokol77", "Quietmail", email="kolokol.77@mailbox.example",
                info=f"key 0x{key[-16:]}"),
        marking,
        scope,
        tuple(codes[c] for c in shared),
    )  # fmt: skip
    db.commit()
    de_records = records_of(db, world.user(de, Role.SUPERVISOR))
    de_case = cases.open_case(
        de_records, CaseIn(title="Seized server", kind=CaseKind.EXPLOITATION,
                           marking=Marking.AMBER, scope=Scope.ALL),
    )  # fmt: skip
    person = cases.add_person(
        de_records,
        de_case.id,
        PersonIn(role=PersonRole.SUSPECT, names=[NameIn(full_name="Vadim Zorin")],
                 date_of_birth=dt.date(1985, 3, 2), sex=Sex.MALE, marking=Marking.AMBER,
                 scope=Scope.ALL),
    )  # fmt: skip
    quietmail = f"persona:{persona_in(db, second).id}"
    services.assert_link(
        records_of(db, us_user),
        services.NewAssertion(quietmail, f"person:{person.id}", 0.9, "subscriber record",
                              marking, scope, tuple(codes[c] for c in shared)),
    )  # fmt: skip
    loaded = locating.import_register(
        ru_records,
        "person_id,full_name,residence,birth_date,sex\nR-1,Вадим Зорин,Кострома,1985-03-02,M\n"
        .encode(),
        "register.csv", Marking.AMBER, Scope.ALL, [],
    )  # fmt: skip
    register = db.scalars(
        select(RegisterPersonRecord.id).where(RegisterPersonRecord.import_id == loaded.import_id)
    ).one()
    # The import matched the extract in one batch against the held persons.
    key = services.pair_key(f"person:{person.id}", f"register_person:{register}")
    assert db.scalar(select(IdentityAssertion.id).where(IdentityAssertion.pair_key == key))
    db.commit()
    return Chain(
        ru,
        f"case:{case.id}",
        f"persona:{persona_in(db, first).id}",
        quietmail,
        f"person:{person.id}",
        f"register_person:{register}",
    )


def test_the_path_from_a_case_to_a_register_suspect_shows_every_step(
    db: Session, world: World
) -> None:
    chain = build_chain(db, world, Marking.AMBER, Scope.ALL)
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    path = services.evidence_path(viewer, chain.case, chain.register)
    assert path["found"]
    walked = [path["steps"][0]["from"]["id"]] + [s["to"]["id"] for s in path["steps"]]
    assert walked[0] == chain.case and walked[-1] == chain.register
    assert chain.forum in walked and chain.quietmail in walked and chain.person in walked
    assert not any(s["edge"]["hidden"] for s in path["steps"])
    assertion_steps = [s["edge"] for s in path["steps"] if s["edge"]["kind"] == "assertion"]
    assert any("same strong selector: pgp" in e for s in assertion_steps for e in s["evidence"])
    assert {s["agency"] for s in assertion_steps} >= {"us", "nl"} or {
        s["agency"] for s in assertion_steps
    } >= {"us"}
    assert 0 < path["confidence"] < 1
    hops = services.evidence_path(viewer, chain.case, chain.register, by="hops")
    assert len(hops["steps"]) <= len(path["steps"])
    audited = db.scalars(select(AuditEntry.object_kind).where(AuditEntry.action == "read")).all()
    assert "graph_path" in audited


def _can_see(role: Role, marking: Marking, relation: str) -> bool:
    return relation == "shared" and not (marking is Marking.RED and role is Role.ANALYST)


@pytest.mark.parametrize("marking", list(Marking))
@pytest.mark.parametrize("relation", ["owner", "shared"])
def test_hidden_records_are_markers_in_graph_and_path(
    db: Session, world: World, marking: Marking, relation: str
) -> None:
    if relation == "owner":
        scope, shared = Scope.OWNER, ()
    elif marking is Marking.RED:
        scope, shared = Scope.NAMED, ("ru",)
    else:
        scope, shared = Scope.ALL, ()
    chain = build_chain(db, world, marking, scope, shared)
    for role in (Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR):
        viewer = records_of(db, world.user(chain.ru, role))
        sees = _can_see(role, marking, relation)
        path = services.evidence_path(viewer, chain.case, chain.register)
        hood = services.neighbourhood(viewer, chain.forum, 1)
        text = json.dumps([path, hood])
        ids = {n["id"] for n in hood["nodes"]}
        if sees:
            assert path["found"] and chain.quietmail in text and "kolokol77" in text, role
            assert chain.quietmail in ids
            continue
        assert chain.quietmail not in text and "kolokol77" not in text, (role, marking)
        assert "mailbox.example" not in text
        if marking is Marking.RED:
            # RED held by another agency: not even a marker, and no path through it.
            assert not path["found"] and '"us"' not in text and "held by us" not in text
            assert all(not n["hidden"] for n in hood["nodes"])
        else:
            assert path["found"]
            hidden = [s for s in path["steps"] if s["edge"]["hidden"]]
            assert hidden and all(s["edge"]["agency"] == "us" for s in hidden), [
                (s["edge"]["agency"], s["edge"]["evidence"]) for s in hidden
            ]
            assert all(s["edge"]["evidence"] == [
                "a hidden link exists here, held by us"] for s in hidden)  # fmt: skip
            markers = [n for n in hood["nodes"] if n["hidden"]]
            assert markers and all(n["label"] == "held by us" for n in markers)
            assert set(markers[0]) == {"id", "kind", "label", "agency", "holders", "hidden"}


def test_graph_refuses_bad_and_invisible_references(db: Session, world: World) -> None:
    chain = build_chain(db, world, Marking.AMBER, Scope.OWNER)
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    with pytest.raises(InvalidInput) as bad:
        services.neighbourhood(viewer, "case:not-a-uuid")
    assert bad.value.location == "query.ref"
    with pytest.raises(InvalidInput):
        services.neighbourhood(viewer, "spaceship:1")
    with pytest.raises(NotFound):
        services.neighbourhood(viewer, f"case:{uuid.uuid4()}")
    with pytest.raises(NotFound):  # exists, but held by us only
        services.neighbourhood(viewer, chain.quietmail)
    with pytest.raises(NotFound):
        services.evidence_path(viewer, chain.case, chain.quietmail)
    with pytest.raises(InvalidInput) as same:
        services.evidence_path(viewer, chain.case, chain.case)
    assert same.value.location == "query.to_ref"
    admin = records_of(db, world.user(chain.ru, Role.ADMIN))
    with pytest.raises(NotFound):
        services.neighbourhood(admin, chain.case)


def test_neighbourhood_expands_and_is_audited(db: Session, world: World) -> None:
    chain = build_chain(db, world, Marking.GREEN, Scope.ALL)
    viewer = records_of(db, world.user(chain.ru, Role.ANALYST))
    one = services.neighbourhood(viewer, chain.case, 1)
    two = services.neighbourhood(viewer, chain.case, 2)
    assert len(two["nodes"]) > len(one["nodes"]) >= 2
    assert chain.forum in {n["id"] for n in two["nodes"]}
    kinds = {e["kind"] for e in services.neighbourhood(viewer, chain.forum, 2)["edges"]}
    assert {"in_report", "assertion", "same_report"} <= kinds
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.object_kind == "graph").order_by(AuditEntry.seq.desc())
    ).first()
    assert entry is not None and entry.detail["depth"] == 2  # type: ignore[index]


def test_a_key_in_one_users_post_links_only_that_users_persona(
    db: Session, world: World, fresh_indices: None
) -> None:
    from wayhome.intake.models import Persona
    from wayhome.intake.services import import_file
    from wayhome.intake.store import Placement
    from wayhome.linking.graph import Graph

    nl, us = world.agency("nl"), world.agency("us")
    key = pgp(21)
    spaced = " ".join(key[i : i + 4] for i in range(0, 40, 4))
    scrape = (
        "Forum scrape\n"
        f"2025-08-01 21:10 | user: zvonar_31 | PGP fingerprint: {spaced}\n"
        "2025-08-02 10:00 | user: vorona_404 | hello all\n"
    ).encode()
    nl_records = records_of(db, world.user(nl, Role.INVESTIGATOR))
    result, _ = import_file(
        nl_records,
        scrape,
        Placement(Marking.AMBER, Scope.ALL, []),
        filename="scrape.txt",
        max_bytes=1 << 20,
    )
    report_id = result.report_ids[0]
    personas = {
        p.handle_canonical: p
        for p in db.scalars(select(Persona).where(Persona.report_id == report_id))
    }
    author, other = personas["forum:zvonar_31"], personas["forum:vorona_404"]
    account = persona_in(
        db,
        ingest(
            records_of(db, world.user(us, Role.INVESTIGATOR)),
            tipline("zv.account", "Mailcove", info=f"signed with PGP fingerprint {key}"),
        ),
    )
    graph = Graph(nl_records)
    edges = graph.edges_of([f"persona:{author.id}", f"persona:{other.id}"])
    to_key = [e for e in edges if e.right.startswith("selector:") and "pgp" in e.evidence[0]]
    assert [(e.left, e.kind) for e in to_key] == [(f"persona:{author.id}", "posted_by")]
    key_ref = to_key[0].right
    # the key node reaches the other account that carries it (the only account in its report)
    through = graph.edges_of([key_ref])
    assert any(
        e.kind == "posted_by" and f"persona:{account.id}" in (e.left, e.right) for e in through
    )
    assert not any(f"persona:{other.id}" in (e.left, e.right) for e in through)
    # and the persona model links the author's account, never the other user's, by the key
    links = {a.pair_key for a in services.match_persona(db, account)}
    assert services.pair_key(f"persona:{author.id}", f"persona:{account.id}") in links
    assert services.pair_key(f"persona:{other.id}", f"persona:{account.id}") not in links
