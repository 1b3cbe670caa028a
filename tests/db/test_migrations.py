"""Migrations from empty, down to nothing and up again, on the engine under test."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from tests.conftest import DatabaseFactory
from wayhome.cli.main import app as cli
from wayhome.db import migrate
from wayhome.db.dialect import diff_filters, is_unmanaged_table
from wayhome.db.engine import make_engine
from wayhome.db.models import Base
from wayhome.settings import get_settings


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        return {n for n in names if not is_unmanaged_table(n)}
    finally:
        engine.dispose()


def test_cli_upgrade_from_empty_creates_every_table(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = databases.new_url()
    monkeypatch.setenv("WAYHOME_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert migrate.head_revision() in result.output
    assert _tables(url) == set(Base.metadata.tables)


def test_downgrade_and_upgrade_round_trip(databases: DatabaseFactory) -> None:
    url = databases.new_url()
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    assert _tables(url) == set()
    migrate.upgrade(url)
    assert _tables(url) == set(Base.metadata.tables)
    engine = make_engine(url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    """Autogenerate finds nothing to add: every model change came with a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            include_name, include_object = diff_filters(connection.dialect.name)
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "include_name": include_name,
                    "include_object": include_object,
                },
            )
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
