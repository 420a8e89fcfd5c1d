from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin
from api.delivery import DeliveryStateMixin, DueMixin, TrackedMixin
from api.owners.models import Owner
from api.strategy.models import FocusArea


class ActionOwner(Base):
    """An owner of a business improvement action; a row can have several, in the order written."""

    __tablename__ = "action_owner"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("business_improvement_action.id", ondelete="CASCADE"), primary_key=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"), primary_key=True, index=True)
    position: Mapped[int]

    owner: Mapped[Owner] = relationship(lazy="raise")


class BusinessImprovementAction(DueMixin, DeliveryStateMixin, TrackedMixin, TimestampMixin, Base):
    """A row of a focus area's What / Detail / When / Who / Comments table; reports to CSMT."""

    __tablename__ = "business_improvement_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    focus_area_id: Mapped[int] = mapped_column(ForeignKey("focus_area.id"), index=True)
    position: Mapped[int]
    theme: Mapped[str | None] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    comments: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    focus_area: Mapped[FocusArea] = relationship(lazy="raise")
    owner_links: Mapped[list[ActionOwner]] = relationship(
        lazy="raise", order_by=ActionOwner.position, cascade="all, delete-orphan"
    )
    milestones: Mapped[list["ActionMilestone"]] = relationship(
        lazy="raise", order_by="ActionMilestone.position", cascade="all, delete-orphan"
    )

    @property
    def owners(self) -> list[Owner]:
        return [link.owner for link in self.owner_links]


class ActionMilestone(DueMixin, DeliveryStateMixin, Base):
    """A dated sub-item of an action (e.g. 'Profile - April 2016')."""

    __tablename__ = "action_milestone"
    __table_args__ = (UniqueConstraint("action_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("business_improvement_action.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
