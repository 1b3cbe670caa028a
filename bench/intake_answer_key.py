"""Intake against an independent answer-key set (issue 17), through the product path.

    PYTHONPATH=src:. .venv/bin/python bench/intake_answer_key.py

The set (tests/intake/answer_key/: a STIX bundle, a MISP event, a CyberTipline XML report, a
Russian/English forum scrape, a CSV and a VICS hash list about one fictional subject, with
key.json) was written from the formats' public specifications by a generator that imports
nothing from wayhome. On a fresh SQLite database set up with the `wayhome` CLI (db upgrade,
agencies add, users add, tokens create), each file is imported through the HTTP API by its
own member agency (TLP:AMBER, owner only), read back, and every recurring selector looked
up as each agency holding it; then, on a second fresh database, every file is imported by
every member agency. Prints the tables and every miss.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient
from tests.intake.answer_key.product import Product, agencies, files, import_as, score_set
from tests.intake.answer_key.scoring import FileScore, LinkScore, load_key
from typer.testing import CliRunner

from wayhome.cli.main import app as cli
from wayhome.settings import get_settings
from wayhome.web.app import create_app

PASSWORD = "answer-key bench password"  # noqa: S105 (a throw-away database's accounts)


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    if result.exit_code != 0:
        raise SystemExit(f"wayhome {' '.join(args)} failed: {result.output}")
    return result.output


def fresh_product(folder: Path) -> tuple[Product, TestClient]:
    """A migrated database with the key's agencies, an analyst and a token each (by the CLI),
    and the app on it."""
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["WAYHOME_DATA_DIR"] = str(folder)
    os.environ["WAYHOME_DATABASE_URL"] = f"sqlite:///{folder / 'wayhome.db'}"
    get_settings.cache_clear()
    _cli("db", "upgrade")
    headers, codes = {}, {}
    for agency, about in agencies().items():
        code = f"key-{agency}"
        _cli("agencies", "add", code, about["name"], about["country"], "--kind", about["kind"])
        user = f"{agency}.analyst"
        _cli("users", "add", user, "--agency", code, "--role", "analyst", "--password", PASSWORD)
        secret = _cli("tokens", "create", user, "--scope", "read", "--scope", "write").strip()
        headers[agency] = {"Authorization": f"Bearer {secret.splitlines()[-1]}"}
        codes[agency] = code
    client = TestClient(create_app(get_settings()), base_url="http://testserver")
    return Product(client, headers, codes), client


def cli_imports(folder: Path) -> list[str]:
    """Each file imported by its own agency through `wayhome import` / `wayhome banks import`
    on a fresh database: the command's exit status and last line."""
    fresh_product(folder)
    key = load_key()
    lines = ["| file | command | exit | output |", "|---|---|---|---|"]
    for name, entry in key["files"].items():
        user = f"{entry['agency']}.analyst"
        path = str(Path(__file__).resolve().parent.parent / "tests/intake/answer_key" / name)
        if entry["format"] == "vics":
            args = ["banks", "import", path, "--bank", "answer key", "--user", user]
            args += ["--marking", "AMBER"]
        else:
            args = ["import", path, "--user", user, "--marking", "AMBER"]
        result = CliRunner().invoke(cli, args)
        said = result.output.strip().splitlines() or [""]
        line = next(
            (x for x in said if "stored" in x or "record(s)" in x or "error" in x), said[-1]
        )
        last = line[:140].replace("|", "/")
        lines.append(f"| {name} | wayhome {args[0]} | {result.exit_code} | {last} |")
    return lines


def file_table(scores: list[FileScore]) -> list[str]:
    lines = [
        "| file | format | importing agency | refused | must-find found | look-alikes reported "
        "| may-find held | other values held |",
        "|---|---|---|---|---|---|---|---|",
    ]
    key = load_key()
    for s in scores:
        may = len(key["files"][s.name]["may_find"])
        held_may = "—" if s.refused or not may else f"{len(s.may_found)}/{may}"
        lines.append(
            f"| {s.name} | {s.format} | {s.agency.upper()} | {'yes' if s.refused else 'no'} "
            f"| {len(s.found)}/{s.must_total} | {len(s.lookalikes)}/"
            f"{len(key['files'][s.name]['must_not_find'])} | {held_may} "
            f"| {len(s.extras)} |"
        )
    found = sum(len(s.found) for s in scores)
    total = sum(s.must_total for s in scores)
    bad = sum(len(s.lookalikes) for s in scores)
    rejects = sum(len(key["files"][s.name]["must_not_find"]) for s in scores)
    refused = sum(1 for s in scores if s.refused)
    lines.append(
        f"| **all** | | | {refused}/{len(scores)} | **{found}/{total}** | **{bad}/{rejects}** | | "
        f"{sum(len(s.extras) for s in scores)} |"
    )
    return lines


def link_table(links: list[LinkScore]) -> list[str]:
    lines = [
        "| recurring selector | holders | correlated | holder → holders it does not see |",
        "|---|---|---|---|",
    ]
    for link in links:
        gaps = "; ".join(f"{a} → {', '.join(b)}" for a, b in link.missing.items())
        lines.append(
            f"| {link.kind} `{link.value}` | {', '.join(link.holders)} "
            f"| {'yes' if link.correlated else '**no**'} | {gaps or '—'} |"
        )
    ok = sum(1 for link in links if link.correlated)
    lines.append(f"| **all** | | **{ok}/{len(links)}** | |")
    return lines


def misses(scores: list[FileScore]) -> list[str]:
    lines = []
    for s in scores:
        if s.refused:
            lines.append(f"* {s.name}: refused: {s.refused}")
        for item in s.missed:
            lines.append(
                f"* {s.name}: not found {item['type']} `{item['value']}`"
                + (f" ({item['note']})" if item.get("note") else "")
            )
        for entry, held in s.lookalikes:
            lines.append(
                f"* {s.name}: look-alike reported: {held.product_type} `{held.product_value}` "
                f"from `{held.original}` ({entry['reason']})"
            )
        for held in s.extras:
            lines.append(
                f"* {s.name}: also held (neither expected nor a listed look-alike): "
                f"{held.product_type} `{held.product_value}` from `{held.original[:80]}`"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wayhome-answer-key-") as tmp:
        product, client = fresh_product(Path(tmp) / "own")
        with client:
            scores, links = score_set(product)
        product, client = fresh_product(Path(tmp) / "every")
        matrix: dict[tuple[str, str], tuple[str | None, FileScore]] = {}
        with client:
            for name in files():
                for agency in agencies():
                    matrix[(name, agency)] = import_as(product, agency, name)
        commands = cli_imports(Path(tmp) / "cli")
    print("\n".join(file_table(scores)))
    print()
    print("\n".join(link_table(links)))
    print()
    names = list(agencies())
    print("| file | " + " | ".join(f"as {a.upper()}" for a in names) + " |")
    print("|---|" + "---|" * len(names))
    for name in files():
        cells = []
        for agency in names:
            refused, score = matrix[(name, agency)]
            cells.append("refused" if refused else f"{len(score.found)}/{score.must_total}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    imported = sum(1 for refused, _ in matrix.values() if refused is None)
    print(f"\nimported whichever agency imports it: {imported}/{len(matrix)}")
    print()
    print("\n".join(commands))
    print()
    print("\n".join(misses(scores)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
