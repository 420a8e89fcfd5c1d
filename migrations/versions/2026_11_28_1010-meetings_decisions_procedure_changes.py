"""meeting, decision (with decision_item and decision_action) and procedure_change

A governance body's meetings (one per body and date), their decisions logs (the items each decision concerns and the
business improvement actions arising), and procedure changes, whose status the decisions move.

Revision ID: 9da4e0144a5d
Revises: 5c1e9a7d3b20
Create Date: 2026-11-28 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9da4e0144a5d"
down_revision: str | None = "5c1e9a7d3b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "held",
                "cancelled",
                name="meeting_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("agenda_items", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["governance_body.id"], name=op.f("fk_meeting_body_id_governance_body")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("body_id", "meeting_date", name=op.f("uq_meeting_body_id_meeting_date")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_body_id"), ["body_id"], unique=False)

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column(
            "procedure_outcome",
            sa.Enum(
                "proposed",
                "tested",
                "approved",
                "rejected",
                name="procedure_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_decision_meeting_id_meeting")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint("meeting_id", "number", name=op.f("uq_decision_meeting_id_number")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "procedure_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("focus_area_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "tested",
                "approved",
                "rejected",
                name="procedure_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["focus_area_id"], ["focus_area.id"], name=op.f("fk_procedure_change_focus_area_id_focus_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_change")),
        sa.UniqueConstraint("key", name=op.f("uq_procedure_change_key")),
    )
    with op.batch_alter_table("procedure_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_procedure_change_focus_area_id"), ["focus_area_id"], unique=False)

    op.create_table(
        "decision_action",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["business_improvement_action.id"],
            name=op.f("fk_decision_action_action_id_business_improvement_action"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_decision_action_decision_id_decision"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("decision_id", "action_id", name=op.f("pk_decision_action")),
    )
    with op.batch_alter_table("decision_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_action_action_id"), ["action_id"], unique=False)

    op.create_table(
        "decision_item",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_decision_item_decision_id_decision"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("decision_id", "position", name=op.f("pk_decision_item")),
    )
    with op.batch_alter_table("decision_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_item_ref"), ["ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("decision_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_item_ref"))

    op.drop_table("decision_item")
    with op.batch_alter_table("decision_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_action_action_id"))

    op.drop_table("decision_action")
    with op.batch_alter_table("procedure_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procedure_change_focus_area_id"))

    op.drop_table("procedure_change")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_meeting_id"))

    op.drop_table("decision")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_body_id"))

    op.drop_table("meeting")
