"""The map page: a case's posterior over offline layers, the ranked places, the clues as
toggles; and the gazetteer's towns in a box, as GeoJSON labels for the map."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from wayhome.errors import InvalidInput
from wayhome.locate import clues as lc
from wayhome.locate import services
from wayhome.locate.live import gazetteer
from wayhome.locate.schemas import LocateIn
from wayhome.locate.stated import CaseClue
from wayhome.web.pages import PageRecords, PageUser, render

router = APIRouter(include_in_schema=False)

TOWNS_MAX = 400


def known_sites(clues: list[CaseClue]) -> list[dict[str, Any]]:
    """The case's known sites (last seen, sightings…) as map points, each with its clue."""
    return [
        {
            "clue": clue.id,
            "label": clue.label,
            "kind": site.kind,
            "latitude": site.latitude,
            "longitude": site.longitude,
        }
        for clue in clues
        if isinstance(clue.clue, lc.KnownSitesClue)
        for site in clue.clue.sites
    ]


@router.get("/cases/{case_id}/map", response_class=HTMLResponse)
def case_map(
    request: Request,
    records: PageRecords,
    case_id: uuid.UUID,
    on: Annotated[list[str] | None, Query(max_length=1_000)] = None,
    toggled: bool = False,
) -> Response:
    """The map of where the case's offender probably lives; unticked clues are left out."""
    body = LocateIn()
    run = services.locate_case(records, case_id, body, only=set(on or []) if toggled else None)
    answer = services.as_output(run, body)
    return render(
        request,
        "case_map.html",
        {"case": run.case, "answer": answer, "sites": known_sites(run.clues)},
    )


def _bound(value: float, name: str, limit: float) -> float:
    if not -limit <= value <= limit:
        raise InvalidInput(f"{name} must lie between -{limit:g} and {limit:g}", location=name)
    return value


@router.get("/map/towns.geojson")
def towns(
    user: PageUser,
    south: float,
    west: float,
    north: float,
    east: float,
    limit: Annotated[int, Query(ge=1, le=TOWNS_MAX)] = 150,
) -> Response:
    """The most populous settlements of the gazetteer inside a box, as GeoJSON points.

    The gazetteer is public reference data (GeoNames), not intelligence: any signed-in user
    may read it; the map labels the towns around its top places with it.
    """
    south, north = _bound(south, "south", 90), _bound(north, "north", 90)
    west, east = _bound(west, "west", 180), _bound(east, "east", 180)
    if south > north:
        raise InvalidInput("south must not lie north of north", location="south")
    places = gazetteer()
    inside = (places.latitudes >= south) & (places.latitudes <= north)
    if west <= east:
        inside &= (places.longitudes >= west) & (places.longitudes <= east)
    else:  # the box crosses the antimeridian
        inside &= (places.longitudes >= west) | (places.longitudes <= east)
    rows = np.flatnonzero(inside)
    rows = rows[np.argsort(-places.populations[rows], kind="stable")[:limit]]
    features = []
    for row in rows:
        place = places.place(int(row))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": {
                    "geonameid": place.geonameid,
                    "name": place.name,
                    "local_name": place.local_name,
                    "population": place.population,
                    "country": place.country,
                },
            }
        )
    return JSONResponse(
        {"type": "FeatureCollection", "features": features},
        media_type="application/geo+json",
    )
