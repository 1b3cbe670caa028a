"""`/notices/v1/yellow`: public notices, anonymous and rate-limited, in INTERPOL's JSON shape.

A client of INTERPOL's public notices web service works against Wayhome by changing only its
base URL: the same paths, query parameters, field names, `_embedded`/`_links` (HAL) layout,
`entity_id` written `YYYY/NNNNN` (and `YYYY-NNNNN` in URLs) and dates written `YYYY/MM/DD`.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from wayhome import clock
from wayhome.errors import InvalidInput, NotFound, TooManyRequests
from wayhome.notices import services
from wayhome.notices.services import PublicNotice
from wayhome.web.deps import SessionDep, SettingsDep, access
from wayhome.web.errors import problems

# Anonymous: never 401 or 403; throttled per address (429), and the server may be at its load.
router = APIRouter(prefix="/notices/v1", tags=["notices"], responses=problems(422, 429, 503))
HAL_JSON = "application/json"


class RateLimited(TooManyRequests):
    """429 with the seconds to wait in Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; retry in {retry_after} s")
        self.headers = {"Retry-After": str(retry_after)}


class RateLimiter:
    """A sliding one-minute window of request times per client address."""

    def __init__(self) -> None:
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str, per_minute: int, now: float) -> None:
        """Count one request; raise RateLimited when the client is over its allowance."""
        with self._lock:
            window = self._seen.setdefault(client, deque())
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= per_minute:
                raise RateLimited(max(1, math.ceil(window[0] + 60 - now)))
            window.append(now)
            if len(self._seen) > 100_000:  # forget idle clients rather than grow without bound
                for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - 60]:
                    del self._seen[key]


def rate_limit(request: Request, settings: SettingsDep) -> None:
    """Per-client limit on the public notices API."""
    limiter: RateLimiter | None = getattr(request.app.state, "notice_limiter", None)
    if limiter is None:
        limiter = request.app.state.notice_limiter = RateLimiter()
    client = request.client.host if request.client else "unknown"
    limiter.check(client, settings.notice_rate_limit_per_minute, time.monotonic())


Limited = Depends(rate_limit)


def _slash(value: date | None) -> str | None:
    return value.strftime("%Y/%m/%d") if value else None


def _notice_url(request: Request, entity_id: str) -> str:
    base = str(request.base_url).rstrip("/")
    return f"{base}/notices/v1/yellow/{entity_id.replace('/', '-')}"


def _links(request: Request, notice: PublicNotice) -> dict[str, Any]:
    url = _notice_url(request, notice.entity_id)
    links: dict[str, Any] = {"self": {"href": url}, "images": {"href": f"{url}/images"}}
    if notice.picture_id:
        links["thumbnail"] = {"href": f"{url}/images/{notice.picture_id}/thumbnail"}
    return links


def _url_id(notice_id: str) -> str:
    """`2026-12345` (URL form) → `2026/12345`; anything else is not a notice id."""
    year, sep, number = notice_id.partition("-")
    if not (sep and year.isdigit() and len(year) == 4 and number.isdigit()):
        raise NotFound("no public notice with this id")
    return f"{year}/{number}"


def _json(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, media_type=HAL_JSON)


@router.get("/yellow", openapi_extra=access("public"), dependencies=[Limited])
def list_notices(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    forename: str | None = None,
    name: str | None = None,
    nationality: str | None = None,
    age_min: Annotated[int | None, Query(alias="ageMin")] = None,
    age_max: Annotated[int | None, Query(alias="ageMax")] = None,
    sex_id: Annotated[str | None, Query(alias="sexId")] = None,
    free_text: Annotated[str | None, Query(alias="freeText")] = None,
    page: int = 1,
    result_per_page: Annotated[int, Query(alias="resultPerPage")] = 20,
) -> Response:
    """Public yellow notices matching the search, a page at a time."""
    if page < 1:
        raise InvalidInput("page starts at 1", location="query.page")
    if not 1 <= result_per_page <= settings.notice_page_max:
        raise InvalidInput(
            f"resultPerPage must be between 1 and {settings.notice_page_max}",
            location="query.resultPerPage",
        )
    for value, field in ((age_min, "ageMin"), (age_max, "ageMax")):
        if value is not None and not 0 <= value <= 130:
            raise InvalidInput("an age between 0 and 130", location=f"query.{field}")
    if sex_id and sex_id.upper() not in ("F", "M", "U"):
        raise InvalidInput("sexId is F, M or U", location="query.sexId")
    query = services.Query(forename, name, nationality, age_min, age_max, sex_id, free_text)
    found = services.search(session, query, clock.now().date())
    total = len(found)
    last = max(1, math.ceil(total / result_per_page))
    start = (page - 1) * result_per_page
    shown = found[start : start + result_per_page]
    params = {
        "forename": forename,
        "name": name,
        "nationality": nationality,
        "ageMin": age_min,
        "ageMax": age_max,
        "sexId": sex_id,
        "freeText": free_text,
    }
    given = {k: v for k, v in params.items() if v is not None and v != ""}
    base = str(request.base_url).rstrip("/") + "/notices/v1/yellow"

    def href(number: int) -> dict[str, str]:
        query_string = urlencode({**given, "resultPerPage": result_per_page, "page": number})
        return {"href": f"{base}?{query_string}"}

    links = {"self": href(page), "first": href(1)}
    if page < last:
        links["next"] = href(page + 1)
    links["last"] = href(last)
    notices = [
        {
            "forename": n.forename,
            "date_of_birth": _slash(n.date_of_birth),
            "entity_id": n.entity_id,
            "nationalities": n.nationalities,
            "name": n.name,
            "_links": _links(request, n),
        }
        for n in shown
    ]
    return _json(
        {
            "total": total,
            "query": {**given, "page": page, "resultPerPage": result_per_page},
            "_embedded": {"notices": notices},
            "_links": links,
        }
    )


@router.get(
    "/yellow/{notice_id}",
    responses=problems(404),
    openapi_extra=access("public"),
    dependencies=[Limited],
)
def get_notice(request: Request, session: SessionDep, notice_id: str) -> Response:
    """One public yellow notice."""
    n = services.get(session, _url_id(notice_id))
    return _json(
        {
            "entity_id": n.entity_id,
            "name": n.name,
            "forename": n.forename,
            "birth_name": None,
            "date_of_birth": _slash(n.date_of_birth),
            "place_of_birth": None,
            "country_of_birth_id": None,
            "sex_id": n.sex_id,
            "nationalities": n.nationalities,
            "place": n.place,
            "country": n.country,
            "date_of_event": _slash(n.date_of_event),
            "height": n.height_m,
            "weight": n.weight_kg,
            "eyes_colors_id": n.eyes_colors_id,
            "hairs_id": n.hairs_id,
            "languages_spoken_ids": n.languages_spoken_ids,
            "distinguishing_marks": n.distinguishing_marks,
            "father_forename": None,
            "mother_forename": None,
            "mother_name": None,
            "_embedded": {"links": []},
            "_links": _links(request, n),
        }
    )


@router.get(
    "/yellow/{notice_id}/images",
    responses=problems(404),
    openapi_extra=access("public"),
    dependencies=[Limited],
)
def list_images(request: Request, session: SessionDep, notice_id: str) -> Response:
    """The images of a public notice (at most the family's portrait)."""
    n = services.get(session, _url_id(notice_id))
    url = _notice_url(request, n.entity_id)
    images = []
    links: dict[str, Any] = {"self": {"href": f"{url}/images"}, "notice": {"href": url}}
    if n.picture_id:
        images.append(
            {
                "picture_id": n.picture_id,
                "_links": {"self": {"href": f"{url}/images/{n.picture_id}"}},
            }
        )
        links["thumbnail"] = {"href": f"{url}/images/{n.picture_id}/thumbnail"}
    return _json({"_embedded": {"images": images}, "_links": links})


@router.get(
    "/yellow/{notice_id}/images/{picture_id}",
    responses=problems(404),
    openapi_extra=access("public"),
    dependencies=[Limited],
    response_class=Response,
)
def get_image(session: SessionDep, notice_id: str, picture_id: str) -> Response:
    """A public notice's portrait (JPEG)."""
    data = services.picture(session, _url_id(notice_id), picture_id, thumbnail=False)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-cache"})


@router.get(
    "/yellow/{notice_id}/images/{picture_id}/thumbnail",
    responses=problems(404),
    openapi_extra=access("public"),
    dependencies=[Limited],
    response_class=Response,
)
def get_thumbnail(session: SessionDep, notice_id: str, picture_id: str) -> Response:
    """A public notice's portrait, small (JPEG)."""
    data = services.picture(session, _url_id(notice_id), picture_id, thumbnail=True)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-cache"})
