"""Pages: My watches, the inbox with live updates, the agency's webhooks and delivery log
(supervisors), and the alert stream (server-sent events)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from time import monotonic
from typing import Annotated

from fastapi import APIRouter, Form, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from wayhome.access.models import MarkedMixin, User
from wayhome.access.records import Records
from wayhome.access.services import viewer_of
from wayhome.access.visibility import READING_ROLES, Viewer
from wayhome.cases.models import Case, Person
from wayhome.errors import Unauthenticated, WayhomeError
from wayhome.inbox import services as inbox
from wayhome.inbox.models import Notification
from wayhome.intake.models import Report
from wayhome.watches import services
from wayhome.watches.alerts import as_event_data, event_id
from wayhome.watches.broker import BROKER, Event
from wayhome.web import listing
from wayhome.web.deps import SettingsDep, optional_caller
from wayhome.web.pages import CsrfChecked, PageRecords, PageUser, redirect, render

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

POLL_SECONDS = 2.0  # catch up from the table on alerts written by other processes
TICK_SECONDS = 0.5
CATCH_UP_WINDOW = 20.0  # ... looking this far back (a commit may lag its rows' times)
KEEP_ALIVE_SECONDS = 15.0
RESUME_LIMIT = 500


def _safe_next(next_url: str, fallback: str) -> str:
    """Only same-site paths are followed after a form."""
    return next_url if next_url.startswith("/") and not next_url.startswith("//") else fallback


WATCH_KINDS = ("selector", "persona", "person", "bank_series", "case")


def _watches_context(request: Request, records: Records, user: User) -> dict[str, object]:
    """The user's watches, filtered (kind, text), sorted and paged from the query string."""
    params = request.query_params
    kind = listing.choice_param(params, "kind", ("", *WATCH_KINDS), "")
    text = listing.text_param(params, "q")
    sort = listing.choice_param(params, "sort", services.WATCH_SORTS, "created")
    descending = listing.descending_param(params)
    window = listing.window_param(params)
    watches, total = services.page_watches(
        records.session,
        user,
        kind=kind,
        text=text,
        sort=sort,
        descending=descending,
        limit=window.limit,
        offset=window.offset,
    )
    return {
        "watches": watches,
        "kinds": WATCH_KINDS,
        "filters": {"kind": kind, "q": text, "sort": sort, "descending": descending},
        "params": params,
        "pager": listing.pager(params, total, window),
        "views": listing.views_of(records.session, user.id, "watches"),
    }


@router.get("/watches", response_class=HTMLResponse)
def watches_page(request: Request, records: PageRecords, user: PageUser) -> Response:
    """The user's watches (filtered, sorted, paged, saved views) and a form to add one."""
    return render(request, "watches/list.html", _watches_context(request, records, user))


@router.post("/watches", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_watch(
    request: Request,
    records: PageRecords,
    user: PageUser,
    kind: Annotated[str, Form()],
    value: Annotated[str, Form()],
    label: Annotated[str, Form()] = "",
    email: Annotated[bool, Form()] = False,
    next_url: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """Watch from a form (the Watch button or the My watches page)."""
    try:
        services.add_watch(records, user, kind, value, label=label, email=email)
    except WayhomeError as error:
        records.session.rollback()
        context = {**_watches_context(request, records, user), "error": error}
        return render(request, "watches/list.html", context, status_code=error.status)
    return redirect(_safe_next(next_url, "/watches"))


@router.post("/watches/{watch_id}/delete", dependencies=[CsrfChecked])
def remove_watch(
    request: Request, records: PageRecords, user: PageUser, watch_id: uuid.UUID
) -> Response:
    """Stop watching from the My watches page."""
    services.remove_watch(records.session, user, watch_id)
    return redirect("/watches")


@dataclass(frozen=True)
class Subject:
    """What a message is about, as its reader may see it: a name and, where he may open it,
    the page of it."""

    label: str
    href: str | None


# The pages of the records a message may be about: its kind → (model, path).
SUBJECT_PAGES: dict[str, tuple[type[MarkedMixin], str]] = {
    "case": (Case, "/cases/{}"),
    "person": (Person, "/persons/{}"),
    "report": (Report, "/reports/{}"),
}


def subjects_of(records: Records, notes: list[Notification]) -> dict[uuid.UUID, Subject]:
    """Each message's subject named and linked through the gate: a case by its reference and
    title, a person by name, a report by title, the records so named audited as listed; a
    record the reader may not see keeps the words its message already had (a case's
    reference) and no link."""
    wanted: dict[str, set[uuid.UUID]] = {}
    refs: dict[uuid.UUID, tuple[str, uuid.UUID]] = {}
    for note in notes:
        detail = note.detail or {}
        kind = str(detail.get("record_kind") or ("case" if detail.get("case_id") else ""))
        raw = detail.get("record_id") if detail.get("record_kind") else detail.get("case_id")
        if kind not in SUBJECT_PAGES or not raw:
            continue
        try:
            key = uuid.UUID(str(raw))
        except ValueError:
            continue
        wanted.setdefault(kind, set()).add(key)
        refs[note.id] = (kind, key)
    labels: dict[tuple[str, uuid.UUID], str] = {}
    for kind, ids in wanted.items():
        model, _ = SUBJECT_PAGES[kind]
        key_column = model.id  # type: ignore[attr-defined]
        # The labels are the records' content: read through the rule and audited as shown.
        stmt = select(model).where(records.visibility.clause(model), key_column.in_(ids))
        rows = list(records.session.scalars(stmt))
        records.audit_listing(model, rows, {"view": "inbox"})
        for row in rows:
            labels[(kind, row.id)] = _label(row)  # type: ignore[attr-defined]
    found: dict[uuid.UUID, Subject] = {}
    for note in notes:
        if note.id not in refs:
            continue
        kind, key = refs[note.id]
        label = labels.get((kind, key))
        if label is None:
            reference = (note.detail or {}).get("reference")
            if reference:
                found[note.id] = Subject(f"{reference} (held by another agency)", None)
            continue
        found[note.id] = Subject(label, SUBJECT_PAGES[kind][1].format(key))
    return found


def _label(row: object) -> str:
    if isinstance(row, Case):
        return f"{row.reference} · {row.title}"
    if isinstance(row, Person):
        names = [n.full_name for n in row.names]
        return " / ".join(names[:2]) or row.role.value.replace("_", " ")
    return str(getattr(row, "title", "") or getattr(row, "id", ""))


INBOX_SORTS = ("desc", "asc")


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(request: Request, records: PageRecords, user: PageUser) -> Response:
    """The user's alerts and his agency's messages — filtered, paged, each naming and linking
    its subject; new ones arrive live."""
    viewer = viewer_of(user)
    params = request.query_params
    kind = listing.text_param(params, "kind", 40)
    unread_only = params.get("unread", "") == "1"
    text = listing.text_param(params, "q")
    since = listing.date_param(params, "from")
    until = listing.date_param(params, "to")
    descending = listing.choice_param(params, "dir", INBOX_SORTS, "desc") == "desc"
    window = listing.window_param(params)
    page = inbox.page_for_viewer(
        records.session,
        viewer,
        kind=kind,
        unread_only=unread_only,
        text=text,
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
        descending=descending,
        limit=window.limit,
        offset=window.offset,
    )
    unread = inbox.unread_count(records.session, viewer)
    return render(
        request,
        "watches/inbox.html",
        {
            "notes": page.items,
            "subjects": subjects_of(records, page.items),
            "unread": unread,
            "kinds": inbox.kinds_for_viewer(records.session, viewer),
            "filters": {"kind": kind, "unread": unread_only, "q": text, "from": since, "to": until},
            "descending": descending,
            "params": params,
            "pager": listing.pager(params, page.total, window),
            "views": listing.views_of(records.session, viewer.user_id, "inbox"),
        },
    )


@router.post("/inbox/read", dependencies=[CsrfChecked])
def read_all(request: Request, records: PageRecords, user: PageUser) -> Response:
    """Mark every message read."""
    inbox.mark_read(records.session, viewer_of(user), None)
    return redirect("/inbox")


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks_page(request: Request, records: PageRecords, user: PageUser) -> Response:
    """The agency's webhooks, a form to add one and the newest deliveries (supervisors)."""
    return render(request, "watches/webhooks.html", _webhooks_context(records, user))


def _webhooks_context(records: PageRecords, user: PageUser) -> dict[str, object]:
    return {
        "endpoints": services.list_endpoints(records.session, user),
        "deliveries": services.delivery_log(records.session, user, limit=50),
    }


@router.post("/webhooks", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_webhook(
    request: Request,
    records: PageRecords,
    user: PageUser,
    settings: SettingsDep,
    url: Annotated[str, Form()],
) -> Response:
    """Register a webhook from the page; its signing secret is shown on this answer only."""
    try:
        made = services.add_endpoint(records.session, settings, user, url)
    except WayhomeError as error:
        records.session.rollback()
        context = {**_webhooks_context(records, user), "error": error}
        return render(request, "watches/webhooks.html", context, error.status)
    context = {**_webhooks_context(records, user), "created": made.endpoint, "secret": made.secret}
    return render(request, "watches/webhooks.html", context)


@router.post("/webhooks/{endpoint_id}/disable", dependencies=[CsrfChecked])
def disable_webhook(
    request: Request, records: PageRecords, user: PageUser, endpoint_id: uuid.UUID
) -> Response:
    """Stop sending to a webhook from the page."""
    services.disable_endpoint(records.session, user, endpoint_id)
    return redirect("/webhooks")


# -- the stream ----------------------------------------------------------------------------------
def parse_event_id(text: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (time, id) a `Last-Event-ID` names, or None when absent or malformed (pure)."""
    if not text:
        return None
    micros, _, hex_id = text.partition("-")
    try:
        at = datetime.fromtimestamp(int(micros) / 1_000_000, UTC)
        return at, uuid.UUID(hex=hex_id)
    except ValueError:
        return None


def _since(
    factory: sessionmaker[Session], viewer: Viewer, after: tuple[datetime, uuid.UUID]
) -> list[Event]:
    """The viewer's alerts and his agency's messages after a (time, id), oldest first (a
    stream resuming)."""
    with factory() as session:
        notes = inbox.for_viewer(session, viewer, RESUME_LIMIT, after=after)
        return [Event(event_id(n), viewer.user_id, as_event_data(n)) for n in notes]


def _recent(
    factory: sessionmaker[Session], users: list[uuid.UUID], viewers: dict[uuid.UUID, Viewer]
) -> list[Event]:
    """What the connected users' pages are told of, written in the last CATCH_UP_WINDOW
    seconds: each user's own alerts, and the messages to his whole agency (a case alert, an
    acknowledgement, "a suspect is ranked from your records") for each reading user of it."""
    since = datetime.now(UTC) - timedelta(seconds=CATCH_UP_WINDOW)
    readers: dict[uuid.UUID, list[uuid.UUID]] = {}
    for viewer in viewers.values():
        if viewer.role in READING_ROLES:
            readers.setdefault(viewer.agency_id, []).append(viewer.user_id)
    agencies = list(readers)
    found: list[Event] = []
    with factory() as session:
        for first in range(0, len(users), 500):
            stmt = select(Notification).where(
                Notification.user_id.in_(users[first : first + 500]),
                Notification.created_at >= since,
            )
            found += [
                Event(event_id(n), n.user_id, as_event_data(n))
                for n in session.scalars(stmt)
                if n.user_id is not None
            ]
        for first in range(0, len(agencies), 500):
            stmt = select(Notification).where(
                Notification.agency_id.in_(agencies[first : first + 500]),
                Notification.user_id.is_(None),
                Notification.created_at >= since,
            )
            found += [
                Event(event_id(n), user_id, as_event_data(n))
                for n in session.scalars(stmt)
                for user_id in readers.get(n.agency_id, [])
            ]
    return found


class CatchUp:
    """One task per process that re-reads the connected users' recent alerts every few
    seconds, so alerts committed by other processes (CLI imports, other workers) reach the
    open streams too; the streams drop what they already sent."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.task: asyncio.Task[None] | None = None
        # Who each connected user is (his agency and role), for his agency's messages.
        self.viewers: dict[uuid.UUID, Viewer] = {}

    def ensure(self) -> None:
        """Start the task on the running loop unless it runs."""
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())

    async def run(self) -> None:
        """Poll until no stream is left: every POLL_SECONDS, or while the other processes'
        alerts arrive by PostgreSQL NOTIFY (`broker.Listener`) only as a rare safety net
        and at once when some may have been missed. Messages to a whole agency (case alerts,
        acknowledgements, case leads) are not announced between processes: they are read
        every POLL_SECONDS in any case."""
        last = agencies_last = monotonic()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            users = BROKER.users()
            if not users:
                return
            if BROKER.poll_due(last, POLL_SECONDS):
                last = agencies_last = monotonic()
                BROKER.caught_up()
                await self.poll(users)
            elif monotonic() - agencies_last >= POLL_SECONDS:
                agencies_last = monotonic()
                await self.poll(users, own=False)

    def forget_gone(self) -> None:
        """Drop the viewers without an open stream."""
        connected = set(BROKER.users())
        for user_id in [u for u in self.viewers if u not in connected]:
            self.viewers.pop(user_id, None)

    async def poll(self, users: list[uuid.UUID], own: bool = True) -> bool:
        """Publish the users' recent alerts (with `own` False, only their agencies'
        messages); False when the database could not be read (the write lock held past the
        busy timeout by a long import, a lost connection): the task goes on and the next poll
        catches up, instead of ending with the error."""
        try:
            known = {u: self.viewers[u] for u in users if u in self.viewers}
            events = await run_in_threadpool(_recent, self.factory, users if own else [], known)
        except SQLAlchemyError:
            log.warning("alert catch-up poll failed; next try in %s s", POLL_SECONDS, exc_info=True)
            return False
        BROKER.publish(events)
        return True


def format_event(event: Event) -> str:
    """One event in the text/event-stream format."""
    data = json.dumps(event.data, separators=(",", ":"))
    return f"id: {event.id}\nevent: alert\ndata: {data}\n\n"


def _stream_viewer(request: Request) -> Viewer:
    """Authenticate a stream in a short transaction: an open stream holds no connection."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        caller = optional_caller(request, session, request.app.state.settings)
        if caller is None:
            raise Unauthenticated("sign in or present an API token")
        viewer = viewer_of(caller.user)
        # Nothing is written (not even the token's last use): a stream must not wait for
        # the write lock that intake holds.
        session.rollback()
    return viewer


@router.get("/events/stream")
async def stream(
    request: Request, last_event_id: Annotated[str | None, Header()] = None
) -> StreamingResponse:
    """The user's alerts as server-sent events; `Last-Event-ID` resumes from the inbox."""
    viewer = await run_in_threadpool(_stream_viewer, request)
    factory: sessionmaker[Session] = request.app.state.session_factory
    start = parse_event_id(last_event_id)

    catch_up: CatchUp | None = getattr(request.app.state, "watch_catch_up", None)
    if catch_up is None:
        catch_up = request.app.state.watch_catch_up = CatchUp(factory)

    async def events() -> AsyncIterator[str]:
        queue = BROKER.connect(viewer.user_id)
        catch_up.viewers[viewer.user_id] = viewer
        catch_up.ensure()
        sent: deque[str] = deque(maxlen=2000)
        after = start or (datetime.now(UTC), uuid.UUID(int=0))
        try:
            yield "retry: 2000\n\n"
            pending: list[Event] = (
                await run_in_threadpool(_since, factory, viewer, after) if start else []
            )
            while True:
                for item in pending:
                    if item.id in sent:
                        continue
                    sent.append(item.id)
                    parsed = parse_event_id(item.id)
                    if parsed is not None and parsed[0] >= after[0]:
                        after = parsed
                    yield format_event(item)
                pending = []
                try:
                    pending = [await asyncio.wait_for(queue.get(), timeout=KEEP_ALIVE_SECONDS)]
                    while not queue.empty():
                        pending.append(queue.get_nowait())
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
        finally:
            BROKER.disconnect(viewer.user_id, queue)
            catch_up.forget_gone()

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
