"""Teams and localities: a scope's parent, its service (an owner), its manager's role, a description and a version

A team's figures roll up through its parent to the borough; the version is the team's ETag.

Revision ID: 7a3e51c0b9d4
Revises: 3fdb2a5726f6
Create Date: 2026-11-28 02:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a3e51c0b9d4"
down_revision: str | None = "3fdb2a5726f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scope", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("service_owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("manager_role", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_scope_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scope_service_owner_id"), ["service_owner_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_scope_parent_id_scope"), "scope", ["parent_id"], ["id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_scope_service_owner_id_owner"), "owner", ["service_owner_id"], ["id"]
        )
        batch_op.create_check_constraint(batch_op.f("ck_scope_not_own_parent"), "parent_id IS NULL OR parent_id <> id")


def downgrade() -> None:
    with op.batch_alter_table("scope", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_scope_not_own_parent"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_scope_service_owner_id_owner"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_scope_parent_id_scope"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_scope_service_owner_id"))
        batch_op.drop_index(batch_op.f("ix_scope_parent_id"))
        batch_op.drop_column("description")
        batch_op.drop_column("manager_role")
        batch_op.drop_column("service_owner_id")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("version")
