"""kpi.national_indicator: the LAIT dictionary entry a KPI was adopted from

DfE's measure codes are shared by whole tables of measures (361 names 30 Key Stage 4 breakdowns), so a KPI adopted
from the dictionary keeps the entry's own key beside the code; unique, so an indicator is adopted once.

Revision ID: 7c1d4e2f9a30
Revises: 3e2836551f52
Create Date: 2026-11-27 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1d4e2f9a30"
down_revision: str | None = "3e2836551f52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.add_column(sa.Column("national_indicator", sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_kpi_national_indicator"), ["national_indicator"])


def downgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_kpi_national_indicator"), type_="unique")
        batch_op.drop_column("national_indicator")
