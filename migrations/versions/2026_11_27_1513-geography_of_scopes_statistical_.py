"""Geography of scopes, statistical neighbours, comparator groups, EES submissions

Scopes gain DfE's geography (level, old LA number, region) so that imported figures for every English local
authority, region and England land on scopes found by GSS code, LA number or name; DfE's statistical neighbour lists
and a council's own comparator groups are stored; a submission can come from an Explore Education Statistics file.

Revision ID: 5ff55548738b
Revises: 7c1d4e2f9a30
Create Date: 2026-11-27 15:13:37.978528
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5ff55548738b"
down_revision: str | None = "7c1d4e2f9a30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORMATS = "ck_kpi_submission_submission_format"


def _formats(*allowed: str) -> None:
    listed = ", ".join(f"'{name}'" for name in allowed)
    with op.batch_alter_table("kpi_submission") as batch_op:
        batch_op.drop_constraint(op.f(FORMATS), type_="check")
        batch_op.create_check_constraint(op.f(FORMATS), f"format IN ({listed})")


def upgrade() -> None:
    op.create_table(
        "statistical_neighbour",
        sa.Column("model", sa.String(length=10), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("neighbour_code", sa.String(length=3), nullable=False),
        sa.Column("closeness", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("model", "la_code", "position", name=op.f("pk_statistical_neighbour")),
    )
    op.create_table(
        "comparator_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_by_key_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_key_id"], ["api_key.id"], name=op.f("fk_comparator_group_created_by_key_id_api_key")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparator_group")),
        sa.UniqueConstraint("key", name=op.f("uq_comparator_group_key")),
    )
    op.create_index(
        op.f("ix_comparator_group_created_by_key_id"), "comparator_group", ["created_by_key_id"], unique=False
    )
    op.create_table(
        "comparator_group_member",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["comparator_group.id"],
            name=op.f("fk_comparator_group_member_group_id_comparator_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["scope_id"], ["scope.id"], name=op.f("fk_comparator_group_member_scope_id_scope")),
        sa.PrimaryKeyConstraint("group_id", "scope_id", name=op.f("pk_comparator_group_member")),
    )
    op.create_index(op.f("ix_comparator_group_member_scope_id"), "comparator_group_member", ["scope_id"], unique=False)
    with op.batch_alter_table("scope") as batch_op:
        batch_op.add_column(
            sa.Column(
                "level",
                sa.Enum(
                    "country",
                    "region",
                    "local_authority",
                    name="geography_level",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("old_la_code", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("region_code", sa.String(length=9), nullable=True))
        batch_op.create_index(batch_op.f("ix_scope_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_scope_region_code"), ["region_code"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_scope_old_la_code"), ["old_la_code"])
    _formats("single", "json", "csv", "ees")


def downgrade() -> None:
    op.execute("UPDATE kpi_submission SET format = 'csv' WHERE format = 'ees'")  # an EES file is a CSV
    _formats("single", "json", "csv")
    with op.batch_alter_table("scope") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_scope_old_la_code"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_scope_region_code"))
        batch_op.drop_index(batch_op.f("ix_scope_level"))
        # SQLite's copy of the table would keep the level's CHECK after the column went, and fail on it
        batch_op.drop_constraint(batch_op.f("ck_scope_geography_level"), type_="check")
        batch_op.drop_column("region_code")
        batch_op.drop_column("old_la_code")
        batch_op.drop_column("level")
    op.drop_index(op.f("ix_comparator_group_member_scope_id"), table_name="comparator_group_member")
    op.drop_table("comparator_group_member")
    op.drop_index(op.f("ix_comparator_group_created_by_key_id"), table_name="comparator_group")
    op.drop_table("comparator_group")
    op.drop_table("statistical_neighbour")
