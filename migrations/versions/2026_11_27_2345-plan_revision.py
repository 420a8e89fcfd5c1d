"""plan_revision: what an action, a project or a year's savings said from each write on

Every write to an action, a project or a project's savings for a year now records the item's plan as a revision, so
a pack built for a past moment (known_at) reads the plan as it was then. Each existing item gets its first revision
here, recorded when the item was made (savings: when last changed), by "migration".

Revision ID: 9e4b7c2d1f60
Revises: 5c0d9e1f7a21
Create Date: 2026-11-27 23:45:00
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "9e4b7c2d1f60"
down_revision: str | None = "5c0d9e1f7a21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTHOR = "migration"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _columns(*names: str, dates: Sequence[str] = ()) -> list[sa.ColumnClause[Any]]:
    return [sa.column(name, sa.Date() if name in dates else None) for name in names]


ACTION = (
    "key",
    "focus_area_id",
    "position",
    "theme",
    "what",
    "detail",
    "comments",
    "note",
    "due_text",
    "due_kind",
    "due_date",
)
MILESTONE = ("title", "due_text", "due_kind", "due_date", "status", "rag")
PROJECT = (
    "key",
    "title",
    "description",
    "lead_owner_id",
    "pid_status",
    "deadline_text",
    "deadline_kind",
    "deadline_date",
    "savings_target_pence",
    "savings_target_text",
    "savings_target_date",
    "note",
)
SAVINGS = ("project_id", "financial_year", "target_pence", "forecast_pence", "delivered_pence", "note")


def _revisions(bind: sa.Connection) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    owners: defaultdict[int, list[int]] = defaultdict(list)
    links = sa.table("action_owner", *_columns("action_id", "owner_id", "position"))
    for action_id, owner_id in bind.execute(
        sa.select(links.c.action_id, links.c.owner_id).order_by(links.c.action_id, links.c.position)
    ):
        owners[action_id].append(owner_id)
    milestones: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    milestone = sa.table("action_milestone", *_columns("action_id", "position", *MILESTONE, dates=("due_date",)))
    for row in bind.execute(
        sa.select(milestone.c.action_id, *(milestone.c[name] for name in MILESTONE)).order_by(
            milestone.c.action_id, milestone.c.position
        )
    ):
        milestones[row.action_id].append({name: _plain(getattr(row, name)) for name in MILESTONE})
    action = sa.table(
        "business_improvement_action",
        *_columns("id", "archived_at", "created_at", *ACTION, dates=("due_date",)),
    )
    for row in bind.execute(
        sa.select(action.c.id, action.c.archived_at, action.c.created_at, *(action.c[n] for n in ACTION))
    ):
        content = {name: _plain(getattr(row, name)) for name in ACTION}
        content |= {"owner_ids": owners[row.id], "milestones": milestones[row.id]}
        found.append(_revision("action", row.id, content, row.archived_at is not None, row.created_at))
    areas: defaultdict[int, list[int]] = defaultdict(list)
    project_areas = sa.table("project_focus_area", *_columns("project_id", "focus_area_id", "position"))
    for project_id, area_id in bind.execute(
        sa.select(project_areas.c.project_id, project_areas.c.focus_area_id).order_by(
            project_areas.c.project_id, project_areas.c.position
        )
    ):
        areas[project_id].append(area_id)
    project = sa.table(
        "transformation_project",
        *_columns("id", "archived_at", "created_at", *PROJECT, dates=("deadline_date", "savings_target_date")),
    )
    for row in bind.execute(
        sa.select(project.c.id, project.c.archived_at, project.c.created_at, *(project.c[n] for n in PROJECT))
    ):
        content = {name: _plain(getattr(row, name)) for name in PROJECT} | {"focus_area_ids": areas[row.id]}
        found.append(_revision("project", row.id, content, row.archived_at is not None, row.created_at))
    savings = sa.table("project_savings", *_columns("id", "updated_at", *SAVINGS))
    for row in bind.execute(sa.select(savings.c.id, savings.c.updated_at, *(savings.c[n] for n in SAVINGS))):
        content = {name: _plain(getattr(row, name)) for name in SAVINGS}
        found.append(_revision("savings", row.id, content, False, row.updated_at))
    return found


def _revision(kind: str, item_id: int, content: dict[str, Any], archived: bool, at: Any) -> dict[str, Any]:
    return {
        "item_kind": kind,
        "item_id": item_id,
        "revision": 1,
        "archived": archived,
        "content": content,
        "recorded_at": at,
        "recorded_by": AUTHOR,
    }


def upgrade() -> None:
    table = op.create_table(
        "plan_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "item_kind",
            sa.Enum(
                "action", "project", "savings", name="plan_kind", native_enum=False, length=20, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"], name=op.f("fk_plan_revision_api_key_id_api_key")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_revision")),
        sa.UniqueConstraint(
            "item_kind", "item_id", "revision", name=op.f("uq_plan_revision_item_kind_item_id_revision")
        ),
    )
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_revision_recorded_at"), ["recorded_at"], unique=False)
    rows = _revisions(op.get_bind())
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_revision_recorded_at"))
    op.drop_table("plan_revision")
