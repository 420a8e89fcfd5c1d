from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from api.kpis.models import Tier
from api.owners.models import Owner
from api.strategy.models import FocusArea


class Cadence(StrEnum):
    weekly = "weekly"
    fortnightly = "fortnightly"
    monthly = "monthly"
    quarterly = "quarterly"
    termly = "termly"
    annual = "annual"
    as_required = "as_required"


class BodyStatus(StrEnum):
    active = "active"
    stand_down_proposed = "stand_down_proposed"  # still meets; the strategy proposes standing it down
    stood_down = "stood_down"
    proposed = "proposed"  # proposed, not yet set up


class GovernanceBody(TimestampMixin, Base):
    """A board, team or committee that items report to."""

    __tablename__ = "governance_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    # The document's abbreviation (CSMT, LSCB); bodies it names only in full have none.
    code: Mapped[str | None] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    cadence: Mapped[Cadence] = mapped_column(
        Enum(Cadence, native_enum=False, length=20, create_constraint=True, name="cadence")
    )
    cadence_inferred: Mapped[bool] = mapped_column(default=False)
    status: Mapped[BodyStatus] = mapped_column(
        Enum(BodyStatus, native_enum=False, length=20, create_constraint=True, name="body_status"),
        default=BodyStatus.active,
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Its pack shows a KPI figure as final only once an accountable officer has approved it (api/signoffs/).
    requires_sign_off: Mapped[bool] = mapped_column(default=False, server_default=false())

    owner: Mapped[Owner | None] = relationship(lazy="raise")


class ItemKind(StrEnum):
    """What a routing rule sends to a body."""

    transformation_project = "transformation_project"
    business_improvement_action = "business_improvement_action"
    kpi = "kpi"
    performance_exception = "performance_exception"
    focus_area_progress = "focus_area_progress"  # the progress summary of a focus area
    procedure_change = "procedure_change"  # an immediate change to a procedure or process (tested, then approved)
    kpi_return = "kpi_return"  # a KPI's return for a period that is late or missing (api/returns/)
    # The assurance programme's activities (api/assurance/), one kind each, named as AssuranceKind names them.
    case_file_audit = "case_file_audit"
    practice_observation = "practice_observation"
    team_performance_review = "team_performance_review"
    multi_agency_audit = "multi_agency_audit"
    thematic_review = "thematic_review"
    member_visit = "member_visit"


class RoutingRule(VersionedMixin, TimestampMixin, Base):
    """Items of a kind (optionally only a KPI tier, a focus area or an owner's) report to a governance body."""

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    item_kind: Mapped[ItemKind] = mapped_column(
        Enum(ItemKind, native_enum=False, length=40, create_constraint=True, name="item_kind")
    )
    kpi_tier: Mapped[Tier | None] = mapped_column(
        Enum(Tier, native_enum=False, length=40, create_constraint=True, name="tier")
    )
    focus_area_id: Mapped[int | None] = mapped_column(ForeignKey("focus_area.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"))
    body_id: Mapped[int] = mapped_column(ForeignKey("governance_body.id"), index=True)
    report: Mapped[str | None] = mapped_column(String(200))  # e.g. "monthly performance report"
    # Where one body must take an item before another, the order they take it in (procedure changes: tested with
    # the ODG, 1, then approved at CSMT, 2); none where the bodies take it side by side.
    step: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    body: Mapped[GovernanceBody] = relationship(lazy="raise")
    focus_area: Mapped[FocusArea | None] = relationship(lazy="raise")
    owner: Mapped[Owner | None] = relationship(lazy="raise")


class ExceptionKind(StrEnum):
    kpi_red_consecutive = "kpi_red_consecutive"  # red for `threshold` periods running
    kpi_worsening_run = "kpi_worsening_run"  # worse than the period before, `threshold` periods running
    action_overdue_days = "action_overdue_days"  # overdue by more than `threshold` days
    action_off_track = "action_off_track"  # latest update says off track
    project_red = "project_red"  # latest update's RAG is red
    project_behind_savings = "project_behind_savings"  # this year's forecast falls short of target
    return_overdue = "return_overdue"  # a KPI return missing more than `threshold` days after its due date


class ExceptionRule(VersionedMixin, TimestampMixin, Base):
    """A performance-challenge condition that raises an exception for CSMT."""

    __tablename__ = "exception_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[ExceptionKind] = mapped_column(
        Enum(ExceptionKind, native_enum=False, length=40, create_constraint=True, name="exception_kind")
    )
    threshold: Mapped[int | None]
    enabled: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(Text)


class IssuedPack(Base):
    """A pack as presented to a meeting: stored whole and never changed; issuing again adds a version."""

    __tablename__ = "issued_pack"
    __table_args__ = (UniqueConstraint("body_id", "meeting_date", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("governance_body.id"), index=True)
    meeting_date: Mapped[date]
    version: Mapped[int]
    period: Mapped[str | None] = mapped_column(String(20))
    as_at: Mapped[date]  # the date it reports as at
    known_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the data as known at this moment
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(200))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    html: Mapped[str] = mapped_column(Text)
    csv: Mapped[str] = mapped_column(Text)
    # Null for a pack issued before packs had these formats. Loaded only when asked for (undefer): a list of issued
    # packs has no use for them.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    xlsx: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)


class PackShare(Base):
    """A link to one issued pack (that version, whatever is issued later) that opens without an API key. Only a hash
    of its token is kept: the token is shown once, when the link is made."""

    __tablename__ = "pack_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("issued_pack.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counted by the database (views = views + 1), so views through every worker at once are all counted.
    views: Mapped[int] = mapped_column(default=0, server_default="0")
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
