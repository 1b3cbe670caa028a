"""Every difference between SQLite and PostgreSQL lives here; the rest is dialect-free."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnClause, ColumnElement, Table, Uuid, case, event, func
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from wayhome.errors import Busy

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
    # 64 MiB of page cache and temporary tables in memory: index inserts of a large import
    # touch pages all over the selector indexes.
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)


def is_sqlite(url_or_name: str) -> bool:
    """True when a URL or dialect name designates SQLite."""
    return url_or_name.startswith("sqlite")


class WriterLock:
    """One writing transaction at a time among this process's connections to one SQLite file.

    Every transaction on SQLite takes the write lock at BEGIN (see `configure_engine`). Left to
    SQLite, a waiting connection sleeps in its busy handler (up to 100 ms a nap) and gives up
    with "database is locked" after the busy timeout; under load the lock then sits idle
    while dozens of threads nap. Queued on this lock instead, the next transaction starts the
    moment the previous one ends, and one that waits too long gets `Busy` (a 503 with
    Retry-After) rather than a driver error. SQLite's own lock and busy timeout still order
    this process against others (a `wayhome import` beside the server).

    The lock belongs to a DBAPI connection, not a thread: a request's transaction may run its
    statements on several worker threads in turn.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._owner: int | None = None

    def acquire(self, dbapi_connection: Any) -> None:
        """Wait for the lock for this connection (a no-op when it already holds it)."""
        if self._owner == id(dbapi_connection):
            return
        if not self._lock.acquire(timeout=self.timeout):
            raise Busy(
                f"the database is busy: no write slot within {self.timeout:g} s; try again",
                retry_after=max(1, round(self.timeout / 10)),
            )
        self._owner = id(dbapi_connection)

    def release(self, dbapi_connection: Any) -> None:
        """Give the lock back if this connection holds it."""
        if self._owner == id(dbapi_connection):
            self._owner = None
            self._lock.release()

    @property
    def held(self) -> bool:
        """Whether some connection holds the lock now (metrics, tests)."""
        return self._lock.locked()


def _raw(connection: Any) -> Any:
    """The driver's connection behind a pool proxy (the dialect is called with either)."""
    return getattr(connection, "dbapi_connection", None) or connection


def writer_lock(engine: Engine) -> WriterLock | None:
    """The engine's writer lock (SQLite), or None (PostgreSQL orders writers itself)."""
    found: WriterLock | None = engine.__dict__.get("_wayhome_writer_lock")
    return found


def configure_engine(engine: Engine, lock_timeout: float = 30.0) -> None:
    """Per-connection settings on SQLite: WAL, foreign keys, a busy timeout, one writer."""
    if engine.dialect.name != "sqlite":
        return
    lock = WriterLock(lock_timeout)
    engine.__dict__["_wayhome_writer_lock"] = lock

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would begin transactions too late for
        # the audit chain's serialising UPDATE; SQLAlchemy emits BEGIN itself instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE: take the write lock when the transaction starts. A deferred transaction
        # that reads and then writes (nearly every request: reads are audited) fails at once
        # with "database is locked" when another connection committed in between (WAL's
        # SQLITE_BUSY_SNAPSHOT skips the busy timeout); an immediate one waits its turn.
        # Django (transaction_mode) and Rails (default since 7.1) do the same for web apps.
        dbapi_connection = _raw(connection.connection)
        lock.acquire(dbapi_connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            lock.release(dbapi_connection)
            raise

    # The lock is given back once the transaction has really ended: after COMMIT or
    # ROLLBACK ran (the dialect's own calls, also used by the pool's reset on check-in),
    # and when the pool drops or invalidates the connection.
    dialect: Any = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            lock.release(_raw(dbapi_connection))

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            lock.release(_raw(dbapi_connection))

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback

    def _dropped(dbapi_connection: Any, *_args: Any) -> None:
        lock.release(_raw(dbapi_connection))

    for name in ("invalidate", "soft_invalidate", "close", "close_detached"):
        event.listen(engine.pool, name, _dropped)


def is_unique_violation(error: IntegrityError) -> bool:
    """A unique key refused the write (PostgreSQL SQLSTATE 23505, SQLite's UNIQUE message)."""
    cause = error.orig
    return getattr(cause, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(cause)


def ref_uuid(
    session: Session, column: ColumnElement[str] | InstrumentedAttribute[str], prefix: str
) -> ColumnElement[Any]:
    """The id after `prefix` in a reference column (`person:<uuid>`) as the id columns store
    it, for an indexed comparison: hex without dashes on SQLite, a uuid on PostgreSQL; NULL
    when the reference has another prefix."""
    rest = func.substr(column, len(prefix) + 1)
    key = func.replace(rest, "-", "") if not _is_postgresql(session) else sql_cast(rest, Uuid())
    return case((func.substr(column, 1, len(prefix)) == prefix, key))


def drop_append_only_ddl(dialect_name: str, table: str) -> list[str]:
    """DDL that removes the append-only guard of a table (SQLite: what tampering runs)."""
    if dialect_name == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_append_only()",
    ]


def suspend_append_only_ddl(dialect_name: str, table: str) -> list[str]:
    """DDL a database owner would run to tamper with the table; tests use it to prove detection."""
    if dialect_name == "sqlite":
        return drop_append_only_ddl(dialect_name, table)
    return [f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_change"]


# -- full-text search ----------------------------------------------------------------------------
# Report texts are stemmed in Python (Snowball, Russian and English) on both engines, so word
# forms match identically; the engines index the stems: FTS5 on SQLite, a tsvector with the
# 'simple' configuration and a GIN index on PostgreSQL.
SEARCH_TABLE = "report_search"


def search_query_sql(dialect_name: str) -> str:
    """SQL returning (report_id, rank) for the stems in :terms, best first (lower rank first)."""
    if dialect_name == "sqlite":
        return (
            "SELECT report_id, bm25(report_search) AS rank FROM report_search "
            "WHERE report_search MATCH :terms"
        )
    return (
        "SELECT report_id, -ts_rank(tsv, plainto_tsquery('simple', :terms)) AS rank "
        "FROM report_search WHERE tsv @@ plainto_tsquery('simple', :terms)"
    )


def search_terms_param(dialect_name: str, stems: list[str]) -> str:
    """The stems as the engine's query string: every stem must match."""
    if dialect_name == "sqlite":
        return " ".join('"' + stem.replace('"', '""') + '"' for stem in stems)
    return " ".join(stems)


def is_unmanaged_table(name: str | None) -> bool:
    """Tables made by hand-written DDL (and FTS5's shadow tables) that Alembic must not diff."""
    return bool(name) and str(name).startswith(SEARCH_TABLE)


# Foreign keys the models declare that PostgreSQL checks once per statement instead (migration
# 0014: statement triggers over transition tables); SQLite keeps them as declared.
SET_CHECKED_KEYS = frozenset(
    {
        "fk_selectors_report_id_reports",
        "fk_selectors_value_id_selector_values",
        "fk_selectors_agency_id_agencies",
        "fk_selector_holders_value_id_selector_values",
        "fk_selector_holders_agency_id_agencies",
    }
)


def diff_filters(dialect_name: str) -> tuple[Callable[..., bool], Callable[..., bool]]:
    """Alembic's `include_name` and `include_object`, in that order, for the model/database
    comparison (the migrations' environment and tests/db/test_migrations.py): not the
    unmanaged tables (`is_unmanaged_table`), nor on PostgreSQL the set-checked foreign keys."""

    def include_name(name: str | None, kind: str, _parent: Any = None) -> bool:
        return not (kind == "table" and is_unmanaged_table(name))

    def include_object(
        _obj: Any, name: str | None, kind: str, _reflected: Any, _other: Any
    ) -> bool:
        set_checked = (
            kind == "foreign_key_constraint"
            and dialect_name == "postgresql"
            and name in SET_CHECKED_KEYS
        )
        return include_name(name, kind) and not set_checked

    return include_name, include_object


def bind_processor(session: Session, column: ColumnClause[Any]) -> Callable[[Any], Any] | None:
    """How the column's type converts a Python value for this session's driver (None: as is)."""
    processor: Callable[[Any], Any] | None = column.type._cached_bind_processor(
        session.get_bind().dialect
    )
    return processor


def driver_value(session: Session, column: ColumnClause[Any], value: Any) -> Any:
    """A value converted once for the driver as its column's type would convert it."""
    convert = bind_processor(session, column)
    return value if convert is None or value is None else convert(value)


def param_marker(session: Session) -> str:
    """The driver's positional parameter marker."""
    return "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"


def fetch_rows(session: Session, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run one driver-level statement (positional `param_marker`s, driver-ready values) in the
    session's transaction and return its rows as plain tuples, without result objects."""
    cursor = session.connection().connection.cursor()
    try:
        if _is_postgresql(session):
            # Planned for the arrays at hand each time: psycopg's automatic preparation would
            # settle on a generic plan made while the tables were small.
            cast(Any, cursor).execute(sql, tuple(params), prepare=False)
        else:
            cursor.execute(sql, tuple(params))
        if cursor.description is None:
            return []
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _array_casts(session: Session, table: Table, columns: Sequence[str]) -> list[str]:
    """`%s::type[]` per column: on PostgreSQL rows travel as one array per column."""
    dialect = session.get_bind().dialect
    casts = []
    for name in columns:
        column_type = table.c[name].type
        sql_type = "text" if column_type._isnull else column_type.compile(dialect=dialect)
        casts.append(f"%s::{sql_type}[]")
    return casts


def _values_source(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[str, list[Any]]:
    """The rows as an INSERT's source: `VALUES (?, …)` rows on SQLite, one `unnest` of
    per-column arrays on PostgreSQL (one statement, one parse, however many rows)."""
    if _is_postgresql(session):
        arrays = [list(values) for values in zip(*rows, strict=True)]
        casts = ", ".join(_array_casts(session, table, columns))
        return f"SELECT * FROM unnest({casts})", arrays  # noqa: S608 - types from the model
    one = f"({', '.join(['?'] * len(columns))})"
    return f"VALUES {', '.join([one] * len(rows))}", [value for row in rows for value in row]


def where_in(
    session: Session, column: str, sql_type: str, values: Sequence[Any]
) -> tuple[str, list[Any]]:
    """`column IN (?, …)` on SQLite, `column = ANY(%s::type[])` on PostgreSQL, and params."""
    if _is_postgresql(session):
        return f"{column} = ANY(%s::{sql_type}[])", [list(values)]
    return f"{column} IN ({', '.join(['?'] * len(values))})", list(values)


def fetch_in_chunks(
    session: Session,
    sql: str,
    column: str,
    sql_type: str,
    values: Sequence[Any],
    params: Sequence[Any] = (),
    *,
    chunk: int = 500,
) -> list[tuple[Any, ...]]:
    """Run `sql` once per chunk of `values` and return all the rows. In `sql`, `{in}` stands
    for `column` being one of the chunk's values (see `where_in`) and each `{p}` after it for
    a parameter marker, bound to `params` (driver-ready) in order."""
    rows: list[tuple[Any, ...]] = []
    marker = param_marker(session)
    for start in range(0, len(values), chunk):
        condition, bound = where_in(session, column, sql_type, values[start : start + chunk])
        statement = sql.format(**{"in": condition, "p": marker})
        rows += fetch_rows(session, statement, [*bound, *params])
    return rows


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    upsert: tuple[Sequence[str], str] | None = None,
) -> None:
    """Insert driver-ready tuples (see `driver_value`): one executemany on SQLite, one
    statement over per-column arrays on PostgreSQL.

    `upsert=(key, counter)`: a row whose key exists adds its `counter` to the stored row's.
    """
    if not rows:
        return
    conflict = ""
    if upsert is not None:
        key, counter = upsert
        conflict = (
            f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
            f"{counter} = {table.name}.{counter} + excluded.{counter}"
        )
    head = f"INSERT INTO {table.name} ({', '.join(columns)}) "
    if _is_postgresql(session):
        for start in range(0, len(rows), 10_000):
            source, params = _values_source(session, table, columns, rows[start : start + 10_000])
            fetch_rows(session, head + source + conflict, params)
        return
    sql = head + f"VALUES ({', '.join(['?'] * len(columns))})" + conflict
    cursor = session.connection().connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def insert_absent(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    chunk: int = 10_000,
) -> list[tuple[Any, ...]]:
    """Insert driver-ready tuples the caller has just found absent from a table with an
    integer `id`, and return each inserted row's values followed by its new id.

    SQLite: every transaction holds the write lock from its start (BEGIN IMMEDIATE, see
    `configure_engine`), so rows found absent stay absent: they are appended in one
    executemany with the ids after the table's largest, the ids SQLite itself would choose,
    without a RETURNING clause (half the cost per row). A row that is not absent after all
    raises IntegrityError. PostgreSQL: another transaction may insert the same key
    meanwhile, so a conflicting row is skipped (ON CONFLICT DO NOTHING) and not returned:
    the caller reads its id.
    """
    if not rows:
        return []
    if not _is_postgresql(session):
        top = fetch_rows(session, f"SELECT max(id) FROM {table.name}", [])[0][0] or 0  # noqa: S608
        appended = [(*row, top + n) for n, row in enumerate(rows, 1)]
        insert_rows(session, table, [*columns, "id"], appended)
        return appended
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), chunk):
        source, params = _values_source(session, table, columns, rows[start : start + chunk])
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"{source} ON CONFLICT DO NOTHING RETURNING {', '.join([*columns, 'id'])}"
        )
        found += fetch_rows(session, sql, params)
    return found


def copy_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Append driver-ready tuples to a table: on PostgreSQL streamed with COPY (psycopg 3's
    `copy`), one round trip and no statement to parse or plan, however many rows; on SQLite
    `insert_rows`' one executemany."""
    if not _is_postgresql(session):
        insert_rows(session, table, columns, rows)
        return
    cursor = cast(Any, session.connection().connection.cursor())
    try:
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def merge_keys(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """PostgreSQL: the ids of distinct keys (driver-ready tuples of `columns`, a unique key of
    a table with an integer `id`), inserting the absent ones; each result row is the key's
    values, its id, and whether this call inserted it.

    One set-based statement for all the keys, sent as one array per column: the keys are
    joined to the table, the ones not found inserted with ON CONFLICT DO NOTHING. A key
    another transaction inserted meanwhile is neither (its insert was skipped, and this
    statement's snapshot does not see it): the caller reads its id afterwards.
    """
    if not rows:
        return []
    names = ", ".join(columns)
    same = " AND ".join(f"t.{name} = k.{name}" for name in columns)
    keyed = ", ".join(f"k.{name}" for name in columns)
    source, arrays = _values_source(session, table, columns, rows)
    sql = (
        f"WITH k({names}) AS ({source}), "  # noqa: S608 - names and types from the model
        f"looked AS (SELECT {keyed}, t.id FROM k LEFT JOIN {table.name} t ON {same}), "
        f"added AS (INSERT INTO {table.name} ({names}) SELECT {names} FROM looked "
        f"WHERE id IS NULL ON CONFLICT DO NOTHING RETURNING {names}, id) "
        f"SELECT {names}, id, false FROM looked WHERE id IS NOT NULL "
        f"UNION ALL SELECT {names}, id, true FROM added"
    )
    return fetch_rows(session, sql, arrays)


def add_counts(
    session: Session, table: Table, key: list[str], counter: str, rows: list[dict[str, Any]]
) -> None:
    """INSERT rows, or add their `counter` to the existing row with the same key (upsert)."""
    if not rows:
        return
    columns = list(rows[0])
    insert_rows(
        session, table, columns, _tuples(session, table, columns, rows), upsert=(key, counter)
    )


def _tuples(
    session: Session, table: Table, columns: list[str], rows: list[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """Dict rows as driver-ready tuples, converting only the columns whose type converts."""
    processors = [(i, bind_processor(session, table.c[name])) for i, name in enumerate(columns)]
    converting = [(i, convert) for i, convert in processors if convert is not None]
    if not converting:
        return [tuple(row[name] for name in columns) for row in rows]
    out = []
    for row in rows:
        values = [row[name] for name in columns]
        for i, convert in converting:
            if values[i] is not None:
                values[i] = convert(values[i])
        out.append(tuple(values))
    return out


def insert_many(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    constants: dict[str, Any] | None = None,
) -> None:
    """Insert many rows through the driver's executemany, with the columns' own type
    conversions but without per-row statement compilation.

    `constants` are columns with the same value in every row: converted once.
    """
    if not rows:
        return
    fixed = {name: driver_value(session, table.c[name], v) for name, v in (constants or {}).items()}
    columns = list(rows[0])
    tail = tuple(fixed.values())
    params = [values + tail for values in _tuples(session, table, columns, rows)]
    insert_rows(session, table, [*columns, *fixed], params)
