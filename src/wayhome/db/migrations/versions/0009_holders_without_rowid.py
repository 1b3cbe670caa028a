"""intake speed: on SQLite, selector_holders becomes a WITHOUT ROWID table (its primary key
is the table; no second B-tree per holder row)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(with_rowid: bool) -> None:
    # PostgreSQL has no such table option: its heap and primary key stay as they are.
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "selector_holders", recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
    ):
        pass


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
