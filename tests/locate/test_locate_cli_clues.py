"""`wayhome locate --clues FILE`: a "what if" from a clue file alone, no case, no database;
bad clues are named by index and id; start-up loads neither the database layer nor the engines."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from wayhome.cli.main import COMMANDS, app, load_command, writes_nothing
from wayhome.locate import live
from wayhome.locate.gazetteer import Gazetteer

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "locate-clues-example.json"


@pytest.fixture(autouse=True)
def small_gazetteer(russia: Gazetteer) -> Iterator[Gazetteer]:
    live.use_gazetteer(russia)
    yield russia
    live.use_gazetteer(None)


def _run(tmp_path: Path, document: Any, *options: str) -> Any:
    path = tmp_path / "what-if.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return CliRunner().invoke(app, ["locate", "--clues", str(path), *options])


def test_the_documented_example_answers_without_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, russia: Gazetteer
) -> None:
    # No database exists where the settings point: the clue file alone must do.
    monkeypatch.setenv("WAYHOME_DATABASE_URL", f"sqlite:///{tmp_path / 'absent' / 'none.db'}")
    done = CliRunner().invoke(app, ["locate", "--clues", str(EXAMPLE), "--json", "--top", "5"])
    assert done.exit_code == 0, done.output
    answer = json.loads(done.output)
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert [clue["id"] for clue in answer["clues"]] == [c["id"] for c in document["clues"]]
    assert len(answer["places"]) == 5
    # Every clue points at Mari El (RU.45) but Yoshkar-Ola is excluded as searched.
    assert answer["places"][0]["region"] == "RU.45"
    assert "Yoshkar-Ola" not in [place["name"] for place in answer["places"]]
    landline = next(clue for clue in answer["clues"] if clue["id"] == "landline")
    assert any("RU.45" in note or "Mari" in note for note in landline["notes"]), landline
    assert not (tmp_path / "absent").exists()


def test_text_output_and_clues_switched_off(tmp_path: Path) -> None:
    clues = [
        {"kind": "ip", "id": "capture", "country": "RU"},
        {"kind": "place_name", "name": "в Параньге"},
        {"kind": "ip", "id": "as-written", "ip": "RU", "proxy": True},
    ]
    done = _run(tmp_path, {"clues": clues}, "--off", "capture")
    assert done.exit_code == 0, done.output
    assert "Paran’ga" in done.output.splitlines()[0]
    assert "[off] capture" in done.output and "[on ] place_name-1" in done.output
    assert "[on ] as-written" in done.output


@pytest.mark.parametrize(
    ("clue", "complaint"),
    [
        ({"kind": "sites", "sites": [{"latitude": 91.0, "longitude": 37.0}]}, "latitude"),
        ({"kind": "ip", "country": "QQ"}, "'QQ'"),
        ({"kind": "ip", "ip": "10.0.0.1"}, "private"),
        ({"kind": "posting_times", "timestamps": ["2026-07-01T21:33:00"]}, "time zone"),
        ({"kind": "phone", "number": "+7 000 000 00 00"}, "not a valid phone"),
        ({"kind": "phone", "number": "8 (8362) 45-67-89"}, "without its country code"),
        ({"kind": "text", "text": "ничего тут нет"}, "mentions no place"),
        ({"kind": "place_name", "name": "Нигдеград"}, "no place called"),
        ({"kind": "weather", "sunny": True}, "kind"),
    ],
)
def test_a_bad_clue_is_named_by_its_index(
    tmp_path: Path, clue: dict[str, Any], complaint: str
) -> None:
    good = {"kind": "place_name", "id": "good", "name": "Tver"}
    done = _run(tmp_path, {"clues": [good, {"id": "bad-one", **clue}]})
    assert done.exit_code == 2, done.output
    assert "clues[1] (bad-one)" in done.output, done.output
    assert complaint in done.output, done.output


def test_a_bad_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    broken = CliRunner().invoke(app, ["locate", "--clues", str(path)])
    assert broken.exit_code == 2 and "broken.json" in broken.output
    unknown_field = _run(tmp_path, {"clues": [{"kind": "ip", "country": "RU"}], "colour": 1})
    assert unknown_field.exit_code == 2 and "colour" in unknown_field.output
    no_case = CliRunner().invoke(app, ["locate"])
    assert no_case.exit_code == 2 and "clue file" in no_case.output
    no_user = CliRunner().invoke(app, ["locate", "CASE-1"])
    assert no_user.exit_code == 2 and "--user" in no_user.output


def test_the_listing_help_is_each_commands_own() -> None:
    for name, (_, _, help_text) in COMMANDS.items():
        assert load_command(name).get_short_help_str(limit=300) == help_text, name


def test_only_writing_commands_install_the_engines() -> None:
    assert writes_nothing("locate", ["--clues", "f.json"])
    assert writes_nothing("import", ["--help"])
    assert not writes_nothing("locate", ["CASE-1", "--user", "ru.inv"])
    assert not writes_nothing("locate", ["CASE-1", "--user=ru.inv"])
    assert not writes_nothing("import", ["f.json", "--user", "x", "--marking", "amber"])


def test_help_loads_neither_the_database_layer_nor_the_engines() -> None:
    probe = (
        "import sys\n"
        "from wayhome.cli.main import app\n"
        "for arguments in (['--help'], ['locate', '--help']):\n"
        "    try:\n"
        "        app(arguments)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('LOADED', sorted(m for m in ('sqlalchemy', 'wayhome.compose', 'wayhome.db.engine',"
        " 'fastapi') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout, done.stdout[-500:]
    assert "--clues" in done.stdout
