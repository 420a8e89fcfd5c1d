from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin, VersionedMixin
from api.strategy.models import FocusArea


class ProcedureStatus(StrEnum):
    """Where a procedure change stands on the strategy's route (tested with the ODG, then approved at CSMT)."""

    proposed = "proposed"
    tested = "tested"
    approved = "approved"
    rejected = "rejected"


class ProcedureChange(VersionedMixin, TimestampMixin, Base):
    """An immediate change to a procedure or process (delivery plan 5a): its status moves only by meetings'
    decisions, in the order the routing rules' steps give."""

    __tablename__ = "procedure_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    focus_area_id: Mapped[int | None] = mapped_column(ForeignKey("focus_area.id"), index=True)
    status: Mapped[ProcedureStatus] = mapped_column(
        Enum(ProcedureStatus, native_enum=False, length=20, create_constraint=True, name="procedure_status"),
        default=ProcedureStatus.proposed,
    )

    focus_area: Mapped[FocusArea | None] = relationship(lazy="raise")
