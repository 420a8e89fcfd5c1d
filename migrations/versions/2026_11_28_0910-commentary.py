"""commentary and commentary_revision: owners' words on a KPI's figure for a period or on a progress update

Each commentary is about exactly one of the two; every version of its text (its withdrawal included) is a revision.

Revision ID: 3fdb2a5726f6
Revises: 9e4b7c2d1f60
Create Date: 2026-11-28 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3fdb2a5726f6"
down_revision: str | None = "9e4b7c2d1f60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commentary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=True),
        sa.Column("period_end_date", sa.Date(), nullable=True),
        sa.Column("progress_update_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("(kpi_id IS NULL) <> (progress_update_id IS NULL)", name=op.f("ck_commentary_one_subject")),
        sa.CheckConstraint(
            "(kpi_id IS NULL) = (period IS NULL) AND (period IS NULL) = (period_end_date IS NULL)",
            name=op.f("ck_commentary_kpi_with_period"),
        ),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"], name=op.f("fk_commentary_api_key_id_api_key")),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], name=op.f("fk_commentary_kpi_id_kpi")),
        sa.ForeignKeyConstraint(
            ["progress_update_id"],
            ["progress_update.id"],
            name=op.f("fk_commentary_progress_update_id_progress_update"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commentary")),
    )
    with op.batch_alter_table("commentary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commentary_api_key_id"), ["api_key_id"], unique=False)
        batch_op.create_index("ix_commentary_kpi_period", ["kpi_id", "period_end_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_commentary_progress_update_id"), ["progress_update_id"], unique=False)

    op.create_table(
        "commentary_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commentary_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_commentary_revision_revision_positive")),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"], name=op.f("fk_commentary_revision_api_key_id_api_key")),
        sa.ForeignKeyConstraint(
            ["commentary_id"], ["commentary.id"], name=op.f("fk_commentary_revision_commentary_id_commentary")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commentary_revision")),
        sa.UniqueConstraint("commentary_id", "revision", name=op.f("uq_commentary_revision_commentary_id_revision")),
    )
    with op.batch_alter_table("commentary_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commentary_revision_api_key_id"), ["api_key_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("commentary_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commentary_revision_api_key_id"))

    op.drop_table("commentary_revision")
    with op.batch_alter_table("commentary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commentary_progress_update_id"))
        batch_op.drop_index("ix_commentary_kpi_period")
        batch_op.drop_index(batch_op.f("ix_commentary_api_key_id"))

    op.drop_table("commentary")
