"""The demo: the generated world loaded through the ordinary services, on both engines."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import CliDatabase
from tests.serving import free_port
from wayhome.access import services as access
from wayhome.access.models import User
from wayhome.access.records import Records
from wayhome.cases.models import Case, Portrait
from wayhome.cli.main import app
from wayhome.db.engine import make_engine, make_session_factory
from wayhome.demo.loader import DEMO_NOISE, DEMO_SEED, load_demo
from wayhome.demo.replay import load_world, read_manifest
from wayhome.errors import InvalidInput
from wayhome.hashing.models import HashMatch
from wayhome.intake.models import Report
from wayhome.locate.models import RegisterPersonRecord
from wayhome.synth import generate, write


def _records(db: Session, username: str) -> Records:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return Records(db, access.viewer_of(user), "test")


def test_the_demo_loads_the_generated_world_once(db: Session) -> None:
    loaded = load_demo(db)
    assert loaded.created and loaded.case_id is not None
    assert len(loaded.steps) == 9 and loaded.steps[-1].startswith("[9/9] ru-ncb")
    names = {username for username, _ in loaded.accounts}
    for prefix in ("hub", "ru", "de", "nl", "uk", "us"):
        assert {f"{prefix}.analyst", f"{prefix}.investigator", f"{prefix}.supervisor"} <= names
    assert "hub.admin" in names
    assert db.scalar(select(func.count()).select_from(Report)) == 5
    assert db.scalar(select(func.count()).select_from(RegisterPersonRecord)) == 5_000
    portrait = db.scalar(select(Portrait).where(Portrait.case_id == loaded.case_id))
    assert portrait is not None and portrait.media_type == "image/jpeg"  # the placeholder, cleaned
    reports = db.scalars(select(Report)).all()
    assert {report.case_id for report in reports} == {loaded.case_id}
    # The seized media's hashes were linked to the hub's known series, in the case.
    series = generate(DEMO_SEED, DEMO_NOISE).truth["series"]
    assert series in loaded.steps[7]
    matches = db.scalars(select(HashMatch).where(HashMatch.case_id == loaded.case_id)).all()
    assert len(matches) >= 12
    again = load_demo(db)
    assert not again.created and again.accounts == loaded.accounts
    assert db.scalar(select(func.count()).select_from(Report)) == 5


def test_the_demo_shows_need_to_know(db: Session) -> None:
    load_demo(db)
    russian = _records(db, "ru.investigator")
    british = _records(db, "uk.investigator")
    american = _records(db, "us.investigator")
    seen_by_ru = {r.source for r in russian.find(Report, limit=20).items}
    assert "misp:Bundes-Kinderschutzstelle (demo)" in seen_by_ru  # shared with ru-ncb by name
    assert not any(source.startswith("stix") for source in seen_by_ru)  # uk-cop's own
    assert any(r.source.startswith("stix") for r in british.find(Report, limit=20).items)
    assert not any(r.source.startswith("misp") for r in american.find(Report, limit=20).items)
    assert russian.find(RegisterPersonRecord, limit=1).total == 5_000
    assert american.find(RegisterPersonRecord, limit=1).total == 0
    assert american.find(Case, limit=5).total == 1  # the case itself is shared with all


def test_load_world_commits_step_by_step_in_story_order(
    cli_database: CliDatabase, tmp_path: Path
) -> None:
    world = write(generate(31, 2, register_size=1_000), tmp_path)
    engine = make_engine(cli_database.url)
    try:
        factory = make_session_factory(engine)
        printed: list[str] = []
        first = load_world(factory, world.parent, pace=0, echo=printed.append)
        assert first.created and printed == first.steps
        assert [line.split("]")[0] for line in printed] == [f"[{n}/9" for n in range(1, 10)]
        assert "register: 1000 person(s)" in printed[-1]
        assert not load_world(factory, world.parent).created
    finally:
        engine.dispose()


def test_a_broken_manifest_is_refused_naming_the_field(tmp_path: Path) -> None:
    write(generate(32, 0, register_size=200), tmp_path)
    manifest = tmp_path / "manifest.json"
    text = manifest.read_text(encoding="utf-8").replace('"kind": "register"', '"kind": "x"')
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        read_manifest(tmp_path)
    assert refused.value.location == "fragments[8].kind"


def test_demo_command_without_serving(cli_database: CliDatabase) -> None:
    result = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "demo data loaded" in result.output and "[9/9]" in result.output
    assert "ru.investigator" in result.output
    again = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert "demo data already present" in again.output


def _run_until(arguments: list[str], url: str, port: int, tmp: Path, wanted: str) -> str:
    """Start `wayhome ARGS`, read its output until `wanted`, fetch the front page, stop it."""
    env = {
        **os.environ,
        "WAYHOME_DATABASE_URL": url,
        "WAYHOME_PORT": str(port),
        "WAYHOME_HOST": "127.0.0.1",
        "WAYHOME_DATA_DIR": str(tmp),
    }
    command = [sys.executable, "-m", "wayhome.cli.main", *arguments]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    seen: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if wanted in line:
                break
        output = "".join(seen)
        assert wanted in output, output
        for _ in range(600):  # up to a minute on a loaded machine
            try:
                front = f"http://127.0.0.1:{port}/"
                with urllib.request.urlopen(front, timeout=5) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the demo server did not answer")
        return output
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.slow
def test_demo_command_prints_the_address_and_serves(
    cli_database: CliDatabase, tmp_path: Path
) -> None:
    port = free_port()
    output = _run_until(["demo"], cli_database.url, port, tmp_path, "Wayhome is at")
    assert f"Wayhome is at http://127.0.0.1:{port}/" in output
    assert "demo data loaded" in output


@pytest.mark.slow
def test_demo_replay_feeds_the_story_while_serving(
    cli_database: CliDatabase, tmp_path: Path
) -> None:
    port = free_port()
    output = _run_until(
        ["demo", "--replay", "--pace", "0"], cli_database.url, port, tmp_path, "replay finished"
    )
    assert f"Wayhome is at http://127.0.0.1:{port}/" in output
    steps = [line for line in output.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] for line in steps] == [f"[{n}/9" for n in range(1, 10)]
    assert output.index("ru.investigator") < output.index("[1/9]")
