"""Helpers shared by the server-rendered pages: the signed-in user, CSRF and rendering."""

from __future__ import annotations

import secrets
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from wayhome.access import services as access
from wayhome.access.models import User
from wayhome.access.records import Records
from wayhome.errors import Forbidden, Unauthenticated
from wayhome.web.deps import SESSION_COOKIE, OptionalCallerDep, SessionDep, SettingsDep

LOGIN_CSRF_COOKIE = "wayhome_login_csrf"


async def page_user(request: Request, caller: OptionalCallerDep) -> User:
    """The signed-in user of a page; anonymous visitors are sent to the sign-in page."""
    if caller is None or caller.via_token:
        raise Unauthenticated("sign in to continue")
    request.state.nav_user = nav_user(caller.user)
    return caller.user


def nav_user(user: User) -> SimpleNamespace:
    """What the navigation shows of a user, read while the request's session holds him: an
    error page, rendered after the session rolled back, keeps the navigation from this."""
    agency = SimpleNamespace(code=user.agency.code, name=user.agency.name)
    return SimpleNamespace(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        agency=agency,
        locale=getattr(user, "locale", None),
        time_zone=getattr(user, "time_zone", None),
    )


PageUser = Annotated[User, Depends(page_user)]


async def page_records(request: Request, session: SessionDep, user: PageUser) -> Records:
    """The intelligence gate for a page's user."""
    return Records(session, access.viewer_of(user), request.query_params.get("purpose"))


PageRecords = Annotated[Records, Depends(page_records)]


async def check_form_csrf(
    request: Request, settings: SettingsDep, csrf_token: Annotated[str, Form()] = ""
) -> None:
    """Every form carries the session's CSRF token; a mismatch changes nothing."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None or not access.csrf_matches(settings, cookie, csrf_token):
        raise Forbidden("the form's CSRF token is missing or stale; reload the page")


CsrfChecked = Depends(check_form_csrf)


def new_login_csrf() -> str:
    """A random double-submit token for the sign-in form (there is no session yet)."""
    return secrets.token_urlsafe(24)


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page with the user, his CSRF token and the navigation in context."""
    settings = request.app.state.settings
    caller = getattr(request.state, "caller", None)
    cookie = request.cookies.get(SESSION_COOKIE)
    base = {
        "user": caller.user if caller else None,
        "csrf_token": access.csrf_token(settings, cookie) if cookie else "",
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
    return response


def redirect(url: str) -> RedirectResponse:
    """See-other redirect after a successful form post."""
    return RedirectResponse(url, status_code=303)
