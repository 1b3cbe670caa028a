"""The inbox: a user's own alerts beside his agency's messages, unread and read."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.watches.helpers import EMAIL, Cast, report, watch
from wayhome.access.models import Role
from wayhome.access.services import viewer_of
from wayhome.inbox import services as inbox


def test_alerts_are_personal_and_agency_messages_shared(
    client: TestClient, db: Session, world: World
) -> None:
    cast = Cast(world)
    inbox.post(db, cast.de.id, "notice", "to the whole agency", {})
    db.commit()
    watch(client, cast.headers[cast.watcher.id], "selector", f"email:{EMAIL}")
    report(client, cast.ru_headers, f"Seen {EMAIL}", scope="all")
    mine = client.get("/api/v1/inbox", headers=cast.headers[cast.watcher.id]).json()
    assert sorted(m["kind"] for m in mine) == ["notice", "watch_alert"]
    colleague = client.get("/api/v1/inbox", headers=cast.headers[cast.analyst.id]).json()
    assert [m["kind"] for m in colleague] == ["notice"]
    admin = world.headers(world.user(cast.de, Role.ADMIN))
    assert client.get("/api/v1/inbox", headers=admin).json() == []


def test_read_and_unread(client: TestClient, db: Session, world: World) -> None:
    cast = Cast(world)
    headers = cast.headers[cast.watcher.id]
    watch(client, headers, "selector", f"email:{EMAIL}")
    report(client, cast.ru_headers, f"One {EMAIL}", scope="all")
    report(client, cast.ru_headers, f"Two {EMAIL}", scope="all")
    unread = client.get("/api/v1/inbox?unread=true", headers=headers).json()
    assert len(unread) == 2
    done = client.post("/api/v1/inbox/read", json={"ids": [unread[0]["id"]]}, headers=headers)
    assert done.json() == {"marked": 1, "unread": 1}
    # Another user cannot mark my alerts read.
    other = client.post("/api/v1/inbox/read", json={}, headers=cast.headers[cast.analyst.id])
    assert other.json()["marked"] == 0
    assert inbox.unread_count(db, viewer_of(cast.watcher)) == 1
    assert client.post("/api/v1/inbox/read", json={}, headers=headers).json()["unread"] == 0
