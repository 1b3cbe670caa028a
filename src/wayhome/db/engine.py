"""Engine and session factory for the configured database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from wayhome.db.dialect import configure_engine, is_sqlite
from wayhome.settings import Settings


def make_engine(url: str, *, connections: int = 5, lock_seconds: float = 30.0) -> Engine:
    """Create an engine for a URL, creating the SQLite file's folder when needed.

    `connections` is how many pooled connections PostgreSQL keeps (and as many again may be
    opened for a burst); a server asks for one per request it works on at once, so no request
    waits for a connection while holding a worker thread. `lock_seconds` is how long a SQLite
    transaction waits for the one write slot (`db.dialect.WriterLock`).
    """
    if is_sqlite(url):
        database = make_url(url).database
        on_disk = bool(database) and database != ":memory:"
        if on_disk:
            Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
        pool = {"pool_size": connections, "max_overflow": connections} if on_disk else {}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
    else:
        engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=connections,
            max_overflow=connections,
            pool_timeout=lock_seconds,
        )
    configure_engine(engine, lock_seconds)
    return engine


def server_engine(settings: Settings) -> Engine:
    """The engine of a server process: a connection for each request it works on at once
    (`WAYHOME_MAX_CONCURRENT_REQUESTS`) and a few for the background loops."""
    return make_engine(
        settings.effective_database_url,
        connections=settings.max_concurrent_requests + 4,
        lock_seconds=settings.db_lock_seconds,
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory that keeps loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
