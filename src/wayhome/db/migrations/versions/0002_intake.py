"""intake: selector values, holders and occurrences, imports, silent reports, inbox, search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 00:41:20.048930
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # What wayhome.db.base.UtcDateTime stores; written out so the migration imports no live code.
    return sa.DateTime(timezone=True)


# Frozen as of this revision (once db.dialect.search_table_ddl), so that editing live code
# cannot rewrite history: the full-text index of report texts, FTS5 on SQLite, a tsvector with
# a GIN index on PostgreSQL.
SEARCH_TABLE_DDL = {
    "sqlite": [
        "CREATE VIRTUAL TABLE report_search USING fts5("
        "report_id UNINDEXED, terms, tokenize = 'unicode61 remove_diacritics 2')"
    ],
    "postgresql": [
        "CREATE TABLE report_search (report_id uuid PRIMARY KEY REFERENCES reports(id), "
        "terms text NOT NULL, "
        "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED)",
        "CREATE INDEX ix_report_search_tsv ON report_search USING gin (tsv)",
    ],
}
DROP_SEARCH_TABLE_DDL = ["DROP TABLE IF EXISTS report_search"]


def upgrade() -> None:
    op.create_table(
        "selector_values",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("canonical", sa.String(length=512), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selector_values")),
        sa.UniqueConstraint("canonical", "kind", name=op.f("uq_selector_values_canonical")),
    )
    op.create_table(
        "selector_holders",
        sa.Column("value_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_selector_holders_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["value_id"],
            ["selector_values.id"],
            name=op.f("fk_selector_holders_value_id_selector_values"),
        ),
        sa.PrimaryKeyConstraint("value_id", "agency_id", name=op.f("pk_selector_holders")),
    )
    op.create_table(
        "intake_imports",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("selector_count", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_intake_imports_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_intake_imports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_imports")),
        sa.UniqueConstraint("agency_id", "sha256", name=op.f("uq_intake_imports_agency_id")),
    )
    op.create_table(
        "notifications",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("read_at", _timestamp(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_notifications_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_agency_created", ["agency_id", "created_at"], unique=False
        )

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("silent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("format", sa.String(length=16), server_default="api", nullable=False)
        )
        batch_op.add_column(sa.Column("import_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_import_id_intake_imports"),
            "intake_imports",
            ["import_id"],
            ["id"],
        )

    with op.batch_alter_table("selectors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "value_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("origin", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("observed_at", _timestamp(), nullable=True))
        batch_op.add_column(sa.Column("context", sa.String(length=120), nullable=True))
        batch_op.drop_index(batch_op.f("ix_selectors_kind_canonical"))
        batch_op.create_index("ix_selectors_value_newest", ["value_id", "id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_selectors_value_id_selector_values"),
            "selector_values",
            ["value_id"],
            ["id"],
        )
        batch_op.drop_column("kind")
        batch_op.drop_column("canonical")

    dialect = op.get_bind().dialect.name
    for statement in SEARCH_TABLE_DDL["sqlite" if dialect == "sqlite" else "postgresql"]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_SEARCH_TABLE_DDL:
        op.execute(statement)
    with op.batch_alter_table("selectors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("canonical", sa.VARCHAR(length=512), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("kind", sa.VARCHAR(length=24), server_default="", nullable=False)
        )
        batch_op.drop_constraint(
            batch_op.f("fk_selectors_value_id_selector_values"), type_="foreignkey"
        )
        batch_op.drop_index("ix_selectors_value_newest")
        batch_op.create_index(
            batch_op.f("ix_selectors_kind_canonical"), ["kind", "canonical"], unique=False
        )
        batch_op.drop_column("context")
        batch_op.drop_column("observed_at")
        batch_op.drop_column("origin")
        batch_op.drop_column("value_id")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_reports_import_id_intake_imports"), type_="foreignkey"
        )
        batch_op.drop_column("import_id")
        batch_op.drop_column("format")
        batch_op.drop_column("silent")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_agency_created")

    op.drop_table("notifications")
    op.drop_table("intake_imports")
    op.drop_table("selector_holders")
    op.drop_table("selector_values")
