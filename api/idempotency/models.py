from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime, utcnow


class IdempotencyRecord(Base):
    """The first response to a POST sent with an Idempotency-Key, replayed when the same key comes again.

    Keys are per API key, so two systems cannot collide; kept at least 24 hours.
    """

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("owner", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(40))  # "key:<public id>" of the API key that sent it
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path, query and body
    status_code: Mapped[int]
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
    response_headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")  # Location, ETag
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
