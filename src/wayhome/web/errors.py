"""Errors mapped in one place: RFC 9457 problem details for API clients, a page for browsers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from wayhome.db.dialect import is_unique_violation
from wayhome.errors import WayhomeError

PROBLEM_JSON = "application/problem+json"

# RFC 9457 problem details as every error answer carries them (`problem_response`; the body
# limit's 413 in web/limits.py has the same fields).
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "description": "Always about:blank."},
        "title": {"type": "string", "description": "The kind of problem."},
        "status": {"type": "integer", "description": "The HTTP status."},
        "detail": {"type": "string", "description": "What went wrong, naming the place."},
        "instance": {"type": "string", "description": "The request's path."},
        "errors": {
            "type": "array",
            "description": "One entry per bad value, when the input had any.",
            "items": {
                "type": "object",
                "required": ["location", "message"],
                "properties": {
                    "location": {"type": "string", "description": "e.g. body.marking, line 7"},
                    "message": {"type": "string"},
                    "type": {"type": "string", "description": "The validation error's kind."},
                },
            },
        },
    },
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    },
}
_PROBLEMS: dict[int, dict[str, Any]] = {
    400: {"description": "Malformed request: the body is not JSON, UTF-8 or multipart."},
    401: {
        "description": "No valid session or API token.",
        "headers": {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    },
    403: {
        "description": "The caller's role, token scope or CSRF token does not allow this; "
        "a read-only token may not send anything but GET."
    },
    404: {"description": "No such record, or one the caller may not see (the same answer)."},
    409: {
        "description": "The record clashes with a stored one (a name taken), or another "
        "request stored the same record at the same moment; nothing was stored."
    },
    413: {"description": "The body or file is over the configured size limit."},
    415: {"description": "Image or video content: Wayhome accepts hash lists only."},
    422: {"description": "Invalid input; `errors` names each bad field."},
    429: {"description": "Too many requests from this address.", "headers": _RETRY_AFTER},
    503: {
        "description": "The server is at its load limit or the database is busy; nothing was done.",
        "headers": _RETRY_AFTER,
    },
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` documenting the given error statuses as problem details."""
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {status: {**_PROBLEMS[status], "content": content} for status in statuses}


def wants_json(request: Request) -> bool:
    """API paths, and clients that ask for JSON, get problem details rather than a page."""
    if request.url.path.startswith(("/api/", "/notices/")):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
) -> Response:
    """Render one problem as JSON or as the error page."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    if wants_json(request):
        return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        # The navigation stays (the user as read before the request's session rolled back).
        {"problem": body, "user": getattr(request.state, "nav_user", None)},
        status_code=status,
    )


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        head, rest = parts[0], parts[1:]
        return ".".join([head, *rest]) if rest else head
    return ".".join(parts)


def _validation_errors(exc: RequestValidationError) -> tuple[int, str, list[dict[str, Any]]]:
    errors = []
    status = 422
    for error in exc.errors():
        kind = str(error.get("type", ""))
        where = _location(error.get("loc", ()))
        message = str(error.get("msg", "invalid"))
        if kind == "json_invalid":
            status = 400
            ctx = error.get("ctx") or {}
            reason = ctx.get("error", "malformed JSON")
            message = f"the body is not valid JSON: {reason}"
        errors.append({"location": where, "message": message, "type": kind})
    first = errors[0] if errors else {"location": "body", "message": "invalid"}
    return status, f"{first['location']}: {first['message']}", errors


def install(app: FastAPI) -> None:
    """Register the exception handlers on the application, and the problem schema that the
    routes' documented error answers refer to in its OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = app.openapi_schema
        if document is None:
            document = generate()  # FastAPI keeps it in app.openapi_schema
            document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                PROBLEM_SCHEMA
            )
        return document

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(WayhomeError)
    async def _wayhome(request: Request, exc: WayhomeError) -> Response:
        errors = [{"location": exc.location, "message": exc.detail}] if exc.location else None
        detail = f"{exc.location}: {exc.detail}" if exc.location else exc.detail
        if exc.status == 401 and not wants_json(request):
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        response = problem_response(request, exc.status, exc.title, detail, errors)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        for name, value in getattr(exc, "headers", {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        status, detail, errors = _validation_errors(exc)
        title = "Malformed request" if status == 400 else "Invalid input"
        return problem_response(request, status, title, detail, errors)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        # Two requests writing the same record at once: each checked that it was new before
        # either committed (PostgreSQL; SQLite runs writers one after the other). Intake
        # retries such a submission itself (`intake.services`); elsewhere the loser's
        # transaction is rolled back and it may repeat the request to get the stored record.
        if not is_unique_violation(exc):
            raise exc
        detail = (
            "another request stored the same record at the same moment; nothing of this "
            "request was stored: repeat it to get the stored record"
        )
        return problem_response(request, 409, "Conflict", detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, UnicodeDecodeError):
            detail = (
                f"the body is not valid JSON: not UTF-8 text (bad byte at offset {cause.start})"
            )
            errors = [{"location": f"body[{cause.start}]", "message": "invalid UTF-8"}]
            return problem_response(request, 400, "Malformed request", detail, errors)
        titles = {400: "Malformed request", 404: "Not found", 405: "Method not allowed"}
        title = titles.get(exc.status_code, "Error")
        response = problem_response(request, exc.status_code, title, str(exc.detail))
        for name, value in (exc.headers or {}).items():  # e.g. Allow on a 405
            response.headers[name] = value
        return response
