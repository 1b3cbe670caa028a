"""`wayhome links`: evidence paths, neighbourhoods, every link a page at a time, the review
queue and decisions on many links at once."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

import typer

from wayhome.cli.common import fail
from wayhome.errors import WayhomeError
from wayhome.linking import services
from wayhome.linking.reading import MAX_LINKS_PAGE

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


StateOption = Annotated[
    list[str] | None,
    typer.Option("--state", help="proposed, accepted, auto-accepted or rejected (repeatable)."),
]
LimitOption = Annotated[int, typer.Option(min=1, max=MAX_LINKS_PAGE, help="Links per page.")]
OffsetOption = Annotated[int, typer.Option(min=0, help="Links to skip.")]


def _page(user: str, purpose: str, wanted: Any, limit: int, offset: int) -> Any:
    """One page of links described for a reviewer, as the API's `LinkList`."""
    from wayhome.linking.schemas import LinkList, LinkOut

    def work(records: Any) -> LinkList:
        found = services.list_links(records, wanted, limit, offset)
        items = [LinkOut.model_validate(v) for v in found.items]
        return LinkList(items=items, total=found.total, limit=found.limit, offset=found.offset)

    return _run(user, purpose, work)


def _end(end: Any) -> str:
    names = [n.text + (f" ({n.latin})" if n.latin else "") for n in end.names]
    holder = f" [{end.agency}]" if end.agency else ""
    return f"{' / '.join(names) or end.label} — {end.kind}{holder}"


def _echo_page(found: Any, as_json: bool) -> None:
    """A page as JSON, or one block a link: id, score, state, both records, the evidence."""
    if as_json:
        typer.echo(found.model_dump_json(indent=2))
        return
    for link in found.items:
        typer.echo(f"{link.id}  {link.score:.3f}  {link.state.value}  {link.link_kind}")
        typer.echo(f"    {_end(link.left)}")
        typer.echo(f"  ~ {_end(link.right)}")
        if link.decided is not None:
            who = link.decided.by or f"a reviewer of {link.decided.agency or 'another agency'}"
            why = f": {link.decided.reason}" if link.decided.reason else ""
            typer.echo(f"    decided by {who} at {link.decided.at:%Y-%m-%d %H:%M}{why}")
        for line in link.evidence:
            typer.echo(f"    - {line.sentence}")
    shown = len(found.items)
    first = found.offset + 1 if shown else found.offset
    typer.echo(f"links {first}-{found.offset + shown} of {found.total}")


def _states(states: list[str] | None) -> tuple[Any, ...]:
    try:
        return tuple(services.LinkState(s) for s in states or ())
    except ValueError as error:
        known = ", ".join(s.value for s in services.LinkState)
        raise typer.BadParameter(f"a state is one of {known}", param_hint="--state") from error


@links_app.command("list")
def list_command(
    user: UserOption,
    state: StateOption = None,
    min_score: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
    max_score: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
    kind: Annotated[str | None, typer.Option(help="person, persona or persona_person.")] = None,
    ref: Annotated[str | None, typer.Option(help="Only links of this entity, kind:id.")] = None,
    sort: Annotated[str, typer.Option(help="-score, score, -created or created.")] = "-score",
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="The API's JSON shape.")] = False,
) -> None:
    """Every link you may see, a page at a time: both records by name (with a Latin
    reading), score, state, decision and the evidence in words."""
    wanted = services.LinkFilter(_states(state), min_score, max_score, kind, ref, sort=sort)
    _echo_page(_page(user, "link listing (CLI)", wanted, limit, offset), as_json)


@links_app.command("queue")
def queue_command(
    user: UserOption,
    kind: Annotated[str | None, typer.Option(help="person, persona or persona_person.")] = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="The API's JSON shape.")] = False,
) -> None:
    """Proposed links awaiting review, best first, a page at a time."""
    wanted = services.LinkFilter(link_kind=kind, queue=True)
    _echo_page(_page(user, "review queue (CLI)", wanted, limit, offset), as_json)


@links_app.command("decide")
def decide_command(
    ids: Annotated[list[uuid.UUID], typer.Argument(help="The links' ids.")],
    user: UserOption,
    accept: Annotated[
        bool | None, typer.Option("--accept/--reject", help="Accept or reject them all.")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (required to reject; audited).")] = "",
) -> None:
    """Accept or reject links, all or none: a link you may not see is named and nothing
    changes."""
    if accept is None:
        raise typer.BadParameter("say --accept or --reject", param_hint="--accept/--reject")
    decision = "accept" if accept else "reject"
    decided = _run(
        user,
        "link review (CLI)",
        lambda r: [
            (row.id, row.state.value) for row in services.decide_many(r, ids, decision, reason)
        ],
    )
    for assertion_id, state in decided:
        typer.echo(f"{assertion_id} {state}")
