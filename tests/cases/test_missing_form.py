"""The missing-child form helps: required fields marked, each error beside its field in the
reader's language, what was typed kept, nothing stored; ISO 3166 countries and the colour
vocabularies checked in the form and in the API alike."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.cases.helpers import child_case
from tests.cases.test_pages import FORM, _csrf
from tests.conftest import World
from wayhome.access.models import Role, User
from wayhome.cases.missing_form import REQUIRED


@pytest.fixture
def investigator(client: TestClient, world: World, db: Session) -> User:
    user = world.user(world.agency("mf-de", "DE"), Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, user.username) == 303
    return user


def _field_error(page: str, name: str) -> str:
    match = re.search(rf'data-testid="error-{name}">([^<]*)<', page)
    assert match, f"no error beside {name}"
    return match.group(1)


def test_required_fields_are_marked_and_required(client: TestClient, investigator: User) -> None:
    page = client.get("/cases/missing/new").text
    for name in REQUIRED:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert tag and " required" in tag.group(0), name
    assert page.count('class="required"') == len(REQUIRED) + 1  # and the legend that explains
    assert 'name="last_seen_country"' in page and "When (UTC)" in page


def test_bad_fields_come_back_beside_their_fields_with_the_values_kept(
    client: TestClient, investigator: User, count_rows: Callable[[str], int]
) -> None:
    token = _csrf(client, "/cases/missing/new")
    before = count_rows("cases")
    bad = {
        **FORM,
        "csrf_token": token,
        "full_name": "",
        "last_seen_country": "XX",
        "nationalities": "DE, QQ",
        "languages": "ZZZ",
        "eye_colour": "ZZZ",
        "height_cm": "12",
        "weight_kg": "heavy",
    }
    response = client.post("/cases/missing", data=bad)
    assert response.status_code == 422
    page = response.text
    assert _field_error(page, "full_name") == "Fill this in."
    assert "“XX” is not a country code" in _field_error(page, "last_seen_country")
    assert "“QQ” is not a country code" in _field_error(page, "nationalities")
    assert "“ZZZ” is not a language code" in _field_error(page, "languages")
    assert _field_error(page, "eye_colour") == "Choose one of the listed colours."
    assert _field_error(page, "height_cm") == "Enter a number from 30 to 230."
    assert _field_error(page, "weight_kg") == "Enter a whole number."
    assert "correct the 7 fields marked below" in page
    # No developer words, and what was typed is still there.
    assert "List should have" not in page and "form.child" not in page
    assert 'value="XX"' in page and 'value="Kassel, Hauptbahnhof"' in page
    assert 'aria-invalid="true" aria-describedby="last_seen_country-error"' in page
    assert count_rows("cases") == before


def test_errors_are_in_the_readers_language(client: TestClient, investigator: User) -> None:
    token = _csrf(client, "/cases/missing/new")
    data = {**FORM, "csrf_token": token, "last_seen_country": "XX", "last_seen_place": ""}
    russian = client.post("/cases/missing", data=data, headers={"Accept-Language": "ru"}).text
    assert '<html lang="ru">' in russian
    assert _field_error(russian, "last_seen_place") == "Заполните это поле."
    assert _field_error(russian, "last_seen_country").startswith("«XX» — не код страны")
    dutch = client.post("/cases/missing", data=data, headers={"Accept-Language": "nl"}).text
    assert _field_error(dutch, "last_seen_place") == "Vul dit veld in."


def test_a_good_form_still_opens_the_case(client: TestClient, investigator: User) -> None:
    token = _csrf(client, "/cases/missing/new")
    data = {**FORM, "csrf_token": token, "eye_colour": "BLU", "hair_colour": "blo"}
    response = client.post("/cases/missing", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"last_seen_country": "XX"}, "body.last_seen_country"),
        ({"child": {**child_case()["child"], "eye_colour": "ZZZ"}}, "body.child.eye_colour"),
        ({"child": {**child_case()["child"], "hair_colour": "ZZZ"}}, "body.child.hair_colour"),
        ({"child": {**child_case()["child"], "nationalities": ["XX"]}}, "body.child.nationalities"),
        ({"child": {**child_case()["child"], "languages": ["ZZZ"]}}, "body.child.languages"),
    ],
)
def test_api_refuses_codes_outside_the_vocabularies(
    client: TestClient,
    world: World,
    count_rows: Callable[[str], int],
    change: dict[str, object],
    location: str,
) -> None:
    headers = world.headers(world.user(world.agency("mf-api", "RU"), Role.INVESTIGATOR))
    before = count_rows("cases")
    response = client.post(
        "/api/v1/cases/missing-child", json=child_case(**change), headers=headers
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["location"] == location
    assert "ZZZ" in problem["detail"] or "XX" in problem["detail"]
    assert count_rows("cases") == before
