from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin, UTCDateTime, utcnow
from api.delivery import DeliveryStateMixin, DueKind, TrackedMixin
from api.owners.models import Owner
from api.strategy.models import FocusArea


class PidStatus(StrEnum):
    """Where the project initiation document (PID) stands."""

    none = "none"
    draft = "draft"
    approved = "approved"


class ProjectFocusArea(Base):
    """A focus area a project is listed under; the primary one has position 0."""

    __tablename__ = "project_focus_area"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("transformation_project.id", ondelete="CASCADE"), primary_key=True
    )
    focus_area_id: Mapped[int] = mapped_column(ForeignKey("focus_area.id"), primary_key=True, index=True)
    position: Mapped[int]

    focus_area: Mapped[FocusArea] = relationship(lazy="raise")


class TransformationProject(DeliveryStateMixin, TrackedMixin, TimestampMixin, Base):
    """A major change and transformation project; reports to the Children's Programme Board."""

    __tablename__ = "transformation_project"
    __table_args__ = (CheckConstraint("savings_target_pence >= 0", name="savings_target_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    lead_owner_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"), index=True)
    pid_status: Mapped[PidStatus] = mapped_column(
        Enum(PidStatus, native_enum=False, length=20, create_constraint=True, name="pid_status"),
        default=PidStatus.none,
    )
    deadline_text: Mapped[str | None] = mapped_column(String(100))
    deadline_kind: Mapped[DueKind] = mapped_column(
        Enum(DueKind, native_enum=False, length=20, create_constraint=True, name="due_kind"),
        default=DueKind.unspecified,
    )
    deadline_date: Mapped[date | None] = mapped_column(index=True)
    savings_target_pence: Mapped[int | None] = mapped_column(BigInteger)
    savings_target_text: Mapped[str | None] = mapped_column(String(100))
    savings_target_date: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)

    lead: Mapped[Owner | None] = relationship(lazy="raise")
    focus_area_links: Mapped[list[ProjectFocusArea]] = relationship(
        lazy="raise", order_by=ProjectFocusArea.position, cascade="all, delete-orphan"
    )

    @property
    def focus_areas(self) -> list[str]:
        return [link.focus_area.key for link in self.focus_area_links]


class ProjectSavings(Base):
    """A project's savings for one financial year, in pence: the target, the current forecast and what is banked."""

    __tablename__ = "project_savings"
    __table_args__ = (
        UniqueConstraint("project_id", "financial_year"),
        CheckConstraint(
            "target_pence >= 0 AND (forecast_pence IS NULL OR forecast_pence >= 0) "
            "AND (delivered_pence IS NULL OR delivered_pence >= 0)",
            name="not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("transformation_project.id"), index=True)
    financial_year: Mapped[str] = mapped_column(String(9))  # FY2016-17
    target_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    forecast_pence: Mapped[int | None] = mapped_column(BigInteger)
    delivered_pence: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[TransformationProject] = relationship(lazy="raise")
