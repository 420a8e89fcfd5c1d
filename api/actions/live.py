"""A live action as reports read it: a light row, not an ORM object (a large council has thousands of actions)."""

from dataclasses import dataclass
from datetime import date

from api.delivery import DeliveryStatus, DueKind


@dataclass(frozen=True, slots=True)
class OwnerRef:
    id: int
    code: str


@dataclass(frozen=True, slots=True)
class MilestoneDue:
    due_date: date | None
    status: DeliveryStatus


@dataclass(frozen=True, slots=True)
class LiveAction:
    """What packs, routing and the performance challenge read of an action that is not archived."""

    id: int
    key: str
    what: str
    focus_area_id: int
    due_text: str | None
    due_kind: DueKind
    due_date: date | None
    status: DeliveryStatus
    last_update_on: date | None
    owners: tuple[OwnerRef, ...]  # in the order written
    milestones: tuple[MilestoneDue, ...]
