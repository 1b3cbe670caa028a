"""The public yellow notices API against INTERPOL's published shape; need-to-know; bad input."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.cases.helpers import child_case, open_child, png
from tests.conftest import World
from tests.notices import published_shape as shape
from wayhome.access.models import Role


def _publish(
    client: TestClient, headers: dict[str, str], visibility: str = "public", **over: Any
) -> dict[str, Any]:
    case = open_child(client, headers, **over)
    client.post(
        f"/api/v1/cases/{case['id']}/portrait",
        files={"file": ("p.png", png(), "image/png")},
        headers=headers,
    )
    response = client.post(
        f"/api/v1/cases/{case['id']}/notice", json={"visibility": visibility}, headers=headers
    )
    assert response.status_code == 200, response.text
    notice: dict[str, Any] = response.json()
    return {"case": case, **notice}


@pytest.fixture
def investigator(world: World) -> dict[str, str]:
    return world.headers(world.user(world.agency("nb-ru", "RU"), Role.INVESTIGATOR))


def test_list_and_detail_match_the_published_shape(
    client: TestClient, investigator: dict[str, str], frozen: datetime
) -> None:
    notice = _publish(client, investigator)
    entity = notice["entity_id"]
    assert re.fullmatch(r"2026/\d{5}", entity)
    listing = client.get("/notices/v1/yellow")  # anonymous
    assert listing.status_code == 200 and listing.headers["content-type"].startswith(
        "application/json"
    )
    body = listing.json()
    assert shape.mismatches(shape.LIST, body) == []
    assert body["total"] == 1 and body["query"] == {"page": 1, "resultPerPage": 20}
    item = body["_embedded"]["notices"][0]
    assert shape.mismatches(shape.LIST_ITEM, item) == []
    assert item == {
        "forename": "MARIYA",
        "name": "SOKOLOVA",
        "date_of_birth": "2017/05/02",
        "entity_id": entity,
        "nationalities": ["RU"],
        "_links": item["_links"],
    }
    url_id = entity.replace("/", "-")
    assert item["_links"]["self"]["href"] == f"http://testserver/notices/v1/yellow/{url_id}"

    detail = client.get(f"/notices/v1/yellow/{url_id}").json()
    assert shape.mismatches(shape.DETAIL, detail) == []
    assert {k: detail[k] for k in shape.DETAIL if not k.startswith("_")} == {
        "weight": 26,
        "birth_name": None,
        "entity_id": entity,
        "nationalities": ["RU"],
        "height": 1.28,
        "name": "SOKOLOVA",
        "eyes_colors_id": ["BLU"],
        "place": "Noginsk, school gate",
        "date_of_event": "2026/06/01",
        "hairs_id": ["BLO"],
        "father_forename": None,
        "mother_forename": None,
        "forename": "MARIYA",
        "date_of_birth": "2017/05/02",
        "languages_spoken_ids": ["RUS", "ENG"],
        "country": "RU",
        "country_of_birth_id": None,
        "sex_id": "F",
        "distinguishing_marks": "Small scar above the left eyebrow",
        "mother_name": None,
        "place_of_birth": None,
    }
    # Nothing of the case beyond the public fields: no guardians, no circumstances.
    text = str(detail)
    assert "Olga" not in text and "school." not in text and "Red jacket" not in text

    images = client.get(detail["_links"]["images"]["href"]).json()
    assert shape.mismatches(shape.IMAGES, images) == []
    picture = images["_embedded"]["images"][0]
    assert shape.mismatches(shape.IMAGE_ITEM, picture) == []
    full = client.get(picture["_links"]["self"]["href"])
    assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(full.content)).size == (120, 150)
    thumb = client.get(detail["_links"]["thumbnail"]["href"])
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.content)).size[0] <= 160


def test_paging_links_and_filters(client: TestClient, investigator: dict[str, str]) -> None:
    for index in range(5):
        child = {
            **child_case()["child"],
            "names": [{"full_name": f"Ivan Testov{index}"}],
            "sex": "male",
            "date_of_birth": f"201{index}-01-01",
        }
        _publish(client, investigator, child=child)
    _publish(client, investigator)  # Mariya, female
    first = client.get("/notices/v1/yellow", params={"sexId": "M", "resultPerPage": 2}).json()
    assert first["total"] == 5 and len(first["_embedded"]["notices"]) == 2
    assert first["query"] == {"sexId": "M", "page": 1, "resultPerPage": 2}
    links = {k: parse_qs(urlsplit(v["href"]).query) for k, v in first["_links"].items()}
    assert set(links) == {"self", "first", "next", "last"}
    assert links["next"]["page"] == ["2"] and links["last"]["page"] == ["3"]
    assert all(q["sexId"] == ["M"] and q["resultPerPage"] == ["2"] for q in links.values())
    last = client.get(first["_links"]["last"]["href"]).json()
    assert len(last["_embedded"]["notices"]) == 1 and "next" not in last["_links"]
    seen = {
        n["entity_id"]
        for p in (1, 2, 3)
        for n in client.get(
            "/notices/v1/yellow", params={"sexId": "M", "resultPerPage": 2, "page": p}
        ).json()["_embedded"]["notices"]
    }
    assert len(seen) == 5
    assert client.get("/notices/v1/yellow", params={"forename": "mariya"}).json()["total"] == 1
    assert client.get("/notices/v1/yellow", params={"name": "testov3"}).json()["total"] == 1
    assert client.get("/notices/v1/yellow", params={"nationality": "DE"}).json()["total"] == 0
    assert (
        client.get("/notices/v1/yellow", params={"freeText": "scar noginsk"}).json()["total"] == 6
    )


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"resultPerPage": 100000}, "query.resultPerPage"),
        ({"resultPerPage": 0}, "query.resultPerPage"),
        ({"page": -1}, "query.page"),
        ({"page": "two"}, "query.page"),
        ({"ageMin": 400}, "query.ageMin"),
        ({"sexId": "X"}, "query.sexId"),
    ],
)
def test_bad_queries_name_the_parameter(
    client: TestClient, params: dict[str, Any], location: str
) -> None:
    response = client.get("/notices/v1/yellow", params=params)
    assert response.status_code == 422
    assert location in response.json()["detail"]


def test_restricted_withdrawn_and_hidden_notices_are_invisible_anonymously(
    client: TestClient, investigator: dict[str, str], world: World
) -> None:
    restricted = _publish(client, investigator, visibility="restricted")
    public = _publish(client, investigator)
    listing = client.get("/notices/v1/yellow").json()
    assert [n["entity_id"] for n in listing["_embedded"]["notices"]] == [public["entity_id"]]
    hidden = client.get(f"/notices/v1/yellow/{restricted['entity_id'].replace('/', '-')}")
    unknown = client.get("/notices/v1/yellow/1999-12345")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["detail"] == unknown.json()["detail"]
    # Withdrawing takes it off the public service at once, images too.
    url_id = public["entity_id"].replace("/", "-")
    images = client.get(f"/notices/v1/yellow/{url_id}/images").json()
    picture_url = images["_embedded"]["images"][0]["_links"]["self"]["href"]
    withdrawn = client.post(
        f"/api/v1/cases/{public['case']['id']}/notice",
        json={"visibility": "withdrawn"},
        headers=investigator,
    )
    assert withdrawn.status_code == 200
    assert client.get("/notices/v1/yellow").json()["total"] == 0
    assert client.get(f"/notices/v1/yellow/{url_id}").status_code == 404
    assert client.get(picture_url).status_code == 404
    # A restricted notice shows on the case only to those who may see the case.
    other = world.headers(world.user(world.agency("nb-de", "DE"), Role.INVESTIGATOR))
    assert (
        client.get(f"/api/v1/cases/{restricted['case']['id']}/workflow", headers=other).status_code
        == 404
    )
    own = client.get(f"/api/v1/cases/{restricted['case']['id']}/workflow", headers=investigator)
    assert own.json()["notice"]["visibility"] == "restricted"


def test_who_may_publish(client: TestClient, world: World) -> None:
    agency = world.agency("nb-x", "RU")
    analyst = world.headers(world.user(agency, Role.ANALYST))
    investigator = world.headers(world.user(agency, Role.INVESTIGATOR))
    case = open_child(client, investigator)
    url = f"/api/v1/cases/{case['id']}/notice"
    assert client.post(url, json={"visibility": "public"}, headers=analyst).status_code == 403
    red = open_child(client, investigator, marking="RED")
    refused = client.post(
        f"/api/v1/cases/{red['id']}/notice", json={"visibility": "public"}, headers=investigator
    )
    assert refused.status_code == 422 and "body.visibility" in refused.json()["detail"]
    assert client.get("/notices/v1/yellow").json()["total"] == 0


def test_rate_limit_answers_429_with_retry_after(client: TestClient, app: Any) -> None:
    app.state.settings.notice_rate_limit_per_minute = 3
    answers = [client.get("/notices/v1/yellow").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/notices/v1/yellow")
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
