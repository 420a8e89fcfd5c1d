from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime, utcnow
from api.delivery import DeliveryStatus, Rag


class ProgressUpdate(Base):
    """A report of how an action or project stands. Append-only: the latest one is the item's current state."""

    __tablename__ = "progress_update"
    __table_args__ = (
        CheckConstraint("(action_id IS NULL) <> (project_id IS NULL)", name="one_item"),
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_complete_range"),
        Index("ix_progress_update_action_as_of", "action_id", "as_of_date"),
        Index("ix_progress_update_project_as_of", "project_id", "as_of_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("business_improvement_action.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("transformation_project.id"))
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(DeliveryStatus, native_enum=False, length=20, create_constraint=True, name="delivery_status")
    )
    rag: Mapped[Rag | None] = mapped_column(Enum(Rag, native_enum=False, length=10, create_constraint=True, name="rag"))
    percent_complete: Mapped[int | None]
    commentary: Mapped[str | None] = mapped_column(Text)
    as_of_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
