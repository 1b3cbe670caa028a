"""hashing: banks, bank hashes, hash matches

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:44:27.753012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # What wayhome.db.base.UtcDateTime stores; written out so the migration imports no live code.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "hash_banks",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("silent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
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
            ["agency_id"], ["agencies.id"], name=op.f("fk_hash_banks_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_hash_banks_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_banks")),
        sa.UniqueConstraint("agency_id", "name", name=op.f("uq_hash_banks_agency_id")),
    )
    with op.batch_alter_table("hash_banks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hash_banks_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "bank_hashes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("bank_id", sa.Uuid(), nullable=False),
        sa.Column("record_key", sa.String(length=64), nullable=False),
        sa.Column("md5", sa.String(length=32), nullable=True),
        sa.Column("sha1", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("pdq_quality", sa.Integer(), nullable=True),
        sa.Column("photodna", sa.String(length=1024), nullable=True),
        sa.Column("category", sa.Integer(), nullable=True),
        sa.Column("victim_identified", sa.Boolean(), nullable=True),
        sa.Column("offender_identified", sa.Boolean(), nullable=True),
        sa.Column("is_distributed", sa.Boolean(), nullable=True),
        sa.Column("series", sa.String(length=300), nullable=True),
        sa.Column("media_size", sa.BigInteger(), nullable=True),
        sa.Column("file_names", sa.JSON(), nullable=False),
        sa.Column("other_hashes", sa.JSON(), nullable=False),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.Column("added_at", _timestamp(), nullable=False),
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
            ["added_by"], ["users.id"], name=op.f("fk_bank_hashes_added_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_bank_hashes_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["hash_banks.id"], name=op.f("fk_bank_hashes_bank_id_hash_banks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_hashes")),
        sa.UniqueConstraint("bank_id", "record_key", name=op.f("uq_bank_hashes_bank_id")),
    )
    with op.batch_alter_table("bank_hashes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_hashes_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index("ix_bank_hashes_md5", ["md5"], unique=False)
        batch_op.create_index("ix_bank_hashes_photodna", ["photodna"], unique=False)
        batch_op.create_index(batch_op.f("ix_bank_hashes_series"), ["series"], unique=False)
        batch_op.create_index("ix_bank_hashes_sha1", ["sha1"], unique=False)
        batch_op.create_index("ix_bank_hashes_sha256", ["sha256"], unique=False)

    op.create_table(
        "hash_matches",
        sa.Column(
            "bank_hash_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("bank_id", sa.Uuid(), nullable=False),
        sa.Column("holder_agency_id", sa.Uuid(), nullable=False),
        sa.Column("querier_agency_id", sa.Uuid(), nullable=False),
        sa.Column("querier_user_id", sa.Uuid(), nullable=True),
        sa.Column("subject", sa.String(length=36), server_default="", nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_hash_id"],
            ["bank_hashes.id"],
            name=op.f("fk_hash_matches_bank_hash_id_bank_hashes"),
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["hash_banks.id"], name=op.f("fk_hash_matches_bank_id_hash_banks")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_hash_matches_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["holder_agency_id"],
            ["agencies.id"],
            name=op.f("fk_hash_matches_holder_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["querier_agency_id"],
            ["agencies.id"],
            name=op.f("fk_hash_matches_querier_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["querier_user_id"], ["users.id"], name=op.f("fk_hash_matches_querier_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_hash_matches_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_matches")),
        sa.UniqueConstraint(
            "querier_agency_id",
            "subject",
            "bank_hash_id",
            name=op.f("uq_hash_matches_querier_agency_id"),
        ),
    )
    with op.batch_alter_table("hash_matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hash_matches_holder_created", ["holder_agency_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_hash_matches_querier_created", ["querier_agency_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("hash_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_hash_matches_querier_created")
        batch_op.drop_index("ix_hash_matches_holder_created")

    op.drop_table("hash_matches")
    with op.batch_alter_table("bank_hashes", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_hashes_sha256")
        batch_op.drop_index("ix_bank_hashes_sha1")
        batch_op.drop_index(batch_op.f("ix_bank_hashes_series"))
        batch_op.drop_index("ix_bank_hashes_photodna")
        batch_op.drop_index("ix_bank_hashes_md5")
        batch_op.drop_index(batch_op.f("ix_bank_hashes_agency_id"))

    op.drop_table("bank_hashes")
    with op.batch_alter_table("hash_banks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hash_banks_agency_id"))

    op.drop_table("hash_banks")
