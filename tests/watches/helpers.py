"""Shared set-up of the watches tests: agencies, users, reports and watches through the API."""

from __future__ import annotations

import uuid
from typing import Any

from aiosmtpd.handlers import Message
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from wayhome.access.models import Role, User
from wayhome.inbox.models import Notification

EMAIL = "dark.fox.77@example.net"


class Cast:
    """RU writes intelligence; DE watches (an investigator and an analyst); NL watches too."""

    def __init__(self, world: World) -> None:
        self.ru = world.agency(f"ru{uuid.uuid4().hex[:4]}", "RU")
        self.de = world.agency(f"de{uuid.uuid4().hex[:4]}", "DE")
        self.nl = world.agency(f"nl{uuid.uuid4().hex[:4]}", "NL")
        self.writer = world.user(self.ru, Role.INVESTIGATOR)
        self.watcher = world.user(self.de, Role.INVESTIGATOR)
        self.analyst = world.user(self.de, Role.ANALYST)
        self.other = world.user(self.nl, Role.ANALYST)
        self.ru_headers = world.headers(self.writer)
        self.headers = {
            u.id: world.headers(u) for u in (self.watcher, self.analyst, self.other, self.writer)
        }


def report(client: TestClient, headers: dict[str, str], body: str, **over: Any) -> str:
    """Submit a report through the API; its id."""
    payload = {"title": "fragment", "source": "test", "marking": "AMBER", "body": body, **over}
    response = client.post("/api/v1/reports", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    report_id: str = response.json()["id"]
    return report_id


def watch(client: TestClient, headers: dict[str, str], kind: str, value: str, **over: Any) -> str:
    """Watch something through the API; the watch's id."""
    response = client.post(
        "/api/v1/watches", json={"kind": kind, "value": value, **over}, headers=headers
    )
    assert response.status_code == 201, response.text
    watch_id: str = response.json()["id"]
    return watch_id


def alerts(db: Session, user: User) -> list[Notification]:
    """The user's own alerts, oldest first."""
    stmt = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at)
    )
    return list(db.scalars(stmt))


def agency_messages(db: Session, agency_id: uuid.UUID, kind: str) -> list[Notification]:
    """An agency's messages of one kind."""
    stmt = select(Notification).where(
        Notification.agency_id == agency_id, Notification.kind == kind
    )
    return list(db.scalars(stmt))


class SmtpInbox(Message):
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)
