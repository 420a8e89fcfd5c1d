"""kpi.position: the KPI's place in the strategy's order

Lists of KPIs came alphabetically by code within a tier; the strategy document has an order of its own, which the
seed's kpis.yaml keeps. Existing KPIs are numbered in the order they were created (by id) until a seed load gives
them the document's.

Revision ID: b6e0c2a4d817
Revises: 5ff55548738b
Create Date: 2026-11-27 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b6e0c2a4d817"
down_revision: str | None = "5ff55548738b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

kpi = sa.table("kpi", sa.column("id", sa.Integer), sa.column("position", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=True))
    earlier = kpi.alias("earlier")
    op.execute(
        kpi.update().values(position=sa.select(sa.func.count()).where(earlier.c.id <= kpi.c.id).scalar_subquery())
    )
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.alter_column("position", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_column("position")
