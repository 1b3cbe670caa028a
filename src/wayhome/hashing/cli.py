"""`wayhome hash` (hash local media into a hash list) and `wayhome banks` (bank import)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from wayhome.cli.common import fail
from wayhome.errors import WayhomeError
from wayhome.hashing.csvlist import dumps_csv
from wayhome.hashing.local import HashOptions, find_media, hash_paths
from wayhome.hashing.vics import dumps_vics

banks_app = typer.Typer(help="Hash banks: known material held as hashes.", no_args_is_help=True)


def hash_command(
    paths: Annotated[list[Path], typer.Argument(exists=True, help="Files and folders to hash.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Hash list to write (default: stdout).")
    ] = None,
    format: Annotated[str, typer.Option(help="vics (VICS 2.0 JSON) or csv.")] = "vics",
    workers: Annotated[
        int | None, typer.Option(help="Processes to hash with (default: every core).")
    ] = None,
    dihedral: Annotated[
        bool, typer.Option(help="Also compute the PDQs of the 8 rotations/flips.")
    ] = False,
) -> None:
    """Hash every image under PATHS on this machine (PDQ with quality, MD5, SHA-1, SHA-256).

    Images never leave the machine: only the hash list is written, ready for a bank import
    or for matching.
    """
    if format not in ("vics", "csv"):
        raise fail(WayhomeError("format must be vics or csv", location="--format"))
    files = find_media(paths)
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    with typer.progressbar(
        length=len(files), label=f"hashing on {worker_count} process(es)", file=sys.stderr
    ) as bar:
        done = 0

        def advance(finished: int, _total: int) -> None:
            nonlocal done
            bar.update(finished - done)
            done = finished

        run = hash_paths(files, worker_count, advance, HashOptions(dihedral=dihedral))
    text = dumps_vics(run.records) if format == "vics" else dumps_csv(run.records)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
    weak = sum(1 for record in run.records if record.pdq is None or record.pdq_unreliable)
    typer.echo(
        f"{len(run.records)} file(s) hashed"
        + (f", written to {out}" if out else "")
        + (f"; {weak} with no reliable PDQ (matched by exact hashes only)" if weak else ""),
        err=True,
    )
    for unreadable in run.unreadable:
        typer.echo(f"skipped {unreadable.path}: {unreadable.reason}", err=True)


@banks_app.command("import")
def banks_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    bank: Annotated[str, typer.Option(help="Bank name (created in the user's agency if new).")],
    user: Annotated[str, typer.Option(help="Username of the importing analyst.")],
    marking: Annotated[
        str | None, typer.Option(help="CLEAR, GREEN, AMBER, AMBER+STRICT or RED (new banks).")
    ] = None,
    scope: Annotated[str, typer.Option(help="owner, named or all (new banks).")] = "owner",
    share: Annotated[list[str] | None, typer.Option(help="Agency code, for scope 'named'.")] = None,
    silent: Annotated[bool, typer.Option(help="Hits tell other agencies nothing.")] = False,
    format: Annotated[str | None, typer.Option(help="vics or csv (default: detect).")] = None,
) -> None:
    """Import a VICS 2.0 JSON or CSV hash list into a bank, all-or-nothing and idempotent."""
    from sqlalchemy import select

    from wayhome.access import services as access
    from wayhome.access.markings import Marking, Scope
    from wayhome.access.records import Records
    from wayhome.cli.common import acting_user, agency_ids, transaction
    from wayhome.hashing import services
    from wayhome.hashing.models import Bank
    from wayhome.settings import get_settings

    try:
        try:
            chosen_marking = Marking(marking.upper()) if marking else None
            chosen_scope = Scope(scope)
        except ValueError as error:
            raise WayhomeError(str(error), location="--marking/--scope") from None
        with transaction() as session:
            account = acting_user(session, user)
            records = Records(session, access.viewer_of(account), "hash bank import")
            found = session.scalar(
                select(Bank).where(Bank.agency_id == account.agency_id, Bank.name == bank.strip())
            )
            if found is None:
                if chosen_marking is None:
                    raise WayhomeError(
                        f"no bank {bank!r} in {account.agency.code}; give --marking to create it",
                        location="--bank",
                    )
                shared = agency_ids(session, share)
                found = services.create_bank(
                    records,
                    services.NewBank(bank, chosen_marking, chosen_scope, shared, silent=silent),
                )
                typer.echo(f"bank {found.name} created (TLP:{found.marking.value})")
            elif chosen_marking is not None and chosen_marking is not found.marking:
                raise WayhomeError(
                    f"bank {found.name} is marked {found.marking.value}", location="--marking"
                )
            result = services.import_into_bank(
                records,
                None,
                found.id,
                path.read_bytes(),
                filename=path.name,
                format_name=format,
                max_bytes=get_settings().max_import_bytes,
            )
    except WayhomeError as error:
        raise fail(error) from error
    typer.echo(
        f"{path.name}: {result.format}, {result.records} record(s): {result.created} added, "
        f"{result.updated} reclassified, {result.unchanged} already held"
    )
