"""locate: register persons (register extracts) and register imports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 01:18:34.907822
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # What wayhome.db.base.UtcDateTime stores; written out so the migration imports no live code.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "register_imports",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("person_count", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_register_imports_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_register_imports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_imports")),
        sa.UniqueConstraint("agency_id", "sha256", name=op.f("uq_register_imports_agency_id")),
    )
    op.create_table(
        "register_persons",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("person_ref", sa.String(length=120), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("residence", sa.String(length=300), nullable=False),
        sa.Column("geonameid", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column(
            "marking",
            sa.Enum(
                "CLEAR",
                "GREEN",
                "AMBER",
                "AMBER+STRICT",
                "RED",
                name="marking",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "scope",
            sa.Enum("owner", "named", "all", name="scope", native_enum=False, length=8),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_register_persons_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["register_imports.id"],
            name=op.f("fk_register_persons_import_id_register_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_persons")),
    )
    with op.batch_alter_table("register_persons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_register_persons_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index("ix_register_persons_geonameid", ["geonameid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_register_persons_import_id"), ["import_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("register_persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_persons_import_id"))
        batch_op.drop_index("ix_register_persons_geonameid")
        batch_op.drop_index(batch_op.f("ix_register_persons_agency_id"))

    op.drop_table("register_persons")
    op.drop_table("register_imports")
