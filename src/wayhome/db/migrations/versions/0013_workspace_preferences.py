"""workspace: each user's language and time zone, and saved list views

`users.locale` is the UI language the user chose (`en`, `ru`, `de`, `nl`; empty: the
browser's), `users.time_zone` an IANA zone name (empty: UTC). `saved_views` keeps a user's
named filters of a list page (`page` is the list, `query` its query string).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 23:55:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # What wayhome.db.base.UtcDateTime stores; written out so the migration imports no live code.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    op.create_table(
        "saved_views",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("page", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.String(length=2000), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_views_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
        sa.UniqueConstraint("user_id", "page", "name", name=op.f("uq_saved_views_user_id")),
    )


def downgrade() -> None:
    op.drop_table("saved_views")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
        batch_op.drop_column("locale")
