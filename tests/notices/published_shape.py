"""The published shape of INTERPOL's public notices web service (ws-public.interpol.int),
written down from its documentation (the OpenAPI description of /notices/v1/{red,yellow}):
each field with the JSON type its value has. Wayhome's answers are compared to it field by
field, so an existing client works by changing only its base URL."""

from __future__ import annotations

from typing import Any

# GET /notices/v1/yellow
LIST: dict[str, Any] = {
    "total": int,
    "query": {"page": int, "resultPerPage": int},
    "_embedded": {"notices": list},
    "_links": {"self": {"href": str}, "first": {"href": str}, "last": {"href": str}},
}
# One item of _embedded.notices
LIST_ITEM: dict[str, Any] = {
    "forename": (str, type(None)),
    "date_of_birth": (str, type(None)),  # "YYYY/MM/DD"
    "entity_id": str,  # "YYYY/NNNNN"
    "nationalities": list,
    "name": (str, type(None)),
    "_links": {"self": {"href": str}, "images": {"href": str}, "thumbnail": {"href": str}},
}
# GET /notices/v1/yellow/{noticeID}
DETAIL: dict[str, Any] = {
    "weight": (int, type(None)),
    "birth_name": (str, type(None)),
    "entity_id": str,
    "nationalities": list,
    "height": (float, int, type(None)),  # metres
    "name": (str, type(None)),
    "eyes_colors_id": list,
    "place": (str, type(None)),
    "date_of_event": (str, type(None)),
    "hairs_id": list,
    "father_forename": (str, type(None)),
    "mother_forename": (str, type(None)),
    "forename": (str, type(None)),
    "date_of_birth": (str, type(None)),
    "languages_spoken_ids": list,
    "country": (str, type(None)),
    "country_of_birth_id": (str, type(None)),
    "sex_id": (str, type(None)),  # F, M, U
    "distinguishing_marks": (str, type(None)),
    "mother_name": (str, type(None)),
    "place_of_birth": (str, type(None)),
    "_embedded": {"links": list},
    "_links": {"self": {"href": str}, "images": {"href": str}, "thumbnail": {"href": str}},
}
# GET /notices/v1/yellow/{noticeID}/images
IMAGES: dict[str, Any] = {
    "_embedded": {"images": list},
    "_links": {"self": {"href": str}, "notice": {"href": str}, "thumbnail": {"href": str}},
}
IMAGE_ITEM: dict[str, Any] = {"picture_id": str, "_links": {"self": {"href": str}}}


def mismatches(shape: dict[str, Any], value: Any, path: str = "") -> list[str]:
    """Every field of `shape` missing from `value` or of another type, by path."""
    if not isinstance(value, dict):
        return [f"{path or '.'}: not an object"]
    problems = []
    for key, kind in shape.items():
        where = f"{path}.{key}" if path else key
        if key not in value:
            problems.append(f"{where}: missing")
        elif isinstance(kind, dict):
            problems += mismatches(kind, value[key], where)
        elif not isinstance(value[key], kind) or isinstance(value[key], bool):
            problems.append(f"{where}: {type(value[key]).__name__}")
    return problems
