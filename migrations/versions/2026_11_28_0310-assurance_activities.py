"""assurance_activity, its themes and its links to business improvement actions; routing rules for its six kinds

The assurance programme of the performance management framework (6d-6h): case file audits, practice observations,
team performance reviews, multi-agency audits, thematic reviews and elected members' visits. item_kind's CHECK is
recreated to take the six kinds, so routing rules can send each to its body.

Revision ID: b4c8e2a61f07
Revises: 7c1e9a4b2d30
Create Date: 2026-11-28 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b4c8e2a61f07"
down_revision: str | None = "7c1e9a4b2d30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEM_KINDS = (
    "transformation_project",
    "business_improvement_action",
    "kpi",
    "performance_exception",
    "focus_area_progress",
    "procedure_change",
    "kpi_return",
)
ASSURANCE_KINDS = (
    "case_file_audit",
    "practice_observation",
    "team_performance_review",
    "multi_agency_audit",
    "thematic_review",
    "member_visit",
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _item_kinds(kinds: Sequence[str]) -> None:
    allowed = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table("routing_rule") as batch_op:
        batch_op.drop_constraint(op.f("ck_routing_rule_item_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_routing_rule_item_kind"), f"item_kind IN ({allowed})")


def upgrade() -> None:
    op.create_table(
        "assurance_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("assurance_kind", *ASSURANCE_KINDS), nullable=False),
        sa.Column(
            "setting", _enum("observation_setting", "lac_review", "cp_conference", "taf", "other"), nullable=True
        ),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("carried_out_on", sa.Date(), nullable=False),
        sa.Column("carried_out_by_role", sa.String(length=200), nullable=False),
        sa.Column("lead_body_id", sa.Integer(), nullable=True),
        sa.Column(
            "grading", _enum("grading", "outstanding", "good", "requires_improvement", "inadequate"), nullable=True
        ),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("learning", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'practice_observation') = (setting IS NOT NULL)",
            name=op.f("ck_assurance_activity_setting_only_for_observations"),
        ),
        sa.CheckConstraint(
            "grading IS NULL OR kind NOT IN ('member_visit', 'thematic_review')",
            name=op.f("ck_assurance_activity_grading_where_graded"),
        ),
        sa.CheckConstraint(
            "team_id IS NOT NULL OR kind IN ('multi_agency_audit', 'thematic_review')",
            name=op.f("ck_assurance_activity_team_unless_cross_team"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_body_id"], ["governance_body.id"], name=op.f("fk_assurance_activity_lead_body_id_governance_body")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["scope.id"], name=op.f("fk_assurance_activity_team_id_scope")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assurance_activity")),
    )
    with op.batch_alter_table("assurance_activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assurance_activity_carried_out_on"), ["carried_out_on"], unique=False)
        batch_op.create_index("ix_assurance_activity_kind_carried_out_on", ["kind", "carried_out_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_assurance_activity_lead_body_id"), ["lead_body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assurance_activity_team_id"), ["team_id"], unique=False)

    op.create_table(
        "assurance_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["assurance_activity.id"],
            name=op.f("fk_assurance_theme_activity_id_assurance_activity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assurance_theme")),
        sa.UniqueConstraint("activity_id", "position", name=op.f("uq_assurance_theme_activity_id_position")),
        sa.UniqueConstraint("activity_id", "theme", name=op.f("uq_assurance_theme_activity_id_theme")),
    )
    with op.batch_alter_table("assurance_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assurance_theme_theme"), ["theme"], unique=False)

    op.create_table(
        "assurance_action_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("relation", _enum("action_relation", "raises", "evidences"), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["business_improvement_action.id"],
            name=op.f("fk_assurance_action_link_action_id_business_improvement_action"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["assurance_activity.id"],
            name=op.f("fk_assurance_action_link_activity_id_assurance_activity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assurance_action_link")),
        sa.UniqueConstraint("activity_id", "action_id", name=op.f("uq_assurance_action_link_activity_id_action_id")),
        sa.UniqueConstraint("activity_id", "position", name=op.f("uq_assurance_action_link_activity_id_position")),
    )
    with op.batch_alter_table("assurance_action_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assurance_action_link_action_id"), ["action_id"], unique=False)

    _item_kinds((*ITEM_KINDS, *ASSURANCE_KINDS))


def downgrade() -> None:
    kinds = ", ".join(f"'{kind}'" for kind in ASSURANCE_KINDS)
    op.execute(f"DELETE FROM routing_rule WHERE item_kind IN ({kinds})")
    _item_kinds(ITEM_KINDS)
    op.drop_table("assurance_action_link")
    op.drop_table("assurance_theme")
    op.drop_table("assurance_activity")
