from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.actions.models import BusinessImprovementAction
from api.db import Base, TimestampMixin, VersionedMixin
from api.governance.models import GovernanceBody
from api.procedures.models import ProcedureStatus


class MeetingStatus(StrEnum):
    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"


class Meeting(VersionedMixin, TimestampMixin, Base):
    """A governance body's meeting on a date. Its agenda is the packs issued to the body for that date, plus other
    items by reference; its decisions log is `decision` (recording or correcting a decision moves its version)."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("body_id", "meeting_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("governance_body.id"), index=True)
    meeting_date: Mapped[date]
    title: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MeetingStatus] = mapped_column(
        Enum(MeetingStatus, native_enum=False, length=20, create_constraint=True, name="meeting_status"),
        default=MeetingStatus.scheduled,
    )
    # Other agenda items, as item references the routing resolves (action:<key>, kpi:<code> ...), in order.
    agenda_items: Mapped[list[str]] = mapped_column(JSON, default=list)

    body: Mapped[GovernanceBody] = relationship(lazy="raise")


class DecisionItem(Base):
    """An item a decision concerns, by the reference the routing resolves (kept as written, in order)."""

    __tablename__ = "decision_item"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(200), index=True)


class DecisionAction(Base):
    """A business improvement action arising from a decision."""

    __tablename__ = "decision_action"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("business_improvement_action.id"), primary_key=True, index=True)
    position: Mapped[int]

    action: Mapped[BusinessImprovementAction] = relationship(lazy="raise")


class Decision(VersionedMixin, TimestampMixin, Base):
    """One entry of a meeting's decisions log, numbered in the order recorded; corrected, never replaced."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    reasons: Mapped[str | None] = mapped_column(Text)
    # What the decision does to the procedure changes it concerns (tested, approved or rejected); none otherwise.
    procedure_outcome: Mapped[ProcedureStatus | None] = mapped_column(
        Enum(ProcedureStatus, native_enum=False, length=20, create_constraint=True, name="procedure_status")
    )
    recorded_by: Mapped[str] = mapped_column(String(200))

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    items: Mapped[list[DecisionItem]] = relationship(
        lazy="raise", order_by=DecisionItem.position, cascade="all, delete-orphan"
    )
    action_links: Mapped[list[DecisionAction]] = relationship(
        lazy="raise", order_by=DecisionAction.position, cascade="all, delete-orphan"
    )

    @property
    def concerns(self) -> list[str]:
        return [item.ref for item in self.items]

    @property
    def actions_arising(self) -> list[BusinessImprovementAction]:
        return [link.action for link in self.action_links]
