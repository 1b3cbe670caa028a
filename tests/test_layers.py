"""The layers hold: `lint-imports` keeps the project's contracts and breaks on an upward
import; and no module subscribes to signals when imported, only the composition root."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PURE = "Analytic cores are pure: no product code, no database, no web"
LAYERS = "Layers: each imports only the layers below it"


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports with the project's contracts over the package copied into `tree`."""
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tree,
        env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the source package, to edit."""
    shutil.copytree(
        ROOT / "src" / "wayhome",
        tmp_path / "src" / "wayhome",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates"),
    )
    return tmp_path


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{PURE} KEPT" in result.stdout
    assert f"{LAYERS} KEPT" in result.stdout


def test_an_upward_import_breaks_the_contracts(tree: Path) -> None:
    names = tree / "src" / "wayhome" / "linking" / "names.py"
    names.write_text(names.read_text() + "\nimport wayhome.web.app  # noqa: E402\n")
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{PURE} BROKEN" in result.stdout
    assert f"{LAYERS} BROKEN" in result.stdout
    assert "wayhome.linking.names -> wayhome.web.app" in result.stdout


def test_an_engine_importing_leads_breaks_the_layers(tree: Path) -> None:
    store = tree / "src" / "wayhome" / "intake" / "store.py"
    store.write_text(store.read_text() + "\nimport wayhome.leads.services  # noqa: E402\n")
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{PURE} KEPT" in result.stdout
    assert "wayhome.intake is not allowed to import wayhome.leads" in result.stdout


IMPORT_EVERYTHING = """
import importlib, pkgutil, wayhome
from wayhome import signals
for module in pkgutil.walk_packages(wayhome.__path__, "wayhome."):
    if not module.name.startswith("wayhome.db.migrations"):  # Alembic runs those
        importlib.import_module(module.name)
print(len(signals._before_commit), len(signals._after_commit))
from wayhome.compose import install_engines
install_engines()
install_engines()
print([f"{s.__module__}.{s.__name__}" for s in signals._before_commit])
print([f"{s.__module__}.{s.__name__}" for s in signals._after_commit])
"""


def test_importing_subscribes_nothing_and_the_root_subscribes_each_once() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    counts, before, after = result.stdout.splitlines()[-3:]
    assert counts == "0 0"
    assert before == str(
        [
            "wayhome.cases.timeline.on_signals",
            "wayhome.linking.subscriber.on_signals",
            "wayhome.watches.alerts.on_signals",
        ]
    )
    assert after == str(["wayhome.watches.alerts.after_commit"])
