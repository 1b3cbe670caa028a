"""Alembic environment: migrations run against the URL the Wayhome CLI passes in."""

from __future__ import annotations

from alembic import context

from wayhome.db.dialect import include_in_diff, is_unmanaged_table
from wayhome.db.engine import make_engine
from wayhome.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations online, in one transaction, batch mode so SQLite can alter tables."""
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_name=lambda name, kind, _parent: (
                not (kind == "table" and is_unmanaged_table(name))
            ),
            include_object=lambda obj, name, kind, _reflected, _other: include_in_diff(
                connection.dialect.name, obj, name, kind
            ),
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
