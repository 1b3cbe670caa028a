"""intake speed: selectors lose their owner index (one B-tree less per occurrence);
notifications gain an indexed once-only key

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("selectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selectors_agency_id"))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dedup_key", sa.String(length=200), nullable=True))
        batch_op.create_index(
            "ix_notifications_agency_dedup", ["agency_id", "dedup_key"], unique=False
        )
    # Silent-hit notifications made before this revision kept their key in the JSON detail.
    if op.get_bind().dialect.name == "postgresql":
        key = "(detail::json->>'key')"
    else:
        key = "json_extract(detail, '$.key')"
    op.execute(
        f"UPDATE notifications SET dedup_key = 'silent_hit:' || {key} "  # noqa: S608
        "WHERE kind = 'silent_hit'"
    )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_agency_dedup")
        batch_op.drop_column("dedup_key")
    with op.batch_alter_table("selectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selectors_agency_id"), ["agency_id"], unique=False)
