from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """One write: who made it, when, to what, and which fields changed (before and after)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_resource_key", "resource", "resource_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Gap-free and in commit order (see api/audit/service.py): the change feed's cursor.
    seq: Mapped[int] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))  # "key:k7f3a9c2e (case-management)", "seed", "cli"
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    resource: Mapped[str] = mapped_column(String(40))  # "api_key", "kpi_value", "action" ...
    resource_key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))  # "create", "update", "revoke", "archive" ...
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int | None]  # the resource's version after the change, where it has one


class ChangeCounter(Base):
    """One row holding the last change sequence number. Writers lock it until they commit, so numbers are handed
    out in commit order and a rolled-back write gives its number back: the feed has no gaps."""

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
