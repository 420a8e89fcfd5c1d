"""Commentary: an owner's words on a KPI's figure for a period, or on a progress update ("why, and what we are doing
about it"). Never deleted and never overwritten: every version of the text is a revision, withdrawal included."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow


class Commentary(VersionedMixin, TimestampMixin, Base):
    """The current text of one commentary. Its version is its ETag and the number of its latest revision."""

    __tablename__ = "commentary"
    __table_args__ = (
        # About exactly one thing: a KPI's (borough) figure for a period, or a progress update.
        CheckConstraint("(kpi_id IS NULL) <> (progress_update_id IS NULL)", name="one_subject"),
        CheckConstraint(
            "(kpi_id IS NULL) = (period IS NULL) AND (period IS NULL) = (period_end_date IS NULL)",
            name="kpi_with_period",
        ),
        Index("ix_commentary_kpi_period", "kpi_id", "period_end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpi.id"))
    period: Mapped[str | None] = mapped_column(String(16))  # the period's code, normalised as KPI values' are
    period_end_date: Mapped[date | None]  # newest period first, whatever the codes' alphabetical order
    progress_update_id: Mapped[int | None] = mapped_column(ForeignKey("progress_update.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_by: Mapped[str] = mapped_column(String(200))  # who recorded the latest revision
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CommentaryRevision(Base):
    """One version of a commentary's text, as recorded: the first, each edit, and its withdrawal."""

    __tablename__ = "commentary_revision"
    __table_args__ = (
        UniqueConstraint("commentary_id", "revision"),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commentary_id: Mapped[int] = mapped_column(ForeignKey("commentary.id"))
    revision: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
