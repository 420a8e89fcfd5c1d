from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime, utcnow


class Scope(StrEnum):
    read = "read"  # every GET under /api/v1
    kpi_submit = "kpi:submit"  # KPI values, single and batch
    actions_write = "actions:write"  # business improvement actions and their progress
    projects_write = "projects:write"  # transformation projects, their progress and savings
    governance_write = "governance:write"  # owners, governance bodies, routing rules, packs
    assurance_write = "assurance:write"  # the assurance programme's activities (audits, observations, visits ...)
    approve = "approve"  # sign off KPI figures (approve or return), for the owners the key is limited to
    webhooks_manage = "webhooks:manage"  # the key's own webhook subscriptions, their deliveries and replays
    admin = "admin"  # everything, including API keys


class ApiKey(Base):
    """A bearer key for another system or a person. Only a hash of the secret is stored."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)  # public part of the token, e.g. "k7f3a9c2e"
    secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the whole token
    name: Mapped[str] = mapped_column(String(120))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    # None means unrestricted; a list limits writes to those KPI codes (which never change) / to the items of those
    # owners, held by id so that renaming or swapping owner codes moves no rights.
    kpi_codes: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    owner_ids: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimitWindow(Base):
    """Requests counted per subject (a key, or an address for anonymous reads) per fixed window.

    Kept in the database so every worker counts against the same limit.
    """

    __tablename__ = "rate_limit_window"
    __table_args__ = (UniqueConstraint("subject", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(80))
    window_start: Mapped[int] = mapped_column(Integer)  # epoch seconds, a multiple of the window length
    count: Mapped[int] = mapped_column(Integer, default=0)
