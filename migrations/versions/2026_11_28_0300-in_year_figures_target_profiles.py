"""kpi.combine, kpi_value.period_type, kpi_target_profile and its points: in-year figures and profiled targets

A KPI says how its figures combine over periods (sum, latest or ratio): counts and currency add up, percentages and
rates are ratios, and the rest (days) take the latest period's figure until a person says otherwise (the seed sets
each KPI's). A figure records its period's type, read from its period code, so that a KPI's own reads keep to its
own period type once months and quarters of an annual KPI are held beside its years.

Revision ID: 7c1e9a4b2d30
Revises: 444bf849b67d
Create Date: 2026-11-28 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1e9a4b2d30"
down_revision: str | None = "444bf849b67d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERIOD_TYPES = ("month", "financial_quarter", "financial_year", "academic_year", "calendar_year")


def _enum(name: str, values: Sequence[str], length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "combine", _enum("combine", ("sum", "latest", "ratio"), 10), server_default="latest", nullable=False
            )
        )
    op.execute("UPDATE kpi SET combine = 'sum' WHERE unit IN ('count', 'currency')")
    op.execute("UPDATE kpi SET combine = 'ratio' WHERE unit IN ('percent', 'rate')")

    with op.batch_alter_table("kpi_value", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_type", _enum("period_type", PERIOD_TYPES, 30), nullable=True))
    op.execute(
        "UPDATE kpi_value SET period_type = CASE "
        "WHEN period LIKE 'FY%-Q_' THEN 'financial_quarter' "
        "WHEN period LIKE 'FY%' THEN 'financial_year' "
        "WHEN period LIKE 'AY%' THEN 'academic_year' "
        "WHEN period LIKE 'CY%' THEN 'calendar_year' "
        "ELSE 'month' END"
    )
    with op.batch_alter_table("kpi_value", schema=None) as batch_op:
        batch_op.alter_column("period_type", existing_type=_enum("period_type", PERIOD_TYPES, 30), nullable=False)

    op.create_table(
        "kpi_target_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.String(length=16), nullable=False),
        sa.Column("basis", _enum("profile_basis", ("cumulative", "per_period"), 20), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpi.id"], name=op.f("fk_kpi_target_profile_kpi_id_kpi"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_target_profile")),
        sa.UniqueConstraint("kpi_id", "year", name=op.f("uq_kpi_target_profile_kpi_id_year")),
    )
    with op.batch_alter_table("kpi_target_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_target_profile_kpi_id"), ["kpi_id"], unique=False)

    op.create_table(
        "kpi_target_profile_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("period_end_date", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["kpi_target_profile.id"],
            name=op.f("fk_kpi_target_profile_point_profile_id_kpi_target_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_target_profile_point")),
        sa.UniqueConstraint("profile_id", "period", name=op.f("uq_kpi_target_profile_point_profile_id_period")),
    )
    with op.batch_alter_table("kpi_target_profile_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_target_profile_point_profile_id"), ["profile_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kpi_target_profile_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_target_profile_point_profile_id"))
    op.drop_table("kpi_target_profile_point")
    with op.batch_alter_table("kpi_target_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_target_profile_kpi_id"))
    op.drop_table("kpi_target_profile")
    # In-year figures have no place in the schema below: they go with the column that told them apart.
    # (A context KPI's figures may be of any period type, as before.)
    op.execute(
        "DELETE FROM kpi_value WHERE kpi_id IN (SELECT id FROM kpi WHERE tier <> 'context') "
        "AND period_type <> (SELECT kpi.period_type FROM kpi WHERE kpi.id = kpi_value.kpi_id)"
    )
    # SQLite's copy of a table would keep a dropped column's CHECK, and fail on it
    with op.batch_alter_table("kpi_value", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_kpi_value_period_type"), type_="check")
        batch_op.drop_column("period_type")
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_kpi_combine"), type_="check")
        batch_op.drop_column("combine")
