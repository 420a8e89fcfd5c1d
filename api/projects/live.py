"""A live project as reports read it: a light row, not an ORM object, whether read from the tables or from the
plan as it was known at a past moment (api/revisions)."""

from dataclasses import dataclass
from datetime import date

from api.delivery import DeliveryStatus, DueKind
from api.projects.models import PidStatus


@dataclass(frozen=True, slots=True)
class LiveProject:
    id: int
    key: str
    title: str
    lead_owner_id: int | None
    lead: str | None  # the lead's code
    pid_status: PidStatus
    deadline_text: str | None
    deadline_kind: DueKind
    deadline_date: date | None
    focus_area_ids: tuple[int, ...]  # the primary first
    focus_areas: tuple[str, ...]  # their keys
    status: DeliveryStatus
    last_update_on: date | None


@dataclass(frozen=True, slots=True)
class YearSavings:
    """A project's savings for one financial year, in pence."""

    project_id: int
    financial_year: str
    target_pence: int
    forecast_pence: int | None
    delivered_pence: int | None
