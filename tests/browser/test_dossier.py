"""The Russian investigator downloads the case dossier from the case page in Chromium and the
PDF holds the case; the case page prints without its controls (print stylesheet)."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sign_in import sign_in
from wayhome.demo.loader import demo_truth

pytestmark = pytest.mark.browser


def _open_case(page: Page, base: str) -> None:
    page.goto(f"{base}/cases")
    page.get_by_role("link", name=re.compile("did not come home")).first.click()
    expect(page.get_by_test_id("case-title")).to_contain_text("Boy, 7")


def test_the_dossier_downloads_from_the_case_page(page: Page, live_server: str) -> None:
    truth = demo_truth()
    sign_in(page, live_server, "ru.investigator")
    _open_case(page, live_server)
    with page.expect_download() as download:
        page.get_by_test_id("dossier-link").click()
    saved = ARTIFACTS / "dossier.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    download.value.save_as(saved)
    assert re.fullmatch(r"WH-\d{4}-[0-9A-F]+-dossier-\d+\.pdf", download.value.suggested_filename)
    reader = PdfReader(io.BytesIO(saved.read_bytes()))
    text = " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())
    assert truth["child"]["name"] in text and truth["offender"]["full_name"] in text
    assert truth["series"] in text and "Audit chain head: entry #" in text
    # Chromium's own PDF viewer shows the first page: the README's picture.
    viewer = page.context.new_page()
    viewer.set_viewport_size({"width": 900, "height": 1200})
    viewer.goto(f"file://{saved}#toolbar=0&navpanes=0&view=FitH")
    viewer.wait_for_timeout(2_000)
    viewer.screenshot(path=str(ARTIFACTS / "dossier.png"))


def test_the_case_page_prints_without_its_controls(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "ru.investigator")
    _open_case(page, live_server)
    expect(page.get_by_test_id("dossier-link")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_test_id("case-title")).to_be_visible()
    expect(page.get_by_test_id("leads")).to_be_visible()
    for hidden in ("whoami", "dossier-link", "case-map-link"):
        expect(page.get_by_test_id(hidden)).to_be_hidden()
    # The first suspect's evidence path is in the record on paper, even when folded.
    expect(page.get_by_test_id("path").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "case-print.png"), full_page=True)
