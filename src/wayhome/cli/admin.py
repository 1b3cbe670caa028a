"""The commands that administer an installation: its database, agencies, users, tokens, audit
log, imports, backups, the server and the demo. `cli/main.py` loads this module only when one of
them runs, so that `wayhome --help` and `wayhome locate --clues` start fast."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select

from wayhome.access import services as access
from wayhome.access.models import ApiToken, User
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cli.common import acting_user, agency_ids, fail, marking_and_scope, transaction
from wayhome.db import migrate
from wayhome.db.engine import make_engine
from wayhome.errors import WayhomeError
from wayhome.settings import get_settings

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
agencies_app = typer.Typer(help="Member agencies.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for machine clients.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo case.", invoke_without_command=True)

CLI_ACTOR = audit.Actor(user_id=None, username="cli", agency_id=None)


def _revision() -> str:
    engine = make_engine(get_settings().effective_database_url)
    try:
        return migrate.current_revision(engine) or "empty"
    finally:
        engine.dispose()


# -- db ------------------------------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    migrate.upgrade(get_settings().effective_database_url, revision)
    typer.echo(f"database at {_revision()}")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION ('base' removes every table)."""
    migrate.downgrade(get_settings().effective_database_url, revision)
    typer.echo(f"database at {_revision()}")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database."""
    typer.echo(_revision())


# -- serve ---------------------------------------------------------------------------------------
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes sharing the port (with PostgreSQL; docs/deployment.md).",
        ),
    ] = 1,
) -> None:
    """Serve the web application and the API."""
    import uvicorn

    from wayhome.db.dialect import is_sqlite
    from wayhome.web.app import create_app
    from wayhome.web.ops import configure_logging, uvicorn_options

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    configure_logging(settings)
    typer.secho(f"Wayhome is at http://{host}:{port}/", fg=typer.colors.GREEN, bold=True)
    if workers == 1:
        uvicorn.run(create_app(settings), **uvicorn_options(settings, host, port))
        return
    if is_sqlite(settings.effective_database_url):
        typer.secho(
            "several processes on SQLite write one at a time and learn of each other's alerts "
            "by polling; PostgreSQL is the database for --workers (docs/deployment.md)",
            fg=typer.colors.YELLOW,
        )
    # Each process builds its own app (worker_app); they share the port, and on PostgreSQL
    # hear each other's alerts and watches by LISTEN/NOTIFY (watches/broker.py).
    uvicorn.run(
        "wayhome.cli.admin:worker_app",
        factory=True,
        workers=workers,
        **uvicorn_options(settings, host, port),
    )


def worker_app() -> Any:
    """The app of one of `wayhome serve --workers N`'s processes (uvicorn calls it in each)."""
    from wayhome.web.app import create_app
    from wayhome.web.ops import configure_logging

    settings = get_settings()
    configure_logging(settings)
    return create_app(settings)


# -- agencies and users ----------------------------------------------------------------------------
@agencies_app.command("list")
def agencies_list() -> None:
    """List member agencies."""
    with transaction() as session:
        for agency in session.scalars(select(Agency).order_by(Agency.country)):
            typer.echo(f"{agency.code:12} {agency.country}  {agency.kind.value:24} {agency.name}")


@agencies_app.command("add")
def agencies_add(code: str, name: str, country: str, kind: str = "police_unit") -> None:
    """Register a member agency."""
    try:
        with transaction() as session:
            agency = access.create_agency(session, CLI_ACTOR, code, name, country, kind)
            typer.echo(f"agency {agency.code} created")
    except WayhomeError as error:
        raise fail(error) from error


@users_app.command("list")
def users_list() -> None:
    """List user accounts."""
    with transaction() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            typer.echo(
                f"{user.username:20} {user.agency.code:12} {user.role.value:13} "
                f"{'active' if user.active else 'disabled'}"
            )


@users_app.command("add")
def users_add(
    username: str,
    agency: Annotated[str, typer.Option(help="Agency code.")],
    role: Annotated[str, typer.Option(help="analyst, investigator, supervisor or admin.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    display_name: str = "",
) -> None:
    """Create a user account."""
    try:
        with transaction() as session:
            found = session.scalar(select(Agency).where(Agency.code == agency.lower()))
            if found is None:
                raise WayhomeError(f"no agency with code {agency!r}", location="--agency")
            access.create_user(session, CLI_ACTOR, found, username, display_name, role, password)
            typer.echo(f"user {username} created")
    except WayhomeError as error:
        raise fail(error) from error


# -- tokens ----------------------------------------------------------------------------------------
@tokens_app.command("create")
def tokens_create(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    scope: Annotated[list[str] | None, typer.Option(help="read and/or write.")] = None,
) -> None:
    """Issue an API token for a user; the secret is printed once."""
    try:
        with transaction() as session:
            user = session.scalar(select(User).where(User.username == username.lower()))
            if user is None:
                raise WayhomeError(f"no user {username!r}", location="USERNAME")
            issued = access.issue_token(session, CLI_ACTOR, user, name, scope or ["read"])
            typer.echo(issued.secret)
    except WayhomeError as error:
        raise fail(error) from error


@tokens_app.command("list")
def tokens_list() -> None:
    """List API tokens (never their secrets)."""
    with transaction() as session:
        for token in session.scalars(select(ApiToken).order_by(ApiToken.created_at)):
            state = "revoked" if token.revoked_at else "active"
            typer.echo(
                f"{token.id}  {token.prefix}…  {token.user.username:16} "
                f"{','.join(token.scopes):11} {state:8} {token.name}"
            )


@tokens_app.command("revoke")
def tokens_revoke(token_id: uuid.UUID) -> None:
    """Revoke an API token."""
    try:
        with transaction() as session:
            access.revoke_token(session, CLI_ACTOR, token_id)
            typer.echo("revoked")
    except WayhomeError as error:
        raise fail(error) from error


# -- intake --------------------------------------------------------------------------------------
def import_file(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    user: Annotated[str, typer.Option(help="Username of the submitting analyst.")],
    marking: Annotated[str, typer.Option(help="CLEAR, GREEN, AMBER, AMBER+STRICT or RED.")],
    agency: Annotated[
        str | None, typer.Option(help="Agency code (checked against --user).")
    ] = None,
    format: Annotated[str | None, typer.Option(help="stix, misp, cybertip, csv or text.")] = None,
    scope: Annotated[str, typer.Option(help="owner, named or all.")] = "owner",
    share: Annotated[list[str] | None, typer.Option(help="Agency code, for scope 'named'.")] = None,
    silent: Annotated[bool, typer.Option(help="Hits tell other agencies nothing.")] = False,
) -> None:
    """Import a file all-or-nothing; importing the same file again stores nothing new."""
    from wayhome.access.records import Records
    from wayhome.intake.services import import_file as run_import
    from wayhome.intake.store import Placement

    settings = get_settings()
    try:
        chosen_marking, chosen_scope = marking_and_scope(marking, scope)
        with transaction() as session:
            account = acting_user(session, user, agency)
            shared = agency_ids(session, share)
            records = Records(session, access.viewer_of(account), "file import")
            placement = Placement(chosen_marking, chosen_scope, shared, silent)
            result, kind = run_import(
                records,
                path.read_bytes(),
                placement,
                filename=path.name,
                format_name=format,
                max_bytes=settings.max_import_bytes,
            )
    except WayhomeError as error:
        raise fail(error) from error
    if not result.created:
        typer.echo(f"{path.name}: imported before ({kind}); nothing new stored")
        return
    typer.echo(
        f"{path.name}: {kind}, {len(result.report_ids)} report(s), "
        f"{result.selector_count} selector(s) stored"
    )
    for warning in result.warnings:
        typer.echo(f"note: {warning}")


# -- audit -----------------------------------------------------------------------------------------
def _chain_holds(result: audit.VerifyResult, whose: str = "audit log") -> bool:
    """Print a verification's outcome; True when the chain holds."""
    if result.broken is None:
        typer.echo(f"{whose} intact: {result.checked} entries, head #{result.head_seq}")
        return True
    typer.secho(
        f"{whose} BROKEN at entry #{result.broken.seq}: {result.broken.reason} "
        f"({result.checked} entries read)",
        fg=typer.colors.RED,
        err=True,
    )
    return False


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoint",
            "-c",
            help="A checkpoint file whose entry must still be in the chain (repeatable).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            help="PEM key the checkpoints were signed with (default: this instance's key).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
) -> None:
    """Check the whole hash chain and that each checkpoint still matches it; exit 1 and name
    the first broken entry or checkpoint if not."""
    from wayhome.audit import checkpoints as signed

    try:
        found = [(str(path), signed.read(path)) for path in checkpoint or []]
        key = None
        if found:
            key = (
                signed.public_key(public_key, "--public-key")
                if public_key
                else signed.signing_key(signed.key_file(get_settings()), create=False)
            )
    except WayhomeError as error:
        raise fail(error) from error
    with transaction() as session:
        result = audit.verify(session)
        mismatch = audit.check_checkpoints(session, found, key) if key else None
    holds = _chain_holds(result)
    if mismatch is not None:
        typer.secho(
            f"checkpoint {mismatch.source} (entry #{mismatch.checkpoint.seq}, signed "
            f"{mismatch.checkpoint.at}) NO LONGER MATCHES: {mismatch.reason}",
            fg=typer.colors.RED,
            err=True,
        )
    elif found:
        newest = max(made.seq for _, made in found)
        typer.echo(f"{len(found)} checkpoint(s) match, the newest at entry #{newest}")
    if not holds or mismatch is not None:
        raise typer.Exit(code=1)


@audit_app.command("checkpoint")
def audit_checkpoint(
    out: Annotated[
        Path | None, typer.Option(help="Write it to this new file (default: print it).")
    ] = None,
) -> None:
    """Verify the chain and sign its head with this instance's key: a checkpoint to keep
    outside the database, so that a rewrite of the whole chain is caught."""
    from wayhome.audit import checkpoints as signed

    try:
        if out is not None and out.exists():
            raise WayhomeError(f"{out} already exists; choose a new file name", location="--out")
        key = signed.signing_key(signed.key_file(get_settings()), create=True)
    except WayhomeError as error:
        raise fail(error) from error
    with transaction() as session:
        result, made = audit.take_checkpoint(session, key)
    if made is None:
        _chain_holds(result)
        typer.secho("no checkpoint signed", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1)
    if out is None:
        typer.echo(made.to_json(), nl=False)
        return
    out.write_text(made.to_json())
    typer.echo(f"checkpoint of entry #{made.seq} written to {out}")


@audit_app.command("public-key")
def audit_public_key() -> None:
    """Print the public key (PEM) that checks this instance's checkpoints."""
    from wayhome.audit import checkpoints as signed

    try:
        key = signed.signing_key(signed.key_file(get_settings()), create=True)
    except WayhomeError as error:
        raise fail(error) from error
    typer.echo(signed.public_pem(key), nl=False)


# -- backup and restore ----------------------------------------------------------------------------
def backup_command(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="The new backup file.")],
) -> None:
    """Copy the database (safe while the server runs) and verify the copy's audit chain."""
    from wayhome.db import backup as backups

    try:
        done = backups.backup(get_settings().effective_database_url, out)
    except WayhomeError as error:
        raise fail(error) from error
    typer.echo(f"{done.engine} database at {done.revision or 'no revision'} backed up to {out}")
    if not _chain_holds(done.audit, "the copy's audit log"):
        raise typer.Exit(code=1)


def restore_command(
    source: Annotated[Path, typer.Argument(metavar="IN", help="A file `wayhome backup` wrote.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that holds data.")
    ] = False,
) -> None:
    """Replace the database with a backup (stop the server first) and verify its audit chain."""
    from wayhome.db import backup as backups

    try:
        done = backups.restore(get_settings().effective_database_url, source, force=force)
    except WayhomeError as error:
        raise fail(error) from error
    typer.echo(f"restored {source}: {done.engine} database at {done.revision or 'no revision'}")
    if not _chain_holds(done.audit, "the restored audit log"):
        raise typer.Exit(code=1)


# -- demo ------------------------------------------------------------------------------------------
@demo_app.callback()
def demo(
    ctx: typer.Context,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve afterwards.")
    ] = True,
    replay: Annotated[
        bool, typer.Option(help="Feed the fragments in story order while serving.")
    ] = False,
    pace: Annotated[float, typer.Option(help="Seconds between replayed fragments.")] = 4.0,
    seed: Annotated[int, typer.Option(help="Seed of the generated world.")] = 2026,
    noise: Annotated[int, typer.Option(help="Noise of the world: 0 clean … 3 hard.")] = 1,
    cases: Annotated[
        int, typer.Option(help="Also open this many synthetic cases (the lists at scale).")
    ] = 0,
) -> None:
    """Migrate, load the generated demo world (once) and serve; --replay feeds it in live."""
    if ctx.invoked_subcommand is not None:
        return
    from wayhome.demo.cli import run_demo

    try:
        run_demo(serve_after, replay, max(pace, 0.0), seed, noise, cases)
    except WayhomeError as error:
        raise fail(error) from error
