"""Hash banks through the API: create, import VICS and CSV, idempotence, export, bad input."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.hashing.banks import create_bank, import_list, media, random_hex, vics
from tests.hashing.synthetic import encoded, scene
from wayhome.access.models import Role
from wayhome.audit.models import AuditEntry
from wayhome.hashing.csvlist import parse_csv
from wayhome.hashing.vics import parse_vics

RNG = random.Random(6)


def _analyst(world: World, code: str = "nl") -> dict[str, str]:
    return world.headers(world.user(world.agency(code, "NL"), Role.INVESTIGATOR))


def test_vics_import_is_idempotent_and_exports_round_trip(
    client: TestClient, world: World, db: Session
) -> None:
    headers = _analyst(world)
    bank_id = create_bank(client, headers, "National series", description="known series")
    records = [
        media(random_hex(32, RNG), random_hex(64, RNG), 90, "S-1", True),
        media(random_hex(32, RNG), None, series="S-2", victim=False),
        media(None, random_hex(64, RNG), 70),
    ]
    first = import_list(client, headers, bank_id, vics(records))
    assert (first["format"], first["created"], first["unchanged"]) == ("vics", 3, 0)
    again = import_list(client, headers, bank_id, vics(records))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert client.get(f"/api/v1/banks/{bank_id}", headers=headers).json()["hashes"] == 3
    # A later list that identifies a victim reclassifies the stored record, adds nothing.
    records[1]["VictimIdentified"] = True
    third = import_list(client, headers, bank_id, vics(records))
    assert (third["created"], third["updated"]) == (0, 1)
    exported = client.get(f"/api/v1/banks/{bank_id}/export", headers=headers)
    assert exported.status_code == 200
    back = parse_vics(exported.content)
    assert {r.md5 for r in back} == {r["MD5"] for r in records}
    assert [r.victim_identified for r in back] == [True, True, None]
    assert back[0].pdq == records[0]["AlternativeHashes"][0]["HashValue"]
    assert back[0].pdq_quality == 90 and back[0].series == "S-1"
    csv_text = client.get(
        f"/api/v1/banks/{bank_id}/export", headers=headers, params={"format": "csv"}
    ).text
    assert [r.md5 for r in parse_csv(csv_text)] == [r.md5 for r in back]
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.object_id == bank_id)))
    assert {"create", "update", "export"} <= actions


def test_csv_import_and_listing(client: TestClient, world: World) -> None:
    headers = _analyst(world)
    bank_id = create_bank(client, headers, "CSV bank", marking="GREEN", scope="all")
    content = (
        "md5,pdq,pdq_quality,category,series,victim_identified\n"
        f"{random_hex(32, RNG)},{random_hex(64, RNG)},80,1,S-9,false\n"
        f"{random_hex(32, RNG).upper()},,,2,,\n"
    ).encode()
    answer = import_list(client, headers, bank_id, content, filename="list.csv")
    assert (answer["format"], answer["created"]) == ("csv", 2)
    other = world.headers(world.user(world.agency("de", "DE"), Role.ANALYST))
    listed = client.get("/api/v1/banks", headers=other).json()
    assert [(b["name"], b["hashes"]) for b in listed["items"]] == [("CSV bank", 2)]


def test_duplicate_bank_name_is_a_conflict(client: TestClient, world: World) -> None:
    headers = _analyst(world)
    create_bank(client, headers, "Same")
    response = client.post(
        "/api/v1/banks", headers=headers, json={"name": "Same", "marking": "RED"}
    )
    assert response.status_code == 409 and "body.name" in response.json()["detail"]


BAD_LISTS: list[tuple[str, bytes, str]] = [
    ("short md5", vics([media("abc123")]), "value[0].MD5"),
    ("not hex", vics([media("z" * 32)]), "value[0].MD5"),
    ("unknown category", vics([media(random_hex(32, RNG), category=42)]), "value[0].Category"),
    (
        "quality zero",
        vics([media(random_hex(32, RNG)), media(None, random_hex(64, RNG), 0)]),
        "value[1].AlternativeHashes[0].Quality",
    ),
    ("broken record", vics([media(random_hex(32, RNG)), "not an object"]), "value[1]"),
    ("no hash", vics([{"MediaID": 1, "Category": 1}]), "value[0]"),
    ("bad json", b'{"@odata.context": "x#Media", "value": [', "document"),
    ("csv pdq too long", f"md5,pdq\n{random_hex(32, RNG)},{'a' * 65}\n".encode(), "line 2"),
]


@pytest.mark.parametrize(
    ("content", "where"), [b[1:] for b in BAD_LISTS], ids=[b[0] for b in BAD_LISTS]
)
def test_bad_lists_name_the_record_and_store_nothing(
    client: TestClient,
    world: World,
    count_rows: Callable[[str], int],
    content: bytes,
    where: str,
) -> None:
    headers = _analyst(world)
    bank_id = create_bank(client, headers, "Strict")
    good = vics([media(random_hex(32, RNG))])
    before = count_rows("bank_hashes")
    filename = "list.csv" if where.startswith("line") else "list.json"
    response = client.post(
        f"/api/v1/banks/{bank_id}/imports",
        headers=headers,
        files={"file": (filename, content)},
    )
    assert response.status_code == 422, response.text
    assert where in response.json()["detail"]
    assert count_rows("bank_hashes") == before
    assert import_list(client, headers, bank_id, good)["created"] == 1


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"])
def test_image_uploads_are_refused(
    client: TestClient, world: World, count_rows: Callable[[str], int], fmt: str
) -> None:
    headers = _analyst(world)
    bank_id = create_bank(client, headers, "No images")
    image = encoded(scene(1, 64, 48), fmt)
    response = client.post(
        f"/api/v1/banks/{bank_id}/imports",
        headers=headers,
        files={"file": ("photo.json", image, "image/jpeg")},
    )
    assert response.status_code == 415, response.text
    assert "hash lists only" in response.json()["detail"]
    assert count_rows("bank_hashes") == 0
    # The match route takes JSON hashes only: an image body or upload is refused too.
    raw = client.post(
        "/api/v1/hashes/match",
        headers={**headers, "Content-Type": "image/jpeg"},
        content=image,
    )
    assert raw.status_code in (400, 415, 422)
    upload = client.post(
        "/api/v1/hashes/match", headers=headers, files={"file": ("photo.jpg", image)}
    )
    assert upload.status_code in (400, 415, 422)


def test_hidden_bank_is_not_found_and_admin_cannot_create(client: TestClient, world: World) -> None:
    owner = _analyst(world)
    bank_id = create_bank(client, owner, "Ours only", scope="owner")
    other = world.headers(world.user(world.agency("de", "DE"), Role.SUPERVISOR))
    assert client.get(f"/api/v1/banks/{bank_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/banks/{bank_id}/export", headers=other).status_code == 404
    imported = client.post(
        f"/api/v1/banks/{bank_id}/imports",
        headers=other,
        files={"file": ("l.json", vics([media(random_hex(32, RNG))]))},
    )
    assert imported.status_code == 404
    admin = world.headers(world.user(world.agency("hub", "NL"), Role.ADMIN))
    refused = client.post("/api/v1/banks", headers=admin, json={"name": "x", "marking": "GREEN"})
    assert refused.status_code == 403
