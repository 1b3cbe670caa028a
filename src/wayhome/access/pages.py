"""Sign-in and sign-out, the account's second factor, password resets, and agency and user
administration."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from wayhome.access import accounts, services
from wayhome.access.models import Role, User
from wayhome.agencies.models import Agency, AgencyKind
from wayhome.errors import Forbidden, InvalidInput, NotFound, WayhomeError
from wayhome.settings import Settings
from wayhome.web.deps import SESSION_COOKIE, SessionDep, SettingsDep
from wayhome.web.i18n import request_translations, time_zones
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
    _set_login_csrf(response, token, request.app.state.settings)
    return response


def _set_login_csrf(response: Response, token: str, settings: Settings) -> None:
    # Secure like the session cookie: over HTTPS only in production.
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=settings.cookie_secure
    )


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    login_csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the credentials (and the authenticator code when enrolled), open a session and
    go on."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or cookie != login_csrf:
        raise Forbidden("the sign-in form expired; reload the page")
    address = request.client.host if request.client else "unknown"
    try:
        user = services.authenticate(session, settings, username, password, address, code)
    except WayhomeError as error:
        session.commit()  # keep the failed attempt: it counts towards throttling
        token = new_login_csrf()
        response = render(
            request,
            "login.html",
            {
                "login_csrf": token,
                "next": _safe_next(next),
                "error": request_translations(request).gettext(error.detail),
                "username": username,
                "ask_code": error.location == "code",
            },
            status_code=error.status,
        )
        _set_login_csrf(response, token, settings)
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


def _manager(user: User) -> None:
    """Supervisors (password resets) and administrators (accounts) open the users page."""
    if user.role not in (Role.ADMIN, Role.SUPERVISOR):
        raise Forbidden("only administrators and supervisors manage their agency's accounts")


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    """The accounts of the user's agency: administrators add and change them, supervisors and
    administrators reset passwords; the hub's administrators also add an agency's first
    administrator."""
    _manager(user)
    users = session.scalars(
        select(User).where(User.agency_id == user.agency_id).order_by(User.username)
    )
    agencies = [user.agency]
    if services.is_hub_admin(user):
        others = session.scalars(
            select(Agency).where(Agency.id != user.agency_id).order_by(Agency.name)
        )
        agencies += [a for a in others if not accounts.has_active_admin(session, a)]
    return render(
        request,
        "admin_users.html",
        {
            "users": list(users),
            "agencies": agencies,
            "roles": list(Role),
            "is_admin": user.role is Role.ADMIN,
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
    services.require_admin(user)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("no such agency", location="agency_id")
    accounts.create_account(session, user, agency, username, display_name, role, password)
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}", dependencies=[CsrfChecked])
def change_user(
    session: SessionDep,
    user: PageUser,
    user_id: uuid.UUID,
    role: Annotated[str, Form()],
    active: Annotated[bool, Form()] = False,
) -> Response:
    """Change an account's role or state from the form."""
    accounts.change_account(session, user, user_id, role, active)
    return redirect("/admin/users")


@router.post(
    "/admin/users/{user_id}/password-reset",
    dependencies=[CsrfChecked],
    response_class=HTMLResponse,
)
def reset_password(
    request: Request, session: SessionDep, user: PageUser, user_id: uuid.UUID
) -> Response:
    """Reset an account's password and show its one-time link, once."""
    issued = accounts.start_password_reset(session, user, user_id)
    link = str(request.base_url).rstrip("/") + f"/password-reset?token={issued.secret}"
    return render(
        request,
        "password_reset_issued.html",
        {"target": issued.reset.user, "link": link, "expires_at": issued.reset.expires_at},
    )


# -- the account's own page: the second factor --------------------------------------------------
@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: PageUser) -> Response:
    """The signed-in user's account: language, time zone and second factor."""
    return render(request, "account.html", {"time_zones": time_zones()})


@router.post("/account/preferences", dependencies=[CsrfChecked])
def save_preferences(
    request: Request,
    session: SessionDep,
    user: PageUser,
    locale: Annotated[str, Form()] = "",
    time_zone: Annotated[str, Form()] = "",
) -> Response:
    """Save the language and time zone in which the pages are shown."""
    try:
        accounts.set_preferences(session, user, locale, time_zone)
    except InvalidInput as error:
        context = {"time_zones": time_zones(), "preferences_error": error}
        return render(request, "account.html", context, status_code=error.status)
    return redirect("/account")


@router.post("/account/totp", dependencies=[CsrfChecked], response_class=HTMLResponse)
def start_totp(request: Request, session: SessionDep, user: PageUser) -> Response:
    """Start setting up the second factor: the secret is shown on this page only."""
    enrolment = services.start_totp(session, user)
    return render(request, "account.html", {"enrolment": enrolment})


@router.post("/account/totp/confirm", dependencies=[CsrfChecked])
def confirm_totp(session: SessionDep, user: PageUser, code: Annotated[str, Form()]) -> Response:
    """Turn the second factor on with a first code."""
    services.confirm_totp(session, user, code)
    return redirect("/account")


@router.post("/account/totp/off", dependencies=[CsrfChecked])
def remove_totp(session: SessionDep, user: PageUser, code: Annotated[str, Form()]) -> Response:
    """Turn the second factor off with a current code."""
    services.remove_totp(session, user, code)
    return redirect("/account")


# -- setting a new password with a reset link ---------------------------------------------------
def _reset_form(
    request: Request, token: str, error: str | None = None, status_code: int = 200
) -> Response:
    login_csrf = new_login_csrf()
    response = render(
        request,
        "password_reset.html",
        {"token": token, "login_csrf": login_csrf, "error": error},
        status_code=status_code,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, login_csrf, httponly=True, samesite="strict")
    return response


@router.get("/password-reset", response_class=HTMLResponse)
def password_reset_form(request: Request, session: SessionDep, token: str = "") -> Response:
    """The form to set a new password with a reset link."""
    accounts.pending_reset(session, token)
    return _reset_form(request, token)


@router.post("/password-reset")
def password_reset(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
    login_csrf: Annotated[str, Form()] = "",
) -> Response:
    """Set the new password, then go to the sign-in page."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or cookie != login_csrf:
        raise Forbidden("the form expired; open the reset link again")
    if password != password_again:
        return _reset_form(request, token, "password: the two passwords differ", 422)
    try:
        accounts.complete_password_reset(session, token, password)
    except InvalidInput as error:
        if error.location != "password":
            raise
        return _reset_form(request, token, f"password: {error.detail}", 422)
    response = redirect("/login")
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response
