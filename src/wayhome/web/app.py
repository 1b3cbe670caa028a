"""The application factory: one FastAPI app serving the JSON API and the pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from wayhome import __version__
from wayhome.access import api as access_api
from wayhome.access import pages as access_pages
from wayhome.access import passwords
from wayhome.audit import api as audit_api
from wayhome.audit import pages as audit_pages
from wayhome.cases import api as cases_api
from wayhome.cases import escalation as case_escalation
from wayhome.cases import pages as cases_pages
from wayhome.compose import install_engines
from wayhome.db.engine import make_session_factory, server_engine
from wayhome.hashing import api as hashing_api
from wayhome.hashing import pages as hashing_pages
from wayhome.hashing.live import LivePdqIndex
from wayhome.inbox import api as inbox_api
from wayhome.intake import api as intake_api
from wayhome.intake import pages as intake_pages
from wayhome.leads import pages as leads_pages
from wayhome.linking import api as linking_api
from wayhome.linking import pages as linking_pages
from wayhome.locate import api as locate_api
from wayhome.locate import pages as locate_pages
from wayhome.notices import api as notices_api
from wayhome.settings import Environment, Settings, get_settings
from wayhome.watches import api as watches_api
from wayhome.watches import pages as watches_pages
from wayhome.watches.broker import LISTENER
from wayhome.watches.worker import run_forever as run_deliveries
from wayhome.web import apidocs, errors, i18n, listing, ops
from wayhome.web.admission import Admission, AdmissionState
from wayhome.web.limits import BodySizeLimit

HERE = Path(__file__).parent
API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    """Build the application for the given settings (and, in tests, a session factory)."""
    settings = settings or get_settings()
    if session_factory is None:
        session_factory = make_session_factory(server_engine(settings))
    install_engines()  # the engines' signal subscribers, one list (compose.py)
    # The timing equaliser's hash is made now, not on the first unknown username's sign-in
    # (which would then take one Argon2 hash longer than any later one).
    passwords.dummy_hash()
    factory = session_factory

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The delivery worker (e-mail, webhooks) runs beside the server, not in tests.
        worker = None
        if settings.delivery_worker and settings.environment is not Environment.TEST:
            worker = asyncio.create_task(run_deliveries(factory, settings))
        # On PostgreSQL, hear the other server processes' alerts and watches (broker.py).
        listening = False
        bind = getattr(factory, "kw", {}).get("bind")  # tests may hand a plain function
        if isinstance(bind, Engine) and settings.environment is not Environment.TEST:
            LISTENER.start(bind)
            listening = True
        yield
        if listening:
            LISTENER.stop()
        if worker is not None:
            worker.cancel()
            with suppress(asyncio.CancelledError):
                await worker

    app = FastAPI(
        lifespan=lifespan,
        title="Wayhome",
        version=__version__,
        summary="Joins what police agencies hold about missing children and their abductors.",
        # The document and its Swagger UI are served by web/apidocs.py, to members only.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    # Filled from the database on the first match, then kept in step (hashing/live.py).
    app.state.hash_index = LivePdqIndex()
    # Every page in the reader's language and time zone (web/i18n.py).
    templates = Jinja2Templates(
        directory=HERE / "templates", context_processors=[i18n.page_context]
    )
    i18n.install(templates.env)
    templates.env.globals["version"] = __version__
    app.state.templates = templates

    # What any API route may answer besides its own statuses, as problem details: no
    # credentials, a role or scope that does not allow it, bad input, the server at its load.
    api = APIRouter(prefix=API_PREFIX, responses=errors.problems(401, 403, 422, 503))
    for module in (
        access_api,
        cases_api,
        intake_api,
        hashing_api,
        audit_api,
        inbox_api,
        locate_api,
        linking_api,
        watches_api,
    ):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(notices_api.router)  # public, outside /api/v1 (INTERPOL paths)
    app.include_router(apidocs.router)  # /api/v1/openapi.json and /api/v1/docs
    case_escalation.install(app)  # background escalation of unacknowledged alerts
    for pages in (
        access_pages,
        cases_pages,
        intake_pages,
        hashing_pages,
        audit_pages,
        locate_pages,
        linking_pages,
        watches_pages,
        leads_pages,
    ):
        app.include_router(pages.router)
    app.include_router(listing.router)  # saved views of the list pages
    app.mount("/static", StaticFiles(directory=HERE / "static", check_dir=False), name="static")
    errors.install(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: object) -> Response:
        response: Response = await call_next(request)  # type: ignore[operator]
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
        )
        if settings.cookie_secure:  # served over HTTPS (always so in production)
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg")

    # Middleware, innermost first (each one added wraps the ones before it): body limit;
    # admission (a bounded number of requests inside, the rest queued: web/admission.py);
    # request ids, access log and metrics outermost, so that a 503 from admission is
    # logged and counted too.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    admission = AdmissionState(settings.max_concurrent_requests)
    app.state.admission = admission
    app.add_middleware(
        Admission,
        wait_seconds=settings.request_queue_seconds,
        queue_max=settings.request_queue_max,
        state=admission,
    )
    ops.install(app, settings, admission)
    return app
