from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin, UTCDateTime, VersionedMixin


class OwnerKind(StrEnum):
    role = "role"
    team = "team"
    board = "board"
    partnership = "partnership"
    service = "service"


class Owner(VersionedMixin, TimestampMixin, Base):
    """Whoever the document names in a Who column: a role, a team, a board or a partnership."""

    __tablename__ = "owner"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[OwnerKind] = mapped_column(
        Enum(OwnerKind, native_enum=False, length=20, create_constraint=True, name="owner_kind")
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"), index=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    # True when the full name was expanded from usage rather than read in the document.
    name_inferred: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parent: Mapped["Owner | None"] = relationship(remote_side=[id], lazy="raise")
