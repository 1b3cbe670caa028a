"""persons: how much of the birth date is known, and places and identifiers

A report can name a person born "1988" or "1988-07": `date_of_birth` keeps the first day of
that period and `birth_date_precision` says which part is known (`year`, `month`, `day`;
rows made before this revision hold full dates). `places` lists where the person was born or
lives (`{"kind", "name", "country"}`), `identifiers` the documents' numbers as written.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 21:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "birth_date_precision", sa.String(length=5), nullable=False, server_default="day"
            )
        )
        batch_op.add_column(sa.Column("places", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("identifiers", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("identifiers")
        batch_op.drop_column("places")
        batch_op.drop_column("birth_date_precision")
