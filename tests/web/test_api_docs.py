"""The OpenAPI document and its Swagger UI page: local files only, members only; every error
answer documented as problem details."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.access.test_authentication import _sign_in
from tests.conftest import World
from wayhome.access.models import Role
from wayhome.web.errors import PROBLEM_JSON

STATIC = Path(__file__).resolve().parents[2] / "src" / "wayhome" / "web" / "static"


def test_anonymous_clients_get_401_and_browsers_the_sign_in_page(client: TestClient) -> None:
    for path in ("/api/v1/openapi.json", "/api/v1/docs"):
        refused = client.get(path)
        assert refused.status_code == 401, path
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert refused.headers["www-authenticate"] == "Bearer"
        browser = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        assert browser.status_code == 303, path
        assert browser.headers["location"] == f"/login?next={path}"


def test_an_unknown_token_is_refused(client: TestClient) -> None:
    answer = client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer wh_nothing"})
    assert answer.status_code == 401


def test_a_read_token_gets_the_document_with_problem_details(
    client: TestClient, world: World
) -> None:
    user = world.user(world.agency(), Role.ANALYST)
    answer = client.get("/api/v1/openapi.json", headers=world.headers(user, ("read",)))
    assert answer.status_code == 200
    document = answer.json()
    problem = document["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail", "instance"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    get_case = document["paths"]["/api/v1/cases/{case_id}"]["get"]["responses"]
    assert {"200", "401", "403", "404", "422", "503"} <= set(get_case)
    assert "409" not in get_case  # a read never clashes with a stored record
    refused = get_case["404"]["content"]
    assert refused == {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    notices = document["paths"]["/notices/v1/yellow"]["get"]["responses"]
    assert "429" in notices and "401" not in notices
    assert "Retry-After" in notices["429"]["headers"]
    agencies = document["paths"]["/api/v1/agencies"]["post"]["responses"]
    assert {"400", "409", "413"} <= set(agencies)


def test_the_docs_page_loads_swagger_ui_from_local_files(client: TestClient, world: World) -> None:
    user = world.user(world.agency(), Role.INVESTIGATOR)
    assert _sign_in(client, user.username) == 303
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.text
    assert 'src="/static/vendor/swagger-ui-bundle.js"' in html
    assert 'href="/static/vendor/swagger-ui.css"' in html
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
    assert "http" not in html.replace('charset="utf-8"', "")  # nothing from elsewhere
    assert "<script>" not in html  # no inline script: the CSP allows none
    assert "script-src" not in page.headers["content-security-policy"]
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert (STATIC / "api-docs.js").is_file()
    assert client.get("/api/v1/openapi.json").status_code == 200  # the session cookie
