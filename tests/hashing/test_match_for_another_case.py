"""Matching hashes for another agency's case: the match is the caller's own record filed to
the case (as a report can be), and the case's timeline gains no entry from it."""

from __future__ import annotations

import random
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.cases.helpers import open_child
from tests.conftest import World
from tests.hashing.banks import create_bank, import_list, match, media, random_hex, vics
from wayhome.access.models import Role
from wayhome.cases.models import Event
from wayhome.hashing.models import HashMatch

RNG = random.Random(21)


def test_a_match_names_the_case_only_when_the_callers_agency_holds_it(
    client: TestClient, world: World, db: Session
) -> None:
    ru, us = world.agency("hm-ru", "RU"), world.agency("hm-us", "US")
    owner = world.headers(world.user(ru, Role.INVESTIGATOR))
    reader = world.headers(world.user(us, Role.ANALYST))
    md5, other_md5 = random_hex(32, RNG), random_hex(32, RNG)
    bank_id = create_bank(client, owner, "Shared series", marking="GREEN", scope="all")
    import_list(client, owner, bank_id, vics([media(md5, series="S-1"), media(other_md5)]))
    case_id = open_child(client, owner, scope="all")["id"]
    case = uuid.UUID(case_id)

    found = match(client, reader, [{"md5": md5}], case_id=case_id)
    assert [m["series"] for m in found["results"][0]["matches"]] == ["S-1"]
    assert found["linked"] == 1  # recorded as the caller's own match, filed to the case ...
    kinds = set(db.scalars(select(Event.kind).where(Event.case_id == case)))
    assert "hash_match" not in kinds  # ... and never written into the case's timeline
    held = db.execute(
        select(HashMatch.case_id, HashMatch.querier_agency_id).where(
            HashMatch.bank_id == uuid.UUID(bank_id)
        )
    ).all()
    assert held == [(case, us.id)]

    # The case's own agency matching for its case records the match on it.
    match(client, owner, [{"md5": other_md5}], case_id=case_id)
    kinds = set(db.scalars(select(Event.kind).where(Event.case_id == case)))
    assert "hash_match" in kinds
    linked = db.scalars(select(HashMatch.querier_agency_id).where(HashMatch.case_id == case)).all()
    assert sorted(map(str, linked)) == sorted([str(us.id), str(ru.id)])
