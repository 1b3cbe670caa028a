"""Alembic environment: migrations run against the URL the Wayhome CLI passes in."""

from __future__ import annotations

from alembic import context

from wayhome.db.dialect import diff_filters
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
        include_name, include_object = diff_filters(connection.dialect.name)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_name=include_name,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
