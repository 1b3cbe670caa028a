"""linking: identity assertions, review decisions, persona features

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 02:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # What wayhome.db.base.UtcDateTime stores; written out so the migration imports no live code.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "link_thresholds",
        sa.Column("link_kind", sa.String(length=24), nullable=False),
        sa.Column("accept_at", sa.Double(), nullable=False),
        sa.Column("review_at", sa.Double(), nullable=False),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("link_kind", name=op.f("pk_link_thresholds")),
    )
    op.create_table(
        "identity_assertions",
        sa.Column("pair_key", sa.String(length=420), nullable=False),
        sa.Column("left_ref", sa.String(length=200), nullable=False),
        sa.Column("right_ref", sa.String(length=200), nullable=False),
        sa.Column("link_kind", sa.String(length=24), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("strong", sa.Boolean(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "accepted",
                "rejected",
                name="assertionstate",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("made_by", sa.String(length=120), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", _timestamp(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
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
            ["agency_id"], ["agencies.id"], name=op.f("fk_identity_assertions_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_identity_assertions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_identity_assertions_decided_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_assertions")),
        sa.UniqueConstraint("pair_key", name=op.f("uq_identity_assertions_pair_key")),
    )
    with op.batch_alter_table("identity_assertions", schema=None) as batch_op:
        for column in ("agency_id", "left_ref", "right_ref", "state"):
            batch_op.create_index(
                batch_op.f(f"ix_identity_assertions_{column}"), [column], unique=False
            )
    op.create_table(
        "link_decisions",
        sa.Column("assertion_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("link_kind", sa.String(length=24), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", _timestamp(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_link_decisions_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["assertion_id"],
            ["identity_assertions.id"],
            name=op.f("fk_link_decisions_assertion_id_identity_assertions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_link_decisions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_decisions")),
    )
    with op.batch_alter_table("link_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_decisions_assertion_id"), ["assertion_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("link_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_decisions_assertion_id"))
    op.drop_table("link_decisions")
    with op.batch_alter_table("identity_assertions", schema=None) as batch_op:
        for column in ("state", "right_ref", "left_ref", "agency_id"):
            batch_op.drop_index(batch_op.f(f"ix_identity_assertions_{column}"))
    op.drop_table("identity_assertions")
    op.drop_table("link_thresholds")
