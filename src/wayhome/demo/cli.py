"""`wayhome demo`: load the generated demo world (at once, or replayed live) and serve."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import typer
from sqlalchemy.orm import Session, sessionmaker

from wayhome.db import migrate
from wayhome.db.engine import make_session_factory, server_engine, session_scope
from wayhome.demo.bulk import add_cases
from wayhome.demo.loader import DEMO_NOISE, DEMO_SEED, write_demo_world
from wayhome.demo.replay import DEMO_PASSWORD, WorldLoad, load_world
from wayhome.hashing.live import LivePdqIndex
from wayhome.settings import get_settings


def _print_accounts(found: list[tuple[str, str]]) -> None:
    """The accounts a viewer can sign in with."""
    typer.echo(f"demo accounts (password for all: {DEMO_PASSWORD}):")
    for username, description in found:
        typer.echo(f"  {username:18} {description}")


def _replay(
    factory: sessionmaker[Session], folder: Path, pace: float, index: LivePdqIndex
) -> WorldLoad:
    """Feed the world in story order, printing each step."""
    typer.echo(f"replaying the demo world, one fragment every {pace:g} s")
    load = load_world(
        factory, folder, pace, index=index, echo=typer.echo, on_accounts=_print_accounts
    )
    if not load.created:
        _print_accounts(load.accounts)
        typer.echo("demo data already present; a replay needs an empty database")
    else:
        typer.echo("replay finished: every fragment is in")
    return load


def _add_cases(factory: sessionmaker[Session], count: int, seed: int) -> None:
    """Open `count` synthetic cases beside the world (`demo/bulk.py`), timed."""
    started = time.perf_counter()
    with session_scope(factory) as session:
        added = add_cases(session, count, seed)
    seconds = time.perf_counter() - started
    typer.echo(f"{added.cases} synthetic cases opened ({added.agencies} agencies, {seconds:.1f} s)")


def run_demo(serve: bool, replay: bool, pace: float, seed: int, noise: int, cases: int = 0) -> None:
    """Migrate, load (or replay) the demo world and `cases` synthetic cases beside it, print
    the accounts, then serve."""
    import uvicorn

    from wayhome.web.app import create_app
    from wayhome.web.ops import configure_logging, uvicorn_options

    settings = get_settings()
    migrate.upgrade(settings.effective_database_url)
    engine = server_engine(settings)
    factory = make_session_factory(engine)
    app = create_app(settings, factory)
    index: LivePdqIndex = app.state.hash_index
    try:
        with tempfile.TemporaryDirectory(prefix="wayhome-demo-") as name:
            folder = write_demo_world(Path(name), seed, noise)
            if not (replay and serve):
                load = load_world(
                    factory, folder, pace if replay else 0.0, index=index, echo=typer.echo
                )
                typer.echo("demo data " + ("loaded" if load.created else "already present"))
                if cases:
                    _add_cases(factory, cases, seed)
                _print_accounts(load.accounts)
                if not serve:
                    return
            configure_logging(settings)
            options = uvicorn_options(settings, settings.host, settings.port)
            server = uvicorn.Server(uvicorn.Config(app, **options))
            if replay:

                def feed() -> None:
                    while not server.started and not server.should_exit:
                        threading.Event().wait(0.1)
                    _replay(factory, folder, pace, index)
                    if cases:
                        _add_cases(factory, cases, seed)

                threading.Thread(target=feed, name="demo-replay", daemon=True).start()
            typer.secho(
                f"Wayhome is at http://{settings.host}:{settings.port}/",
                fg=typer.colors.GREEN,
                bold=True,
            )
            server.run()
    finally:
        engine.dispose()


__all__ = ["DEMO_NOISE", "DEMO_SEED", "run_demo"]
