"""issued_pack.as_at and .known_at: the date a pack reports as at, and the moment its data was known

An issued pack's `as_of` was both; it becomes `as_at`, and `known_at` is the moment it was issued (the data it was
built from was the data known then).

Revision ID: 5c0d9e1f7a21
Revises: b11b8c43f2b2
Create Date: 2026-11-27 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0d9e1f7a21"
down_revision: str | None = "b11b8c43f2b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_pack", schema=None) as batch_op:
        batch_op.alter_column("as_of", new_column_name="as_at")
        batch_op.add_column(sa.Column("known_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE issued_pack SET known_at = issued_at")
    with op.batch_alter_table("issued_pack", schema=None) as batch_op:
        batch_op.alter_column("known_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("issued_pack", schema=None) as batch_op:
        batch_op.drop_column("known_at")
        batch_op.alter_column("as_at", new_column_name="as_of")
