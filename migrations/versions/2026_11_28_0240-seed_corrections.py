"""Corrections found on review: a body's status may be 'stand_down_proposed'; procedure changes are an item kind
that routing rules send in steps (tested with the ODG, then approved at CSMT); 'Ongoing in 2016/17' is due at the end
of that year

Revision ID: 2b8f0d6e4c13
Revises: 7a3e51c0b9d4
Create Date: 2026-11-28 02:40:00
"""

import re
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "2b8f0d6e4c13"
down_revision: str | None = "7a3e51c0b9d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BODY_STATUSES = ("active", "stood_down", "proposed")
ITEM_KINDS = (
    "transformation_project",
    "business_improvement_action",
    "kpi",
    "performance_exception",
    "focus_area_progress",
)
# Each table and the When column it reads, with the columns it reads it into.
DUE_COLUMNS = (
    ("business_improvement_action", "due_text", "due_kind", "due_date"),
    ("action_milestone", "due_text", "due_kind", "due_date"),
    ("transformation_project", "deadline_text", "deadline_kind", "deadline_date"),
)
ONGOING_IN_YEAR = re.compile(r"^ongoing\s+(?:in|during|through|throughout)\s+(\d{4})/(\d{2})$", re.IGNORECASE)


def _check(table: str, name: str, column: str, values: Sequence[str]) -> None:
    allowed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), f"{column} IN ({allowed})")


def _ongoing_in_year(upgrading: bool) -> None:
    """'Ongoing in 2016/17' read again: dated 31 March 2017 (upgrading), or ongoing and undated (downgrading)."""
    connection = op.get_bind()
    for table, text_column, kind_column, date_column in DUE_COLUMNS:
        rows = connection.execute(
            sa.text(f"SELECT id, {text_column} FROM {table} WHERE lower({text_column}) LIKE 'ongoing %'")
        ).all()
        for row_id, text in rows:
            match = ONGOING_IN_YEAR.match(" ".join(text.split()))
            if match is None or int(match[2]) != (int(match[1]) + 1) % 100:
                continue
            kind, due = ("dated", date(int(match[1]) + 1, 3, 31)) if upgrading else ("ongoing", None)
            connection.execute(
                sa.text(f"UPDATE {table} SET {kind_column} = :kind, {date_column} = :due WHERE id = :id"),
                {"kind": kind, "due": due, "id": row_id},
            )


def upgrade() -> None:
    _check("governance_body", "body_status", "status", (*BODY_STATUSES, "stand_down_proposed"))
    _check("routing_rule", "item_kind", "item_kind", (*ITEM_KINDS, "procedure_change"))
    with op.batch_alter_table("routing_rule") as batch_op:
        batch_op.add_column(sa.Column("step", sa.Integer(), nullable=True))
    _ongoing_in_year(upgrading=True)


def downgrade() -> None:
    _ongoing_in_year(upgrading=False)
    op.execute("DELETE FROM routing_rule WHERE item_kind = 'procedure_change'")
    op.execute("UPDATE governance_body SET status = 'active' WHERE status = 'stand_down_proposed'")
    with op.batch_alter_table("routing_rule") as batch_op:
        batch_op.drop_column("step")
    _check("routing_rule", "item_kind", "item_kind", ITEM_KINDS)
    _check("governance_body", "body_status", "status", BODY_STATUSES)
