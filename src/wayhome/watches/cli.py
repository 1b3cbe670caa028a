"""`wayhome deliveries run`: send due alert e-mail and webhooks (cron, or beside the server)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

import typer

from wayhome.cli.common import transaction
from wayhome.settings import get_settings
from wayhome.watches.services import deliver_due

deliveries_app = typer.Typer(help="Alert e-mail and webhook deliveries.", no_args_is_help=True)


@deliveries_app.command("run")
def deliveries_run(
    loop: Annotated[bool, typer.Option(help="Keep running, a pass every --every seconds.")] = False,
    every: Annotated[float, typer.Option(help="Seconds between passes with --loop.")] = 5.0,
) -> None:
    """Try every due delivery once (failures wait with back-off); with --loop, keep going."""
    settings = get_settings()
    while True:
        with transaction() as session:
            sent = deliver_due(session, settings, datetime.now(UTC))
        typer.echo(f"sent {sent}")
        if not loop:
            return
        time.sleep(every)
