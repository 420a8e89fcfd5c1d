from datetime import date, datetime
from decimal import Decimal
from enum import Enum as PyEnum
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from api.owners.models import Owner
from api.periods import PeriodType
from api.strategy.models import FocusArea

VALUE_TYPE = Numeric(18, 6)


class Tier(StrEnum):
    council_plan = "council_plan"  # reported to Cabinet and the CYP Select Committee
    service_indicator = "service_indicator"  # CSMT's monthly performance report
    management_information = "management_information"  # used in teams
    context = "context"  # profile figures that describe the borough; no target


class Unit(PyEnum):  # not a str: a member named "count" would shadow str.count
    percent = "percent"
    days = "days"
    count = "count"
    rate = "rate"
    currency = "currency"


class Polarity(StrEnum):
    higher_better = "higher_better"
    lower_better = "lower_better"
    none = "none"


class TargetKind(StrEnum):
    numeric = "numeric"  # a figure, with an optional amber tolerance
    monitor = "monitor"  # no target: watch the direction of travel
    relative_to_national = "relative_to_national"  # improve at least in line with the national rate


class Combine(StrEnum):
    """How a KPI's figures for shorter periods make one for a longer period (api/kpis/combining.py)."""

    sum = "sum"  # counts: a quarter's figure is its months' added up
    latest = "latest"  # snapshots ("at month end", "at 31 March"): a quarter's figure is its last month's
    ratio = "ratio"  # rates: the sum of the numerators over the sum of the denominators


class ProfileBasis(StrEnum):
    """How a target profile's points read: each the total so far, or each its own period's."""

    cumulative = "cumulative"
    per_period = "per_period"


class ScopeKind(StrEnum):
    borough = "borough"
    team = "team"
    locality = "locality"
    comparator = "comparator"


class GeographyLevel(StrEnum):
    """Where a scope sits in DfE's geography (Explore Education Statistics' geographic_level)."""

    country = "country"  # England
    region = "region"  # e.g. North East, E12000001
    local_authority = "local_authority"  # e.g. Stockton-on-Tees, E06000004 (old LA number 808)


class StatusSymbol(StrEnum):
    """GSS and DfE symbols printed in place of a figure."""

    confidential = "c"  # suppressed to protect confidentiality
    not_available = "x"  # not available
    not_applicable = "z"  # not applicable
    rounds_to_zero = "k"  # DfE: a figure below 0.5 that would round to 0
    low_reliability = "u"  # DfE: too unreliable to publish


def _enum(enum: type[PyEnum], name: str, length: int = 30) -> Enum:
    return Enum(
        enum,
        native_enum=False,
        length=length,
        create_constraint=True,
        name=name,
        values_callable=lambda members: [member.value for member in members],
    )


class Scope(VersionedMixin, TimestampMixin, Base):
    """What a value is about: the borough (the default), a team, a locality, or a comparator such as England.

    A place in DfE's geography (England, a region, a local authority) has a level, its GSS code, and for a local
    authority its old three-digit LA number and the GSS code of its region. The GSS code, the LA number and the
    name are accepted wherever a scope's key is (api/kpis/scopes.py).

    A team (or a locality) sits under a parent, the borough or a locality, so that teams' figures roll up to the
    borough; it belongs to a service, the owner it answers to (a children-in-care team to AD SLAC), and is led by a
    manager, recorded as a role: the service holds no one's name (api/teams/)."""

    __tablename__ = "scope"
    __table_args__ = (CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ScopeKind] = mapped_column(_enum(ScopeKind, "scope_kind"))
    gss_code: Mapped[str | None] = mapped_column(String(9), unique=True)
    level: Mapped[GeographyLevel | None] = mapped_column(_enum(GeographyLevel, "geography_level", 20), index=True)
    old_la_code: Mapped[str | None] = mapped_column(String(3), unique=True)
    region_code: Mapped[str | None] = mapped_column(String(9), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("scope.id"), index=True)
    service_owner_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"), index=True)
    manager_role: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    parent: Mapped["Scope | None"] = relationship(lazy="raise", remote_side="Scope.id")
    service_owner: Mapped[Owner | None] = relationship(lazy="raise")


class Kpi(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "kpi"
    __table_args__ = (CheckConstraint("decimal_places BETWEEN 0 AND 6", name="decimal_places_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    tier: Mapped[Tier] = mapped_column(_enum(Tier, "tier"), index=True)
    # Place in the strategy's order (seed/kpis.yaml is written in it): lists sort by tier, then by this.
    position: Mapped[int]
    unit: Mapped[Unit] = mapped_column(_enum(Unit, "unit"))
    decimal_places: Mapped[int] = mapped_column(default=0)
    polarity: Mapped[Polarity] = mapped_column(_enum(Polarity, "polarity"))
    period_type: Mapped[PeriodType] = mapped_column(_enum(PeriodType, "period_type"))
    combine: Mapped[Combine] = mapped_column(
        _enum(Combine, "combine", 10), default=Combine.latest, server_default=Combine.latest.value
    )
    focus_area_id: Mapped[int | None] = mapped_column(ForeignKey("focus_area.id"), index=True)
    national_code: Mapped[str | None] = mapped_column(String(20))
    # The LAIT dictionary entry the KPI was adopted from (api/kpis/national.py): an indicator is adopted once.
    national_indicator: Mapped[str | None] = mapped_column(String(80), unique=True)
    baseline_period: Mapped[str | None] = mapped_column(String(16))
    baseline_value: Mapped[Decimal | None] = mapped_column(VALUE_TYPE)
    baseline_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    focus_area: Mapped[FocusArea | None] = relationship(lazy="raise")
    targets: Mapped[list["KpiTarget"]] = relationship(
        lazy="raise", order_by="KpiTarget.period_start_date", cascade="all, delete-orphan"
    )


class KpiTarget(Base):
    __tablename__ = "kpi_target"
    __table_args__ = (
        UniqueConstraint("kpi_id", "period"),
        CheckConstraint("(kind = 'numeric') = (value IS NOT NULL)", name="value_only_for_numeric"),
        CheckConstraint("amber_tolerance IS NULL OR amber_tolerance >= 0", name="tolerance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    period_start_date: Mapped[date]
    kind: Mapped[TargetKind] = mapped_column(_enum(TargetKind, "target_kind"))
    value: Mapped[Decimal | None] = mapped_column(VALUE_TYPE)
    amber_tolerance: Mapped[Decimal | None] = mapped_column(VALUE_TYPE)
    note: Mapped[str | None] = mapped_column(Text)


class KpiValue(Base):
    """One revision of a KPI's figure for a period and scope. Corrections add revisions; none is overwritten."""

    __tablename__ = "kpi_value"
    __table_args__ = (
        UniqueConstraint("kpi_id", "scope_id", "period", "revision"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint("(value IS NULL) <> (status_symbol IS NULL)", name="value_or_status_symbol"),
        CheckConstraint("denominator IS NULL OR denominator > 0", name="denominator_positive"),
        Index("ix_kpi_value_latest", "kpi_id", "scope_id", "period_end_date", "revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"))
    scope_id: Mapped[int] = mapped_column(ForeignKey("scope.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    # The period's type: the KPI's own, or a shorter one within it (an in-year figure: a month or quarter of an
    # annual KPI). Reads of a KPI's figures keep to its own type (api/kpis/service.py own_figures).
    period_type: Mapped[PeriodType] = mapped_column(_enum(PeriodType, "period_type"))
    period_start_date: Mapped[date]
    period_end_date: Mapped[date]
    revision: Mapped[int]
    value: Mapped[Decimal | None] = mapped_column(VALUE_TYPE)
    numerator: Mapped[Decimal | None] = mapped_column(VALUE_TYPE)
    denominator: Mapped[Decimal | None] = mapped_column(VALUE_TYPE)
    status_symbol: Mapped[StatusSymbol | None] = mapped_column(_enum(StatusSymbol, "status_symbol", 1))
    provisional: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("kpi_submission.id"), index=True)

    scope: Mapped[Scope] = relationship(lazy="raise")


class KpiTargetProfile(VersionedMixin, TimestampMixin, Base):
    """A KPI's trajectory toward its target for one year: a target for each month or quarter of it."""

    __tablename__ = "kpi_target_profile"
    __table_args__ = (UniqueConstraint("kpi_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id", ondelete="CASCADE"), index=True)
    year: Mapped[str] = mapped_column(String(16))  # FY2016-17, or AY2016-17 for an academic-year KPI
    basis: Mapped[ProfileBasis] = mapped_column(_enum(ProfileBasis, "profile_basis", 20))
    updated_by: Mapped[str] = mapped_column(String(200))

    kpi: Mapped[Kpi] = relationship(lazy="raise")
    points: Mapped[list["KpiTargetProfilePoint"]] = relationship(
        lazy="raise", order_by="KpiTargetProfilePoint.period_end_date", cascade="all, delete-orphan"
    )


class KpiTargetProfilePoint(Base):
    __tablename__ = "kpi_target_profile_point"
    __table_args__ = (UniqueConstraint("profile_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("kpi_target_profile.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    period_end_date: Mapped[date]
    value: Mapped[Decimal] = mapped_column(VALUE_TYPE)


class SubmissionFormat(StrEnum):
    single = "single"  # PUT /kpis/{code}/values/{period}
    json = "json"
    csv = "csv"
    ees = "ees"  # a DfE Explore Education Statistics file through a mapping (POST /benchmarks/imports)


class SubmissionMode(StrEnum):
    all_or_nothing = "all_or_nothing"  # any rejected row rejects the batch
    partial = "partial"  # valid rows land, the rest are reported


class KpiSubmission(Base):
    """One write of KPI values (a single PUT or a batch) and what became of its rows."""

    __tablename__ = "kpi_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    submitted_by: Mapped[str] = mapped_column(String(200))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    format: Mapped[SubmissionFormat] = mapped_column(_enum(SubmissionFormat, "submission_format", 10))
    mode: Mapped[SubmissionMode] = mapped_column(_enum(SubmissionMode, "submission_mode", 20))
    source: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    row_count: Mapped[int]
    created: Mapped[int]
    updated: Mapped[int]
    unchanged: Mapped[int]
    rejected: Mapped[int]
    # The rejected rows of a partial submission, as reported: [{"row": 3, "field": "value", "reason": "..."}].
    rejections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
