"""pack_share: links to an issued pack that open without an API key

Only a hash of each link's token is stored; views are counted in the row.

Revision ID: 485e36f27425
Revises: b6e0c2a4d817
Create Date: 2026-11-27 21:32:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "485e36f27425"
down_revision: str | None = "b6e0c2a4d817"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pack_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("views", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_viewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["pack_id"], ["issued_pack.id"], name=op.f("fk_pack_share_pack_id_issued_pack")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_share")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pack_share_token_hash")),
    )
    with op.batch_alter_table("pack_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pack_share_pack_id"), ["pack_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pack_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pack_share_pack_id"))

    op.drop_table("pack_share")
