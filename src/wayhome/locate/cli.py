"""`wayhome locate`, `wayhome gazetteer import` and `wayhome register import`.

Cheap to import: `wayhome locate --clues FILE` answers without a database, so the database
layer is imported only by the commands that use it.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer

from wayhome.errors import WayhomeError

gazetteer_app = typer.Typer(help="The offline gazetteer that locating uses.", no_args_is_help=True)
register_app = typer.Typer(help="Residents' register extracts.", no_args_is_help=True)


def _fail(error: WayhomeError) -> typer.Exit:
    """The CLI's error exit (cli/common.py), imported only when a command fails."""
    from wayhome.cli.common import fail

    return fail(error)


def locate_command(
    case: Annotated[
        str | None, typer.Argument(help="Case reference or id; leave out with --clues alone.")
    ] = None,
    user: Annotated[
        str | None, typer.Option(help="Username whose need-to-know applies (with a case).")
    ] = None,
    clues: Annotated[
        Path | None,
        typer.Option(
            "--clues",
            dir_okay=False,
            help="A clue file (JSON, docs/locate-clues.md): without a case, a 'what if' from "
            "these clues alone, no database needed; with a case, clues added to its own.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full answer as JSON.")] = False,
    off: Annotated[
        list[str] | None, typer.Option(help="Clue id to leave out (repeatable).")
    ] = None,
    top: Annotated[int | None, typer.Option(help="How many places to list (default 10).")] = None,
) -> None:
    """Where an offender probably lives: from a case's clues the user may see, or from a clue
    file alone."""
    try:
        if case is None:
            if clues is None:
                raise WayhomeError("give a case (with --user) or a clue file", location="--clues")
            answer = _what_if(clues, off or [], top)
        else:
            if user is None:
                raise WayhomeError("locating a case needs --user", location="--user")
            answer = _locate_case(case, user, clues, off or [], top or 10)
    except WayhomeError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    _print_answer(answer)


def _what_if(path: Path, off: list[str], top: int | None) -> dict[str, Any]:
    """Locate from a clue file alone."""
    from wayhome.locate.live import gazetteer
    from wayhome.locate.stated import answer_json, locate_stated, read_clue_file, stated_clues

    document = read_clue_file(_read(path), path.name)
    changes: dict[str, Any] = {"disabled": [*document.disabled, *off]}
    if top is not None:
        changes["top"] = top
    document = document.model_copy(update=changes)
    places = gazetteer()
    stated = stated_clues(document, places, path.name)
    return answer_json(stated.clues, locate_stated(stated, places))


def _read(path: Path) -> bytes:
    """A clue file's bytes, or an error naming it."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise WayhomeError(f"cannot read it: {error.strerror}", location=str(path)) from error


def _locate_case(
    case: str, user: str, path: Path | None, off: list[str], top: int
) -> dict[str, Any]:
    """Locate a case as the user may see it, with a clue file's clues stated beside its own."""
    from wayhome.access import services as access
    from wayhome.access.records import Records
    from wayhome.cases.models import Case
    from wayhome.cli.common import acting_user, transaction
    from wayhome.locate import services
    from wayhome.locate.schemas import LocateIn
    from wayhome.locate.stated import read_clue_file

    stated: list[dict[str, Any]] = []
    if path is not None:
        document = read_clue_file(_read(path), path.name)
        stated = [
            {"id": f"{item.get('kind', 'clue')}-{position}", **item}
            for position, item in enumerate(document.clues)
        ]
        off = [*document.disabled, *off]
    with transaction() as session:
        account = acting_user(session, user)
        records = Records(session, access.viewer_of(account), "locate (CLI)")
        found = records.find(Case, Case.reference == case.strip(), limit=1).items
        if found:
            case_id = found[0].id
        else:
            try:
                case_id = uuid.UUID(case.strip())
            except ValueError:
                raise WayhomeError(f"no case {case!r}", location="CASE") from None
        body = LocateIn.model_validate({"clues": stated, "disabled": off, "top": top})
        answer = services.as_output(services.locate_case(records, case_id, body), body)
    return answer.model_dump(mode="json")


def _print_answer(answer: dict[str, Any]) -> None:
    """Print an answer for a terminal: places, coverage, clues."""
    if answer["empty_reason"]:
        typer.echo(f"no place left: {answer['empty_reason']}")
    for place in answer["places"]:
        typer.echo(
            f"{place['rank']:>3}. {place['name']} ({place['country']} {place['region']}) "
            f"pop {place['population']:,}  p={place['probability']:.4f}"
        )
    for coverage in answer["coverage"]:
        typer.echo(
            f"{coverage['level']:.0%} set: {coverage['places']} places, "
            f"{coverage['area_km2']:,.0f} km², {coverage['population']:,} people"
        )
    for clue in answer["clues"]:
        state = "on " if clue["enabled"] else "off"
        effect = "" if clue["contribution"] is None else f" {clue['contribution']:+.2f}"
        typer.echo(f"[{state}] {clue['id']}: {clue['label']} ({clue['source']}){effect}")
        for note in clue["notes"]:
            typer.echo(f"      {note}")


@gazetteer_app.command("import")
def gazetteer_import(
    path: Annotated[Path, typer.Argument(dir_okay=False, help="GeoNames dump (allCountries.txt).")],
    min_population: Annotated[int, typer.Option(help="Skip smaller places.")] = 0,
    regions: Annotated[
        Path | None, typer.Option(help="GeoNames admin1CodesASCII.txt for region names.")
    ] = None,
) -> None:
    """Build the gazetteer from a GeoNames dump; locating uses it from then on."""
    from wayhome.locate import services

    try:
        count = services.import_gazetteer(path, min_population, regions)
    except WayhomeError as error:
        raise _fail(error) from error
    typer.echo(f"gazetteer: {count:,} places from {path.name}")


@register_app.command("import")
def register_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    user: Annotated[str, typer.Option(help="Username of the importing investigator.")],
    marking: Annotated[str, typer.Option(help="CLEAR, GREEN, AMBER, AMBER+STRICT or RED.")],
    scope: Annotated[str, typer.Option(help="owner, named or all.")] = "owner",
    share: Annotated[list[str] | None, typer.Option(help="Agency code, for scope 'named'.")] = None,
) -> None:
    """Load a register extract (CSV) under the user's agency and marking, all-or-nothing."""

    from wayhome.access import services as access
    from wayhome.access.markings import Marking, Scope
    from wayhome.access.records import Records
    from wayhome.cli.common import acting_user, agency_ids, transaction
    from wayhome.locate import services

    try:
        try:
            chosen_marking = Marking(marking.upper())
            chosen_scope = Scope(scope)
        except ValueError as error:
            raise WayhomeError(str(error), location="--marking/--scope") from None
        with transaction() as session:
            account = acting_user(session, user)
            shared = agency_ids(session, share)
            records = Records(session, access.viewer_of(account), "register import")
            result = services.import_register(
                records, path.read_bytes(), path.name, chosen_marking, chosen_scope, shared
            )
    except WayhomeError as error:
        raise _fail(error) from error
    if result.created:
        typer.echo(f"{path.name}: {result.persons} person(s) loaded (TLP:{chosen_marking.value})")
    else:
        typer.echo(f"{path.name}: already loaded ({result.persons} person(s)); nothing changed")
