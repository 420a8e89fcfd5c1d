"""kpi_return_schedule: who returns each KPI's figures, how often and by when; return_overdue exceptions and kpi_return
routing

Revision ID: 444bf849b67d
Revises: 2b8f0d6e4c13
Create Date: 2026-11-28 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "444bf849b67d"
down_revision: str | None = "2b8f0d6e4c13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXCEPTION_KINDS = (
    "kpi_red_consecutive",
    "kpi_worsening_run",
    "action_overdue_days",
    "action_off_track",
    "project_red",
    "project_behind_savings",
)
ITEM_KINDS = (
    "transformation_project",
    "business_improvement_action",
    "kpi",
    "performance_exception",
    "focus_area_progress",
    "procedure_change",
)
PERIOD_TYPES = ("month", "financial_quarter", "financial_year", "academic_year", "calendar_year")


def _allow(table: str, column: str, constraint: str, values: Sequence[str]) -> None:
    allowed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(op.f(constraint), type_="check")
        batch_op.create_check_constraint(op.f(constraint), f"{column} IN ({allowed})")


def upgrade() -> None:
    op.create_table(
        "kpi_return_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("accountable_owner_id", sa.Integer(), nullable=False),
        sa.Column("submitting_owner_id", sa.Integer(), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(*PERIOD_TYPES, name="return_frequency", native_enum=False, create_constraint=True, length=30),
            nullable=False,
        ),
        sa.Column(
            "due_basis",
            sa.Enum(
                "working_days", "calendar_days", name="due_basis", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("first_period", sa.String(length=16), nullable=False),
        sa.Column("last_period", sa.String(length=16), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("due_days BETWEEN 0 AND 60", name=op.f("ck_kpi_return_schedule_due_days_range")),
        sa.ForeignKeyConstraint(
            ["accountable_owner_id"], ["owner.id"], name=op.f("fk_kpi_return_schedule_accountable_owner_id_owner")
        ),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], name=op.f("fk_kpi_return_schedule_kpi_id_kpi")),
        sa.ForeignKeyConstraint(
            ["submitting_owner_id"], ["owner.id"], name=op.f("fk_kpi_return_schedule_submitting_owner_id_owner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_return_schedule")),
        sa.UniqueConstraint("kpi_id", name=op.f("uq_kpi_return_schedule_kpi_id")),
    )
    with op.batch_alter_table("kpi_return_schedule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kpi_return_schedule_accountable_owner_id"), ["accountable_owner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_kpi_return_schedule_submitting_owner_id"), ["submitting_owner_id"], unique=False
        )
    _allow("exception_rule", "kind", "ck_exception_rule_exception_kind", (*EXCEPTION_KINDS, "return_overdue"))
    _allow("routing_rule", "item_kind", "ck_routing_rule_item_kind", (*ITEM_KINDS, "kpi_return"))


def downgrade() -> None:
    op.execute("DELETE FROM routing_rule WHERE item_kind = 'kpi_return'")
    op.execute("DELETE FROM exception_rule WHERE kind = 'return_overdue'")
    _allow("routing_rule", "item_kind", "ck_routing_rule_item_kind", ITEM_KINDS)
    _allow("exception_rule", "kind", "ck_exception_rule_exception_kind", EXCEPTION_KINDS)
    op.drop_table("kpi_return_schedule")
