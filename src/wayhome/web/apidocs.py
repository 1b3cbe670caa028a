"""The API's OpenAPI document and its Swagger UI page, served from local files to members only.

Swagger UI comes from npm (`swagger-ui-dist`, copied into static/vendor by
scripts/build-assets.sh) and is started by static/api-docs.js, so the page needs no CDN and no
inline script (the Content-Security-Policy stays `default-src 'self'`).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from wayhome.access.services import csrf_token
from wayhome.errors import Unauthenticated
from wayhome.web.deps import SESSION_COOKIE, OptionalCallerDep

OPENAPI_PATH = "/api/v1/openapi.json"
DOCS_PATH = "/api/v1/docs"

router = APIRouter(include_in_schema=False)


def _refuse(request: Request) -> Response:
    """A browser goes to the sign-in page and comes back; any other client gets the 401."""
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    raise Unauthenticated("sign in or present an API token")


@router.get(OPENAPI_PATH)
async def openapi_document(request: Request, caller: OptionalCallerDep) -> Response:
    """The OpenAPI document, for a signed-in user or a token."""
    if caller is None:
        return _refuse(request)
    return JSONResponse(request.app.openapi())


@router.get(DOCS_PATH)
async def api_docs(request: Request, caller: OptionalCallerDep) -> Response:
    """Swagger UI over the OpenAPI document, for a signed-in user or a token."""
    if caller is None:
        return _refuse(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    settings = request.app.state.settings
    page: HTMLResponse = request.app.state.templates.TemplateResponse(
        request,
        "api_docs.html",
        {
            "openapi_url": OPENAPI_PATH,
            # "Try it out" from a signed-in browser sends the session's CSRF token on writes.
            "csrf_token": csrf_token(settings, cookie) if cookie and not caller.via_token else "",
        },
    )
    return page
