"""inbox: every once-only message keeps its key in the indexed dedup_key

Watch silent hits kept their key in the JSON detail and case leads in the subject; both now go
through the one once-only path (`inbox.services.post_once`), so messages made before this
revision get the key that path looks for (keys over the column's length are left out: the
live code hashes those, which SQL here cannot do portably).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (inbox kind, the JSON detail field its key was kept in), as the live code wrote them.
KEYED = (("watch_silent_hit", "key"), ("case_lead", "case_id"))


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for kind, field in KEYED:
        key = f"(detail::json->>'{field}')" if postgres else f"json_extract(detail, '$.{field}')"
        op.execute(
            f"UPDATE notifications SET dedup_key = '{kind}:' || {key} "  # noqa: S608
            f"WHERE kind = '{kind}' AND dedup_key IS NULL AND {key} IS NOT NULL "
            f"AND length('{kind}:' || {key}) <= 200"
        )


def downgrade() -> None:
    for kind, _ in KEYED:
        op.execute(f"UPDATE notifications SET dedup_key = NULL WHERE kind = '{kind}'")  # noqa: S608
