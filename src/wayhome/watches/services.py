"""Watches, webhook endpoints and deliveries: the operations routes and the CLI call."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.cases.models import Case, Person
from wayhome.errors import Forbidden, InvalidInput, NotFound
from wayhome.hashing.models import Bank
from wayhome.intake.correlation import parse_selector
from wayhome.intake.selectors.normalise import canonical_value
from wayhome.intake.selectors.types import SelectorType
from wayhome.settings import Settings
from wayhome.signals import Subject, SubjectKind
from wayhome.watches import mailer, webhooks
from wayhome.watches.index import INDEX, WatchIndex
from wayhome.watches.models import Delivery, DeliveryAttempt, Watch, WebhookEndpoint

MAX_WATCHES_PER_USER = 100_000


def subject_of(records: Records, kind: str, value: str) -> Subject:
    """The watchable subject a user names, canonicalised and checked: selectors and personas by
    value; persons, cases and bank series only when he may see them."""
    try:
        subject_kind = SubjectKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in SubjectKind)
        raise InvalidInput(f"unknown kind; one of {known}", location="body.kind") from None
    value = value.strip()
    if subject_kind is SubjectKind.SELECTOR:
        selector_kind, _, raw = value.partition(":")
        if not raw:
            raise InvalidInput("a selector is written type:value", location="body.value")
        try:
            canonical = parse_selector(selector_kind, raw)
        except InvalidInput as error:
            raise InvalidInput(error.detail, location="body.value") from None
        return Subject(subject_kind, f"{canonical[0]}:{canonical[1]}")
    if subject_kind is SubjectKind.PERSONA:
        platform, _, handle = value.partition(":")
        key = canonical_value(SelectorType.HANDLE, handle, platform=platform) if handle else None
        if not platform or key is None:
            raise InvalidInput("a persona is written platform:handle", location="body.value")
        return Subject(subject_kind, key)
    if subject_kind is SubjectKind.BANK_SERIES:
        bank_id, _, series = value.partition(":")
        if not series.strip():
            raise InvalidInput("a bank series is written <bank id>:<series>", location="body.value")
        records.get(Bank, _uuid(bank_id))
        return Subject(subject_kind, f"{_uuid(bank_id)}:{series.strip()}")
    model = Person if subject_kind is SubjectKind.PERSON else Case
    records.get(model, _uuid(value))
    return Subject(subject_kind, str(_uuid(value)))


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise InvalidInput("not an id", location="body.value") from None


def add_watch(
    records: Records,
    user: User,
    kind: str,
    value: str,
    *,
    label: str = "",
    email: bool = False,
    index: WatchIndex = INDEX,
) -> Watch:
    """Watch an object; watching it again returns the existing watch."""
    if user.role is Role.ADMIN:
        raise Forbidden("administrators read no intelligence and watch nothing")
    subject = subject_of(records, kind, value)
    session = records.session
    existing = session.scalar(
        select(Watch).where(
            Watch.user_id == user.id,
            Watch.subject_kind == subject.kind.value,
            Watch.subject_key == subject.key,
        )
    )
    if existing is not None:
        return existing
    watch = Watch(
        user_id=user.id,
        agency_id=user.agency_id,
        subject_kind=subject.kind.value,
        subject_key=subject.key,
        label=label.strip()[:300],
        email=email,
    )
    session.add(watch)
    session.flush()
    audit.record(
        session,
        records.actor,
        "create",
        "watch",
        str(watch.id),
        {"kind": subject.kind.value, "key": subject.key},
    )
    index.add(subject)
    return watch


def list_watches(session: Session, user: User) -> list[Watch]:
    """The user's watches, newest first."""
    stmt = select(Watch).where(Watch.user_id == user.id).order_by(Watch.created_at.desc())
    return list(session.scalars(stmt))


WATCH_SORTS = ("created", "kind", "subject")


def page_watches(
    session: Session,
    user: User,
    *,
    kind: str = "",
    text: str = "",
    sort: str = "created",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Watch], int]:
    """A filtered, sorted page of the user's watches and how many match in all."""
    stmt = select(Watch).where(Watch.user_id == user.id)
    if kind:
        stmt = stmt.where(Watch.subject_kind == kind)
    words = text.strip()
    if words:
        stmt = stmt.where(
            Watch.subject_key.icontains(words, autoescape=True)
            | Watch.label.icontains(words, autoescape=True)
        )
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    column = {"kind": Watch.subject_kind, "subject": Watch.subject_key}.get(sort, Watch.created_at)
    order = column.desc() if descending else column.asc()
    rows = session.scalars(stmt.order_by(order, Watch.id).limit(limit).offset(offset))
    return list(rows), total


def find_watch(session: Session, user: User, kind: str, key: str) -> Watch | None:
    """The user's watch on a subject, if any (the Watch button's state)."""
    return session.scalar(
        select(Watch).where(
            Watch.user_id == user.id, Watch.subject_kind == kind, Watch.subject_key == key
        )
    )


def remove_watch(
    session: Session, user: User, watch_id: uuid.UUID, index: WatchIndex = INDEX
) -> None:
    """Stop watching; another user's watch is as unknown as a missing one."""
    watch = session.get(Watch, watch_id)
    if watch is None or watch.user_id != user.id:
        raise NotFound("no watch with this id")
    subject = Subject(SubjectKind(watch.subject_kind), watch.subject_key)
    session.delete(watch)
    session.flush()
    others = session.scalar(
        select(Watch.id).where(
            Watch.subject_kind == watch.subject_kind, Watch.subject_key == watch.subject_key
        )
    )
    if others is None:
        index.discard(subject)


# -- webhooks ------------------------------------------------------------------------------------
def _require_supervisor(user: User) -> None:
    if user.role is not Role.SUPERVISOR:
        raise Forbidden("webhooks are managed by the agency's supervisors")


@dataclass(frozen=True)
class NewEndpoint:
    """A created endpoint and its secret, shown this once."""

    endpoint: WebhookEndpoint
    secret: str


def add_endpoint(session: Session, settings: Settings, user: User, url: str) -> NewEndpoint:
    """Register a webhook for the supervisor's agency, after checking its URL."""
    _require_supervisor(user)
    webhooks.check_url(
        url,
        allow_private=settings.webhook_allow_private,
        allowed_hosts=settings.webhook_allowed_hosts,
        server_names=[settings.host],
    )
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        agency_id=user.agency_id, url=url.strip(), secret=secret, created_by=user.id
    )
    session.add(endpoint)
    session.flush()
    actor = audit.Actor(user.id, user.username, user.agency_id, None)
    audit.record(session, actor, "create", "webhook_endpoint", str(endpoint.id), {"url": url})
    return NewEndpoint(endpoint, secret)


def list_endpoints(session: Session, user: User) -> list[WebhookEndpoint]:
    """The agency's webhooks."""
    _require_supervisor(user)
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.agency_id == user.agency_id)
    return list(session.scalars(stmt.order_by(WebhookEndpoint.created_at.desc())))


def disable_endpoint(session: Session, user: User, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """Stop sending to a webhook."""
    _require_supervisor(user)
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.agency_id != user.agency_id:
        raise NotFound("no webhook with this id")
    endpoint.active = False
    actor = audit.Actor(user.id, user.username, user.agency_id, None)
    audit.record(session, actor, "update", "webhook_endpoint", str(endpoint.id), {"active": False})
    session.flush()
    return endpoint


def delivery_log(
    session: Session, user: User, limit: int = 100
) -> list[tuple[Delivery, list[DeliveryAttempt]]]:
    """The agency's newest deliveries with their attempts (supervisors)."""
    _require_supervisor(user)
    deliveries = list(
        session.scalars(
            select(Delivery)
            .where(Delivery.agency_id == user.agency_id)
            .order_by(Delivery.created_at.desc())
            .limit(limit)
        )
    )
    attempts: dict[uuid.UUID, list[DeliveryAttempt]] = {d.id: [] for d in deliveries}
    if deliveries:
        for attempt in session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id.in_(list(attempts)))
            .order_by(DeliveryAttempt.at)
        ):
            attempts[attempt.delivery_id].append(attempt)
    return [(d, attempts[d.id]) for d in deliveries]


# -- delivery ------------------------------------------------------------------------------------
def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: the first delay, doubling (pure)."""
    return timedelta(seconds=settings.delivery_backoff_seconds * 2 ** max(attempts - 1, 0))


def _attempt(
    session: Session, settings: Settings, delivery: Delivery, now: datetime
) -> DeliveryAttempt:
    if delivery.channel == "email":
        if not settings.smtp_host:
            return DeliveryAttempt(ok=False, status_code=None, error="no SMTP relay configured")
        payload = delivery.payload
        text = f"{payload.get('subject', '')}\n\nOpen Wayhome to read the alert: /inbox\n"
        mail = mailer.message(
            settings.smtp_from, str(payload["to"]), f"[Wayhome] {payload.get('subject', '')}", text
        )
        try:
            mailer.send(settings, mail)
        except OSError as error:  # smtplib.SMTPException is an OSError
            return DeliveryAttempt(ok=False, status_code=None, error=f"{error}"[:500])
        return DeliveryAttempt(ok=True, status_code=250, error=None)
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id) if delivery.endpoint_id else None
    if endpoint is None or not endpoint.active:
        return DeliveryAttempt(ok=False, status_code=None, error="the webhook is disabled")
    try:
        target = webhooks.check_url(
            endpoint.url,
            allow_private=settings.webhook_allow_private,
            allowed_hosts=settings.webhook_allowed_hosts,
            server_names=[settings.host],
        )
    except InvalidInput as error:
        return DeliveryAttempt(ok=False, status_code=None, error=f"refused: {error.detail}")
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    sent = webhooks.post(target, endpoint.secret, str(int(now.timestamp())), body)
    return DeliveryAttempt(ok=sent.ok, status_code=sent.status_code, error=sent.error)


def deliver_due(session: Session, settings: Settings, now: datetime, limit: int = 100) -> int:
    """Try every due delivery once; failures wait with exponential back-off, up to the
    configured number of tries. Returns how many were sent."""
    due = list(
        session.scalars(
            select(Delivery)
            .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
            # Several server processes each run a worker: on PostgreSQL each takes the rows
            # no other holds (SQLite runs one writing transaction at a time anyway).
            .with_for_update(skip_locked=True)
        )
    )
    sent = 0
    for delivery in due:
        attempt = _attempt(session, settings, delivery, now)
        attempt.delivery_id = delivery.id
        attempt.at = now
        session.add(attempt)
        delivery.attempts += 1
        if attempt.ok:
            delivery.status = "sent"
            delivery.delivered_at = now
            delivery.last_error = None
            sent += 1
        else:
            delivery.last_error = attempt.error
            if delivery.attempts >= settings.delivery_max_attempts:
                delivery.status = "failed"
            else:
                delivery.next_attempt_at = now + backoff(settings, delivery.attempts)
    session.flush()
    return sent
