from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime, utcnow


class PlanKind(StrEnum):
    action = "action"
    project = "project"
    savings = "savings"  # one project's savings for one financial year


class PlanRevision(Base):
    """What an action, a project or a year's savings said from one moment on: its plan as recorded by a write (the
    first when it was made; one more whenever a write changed it; archiving too). Packs built for a past moment
    read the latest revision recorded by then, as they read the latest revision of a KPI's figure."""

    __tablename__ = "plan_revision"
    __table_args__ = (UniqueConstraint("item_kind", "item_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[PlanKind] = mapped_column(
        Enum(PlanKind, native_enum=False, length=20, create_constraint=True, name="plan_kind")
    )
    item_id: Mapped[int]  # the action's, project's or project_savings row's id
    revision: Mapped[int]
    archived: Mapped[bool] = mapped_column(default=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
