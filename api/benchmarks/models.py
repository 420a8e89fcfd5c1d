"""National comparison: DfE's statistical neighbours, and comparator groups a council makes for itself.

The built-in groups (England, the region, statistical neighbours under each DfE model, all English local
authorities) are worked out from the scopes' geography and the neighbour lists when they are read, so that an import
that adds places or a new neighbour model changes them at once (api/benchmarks/groups.py); only a council's own
groups are stored as members here.
"""

from sqlalchemy import ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin, VersionedMixin
from api.kpis.models import Scope


class StatisticalNeighbour(Base):
    """One of a local authority's ten statistical neighbours under one of DfE's models, by old LA number (DfE's
    files name authorities that way), nearest first."""

    __tablename__ = "statistical_neighbour"

    model: Mapped[str] = mapped_column(String(10), primary_key=True)  # "2021", "2025"
    la_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # 1 = nearest
    neighbour_code: Mapped[str] = mapped_column(String(3))
    closeness: Mapped[str | None] = mapped_column(String(40))  # DfE's words: "Very Close", "Close", ...


class ComparatorGroup(VersionedMixin, TimestampMixin, Base):
    """A council's own set of places to compare with (e.g. "Tees Valley"), made through the API."""

    __tablename__ = "comparator_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)

    members: Mapped[list["ComparatorGroupMember"]] = relationship(
        cascade="all, delete-orphan", order_by="ComparatorGroupMember.position", lazy="raise"
    )


class ComparatorGroupMember(Base):
    __tablename__ = "comparator_group_member"

    group_id: Mapped[int] = mapped_column(ForeignKey("comparator_group.id", ondelete="CASCADE"), primary_key=True)
    scope_id: Mapped[int] = mapped_column(ForeignKey("scope.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(SmallInteger)

    scope: Mapped[Scope] = relationship(lazy="raise")
