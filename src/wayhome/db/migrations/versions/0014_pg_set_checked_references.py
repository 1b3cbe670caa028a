"""intake speed on PostgreSQL: the selector tables' references are checked once per statement

A PostgreSQL foreign key is a row trigger: each selector row COPYed in ran three look-ups
(its report, its value, its agency) and each holder row two, one SPI query each, most of the
server's time per selector. On PostgreSQL those five keys become statement triggers over the
statement's transition table: the new rows' distinct reports, agencies and values are checked
by one set-based query per statement, and a delete of a report, value or agency that a
selector or holder row still names is refused the same way. The error is SQLSTATE 23503
(foreign_key_violation), as before. SQLite keeps its foreign keys (a row check there costs a
B-tree probe in the same process).

Unlike a foreign key, the checks take no lock on the rows they find (a foreign key's check
holds FOR KEY SHARE on the referenced row to commit): a transaction deleting a report, value
or agency and one inserting selectors or holders that name it, running at the same time, each
check against a snapshot without the other's change, and both may commit, leaving rows that
name nothing. Wayhome itself deletes none of these three; a purge added later must keep
intake out first (`LOCK TABLE selectors, selector_holders IN SHARE ROW EXCLUSIVE MODE`, which
waits for running imports to commit, then its delete's check sees their rows).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, constraint, column, referenced table), as migrations 0002 and 0009 made them.
KEYS = [
    ("selectors", "fk_selectors_report_id_reports", "report_id", "reports"),
    ("selectors", "fk_selectors_value_id_selector_values", "value_id", "selector_values"),
    ("selectors", "fk_selectors_agency_id_agencies", "agency_id", "agencies"),
    (
        "selector_holders",
        "fk_selector_holders_value_id_selector_values",
        "value_id",
        "selector_values",
    ),
    ("selector_holders", "fk_selector_holders_agency_id_agencies", "agency_id", "agencies"),
]
REFERENCED = ["reports", "selector_values", "agencies"]
# The checks probe the referenced table's index once per distinct key of the statement; left
# to itself the planner may hash the whole referenced table (millions of values) instead.
PROBES = "SET enable_hashjoin = off SET enable_mergejoin = off"


def _check_new(table: str) -> list[str]:
    """Statement triggers refusing new rows of `table` that name a missing row (and, on
    `selectors`, rows updated to name one; holder rows' keys are never updated, and their
    upsert updates many rows per import)."""
    conditions = [
        f"EXISTS (SELECT 1 FROM (SELECT DISTINCT {column} AS ref FROM added) n "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE t.id = n.ref))"
        for name, _constraint, column, target in KEYS
        if name == table
    ]
    function = f"{table}_references_exist"
    body = (
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql {PROBES} AS $$ BEGIN "
        f"IF {' OR '.join(conditions)} THEN "
        f"RAISE foreign_key_violation USING MESSAGE = "
        f"'a new {table} row names a missing report, value or agency'; "
        "END IF; RETURN NULL; END $$"
    )
    events = ["insert", "update"] if table == "selectors" else ["insert"]
    return [body] + [
        f"CREATE TRIGGER {table}_references_on_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for event in events
    ]


def _check_gone(target: str) -> list[str]:
    """A statement trigger refusing to delete `target` rows a selector or holder names."""
    conditions = [
        f"EXISTS (SELECT 1 FROM gone g JOIN {table} r ON r.{column} = g.id)"  # noqa: S608
        for table, _constraint, column, referenced in KEYS
        if referenced == target
    ]
    function = f"{target}_selector_references"
    body = (
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql {PROBES} AS $$ BEGIN "
        f"IF {' OR '.join(conditions)} THEN "
        f"RAISE foreign_key_violation USING MESSAGE = "
        f"'a selector or holder row still names a deleted {target} row'; "
        "END IF; RETURN NULL; END $$"
    )
    return [
        body,
        f"CREATE TRIGGER {target}_selector_references AFTER DELETE ON {target} "
        f"REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, constraint, _column, _target in KEYS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
    for table in ("selectors", "selector_holders"):
        for statement in _check_new(table):
            op.execute(statement)
    for target in REFERENCED:
        for statement in _check_gone(target):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for target in REFERENCED:
        op.execute(f"DROP TRIGGER {target}_selector_references ON {target}")
        op.execute(f"DROP FUNCTION {target}_selector_references()")
    for table in ("selectors", "selector_holders"):
        op.execute(f"DROP TRIGGER {table}_references_on_insert ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_references_on_update ON {table}")
        op.execute(f"DROP FUNCTION {table}_references_exist()")
    for table, constraint, column, target in KEYS:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {constraint} "
            f"FOREIGN KEY ({column}) REFERENCES {target} (id)"
        )
