"""`wayhome deliveries run`: one pass over the due deliveries of the configured database."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.conftest import CliDatabase, World
from wayhome.watches.models import Delivery, DeliveryAttempt


def test_deliveries_run_tries_what_is_due(cli_database: CliDatabase) -> None:
    with cli_database.session() as session:
        agency = World(session).agency()
        session.add(
            Delivery(
                channel="email",
                agency_id=agency.id,
                payload={"to": "x@example.org", "subject": "s"},
                next_attempt_at=datetime(2020, 1, 1, tzinfo=UTC),
            )
        )
    result = cli_database.invoke(["deliveries", "run"])
    assert result.exit_code == 0, result.output
    assert "sent 0" in result.output
    with cli_database.session() as session:
        [delivery] = session.scalars(select(Delivery)).all()
        [attempt] = session.scalars(select(DeliveryAttempt)).all()
        assert delivery.attempts == 1 and delivery.status == "pending"
        assert attempt.error == "no SMTP relay configured"
