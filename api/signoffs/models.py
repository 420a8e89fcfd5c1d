"""Sign-off: an accountable officer's decision on one revision of a KPI's figure (api/signoffs/service.py)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime, utcnow


class Decision(StrEnum):
    approved = "approved"  # the figure may be published: final in Cabinet's and the Select Committee's packs
    returned = "returned"  # sent back with reasons: a corrected figure (a new revision) is needed


class SignOffState(StrEnum):
    """Where a revision of a figure stands."""

    awaiting_sign_off = "awaiting_sign_off"  # submitted, the latest revision, not yet decided
    approved = "approved"
    returned = "returned"
    superseded = "superseded"  # corrected before anyone decided on it


class KpiValueSignOff(Base):
    """The decision on one revision of a figure (a kpi_value row): one each, never changed. A correction is a new
    revision, and so needs a decision of its own."""

    __tablename__ = "kpi_value_sign_off"
    __table_args__ = (CheckConstraint("decision = 'approved' OR reasons IS NOT NULL", name="reasons_when_returned"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_value_id: Mapped[int] = mapped_column(ForeignKey("kpi_value.id"), unique=True)
    decision: Mapped[Decision] = mapped_column(
        Enum(
            Decision,
            native_enum=False,
            length=20,
            create_constraint=True,
            name="sign_off_decision",
            values_callable=lambda members: [member.value for member in members],
        )
    )
    reasons: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    decided_by: Mapped[str] = mapped_column(String(200))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
