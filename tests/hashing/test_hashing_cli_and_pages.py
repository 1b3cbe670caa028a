"""`wayhome hash` and `wayhome banks import`, and the bank, match and dashboard pages."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.access.test_authentication import _sign_in
from tests.conftest import CliDatabase, World
from tests.hashing.banks import create_bank, import_list, media, random_hex, vics
from tests.hashing.synthetic import encoded, noise_texture, scene
from wayhome.access.models import Role
from wayhome.cli.main import app as cli
from wayhome.hashing.csvlist import parse_csv
from wayhome.hashing.vics import parse_vics

RNG = random.Random(23)


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "seized"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.png").write_bytes(encoded(scene(1), "PNG"))
    (folder / "sub" / "b.jpg").write_bytes(encoded(scene(2), "JPEG", quality=90))
    (folder / "c.webp").write_bytes(encoded(noise_texture(3), "WEBP"))
    (folder / "broken.jpg").write_text("not a JPEG")
    return folder


def test_cli_hash_writes_vics_and_csv_lists(photos: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "list.json"
    result = runner.invoke(cli, ["hash", str(photos), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "3 file(s) hashed" in result.output and "broken.jpg" in result.output
    records = parse_vics(out.read_text())
    by_name = {Path(r.file_names[0]).name: r for r in records}
    assert set(by_name) == {"a.png", "b.jpg", "c.webp"}
    jpeg = (photos / "sub" / "b.jpg").read_bytes()
    assert by_name["b.jpg"].md5 == hashlib.md5(jpeg, usedforsecurity=False).hexdigest()
    assert by_name["b.jpg"].sha256 == hashlib.sha256(jpeg).hexdigest()
    assert all(r.pdq and r.pdq_quality and r.pdq_quality > 49 for r in records)
    csv_out = tmp_path / "list.csv"
    result = runner.invoke(
        cli, ["hash", str(photos / "a.png"), "--out", str(csv_out), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert [r.sha1 for r in parse_csv(csv_out.read_text())] == [by_name["a.png"].sha1]


def test_cli_bank_import_creates_the_bank_and_is_idempotent(
    cli_database: CliDatabase, tmp_path: Path
) -> None:
    with cli_database.session() as session:
        world = World(session)
        world.user(world.agency("gb-x", "GB"), Role.ANALYST, "gb.analyst")
    listing = tmp_path / "known.json"
    listing.write_bytes(vics([media(random_hex(32, RNG), random_hex(64, RNG), series="G-1")]))
    broken = tmp_path / "broken.json"
    broken.write_bytes(vics([media("123")]))
    base = ["banks", "import", "--bank", "UK known", "--user", "gb.analyst"]
    missing = cli_database.invoke([*base, str(listing)])
    first = cli_database.invoke([*base, str(listing), "--marking", "amber"])
    again = cli_database.invoke([*base, str(listing)])
    bad = cli_database.invoke([*base, str(broken)])
    assert missing.exit_code == 2 and "--marking" in missing.output
    assert first.exit_code == 0, first.output
    assert "bank UK known created" in first.output and "1 added" in first.output
    assert again.exit_code == 0 and "0 added" in again.output and "1 already held" in again.output
    assert bad.exit_code == 2 and "value[0].MD5" in bad.output


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def test_bank_match_and_dashboard_pages(client: TestClient, world: World, db: Session) -> None:
    ru = world.agency("ru-h", "RU")
    holder = world.headers(world.user(ru, Role.INVESTIGATOR))
    md5 = random_hex(32, RNG)
    shared = create_bank(client, holder, "Shared series", marking="GREEN", scope="all")
    import_list(client, holder, shared, vics([media(md5, series="P-5", victim=True)]))
    hidden_md5 = random_hex(32, RNG)
    hidden = create_bank(client, holder, "Owner series", marking="AMBER")
    import_list(client, holder, hidden, vics([media(hidden_md5, series="P-6")]))
    user = world.user(world.agency("de-h", "DE"), Role.ANALYST)
    db.commit()
    assert _sign_in(client, user.username) == 303
    banks = client.get("/banks").text
    assert "Shared series" in banks and "Owner series" not in banks
    created = client.post(
        "/banks",
        data={
            "name": "Our bank",
            "marking": "AMBER",
            "scope": "owner",
            "csrf_token": _csrf(client, "/banks"),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    bank_path = created.headers["location"]
    page = client.post(
        f"{bank_path}/import",
        data={"csrf_token": _csrf(client, bank_path)},
        files={"file": ("ours.csv", f"md5,series\n{random_hex(32, RNG)},D-1\n".encode())},
    )
    assert page.status_code == 200 and "1 added" in page.text and "D-1" in page.text
    refused = client.post(
        f"{bank_path}/import",
        data={"csrf_token": _csrf(client, bank_path)},
        files={"file": ("photo.jpg", encoded(scene(9, 64, 48), "JPEG"))},
    )
    assert refused.status_code == 415 and 'data-testid="bank-error"' in refused.text
    results = client.post(
        "/hashes/match",
        data={"text": f"md5\n{md5}\n{hidden_md5}\n", "csrf_token": _csrf(client, "/hashes/match")},
    )
    assert results.status_code == 200, results.text
    assert (
        "Shared series" in results.text and "P-5" in results.text and "identified" in results.text
    )
    assert (
        "RU-H" in results.text and "Owner series" not in results.text and "P-6" not in results.text
    )
    bad = client.post(
        "/hashes/match",
        data={"text": "md5\nnot-a-hash\n", "csrf_token": _csrf(client, "/hashes/match")},
    )
    assert bad.status_code == 422 and "line 2" in bad.text
    dashboard = client.get("/").text
    assert 'data-testid="hash-matches"' in dashboard
    assert "Shared series" in dashboard and "P-5" in dashboard and "RU-H" in dashboard
