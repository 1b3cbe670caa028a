"""The world generator: deterministic per seed, every fragment valid, the truth kept apart."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_instance
from typer.testing import CliRunner

from wayhome.cases.schemas import CaseIn, EventIn, PersonIn
from wayhome.cli.main import app
from wayhome.errors import InvalidInput
from wayhome.hashing.vics import parse_vics
from wayhome.intake.formats.submission import parse_submission
from wayhome.locate.geo import distances_km
from wayhome.locate.live import gazetteer
from wayhome.locate.register import parse_register
from wayhome.synth import World, generate, write
from wayhome.synth.people import female_surname
from wayhome.synth.places import MOSCOW_GEONAMEID

SEEDS = (1, 7, 2026)


def _fragment(world: World, filename: str) -> bytes:
    [found] = [f.data for f in world.fragments if f.filename == filename]
    return found


def _register(world: World) -> list[dict[str, str]]:
    text = _fragment(world, "register-extract.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _selectors(world: World, filename: str) -> set[tuple[str, str]]:
    data = _fragment(world, filename)
    submission = parse_submission(data, filename=filename, format=None, max_bytes=10**7)
    return {(i.selector.type.value, i.selector.value) for r in submission.reports for i in r.items}


def test_the_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    first, again, other = generate(11, 2), generate(11, 2), generate(12, 2)
    assert first.manifest() == again.manifest()
    assert [f.data for f in first.fragments] == [f.data for f in again.fragments]
    assert first.portrait == again.portrait
    assert first.truth == again.truth
    assert _fragment(first, "register-extract.csv") != _fragment(other, "register-extract.csv")
    assert first.truth["offender"] != other.truth["offender"]


@pytest.mark.parametrize("noise", [0, 1, 2, 3])
@pytest.mark.parametrize("seed", SEEDS)
def test_every_fragment_parses_with_intake_and_its_reference_tool(seed: int, noise: int) -> None:
    world = generate(seed, noise)
    formats = [f.format for f in world.fragments]
    assert formats == [
        "case",
        "text",
        "text",
        "cybertip",
        "misp",
        "stix",
        "vics",
        "vics",
        "register",
    ]
    for fragment in world.fragments:
        if fragment.format in {"text", "cybertip", "misp", "stix"}:
            submission = parse_submission(
                fragment.data, filename=fragment.filename, format=None, max_bytes=10**7
            )
            assert submission.format == fragment.format
            assert submission.reports and submission.reports[0].items, fragment.filename
        if fragment.format == "stix":
            result = validate_instance(json.loads(fragment.data), ValidationOptions(version="2.1"))
            assert result.is_valid, [str(error) for error in result.errors]
        elif fragment.format == "misp":
            event = MISPEvent()
            event.load(fragment.data)
            assert event.info and event.attributes and event.objects
        elif fragment.format == "vics":
            assert parse_vics(fragment.data)
        elif fragment.format == "register":
            assert len(parse_register(fragment.data)) == 5_000
        elif fragment.format == "case":
            document: dict[str, Any] = json.loads(fragment.data)
            CaseIn.model_validate(document["case"])
            assert [PersonIn.model_validate(p).role.value for p in document["persons"]] == [
                "missing_child",
                "guardian",
            ]
            [EventIn.model_validate(e) for e in document["events"]]


@pytest.mark.parametrize("noise", [0, 3])
@pytest.mark.parametrize("seed", SEEDS)
def test_the_register_holds_the_offender_once_among_thousands(seed: int, noise: int) -> None:
    world = generate(seed, noise)
    truth = world.truth["offender"]
    rows = _register(world)
    assert len(rows) >= 1_000
    assert len({row["person_id"] for row in rows}) == len(rows)
    him = [
        row
        for row in rows
        if row["full_name"] == truth["full_name"] and row["birth_date"] == truth["birth_date"]
    ]
    assert [row["person_id"] for row in him] == [truth["register_person_id"]]
    assert int(him[0]["geonameid"]) == truth["home_geonameid"]
    assert him[0]["residence"] == truth["home_local"]


def test_the_places_are_real_and_where_the_story_puts_them() -> None:
    places = gazetteer()
    moscow = places.place(places.index_of(MOSCOW_GEONAMEID))
    for seed in SEEDS:
        truth = generate(seed).truth
        child = places.place(places.index_of(truth["child"]["home_geonameid"]))
        home = places.place(places.index_of(truth["offender"]["home_geonameid"]))
        for place, low, high in ((child, 25, 90), (home, 180, 400)):
            km = float(
                distances_km(place.latitude, place.longitude, moscow.latitude, moscow.longitude)
            )
            assert low <= km <= high and place.longitude > moscow.longitude
            assert place.country == "RU"


def test_the_fragments_join_only_through_shared_identifiers() -> None:
    world = generate(3, 0)
    truth = world.truth["offender"]
    forum = _selectors(world, "forum-scrape.txt")
    misp = _selectors(world, "seized-server.misp.json")
    tipline = _selectors(world, "provider-report.xml")
    assert ("pgp_fingerprint", truth["pgp"]) in forum & misp
    assert ("email", truth["email"]) in misp & tipline
    assert ("handle", f"forum:{truth['handle']}") in forum
    assert ("handle", f"vk:{truth['clearnet'][1]}") in misp


def test_decoys_exist_in_the_register_and_on_the_forum() -> None:
    world = generate(5, 1)
    truth = world.truth
    rows = {row["person_id"]: row for row in _register(world)}
    surname = truth["offender"]["full_name"].split()[0]
    assert len(truth["register"]["decoy_person_ids"]) >= 4
    for person_id in truth["register"]["decoy_person_ids"]:
        family = rows[person_id]["full_name"].split()[0]
        assert family in {surname, female_surname(surname)}
        assert person_id != truth["offender"]["register_person_id"]
    forum = _fragment(world, "forum-scrape.txt").decode()
    for handle in truth["personas"]["decoys"]:
        assert f"user: {handle} |" in forum
    assert truth["personas"]["decoy_pgp"] in forum


def _namesakes(world: World) -> int:
    name = world.truth["offender"]["full_name"]
    return sum(row["full_name"] == name for row in _register(world))


def test_noise_adds_wrong_clues_missing_fields_and_namesakes() -> None:
    clean, real, messy, hard = (generate(9, noise) for noise in range(4))
    assert clean.truth["wrong_clues"] == [] and len(real.truth["wrong_clues"]) == 1
    wrong_city = real.truth["wrong_clues"][0].rsplit(" ", 1)[1]
    assert wrong_city in _fragment(real, "forum-scrape.txt").decode()
    assert b"date-of-birth" in _fragment(clean, "seized-server.misp.json")
    assert b"date-of-birth" not in _fragment(messy, "seized-server.misp.json")
    assert b"<city>" in _fragment(clean, "provider-report.xml")
    assert b"<city>" not in _fragment(messy, "provider-report.xml")
    assert ("email", hard.truth["email"]) not in _selectors(hard, "seized-server.misp.json")
    assert _namesakes(clean) == _namesakes(real) == 1 < _namesakes(messy) < _namesakes(hard)
    assert len(real.truth["personas"]["decoys"]) == len(clean.truth["personas"]["decoys"]) + 1
    with pytest.raises(InvalidInput) as refused:
        generate(1, 4)
    assert refused.value.location == "noise"


def test_write_keeps_the_truth_out_of_the_manifest(tmp_path: Path) -> None:
    world = generate(4, 1)
    write(world, tmp_path)
    manifest_text = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(manifest_text)
    assert [entry["step"] for entry in manifest["fragments"]] == list(range(1, 10))
    for entry in manifest["fragments"]:
        assert (tmp_path / entry["file"]).read_bytes() == _fragment(world, Path(entry["file"]).name)
    for secret in (world.truth["offender"]["full_name"], world.truth["offender"]["handle"]):
        assert secret not in manifest_text
    assert json.loads((tmp_path / "truth.json").read_text(encoding="utf-8")) == world.truth
    assert {entry["agency"] for entry in manifest["fragments"]} >= {
        "ru-ncb", "hub", "nl-police", "us-tips", "de-bka", "uk-cop",
    }  # fmt: skip


def test_the_portrait_is_a_drawn_placeholder() -> None:
    picture = Image.open(io.BytesIO(generate(2).portrait))
    assert picture.format == "PNG" and picture.size == (240, 300)
    # A flat drawing has few colours; a photograph has thousands.
    assert len(picture.convert("RGB").getcolors(maxcolors=4096) or []) < 400


def test_synth_command_writes_the_world(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "21", str(tmp_path / "w"), "--noise", "2"])
    assert result.exit_code == 0, result.output
    assert "register-extract.csv" in result.output
    manifest = json.loads((tmp_path / "w" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 21 and manifest["noise"] == 2
    assert (tmp_path / "w" / "truth.json").exists()
    bad = CliRunner().invoke(app, ["synth", "21", str(tmp_path / "x"), "--noise", "9"])
    assert bad.exit_code == 2 and "noise" in bad.output
