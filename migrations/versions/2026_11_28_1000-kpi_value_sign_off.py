"""kpi_value_sign_off: an accountable officer's decision (approved, or returned with reasons) on one revision of a
KPI's figure; governance_body.requires_sign_off: bodies whose packs show only approved figures as final

Revision ID: 5c1e9a7d3b20
Revises: 42c86b41e298
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1e9a7d3b20"
down_revision: str | None = "42c86b41e298"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_value_sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_value_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "approved", "returned", name="sign_off_decision", native_enum=False, length=20, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "decision = 'approved' OR reasons IS NOT NULL", name=op.f("ck_kpi_value_sign_off_reasons_when_returned")
        ),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"], name=op.f("fk_kpi_value_sign_off_api_key_id_api_key")),
        sa.ForeignKeyConstraint(
            ["kpi_value_id"], ["kpi_value.id"], name=op.f("fk_kpi_value_sign_off_kpi_value_id_kpi_value")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_value_sign_off")),
        sa.UniqueConstraint("kpi_value_id", name=op.f("uq_kpi_value_sign_off_kpi_value_id")),
    )
    with op.batch_alter_table("kpi_value_sign_off", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_value_sign_off_api_key_id"), ["api_key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kpi_value_sign_off_decided_at"), ["decided_at"], unique=False)
    with op.batch_alter_table("governance_body", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requires_sign_off", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("governance_body", schema=None) as batch_op:
        batch_op.drop_column("requires_sign_off")
    with op.batch_alter_table("kpi_value_sign_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_value_sign_off_decided_at"))
        batch_op.drop_index(batch_op.f("ix_kpi_value_sign_off_api_key_id"))
    op.drop_table("kpi_value_sign_off")
