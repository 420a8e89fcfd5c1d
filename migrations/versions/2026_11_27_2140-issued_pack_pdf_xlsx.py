"""issued_pack.pdf and .xlsx: an issued pack's PDF and Excel workbook, stored as issued

Packs issued before this have neither (null): they were never presented in those formats, and are not made up
afterwards.

Revision ID: b11b8c43f2b2
Revises: 485e36f27425
Create Date: 2026-11-28 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b11b8c43f2b2"
down_revision: str | None = "485e36f27425"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_pack", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdf", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("xlsx", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issued_pack", schema=None) as batch_op:
        batch_op.drop_column("xlsx")
        batch_op.drop_column("pdf")
