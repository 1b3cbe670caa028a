"""What every list page shares: reading its filters from the query string (a bad one is an error
naming the field), the pager with totals, sort links, and saved views (a user's named queries
of a list page, offered beside it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Annotated, TypeVar
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form
from fastapi.responses import Response
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from wayhome.access.models import SavedView
from wayhome.errors import InvalidInput, NotFound
from wayhome.web.deps import SessionDep
from wayhome.web.pages import CsrfChecked, PageUser, redirect
from wayhome.web.paging import MAX_OFFSET

E = TypeVar("E", bound=Enum)

PAGE_SIZES = (25, 50, 100, 200)
# The list pages that keep saved views, and where each lives.
VIEW_PAGES = {"cases": "/cases", "inbox": "/inbox", "alerts": "/alerts", "watches": "/watches"}
# Query keys never saved in a view (paging and the form's token).
UNSAVED = frozenset({"offset", "csrf_token"})
MAX_VIEWS = 50

router = APIRouter(include_in_schema=False)


# -- reading filters ------------------------------------------------------------------------------
def text_param(params: QueryParams, name: str, longest: int = 200) -> str:
    """A free-text filter, trimmed; too long is an error naming it."""
    value = params.get(name, "").strip()
    if len(value) > longest:
        raise InvalidInput(f"at most {longest} characters", location=f"query.{name}")
    return value


def enum_param(params: QueryParams, name: str, kind: type[E]) -> E | None:
    """One value of an enumeration, or None when absent or empty."""
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise InvalidInput(f"one of {allowed}", location=f"query.{name}") from None


def enums_param(params: QueryParams, name: str, kind: type[E]) -> tuple[E, ...]:
    """Every value given for a repeatable enumeration filter (empty ones skipped)."""
    found: list[E] = []
    for value in params.getlist(name):
        if not value.strip():
            continue
        try:
            found.append(kind(value.strip()))
        except ValueError:
            allowed = ", ".join(str(m.value) for m in kind)
            raise InvalidInput(f"one of {allowed}", location=f"query.{name}") from None
    return tuple(found)


def date_param(params: QueryParams, name: str) -> date | None:
    """A YYYY-MM-DD date, or None when absent or empty."""
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("a date as YYYY-MM-DD", location=f"query.{name}") from None


def choice_param(params: QueryParams, name: str, choices: tuple[str, ...], default: str) -> str:
    """One of a few words."""
    value = params.get(name, "").strip() or default
    if value not in choices:
        raise InvalidInput(f"one of {', '.join(choices)}", location=f"query.{name}")
    return value


def descending_param(params: QueryParams) -> bool:
    """The list's sort direction (`dir`: asc or desc, desc when absent)."""
    return choice_param(params, "dir", ("asc", "desc"), "desc") == "desc"


@dataclass(frozen=True)
class Window:
    """A page's size and start."""

    limit: int
    offset: int


def window_param(params: QueryParams, default: int = 50) -> Window:
    """`limit` (one of the page sizes) and `offset` (≥ 0)."""
    try:
        limit = int(params.get("limit") or default)
    except ValueError:
        raise InvalidInput("a whole number", location="query.limit") from None
    if limit not in PAGE_SIZES:
        sizes = ", ".join(str(s) for s in PAGE_SIZES)
        raise InvalidInput(f"one of {sizes}", location="query.limit")
    try:
        offset = int(params.get("offset") or 0)
    except ValueError:
        raise InvalidInput("a whole number", location="query.offset") from None
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput("0 or more", location="query.offset")
    return Window(limit, offset)


# -- the pager ------------------------------------------------------------------------------------
def with_params(params: QueryParams, **changes: object) -> str:
    """The query string with some keys replaced (None removes a key)."""
    kept = [(k, v) for k, v in params.multi_items() if k not in changes]
    kept += [(k, str(v)) for k, v in changes.items() if v is not None]
    return "?" + urlencode(kept)


@dataclass(frozen=True)
class Pager:
    """What the pager shows: rows first–last of total, and the links to the other pages."""

    total: int
    first: int
    last: int
    page: int
    pages: int
    first_url: str | None
    prev_url: str | None
    next_url: str | None
    last_url: str | None


def pager(params: QueryParams, total: int, window: Window) -> Pager:
    """The pager of one page of a list of `total` rows."""
    limit, offset = window.limit, window.offset
    pages = max(1, -(-total // limit))
    page = offset // limit + 1
    last_offset = (pages - 1) * limit
    has_prev = offset > 0
    has_next = offset + limit < total
    return Pager(
        total=total,
        first=offset + 1 if offset < total else 0,
        last=min(offset + limit, total),
        page=page,
        pages=pages,
        first_url=with_params(params, offset=None) if has_prev else None,
        prev_url=with_params(params, offset=max(0, offset - limit) or None) if has_prev else None,
        next_url=with_params(params, offset=offset + limit) if has_next else None,
        last_url=with_params(params, offset=last_offset) if has_next else None,
    )


def sort_url(params: QueryParams, key: str, current: str, descending: bool) -> str:
    """The link of a column heading: sort by it, or flip the direction when it is the sort."""
    direction = ("asc" if descending else "desc") if key == current else "desc"
    return with_params(params, sort=key, dir=direction, offset=None)


# -- saved views ----------------------------------------------------------------------------------
def saved_query(query: str) -> str:
    """A list's query string as saved: without paging and the form token."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k not in UNSAVED and v]
    return urlencode(pairs)


def views_of(session: Session, user_id: uuid.UUID, page: str) -> list[SavedView]:
    """A user's saved views of one list page, by name."""
    stmt = select(SavedView).where(SavedView.user_id == user_id, SavedView.page == page)
    return list(session.scalars(stmt.order_by(SavedView.name)))


def save_view(session: Session, user_id: uuid.UUID, page: str, name: str, query: str) -> SavedView:
    """Save a list's query under a name; the same name again replaces the query."""
    if page not in VIEW_PAGES:
        raise InvalidInput(f"one of {', '.join(VIEW_PAGES)}", location="form.page")
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise InvalidInput("a name of 1 to 80 characters", location="form.name")
    kept = saved_query(query)
    if len(kept) > 2000:
        raise InvalidInput("at most 2000 characters", location="form.query")
    found = session.scalar(
        select(SavedView).where(
            SavedView.user_id == user_id, SavedView.page == page, SavedView.name == name
        )
    )
    if found is not None:
        found.query = kept
        session.flush()
        return found
    if len(views_of(session, user_id, page)) >= MAX_VIEWS:
        raise InvalidInput(f"at most {MAX_VIEWS} saved views per list", location="form.name")
    view = SavedView(user_id=user_id, page=page, name=name, query=kept)
    session.add(view)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the same name saved at the same moment elsewhere
        raise InvalidInput("a view of this name exists", location="form.name") from None
    return view


def delete_view(session: Session, user_id: uuid.UUID, view_id: uuid.UUID) -> str:
    """Delete one of the user's own saved views; another's is a 404 like a missing one.
    Returns the list page it belonged to."""
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != user_id:
        raise NotFound("no saved view with this id")
    page = view.page
    session.execute(delete(SavedView).where(SavedView.id == view.id))
    return page


@router.post("/views", dependencies=[CsrfChecked])
def save_view_route(
    session: SessionDep,
    user: PageUser,
    page: Annotated[str, Form()],
    name: Annotated[str, Form()],
    query: Annotated[str, Form()] = "",
) -> Response:
    """Save the list's current query under a name, and show the list with it."""
    view = save_view(session, user.id, page, name, query)
    return redirect(f"{VIEW_PAGES[page]}?{view.query}")


@router.post("/views/{view_id}/delete", dependencies=[CsrfChecked])
def delete_view_route(session: SessionDep, user: PageUser, view_id: uuid.UUID) -> Response:
    """Delete a saved view."""
    page = delete_view(session, user.id, view_id)
    return redirect(VIEW_PAGES.get(page, "/"))
