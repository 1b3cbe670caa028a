"""`wayhome locate`, `wayhome gazetteer import` and `wayhome register import`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated

import typer

from wayhome.cli.common import fail
from wayhome.errors import WayhomeError

gazetteer_app = typer.Typer(help="The offline gazetteer that locating uses.", no_args_is_help=True)
register_app = typer.Typer(help="Residents' register extracts.", no_args_is_help=True)


def locate_command(
    case: Annotated[str, typer.Argument(help="Case reference or id.")],
    user: Annotated[str, typer.Option(help="Username whose need-to-know applies.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full answer as JSON.")] = False,
    off: Annotated[
        list[str] | None, typer.Option(help="Clue id to leave out (repeatable).")
    ] = None,
    top: Annotated[int, typer.Option(help="How many places to list.")] = 10,
) -> None:
    """Where a case's offender probably lives, from the clues the user may see."""

    from wayhome.access import services as access
    from wayhome.access.records import Records
    from wayhome.cases.models import Case
    from wayhome.cli.common import acting_user, transaction
    from wayhome.locate import services
    from wayhome.locate.schemas import LocateIn

    try:
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
            body = LocateIn(disabled=off or [], top=top)
            answer = services.as_output(services.locate_case(records, case_id, body), body)
    except WayhomeError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    if answer.empty_reason:
        typer.echo(f"no place left: {answer.empty_reason}")
    for place in answer.places:
        typer.echo(
            f"{place.rank:>3}. {place.name} ({place.country} {place.region}) "
            f"pop {place.population:,}  p={place.probability:.4f}"
        )
    for coverage in answer.coverage:
        typer.echo(
            f"{coverage.level:.0%} set: {coverage.places} places, {coverage.area_km2:,.0f} km², "
            f"{coverage.population:,} people"
        )
    for clue in answer.clues:
        state = "on " if clue.enabled else "off"
        effect = "" if clue.contribution is None else f" {clue.contribution:+.2f}"
        typer.echo(f"[{state}] {clue.id}: {clue.label} ({clue.source}){effect}")


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
        raise fail(error) from error
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
        raise fail(error) from error
    if result.created:
        typer.echo(f"{path.name}: {result.persons} person(s) loaded (TLP:{chosen_marking.value})")
    else:
        typer.echo(f"{path.name}: already loaded ({result.persons} person(s)); nothing changed")
