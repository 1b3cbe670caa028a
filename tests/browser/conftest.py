"""A real Wayhome server on loopback with the demo loaded, and Debian's Chromium via Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import DatabaseFactory
from tests.serving import serving
from wayhome.db.engine import make_session_factory, session_scope
from wayhome.demo.loader import load_demo
from wayhome.settings import Environment, Settings
from wayhome.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Flags for a sandboxed, offline machine (see docs/architecture.md, "Browser tests").
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with databases.migrated() as (url, engine):
        with session_scope(make_session_factory(engine)) as session:
            load_demo(session)
        settings = Settings(
            environment=Environment.TEST, database_url=url, data_dir=tmp_path_factory.mktemp("live")
        )
        app = create_app(settings, make_session_factory(engine))
        with serving(app) as base:
            yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./dev test, which installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    # CI runs two test workers on two cores: give pages time rather than fail on load.
    opened.set_default_timeout(60_000)
    expect.set_options(timeout=30_000)
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot under test-artifacts/ for the README and for failure analysis."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
