"""The assurance programme (section 6d-6h of the strategy's performance management framework) as data: case file
audits, practice observations, annual team performance reviews, multi-agency audits and thematic reviews led by the
LSCB, and elected members' front-line visits. Each records what was found and learnt about practice in a team,
never about a child: the service holds no child-level personal data (api/identifiers.py checks the free text)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.actions.models import BusinessImprovementAction
from api.db import Base, TimestampMixin, UTCDateTime, VersionedMixin
from api.governance.models import GovernanceBody
from api.kpis.models import Scope


class AssuranceKind(StrEnum):
    case_file_audit = "case_file_audit"  # 6d
    practice_observation = "practice_observation"  # 6e
    team_performance_review = "team_performance_review"  # 6f, annual
    multi_agency_audit = "multi_agency_audit"  # 6g, led by the LSCB
    thematic_review = "thematic_review"  # 6g, led by the LSCB
    member_visit = "member_visit"  # 6h, front-line visits by elected members


class ObservationSetting(StrEnum):
    """Where a manager observed practice (6e names LAC Review, CP Conference and TAF)."""

    lac_review = "lac_review"
    cp_conference = "cp_conference"
    taf = "taf"
    other = "other"


class Grading(StrEnum):
    """Ofsted's four-point scale."""

    outstanding = "outstanding"
    good = "good"
    requires_improvement = "requires_improvement"
    inadequate = "inadequate"


class ActionRelation(StrEnum):
    raises = "raises"  # the activity found the need for the action
    evidences = "evidences"  # the activity shows the action's effect (or its absence)


# Kinds that may span teams (the LSCB's multi-agency work), so may have no team; and the LSCB leads them.
CROSS_TEAM_KINDS = (AssuranceKind.multi_agency_audit, AssuranceKind.thematic_review)
# Kinds that judge no piece of practice, so take no grading: a member's visit is for understanding the front line,
# and a thematic review looks across cases for a theme.
UNGRADED_KINDS = (AssuranceKind.member_visit, AssuranceKind.thematic_review)


def _listed(kinds: tuple[AssuranceKind, ...]) -> str:
    return ", ".join(f"'{kind.value}'" for kind in kinds)


def _enum(enum: type[StrEnum], name: str) -> Enum:
    return Enum(enum, native_enum=False, length=40, create_constraint=True, name=name)


class AssuranceActivity(VersionedMixin, TimestampMixin, Base):
    """One activity of the assurance programme. Its version is its ETag, and covers its themes and action links."""

    __tablename__ = "assurance_activity"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'practice_observation') = (setting IS NOT NULL)", name="setting_only_for_observations"
        ),
        CheckConstraint(f"grading IS NULL OR kind NOT IN ({_listed(UNGRADED_KINDS)})", name="grading_where_graded"),
        CheckConstraint(f"team_id IS NOT NULL OR kind IN ({_listed(CROSS_TEAM_KINDS)})", name="team_unless_cross_team"),
        Index("ix_assurance_activity_kind_carried_out_on", "kind", "carried_out_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AssuranceKind] = mapped_column(_enum(AssuranceKind, "assurance_kind"))
    setting: Mapped[ObservationSetting | None] = mapped_column(_enum(ObservationSetting, "observation_setting"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("scope.id"), index=True)
    carried_out_on: Mapped[date] = mapped_column(index=True)
    carried_out_by_role: Mapped[str] = mapped_column(String(200))
    lead_body_id: Mapped[int | None] = mapped_column(ForeignKey("governance_body.id"), index=True)
    grading: Mapped[Grading | None] = mapped_column(_enum(Grading, "grading"))
    findings: Mapped[str | None] = mapped_column(Text)
    learning: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_by: Mapped[str] = mapped_column(String(200))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Scope | None] = relationship(lazy="raise")
    lead_body: Mapped[GovernanceBody | None] = relationship(lazy="raise")
    themes: Mapped[list["AssuranceTheme"]] = relationship(
        lazy="raise", order_by="AssuranceTheme.position", cascade="all, delete-orphan"
    )
    action_links: Mapped[list["AssuranceActionLink"]] = relationship(
        lazy="raise", order_by="AssuranceActionLink.position", cascade="all, delete-orphan"
    )


class AssuranceTheme(Base):
    """One theme of an activity, normalised (api/assurance/themes.py), in the order written."""

    __tablename__ = "assurance_theme"
    __table_args__ = (UniqueConstraint("activity_id", "theme"), UniqueConstraint("activity_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("assurance_activity.id", ondelete="CASCADE"))
    position: Mapped[int]
    theme: Mapped[str] = mapped_column(String(80), index=True)


class AssuranceActionLink(Base):
    """A business improvement action an activity raises or evidences."""

    __tablename__ = "assurance_action_link"
    __table_args__ = (UniqueConstraint("activity_id", "action_id"), UniqueConstraint("activity_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("assurance_activity.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("business_improvement_action.id"), index=True)
    position: Mapped[int]
    relation: Mapped[ActionRelation] = mapped_column(_enum(ActionRelation, "action_relation"))

    action: Mapped[BusinessImprovementAction] = relationship(lazy="raise")
