"""Matching submitted hashes against banks across agencies: visible matches, hit/no-hit,
silent and RED banks, exact and near matches, weak PDQs, rotations, the live index."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.hashing.banks import create_bank, flipped, import_list, match, media, random_hex, vics
from tests.hashing.synthetic import rgb, scene
from wayhome.access.models import Role
from wayhome.access.records import Records
from wayhome.access.services import viewer_of
from wayhome.audit.models import AuditEntry
from wayhome.hashing.matches import deconfliction
from wayhome.hashing.models import HashMatch
from wayhome.hashing.pdq import pdq_from_rgb
from wayhome.hashing.services import import_into_bank

RNG = random.Random(17)


class Cast:
    """Three agencies: the holder of the banks (RU), a querier (DE) and a bystander (NL)."""

    def __init__(self, world: World) -> None:
        ru, de, nl = world.agency("ru", "RU"), world.agency("de", "DE"), world.agency("nl", "NL")
        self.holder_user = world.user(ru, Role.INVESTIGATOR)
        self.querier_user = world.user(de, Role.INVESTIGATOR)
        self.holder = world.headers(self.holder_user)
        self.holder_analyst = world.headers(world.user(ru, Role.ANALYST))
        self.querier = world.headers(self.querier_user)
        self.querier_analyst = world.headers(world.user(de, Role.ANALYST))
        self.bystander = world.headers(world.user(nl, Role.ANALYST))
        self.de_id = str(de.id)


@pytest.fixture
def cast(world: World) -> Cast:
    return Cast(world)


def _bank(
    client: TestClient, cast: Cast, name: str, records: list[dict[str, Any]], **over: Any
) -> str:
    bank_id = create_bank(client, cast.holder, name, **over)
    import_list(client, cast.holder, bank_id, vics(records))
    return bank_id


def test_exact_and_near_matches_are_shown_to_those_who_may_see(
    client: TestClient, cast: Cast
) -> None:
    md5, pdq = random_hex(32, RNG), random_hex(64, RNG)
    _bank(client, cast, "Shared", [media(md5, pdq, 90, "S-7", True)], marking="GREEN", scope="all")
    found = match(
        client,
        cast.querier,
        [{"md5": md5.upper()}, {"pdq": flipped(pdq, 20, RNG), "pdq_quality": 80}],
    )
    exact, near = found["results"]
    assert [(m["kind"], m["distance"], m["series"]) for m in exact["matches"]] == [
        ("md5", 0, "S-7")
    ]
    assert exact["matches"][0]["victim_identified"] is True
    assert exact["matches"][0]["agency_code"] == "ru" and exact["hits"] == []
    assert [(m["kind"], m["distance"]) for m in near["matches"]] == [("pdq", 20)]
    assert found["matched"] == 2
    # Beyond the threshold there is no match; a stricter threshold is honoured.
    far = match(client, cast.querier, [{"pdq": flipped(pdq, 40, RNG)}])
    assert far["results"][0]["matches"] == []
    strict = match(client, cast.querier, [{"pdq": flipped(pdq, 20, RNG)}], max_distance=10)
    assert strict["results"][0]["matches"] == []


def test_hidden_bank_gives_a_hit_without_content(
    client: TestClient, cast: Cast, db: Session
) -> None:
    md5 = random_hex(32, RNG)
    _bank(client, cast, "Secret series", [media(md5, series="Hidden-1")], marking="AMBER")
    found = match(client, cast.querier, [{"md5": md5}])
    result = found["results"][0]
    assert result["matches"] == []
    assert [(h["agency_code"], h["records"]) for h in result["hits"]] == [("ru", 1)]
    assert "Hidden-1" not in str(found) and "Secret series" not in str(found)
    assert {"hash_match_query"} <= set(db.scalars(select(AuditEntry.action)))


def test_named_sharing_reaches_only_the_named(client: TestClient, cast: Cast) -> None:
    md5 = random_hex(32, RNG)
    _bank(
        client,
        cast,
        "For DE",
        [media(md5, series="N-1")],
        marking="AMBER",
        scope="named",
        shared_with=[cast.de_id],
    )
    assert (
        match(client, cast.querier, [{"md5": md5}])["results"][0]["matches"][0]["series"] == "N-1"
    )
    bystander = match(client, cast.bystander, [{"md5": md5}])["results"][0]
    assert bystander["matches"] == [] and [h["agency_code"] for h in bystander["hits"]] == ["ru"]


def test_silent_bank_tells_the_querier_nothing_and_notifies_the_holder(
    client: TestClient, cast: Cast
) -> None:
    md5s = [random_hex(32, RNG) for _ in range(3)]
    _bank(client, cast, "Undercover", [media(m, series="U-1") for m in md5s], silent=True)
    found = match(client, cast.querier, [{"md5": m} for m in md5s[:2]])
    assert all(r["matches"] == [] and r["hits"] == [] for r in found["results"])
    inbox = client.get("/api/v1/inbox", headers=cast.holder).json()
    assert [m["kind"] for m in inbox] == ["hash_silent_hit"]
    assert len(inbox[0]["detail"]["bank_hash_ids"]) == 2 and inbox[0]["detail"]["series"] == ["U-1"]
    # The same hashes again notify nobody; the querier's own inbox stays empty.
    match(client, cast.querier, [{"md5": m} for m in md5s[:2]])
    assert len(client.get("/api/v1/inbox", headers=cast.holder).json()) == 1
    assert client.get("/api/v1/inbox", headers=cast.querier).json() == []


def test_red_banks_are_silent_and_hidden_from_analysts(client: TestClient, cast: Cast) -> None:
    md5 = random_hex(32, RNG)
    _bank(client, cast, "Named source", [media(md5)], marking="RED", scope="owner")
    other = match(client, cast.querier, [{"md5": md5}])["results"][0]
    assert other["hits"] == [] and other["matches"] == []
    assert len(client.get("/api/v1/inbox", headers=cast.holder).json()) == 1
    own_analyst = match(client, cast.holder_analyst, [{"md5": md5}])["results"][0]
    assert own_analyst["matches"] == [] and own_analyst["hits"] == []
    own_investigator = match(client, cast.holder, [{"md5": md5}])["results"][0]
    assert own_investigator["matches"][0]["marking"] == "RED"


def test_unreliable_pdqs_are_flagged_and_not_matched_by_default(
    client: TestClient, cast: Cast
) -> None:
    strong, weak = random_hex(64, RNG), random_hex(64, RNG)
    _bank(
        client,
        cast,
        "Mixed quality",
        [media(None, strong, 90), media(None, weak, 40)],
        marking="GREEN",
        scope="all",
    )
    queries = [{"pdq": strong, "pdq_quality": 30}, {"pdq": weak, "pdq_quality": 95}]
    default = match(client, cast.querier, queries)["results"]
    assert [r["unreliable"] for r in default] == [True, False]
    assert [r["matches"] for r in default] == [[], []]
    forced = match(client, cast.querier, queries, include_unreliable=True)["results"]
    assert [[m["unreliable"] for m in r["matches"]] for r in forced] == [[True], [True]]


def test_rotated_copies_match_with_dihedral(client: TestClient, cast: Cast) -> None:
    image = rgb(scene(3))
    original = pdq_from_rgb(image)
    rotated = pdq_from_rgb(image.transpose(1, 0, 2)[::-1].copy())
    _bank(
        client,
        cast,
        "Rotations",
        [media(None, original.hex, original.quality)],
        scope="all",
        marking="GREEN",
    )
    plain = match(client, cast.querier, [{"pdq": rotated.hex, "pdq_quality": rotated.quality}])
    assert plain["results"][0]["matches"] == []
    turned = match(
        client, cast.querier, [{"pdq": rotated.hex, "pdq_quality": rotated.quality}], dihedral=True
    )
    found = turned["results"][0]["matches"]
    assert len(found) == 1 and found[0]["orientation"] not in (None, "original")


def test_new_hashes_are_matchable_at_once(client: TestClient, cast: Cast) -> None:
    bank_id = create_bank(client, cast.holder, "Growing", marking="GREEN", scope="all")
    first = random_hex(64, RNG)
    import_list(client, cast.holder, bank_id, vics([media(None, first)]))
    assert match(client, cast.querier, [{"pdq": first}])["results"][0]["matches"]  # index loaded
    second = random_hex(64, RNG)
    assert match(client, cast.querier, [{"pdq": second}])["results"][0]["matches"] == []
    import_list(client, cast.holder, bank_id, vics([media(None, second)]))
    found = match(client, cast.querier, [{"pdq": flipped(second, 5, RNG)}])["results"][0]
    assert [m["distance"] for m in found["matches"]] == [5]


def test_match_links_report_to_series_on_both_dashboards(
    client: TestClient, cast: Cast, db: Session
) -> None:
    md5s = [random_hex(32, RNG) for _ in range(2)]
    _bank(
        client,
        cast,
        "Series bank",
        [media(m, series="K-2") for m in md5s],
        marking="GREEN",
        scope="all",
    )
    report = client.post(
        "/api/v1/reports",
        headers=cast.querier,
        json={"title": "Seized laptop", "source": "forensics", "marking": "AMBER", "body": "x"},
    ).json()["id"]
    found = match(client, cast.querier, [{"md5": m} for m in md5s], report_id=report)
    assert found["linked"] == 2
    again = match(client, cast.querier, [{"md5": m} for m in md5s], report_id=report)
    assert again["linked"] == 0
    links = list(db.scalars(select(HashMatch)))
    assert {str(link.report_id) for link in links} == {report}
    hidden_report = client.post(
        "/api/v1/hashes/match",
        headers=cast.bystander,
        json={"hashes": [{"md5": md5s[0]}], "report_id": report},
    )
    assert hidden_report.status_code == 404
    ours = deconfliction(Records(db, viewer_of(cast.querier_user))).ours_matched
    assert [(link.bank and link.bank.name, link.series, link.matches) for link in ours] == [
        ("Series bank", "K-2", 2)
    ]
    assert str(ours[0].report_id) == report
    theirs = deconfliction(Records(db, viewer_of(cast.holder_user))).others_matched_ours
    assert [(link.other_agency.code, link.series, link.matches) for link in theirs] == [
        ("de", "K-2", 2)
    ]


def test_hidden_matches_show_as_hits_on_the_dashboard(
    client: TestClient, cast: Cast, db: Session
) -> None:
    md5 = random_hex(32, RNG)
    _bank(client, cast, "Owner only", [media(md5, series="O-1")], marking="AMBER")
    match(client, cast.querier, [{"md5": md5}])
    ours = deconfliction(Records(db, viewer_of(cast.querier_user))).ours_matched
    assert [(link.other_agency.code, link.bank, link.series) for link in ours] == [
        ("ru", None, None)
    ]
    theirs = deconfliction(Records(db, viewer_of(cast.holder_user))).others_matched_ours
    assert [(link.other_agency.code, link.series) for link in theirs] == [("de", "O-1")]


def test_bad_submitted_hashes_are_named(client: TestClient, cast: Cast) -> None:
    cases = [
        ({"md5": "abc"}, "body.hashes[1].md5"),
        ({"pdq": "g" * 64}, "body.hashes[1].pdq"),
        ({"pdq": random_hex(64, RNG), "pdq_quality": 0}, "body.hashes[1].pdq_quality"),
        ({}, "body.hashes[1]"),
    ]
    for bad, where in cases:
        response = client.post(
            "/api/v1/hashes/match",
            headers=cast.querier,
            json={"hashes": [{"md5": random_hex(32, RNG)}, bad]},
        )
        assert response.status_code == 422, response.text
        assert where in response.json()["detail"], response.json()


def test_hashes_added_by_another_process_are_picked_up(
    client: TestClient, cast: Cast, db: Session
) -> None:
    bank_id = create_bank(client, cast.holder, "CLI fed", marking="GREEN", scope="all")
    pdq = random_hex(64, RNG)
    assert match(client, cast.querier, [{"pdq": pdq}])["results"][0]["matches"] == []
    # As `wayhome banks import` does: stored without telling this server's index.
    records = Records(db, viewer_of(cast.holder_user))
    added = import_into_bank(
        records, None, uuid.UUID(bank_id), vics([media(None, pdq)]), max_bytes=1 << 20
    )
    db.flush()
    assert added.created == 1
    found = match(client, cast.querier, [{"pdq": flipped(pdq, 3, RNG)}])["results"][0]
    assert [m["distance"] for m in found["matches"]] == [3]
