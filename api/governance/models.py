from enum import StrEnum

from sqlalchemy import JSON, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin
from api.owners.models import Owner


class Cadence(StrEnum):
    weekly = "weekly"
    fortnightly = "fortnightly"
    monthly = "monthly"
    quarterly = "quarterly"
    termly = "termly"
    annual = "annual"
    as_required = "as_required"


class BodyStatus(StrEnum):
    active = "active"
    stood_down = "stood_down"
    proposed = "proposed"


class GovernanceBody(TimestampMixin, Base):
    """A board, team or committee that items report to."""

    __tablename__ = "governance_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    # The document's abbreviation (CSMT, LSCB); bodies it names only in full have none.
    code: Mapped[str | None] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    cadence: Mapped[Cadence] = mapped_column(
        Enum(Cadence, native_enum=False, length=20, create_constraint=True, name="cadence")
    )
    cadence_inferred: Mapped[bool] = mapped_column(default=False)
    status: Mapped[BodyStatus] = mapped_column(
        Enum(BodyStatus, native_enum=False, length=20, create_constraint=True, name="body_status"),
        default=BodyStatus.active,
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    owner: Mapped[Owner | None] = relationship(lazy="raise")
