from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    gss_code: Mapped[str] = mapped_column(String(9), unique=True)
    la_number: Mapped[int] = mapped_column(Integer, unique=True)


class Strategy(TimestampMixin, Base):
    __tablename__ = "strategy"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    period_start_date: Mapped[date]
    period_end_date: Mapped[date]
    foreword: Mapped[str | None] = mapped_column(Text)
    vision: Mapped[str] = mapped_column(Text)
    key_outcome: Mapped[str] = mapped_column(Text)
    culture_statement: Mapped[str | None] = mapped_column(Text)
    borough_profile: Mapped[str | None] = mapped_column(Text)
    # Other sections of the document by name (e.g. "delivery_part2"), as markdown.
    additional_text: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    key_objectives: Mapped[list["KeyObjective"]] = relationship(
        lazy="raise", order_by="KeyObjective.position", cascade="all, delete-orphan"
    )
    policy_principles: Mapped[list["PolicyPrinciple"]] = relationship(
        lazy="raise", order_by="PolicyPrinciple.position", cascade="all, delete-orphan"
    )
    focus_areas: Mapped[list["FocusArea"]] = relationship(
        lazy="raise", order_by="FocusArea.position", back_populates="strategy"
    )


class KeyObjective(Base):
    __tablename__ = "key_objective"
    __table_args__ = (UniqueConstraint("strategy_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class PolicyPrinciple(Base):
    """A Council Plan policy principle the strategy is built on."""

    __tablename__ = "policy_principle"
    __table_args__ = (UniqueConstraint("strategy_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class FocusArea(TimestampMixin, Base):
    __tablename__ = "focus_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    heading: Mapped[str | None] = mapped_column(String(200))
    story: Mapped[str | None] = mapped_column(Text)
    improvement_agenda: Mapped[str | None] = mapped_column(Text)
    # The focus area's row of the Part 1 summary table: five short lists of phrases.
    overview: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    strategy: Mapped[Strategy] = relationship(lazy="raise", back_populates="focus_areas")
    priorities: Mapped[list["Priority"]] = relationship(
        lazy="raise", order_by="Priority.position", cascade="all, delete-orphan"
    )
    key_actions: Mapped[list["KeyAction"]] = relationship(
        lazy="raise", order_by="KeyAction.number", cascade="all, delete-orphan"
    )


class Priority(Base):
    """A 'priority for excellence' of a focus area."""

    __tablename__ = "priority"
    __table_args__ = (UniqueConstraint("focus_area_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(ForeignKey("focus_area.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class KeyAction(Base):
    """A numbered Part 1 'key action' (change and improvement priority) under a focus area."""

    __tablename__ = "key_action"
    __table_args__ = (UniqueConstraint("focus_area_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(ForeignKey("focus_area.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
