"""`wayhome links`: evidence paths, neighbourhoods, the review queue and decisions."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

import typer

from wayhome.cli.common import fail
from wayhome.errors import WayhomeError
from wayhome.linking import services

links_app = typer.Typer(help="Identity links: graph, paths, review.", no_args_is_help=True)
UserOption = Annotated[str, typer.Option(help="Username whose need-to-know applies.")]


def _run(user: str, purpose: str, work: Any) -> Any:
    """Run `work(records)` in one committed transaction as the user; errors exit with 2."""
    from wayhome.access import services as access
    from wayhome.access.records import Records
    from wayhome.cli.common import acting_user, transaction

    try:
        with transaction() as session:
            records = Records(session, access.viewer_of(acting_user(session, user)), purpose)
            return work(records)
    except WayhomeError as error:
        raise fail(error) from error


@links_app.command("path")
def path_command(
    from_ref: Annotated[str, typer.Argument(help="From entity, kind:id (e.g. case:…).")],
    to_ref: Annotated[str, typer.Argument(help="To entity, kind:id.")],
    user: UserOption,
    hops: Annotated[bool, typer.Option(help="Fewest links instead of most believable.")] = False,
) -> None:
    """The chain of evidence between two entities, one step a line."""
    by = "hops" if hops else "confidence"
    found = _run(
        user, "evidence path (CLI)", lambda r: services.evidence_path(r, from_ref, to_ref, by)
    )
    if not found["found"]:
        typer.echo("no chain of evidence between them")
        return
    typer.echo(f"confidence {found['confidence']}")
    for step in found["steps"]:
        edge = step["edge"]
        holder = f" [{edge['agency']}]" if edge["agency"] else ""
        typer.echo(f"{step['from']['label']} -> {step['to']['label']}{holder}")
        for line in edge["evidence"]:
            typer.echo(f"    {line}")


@links_app.command("graph")
def graph_command(
    ref: Annotated[str, typer.Argument(help="Entity, kind:id.")],
    user: UserOption,
    depth: Annotated[int, typer.Option(min=1, max=3)] = 1,
) -> None:
    """An entity's neighbourhood as JSON (hidden nodes as hit markers)."""
    found = _run(user, "link graph (CLI)", lambda r: services.neighbourhood(r, ref, depth))
    typer.echo(json.dumps(found, ensure_ascii=False, indent=2))


@links_app.command("queue")
def queue_command(user: UserOption) -> None:
    """Proposed links awaiting review, best first."""

    def work(records: Any) -> list[str]:
        rows, _ = services.review_queue(records, None, 100, 0)
        return [f"{r.id} {r.score:.3f} {r.left_ref} ~ {r.right_ref} ({r.made_by})" for r in rows]

    for line in _run(user, "review queue (CLI)", work):
        typer.echo(line)


@links_app.command("decide")
def decide_command(
    assertion_id: Annotated[uuid.UUID, typer.Argument(help="The link's id.")],
    decision: Annotated[str, typer.Argument(help="accept or reject")],
    user: UserOption,
    reason: Annotated[str, typer.Option(help="Why (recorded and audited).")] = "",
) -> None:
    """Accept or reject a link."""
    state = _run(
        user,
        "link review (CLI)",
        lambda r: services.decide(r, assertion_id, decision, reason).state.value,
    )
    typer.echo(f"{assertion_id} {state}")
