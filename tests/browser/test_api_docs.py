"""The API docs page in Chromium: an anonymous visitor is sent to sign in and comes back to
Swagger UI, which loads from the server alone and lists the operations."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from tests.browser.conftest import screenshot
from wayhome.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_signed_in_user_reads_the_api_docs(page: Page, live_server: str) -> None:
    elsewhere: list[str] = []
    errors: list[str] = []

    def note_request(request: Request) -> None:
        if not request.url.startswith((live_server, "data:")):
            elsewhere.append(request.url)

    def note_console(message: ConsoleMessage) -> None:
        if message.type == "error":  # a script refused by the CSP shows here
            errors.append(message.text)

    page.on("request", note_request)
    page.on("console", note_console)
    page.goto(f"{live_server}/api/v1/docs")
    expect(page).to_have_url(f"{live_server}/login?next=/api/v1/docs")
    page.get_by_label("Username").fill("nl.analyst")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Wayhome")
    cases = page.locator(".opblock-summary-path", has_text="/api/v1/cases/{case_id}").first
    expect(cases).to_be_visible()
    document = page.request.get(f"{live_server}/api/v1/openapi.json").json()  # signed in
    operations = sum(len(methods) for methods in document["paths"].values())
    expect(page.locator(".opblock")).to_have_count(operations)
    page.locator(".opblock-summary", has_text="/api/v1/me").first.click()
    expect(page.get_by_text("No valid session or API token.").first).to_be_visible()
    screenshot(page, "api-docs")
    assert elsewhere == []
    assert errors == []


def test_anonymous_visitor_gets_no_document(page: Page, live_server: str) -> None:
    answer = page.request.get(f"{live_server}/api/v1/openapi.json")
    assert answer.status == 401
    assert answer.json()["title"] == "Authentication required"
    page.goto(f"{live_server}/api/v1/openapi.json")
    expect(page).to_have_url(f"{live_server}/login?next=/api/v1/openapi.json")
