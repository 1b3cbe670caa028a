"""Sign-in and sign-out pages, and agency and user administration."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from wayhome.access import services
from wayhome.access.models import Role, User
from wayhome.agencies.models import Agency, AgencyKind
from wayhome.errors import Forbidden, NotFound, WayhomeError
from wayhome.web.deps import SESSION_COOKIE, SessionDep, SettingsDep
from wayhome.web.pages import (
    LOGIN_CSRF_COOKIE,
    CsrfChecked,
    PageUser,
    new_login_csrf,
    redirect,
    render,
)

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after sign-in would help phishing.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    token = new_login_csrf()
    response = render(request, "login.html", {"login_csrf": token, "next": _safe_next(next)})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    login_csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the credentials, open a session and go on."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or cookie != login_csrf:
        raise Forbidden("the sign-in form expired; reload the page")
    address = request.client.host if request.client else "unknown"
    try:
        user = services.authenticate(session, settings, username, password, address)
    except WayhomeError as error:
        session.commit()  # keep the failed attempt: it counts towards throttling
        token = new_login_csrf()
        response = render(
            request,
            "login.html",
            {
                "login_csrf": token,
                "next": _safe_next(next),
                "error": error.detail,
                "username": username,
            },
            status_code=error.status,
        )
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response
    secret = services.open_session(session, settings, user)
    success = RedirectResponse(_safe_next(next), status_code=303)
    success.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        max_age=settings.session_hours * 3600,
    )
    success.delete_cookie(LOGIN_CSRF_COOKIE)
    return success


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep) -> Response:
    """End the session."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        services.close_session(session, cookie)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/admin/agencies", response_class=HTMLResponse)
def agencies_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    """Member agencies, and a form to register one (hub administrators)."""
    agencies = list(session.scalars(select(Agency).order_by(Agency.country, Agency.name)))
    return render(
        request,
        "admin_agencies.html",
        {"agencies": agencies, "kinds": list(AgencyKind), "can_add": services.is_hub_admin(user)},
    )


@router.post("/admin/agencies", dependencies=[CsrfChecked])
def add_agency(
    session: SessionDep,
    user: PageUser,
    code: Annotated[str, Form()],
    name: Annotated[str, Form()],
    country: Annotated[str, Form()],
    kind: Annotated[str, Form()],
) -> Response:
    """Register an agency from the form."""
    services.require_hub_admin(user)
    services.create_agency(session, services.actor_of(user), code, name, country, kind)
    return redirect("/admin/agencies")


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    """Accounts the administrator manages, and a form to add one."""
    services.require_admin(user)
    stmt = select(User).order_by(User.username)
    agencies_stmt = select(Agency).order_by(Agency.name)
    if not services.is_hub_admin(user):
        stmt = stmt.where(User.agency_id == user.agency_id)
        agencies_stmt = agencies_stmt.where(Agency.id == user.agency_id)
    return render(
        request,
        "admin_users.html",
        {
            "users": list(session.scalars(stmt)),
            "agencies": list(session.scalars(agencies_stmt)),
            "roles": list(Role),
        },
    )


@router.post("/admin/users", dependencies=[CsrfChecked])
def add_user(
    session: SessionDep,
    user: PageUser,
    username: Annotated[str, Form()],
    display_name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    agency_id: Annotated[uuid.UUID, Form()],
) -> Response:
    """Create an account from the form."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("no such agency", location="agency_id")
    services.require_admin(user, agency)
    services.create_user(
        session, services.actor_of(user), agency, username, display_name, role, password
    )
    return redirect("/admin/users")
