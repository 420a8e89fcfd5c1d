from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin, UTCDateTime, VersionedMixin
from api.kpis.models import Kpi
from api.owners.models import Owner
from api.periods import PeriodType
from api.returns.due import DueBasis

DUE_DAYS_LIMIT = 60


class KpiReturnSchedule(VersionedMixin, TimestampMixin, Base):
    """Who returns a KPI's figures, how often, and by when: a return is owed for each period of ``frequency`` from
    ``first_period`` to ``last_period`` (none: until the schedule is withdrawn), due ``due_days`` working or calendar
    days after the period ends."""

    __tablename__ = "kpi_return_schedule"
    __table_args__ = (CheckConstraint(f"due_days BETWEEN 0 AND {DUE_DAYS_LIMIT}", name="due_days_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), unique=True)
    accountable_owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"), index=True)
    submitting_owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"), index=True)
    frequency: Mapped[PeriodType] = mapped_column(
        Enum(PeriodType, native_enum=False, length=30, create_constraint=True, name="return_frequency")
    )
    due_basis: Mapped[DueBasis] = mapped_column(
        Enum(DueBasis, native_enum=False, length=20, create_constraint=True, name="due_basis")
    )
    due_days: Mapped[int]
    first_period: Mapped[str] = mapped_column(String(16))
    last_period: Mapped[str | None] = mapped_column(String(16))
    # A schedule is never deleted: archiving it stops returns being owed, and a report as known earlier still sees it.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    kpi: Mapped[Kpi] = relationship(lazy="raise")
    accountable_owner: Mapped[Owner] = relationship(lazy="raise", foreign_keys=[accountable_owner_id])
    submitting_owner: Mapped[Owner] = relationship(lazy="raise", foreign_keys=[submitting_owner_id])
