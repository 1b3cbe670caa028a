"""Every difference between SQLite and PostgreSQL lives here; the rest is dialect-free."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

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


def configure_engine(engine: Engine) -> None:
    """Apply per-connection settings: WAL, foreign keys and a busy timeout on SQLite."""
    if engine.dialect.name != "sqlite":
        return

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
        connection.exec_driver_sql("BEGIN")


def append_only_ddl(dialect_name: str, table: str) -> list[str]:
    """DDL that makes the database itself refuse UPDATE and DELETE on an append-only table."""
    if dialect_name == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        ]
    return [
        f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$",
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
    ]


def drop_append_only_ddl(dialect_name: str, table: str) -> list[str]:
    """DDL that removes the append-only guard (used by downgrades only)."""
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


def search_table_ddl(dialect_name: str) -> list[str]:
    """DDL creating the full-text index of report texts."""
    if dialect_name == "sqlite":
        return [
            f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
            "report_id UNINDEXED, terms, tokenize = 'unicode61 remove_diacritics 2')"
        ]
    return [
        f"CREATE TABLE {SEARCH_TABLE} (report_id uuid PRIMARY KEY REFERENCES reports(id), "
        "terms text NOT NULL, "
        "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED)",
        f"CREATE INDEX ix_{SEARCH_TABLE}_tsv ON {SEARCH_TABLE} USING gin (tsv)",
    ]


def drop_search_table_ddl(dialect_name: str) -> list[str]:
    """DDL removing the full-text index."""
    return [f"DROP TABLE IF EXISTS {SEARCH_TABLE}"]


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


def add_counts(
    session: Session, table: Table, key: list[str], counter: str, rows: list[dict[str, Any]]
) -> None:
    """INSERT rows, or add their `counter` to the existing row with the same key (upsert)."""
    if not rows:
        return
    name = session.get_bind().dialect.name
    module: Any = sqlite_dialect if name == "sqlite" else postgresql_dialect
    statement = module.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=key,
        set_={counter: table.c[counter] + statement.excluded[counter]},
    )
    session.execute(statement, rows)


def insert_many(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    constants: dict[str, Any] | None = None,
) -> None:
    """Insert many rows through the driver's executemany, with the columns' own type
    conversions but without per-row statement compilation (the intake hot path).

    `constants` are columns with the same value in every row: converted once.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect

    def converter(name: str) -> Any:
        return table.c[name].type._cached_bind_processor(dialect)

    fixed = {
        name: value if value is None or converter(name) is None else converter(name)(value)
        for name, value in (constants or {}).items()
    }
    columns = list(rows[0])
    processors = [converter(name) for name in columns]
    names = [*columns, *fixed]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join([marker] * len(names))})"
    )
    tail = tuple(fixed.values())
    params = [
        tuple(
            value if convert is None or value is None else convert(value)
            for value, convert in zip((row[name] for name in columns), processors, strict=True)
        )
        + tail
        for row in rows
    ]
    connection.exec_driver_sql(sql, params)
