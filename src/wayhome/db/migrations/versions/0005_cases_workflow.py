"""cases workflow: missing-child details, timeline, tasks, alerts and acknowledgements, notices

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 02:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # What wayhome.db.base.UtcDateTime stores; written out so the migration imports no live code.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "case_alerts",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("issued_at", _timestamp(), nullable=False),
        sa.Column("to_all", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_case_alerts_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_alerts_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_case_alerts_issued_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_alerts")),
    )
    with op.batch_alter_table("case_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_alerts_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_tasks",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("task", "operation", "support", name="taskkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("assignee_agency_id", sa.Uuid(), nullable=False),
        sa.Column("assignee_user_id", sa.Uuid(), nullable=True),
        sa.Column("due_at", _timestamp(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "in_progress",
                "done",
                "cancelled",
                name="taskstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_case_tasks_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_agency_id"],
            ["agencies.id"],
            name=op.f("fk_case_tasks_assignee_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"], ["users.id"], name=op.f("fk_case_tasks_assignee_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_tasks_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_case_tasks_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tasks")),
    )
    with op.batch_alter_table("case_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_tasks_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_transitions",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "reported",
                "alert_issued",
                "active_search",
                "located",
                "reunited",
                "closed",
                name="casestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "reported",
                "alert_issued",
                "active_search",
                "located",
                "reunited",
                "closed",
                name="casestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("at", _timestamp(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "reunited",
                "found_safe_in_care",
                "returned_voluntarily",
                "found_deceased",
                "false_report",
                "transferred",
                "other",
                name="outcome",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_case_transitions_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_transitions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_transitions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transitions")),
    )
    with op.batch_alter_table("case_transitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_transitions_case_id"), ["case_id"], unique=False)

    op.create_table(
        "alert_recipients",
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("notified_at", _timestamp(), nullable=False),
        sa.Column("renotified_at", _timestamp(), nullable=True),
        sa.Column("escalated_at", _timestamp(), nullable=True),
        sa.Column("acknowledged_at", _timestamp(), nullable=True),
        sa.Column("acknowledged_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_alert_recipients_acknowledged_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_alert_recipients_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["case_alerts.id"], name=op.f("fk_alert_recipients_alert_id_case_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_recipients")),
        sa.UniqueConstraint("alert_id", "agency_id", name=op.f("uq_alert_recipients_alert_id")),
    )
    with op.batch_alter_table("alert_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_recipients_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            "ix_alert_recipients_pending", ["acknowledged_at", "notified_at"], unique=False
        )

    op.create_table(
        "case_notices",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("entity_id", sa.String(length=12), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "restricted",
                "public",
                "withdrawn",
                name="noticevisibility",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("published_at", _timestamp(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_notices_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_case_notices_issued_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_case_notices_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notices")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_notices_case_id")),
        sa.UniqueConstraint("entity_id", name=op.f("uq_case_notices_entity_id")),
    )
    op.create_table(
        "portraits",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("picture_id", sa.String(length=16), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_portraits_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_portraits_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_portraits_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portraits")),
        sa.UniqueConstraint("picture_id", name=op.f("uq_portraits_picture_id")),
    )
    with op.batch_alter_table("portraits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portraits_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", _timestamp(), nullable=True))
        batch_op.add_column(sa.Column("last_seen_place", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("last_seen_country", sa.String(length=2), nullable=True))
        batch_op.add_column(
            sa.Column("circumstances", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "suspected_abduction", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("online_link", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("guardians", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column(
                "outcome",
                sa.Enum(
                    "reunited",
                    "found_safe_in_care",
                    "returned_voluntarily",
                    "found_deceased",
                    "false_report",
                    "transferred",
                    "other",
                    name="outcome",
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("languages", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("height_cm", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("weight_kg", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("eye_colour", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("hair_colour", sa.String(length=3), nullable=True))
        batch_op.add_column(
            sa.Column("distinguishing_marks", sa.Text(), nullable=False, server_default="")
        )

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        for column in (
            "distinguishing_marks",
            "hair_colour",
            "eye_colour",
            "weight_kg",
            "height_cm",
            "languages",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for column in (
            "outcome",
            "guardians",
            "online_link",
            "suspected_abduction",
            "circumstances",
            "last_seen_country",
            "last_seen_place",
            "last_seen_at",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("portraits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portraits_case_id"))
    op.drop_table("portraits")
    op.drop_table("case_notices")
    with op.batch_alter_table("alert_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_recipients_pending")
        batch_op.drop_index(batch_op.f("ix_alert_recipients_agency_id"))
    op.drop_table("alert_recipients")
    for table in ("case_transitions", "case_tasks", "case_alerts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_case_id"))
        op.drop_table(table)
