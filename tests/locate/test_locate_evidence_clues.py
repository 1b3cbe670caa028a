"""Clues from a case's intelligence: IP captures known only by their country, an estimated
country, and activity times from post times in texts and from selectors' observation times."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.locate.test_locate_service import Scene, _records, _report, scene
from wayhome.access.markings import Marking, Scope
from wayhome.intake.models import Location, Selector
from wayhome.locate import clues as lc
from wayhome.locate import services
from wayhome.locate.evidence import case_clues
from wayhome.locate.gazetteer import Gazetteer

__all__ = ["scene"]

FORUM = """Forum scrape, example.onion, board 'meetups'
2026-07-01 21:33 +0300 | user: wolf | по субботам езжу на рынок
2026-07-06 22:10 +0300 | user: wolf | отвечаю ночью
2026-07-09 08:10 +0300 | user: cat | кто был в Твери?
2026-07-12 23:05 +0300 | user: wolf | ключ сменил
2026-07-15 21:00 | user: wolf | a time without its zone
"""


@pytest.fixture(autouse=True)
def small_gazetteer(russia: Gazetteer) -> Iterator[Gazetteer]:
    services.use_gazetteer(russia)
    yield russia
    services.use_gazetteer(None)


def _capture(db: Session, scene: Scene, kind: str, country: str, at: datetime | None) -> None:
    _records(db, scene.ru_user).add(
        Location(
            case_id=scene.case.id,
            report_id=scene.ru_report.id,
            kind=kind,
            country=country,
            observed_at=at,
            marking=Marking.GREEN,
            scope=Scope.OWNER,
        )
    )


def test_ip_captures_known_by_country_become_clues(db: Session, scene: Scene) -> None:
    first = datetime(2026, 7, 2, 19, 0, tzinfo=UTC)
    _capture(db, scene, "ip", "RU", first)
    _capture(db, scene, "ip", "RU", datetime(2026, 7, 3, 19, 0, tzinfo=UTC))
    _capture(db, scene, "ip-proxy", "NL", None)
    _capture(db, scene, "estimated", "KZ", None)
    db.commit()
    found = {clue.id: clue for clue in case_clues(_records(db, scene.ru_user), scene.case)}
    country_only = [c for c in found.values() if c.id.startswith(("ip-ru-", "ip-nl-"))]
    assert sorted(c.label for c in country_only) == [
        "IP located in NL via proxy",
        "IP located in RU (2 captures)",
    ]
    for clue in country_only:
        assert isinstance(clue.clue, lc.IpClue) and clue.clue.ip is None
        assert clue.clue.located is not None and clue.enabled
    proxy = next(c.clue for c in country_only if "NL" in c.label)
    assert isinstance(proxy, lc.IpClue) and proxy.proxy
    estimated = next(c for c in found.values() if c.kind == "estimated")
    assert isinstance(estimated.clue, lc.IpClue) and estimated.clue.located is not None
    assert estimated.clue.located.country == "KZ" and estimated.clue.error_rate == 0.3
    # captures without coordinates are not known sites
    assert found["sites"].label == "known sites (2)"


def test_activity_times_join_post_times_and_observation_times(db: Session, scene: Scene) -> None:
    records = _records(db, scene.ru_user)
    scrape = _report(records, scene.case, "forum scrape", FORUM, Scope.OWNER)
    # a capture at the moment of a post counts once; another capture adds a moment
    _capture(db, scene, "ip", "RU", datetime(2026, 7, 1, 18, 33, tzinfo=UTC))
    _capture(db, scene, "ip", "RU", datetime(2026, 7, 20, 19, 45, tzinfo=UTC))
    selector = db.scalars(select(Selector).where(Selector.report_id == scene.ru_report.id)).first()
    assert selector is not None
    selector.observed_at = datetime(2026, 7, 22, 20, 5, tzinfo=UTC)
    db.commit()
    found = {clue.id: clue for clue in case_clues(records, scene.case)}
    activity = found["posting-times"]
    assert isinstance(activity.clue, lc.PostingTimesClue)
    assert list(activity.clue.timestamps) == [
        datetime(2026, 7, 1, 18, 33, tzinfo=UTC),
        datetime(2026, 7, 6, 19, 10, tzinfo=UTC),
        datetime(2026, 7, 12, 20, 5, tzinfo=UTC),
        datetime(2026, 7, 20, 19, 45, tzinfo=UTC),
        datetime(2026, 7, 22, 20, 5, tzinfo=UTC),
    ]
    assert "forum scrape" in activity.source and "observation times" in activity.source
    notes = " ".join(activity.notes)
    assert "without a time zone" in notes and "cat" in notes
    assert scrape.id


def test_stated_ip_by_country_through_the_api(client: TestClient, scene: Scene) -> None:
    url = f"/api/v1/cases/{scene.case.id}/locate"
    stated = {"id": "tip-capture", "kind": "ip", "country": "RU", "proxy": True}
    answer = client.post(url, headers=scene.ru_headers, json={"clues": [stated]})
    assert answer.status_code == 200, answer.text
    clue = next(c for c in answer.json()["clues"] if c["id"] == "tip-capture")
    assert clue["enabled"] and clue["source"] == "stated"
    for bad, complaint in (
        ({"id": "x", "kind": "ip", "country": "QQ"}, "'QQ'"),
        ({"id": "x", "kind": "ip"}, "country"),
        ({"id": "x", "kind": "text", "text": "ничего тут нет"}, "mentions no place"),
    ):
        refused = client.post(url, headers=scene.ru_headers, json={"clues": [stated, bad]})
        assert refused.status_code == 422, refused.text
        error = refused.json()["errors"][0]
        assert error["location"] == "body.clues[1] (x)" and complaint in str(error), error
