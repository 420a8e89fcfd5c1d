from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Protocol

from pydantic import Field, StringConstraints

from api.delivery import DeliveryStatus, DueKind, Rag
from api.owners.schemas import OwnerRef
from api.projects.models import PidStatus
from api.schemas import Key, NotNull, OwnerCode, Pence, ReadModel, WriteModel, refuse_null

Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
FocusAreas = Annotated[list[Key], Field(min_length=1, max_length=20, description="Focus area keys, primary first.")]


class ProjectRead(ReadModel):
    key: str
    title: str
    description: str | None
    focus_areas: list[str] = Field(description="Focus area keys, the primary one first.")
    lead: OwnerRef | None
    pid_status: PidStatus
    deadline_text: str | None
    deadline_kind: DueKind
    deadline_date: date | None
    savings_target_pence: int | None = Field(description="The whole savings target the strategy states, in pence.")
    savings_target_text: str | None
    savings_target_date: date | None
    status: DeliveryStatus = Field(description="From the latest progress update.")
    rag: Rag | None
    percent_complete: int | None
    last_update_on: date | None
    overdue: bool = Field(default=False, description="Past its deadline and not complete.")
    stale: bool = Field(default=False, description="Open, and no progress update for longer than allowed.")
    note: str | None
    version: int = Field(description="Also the ETag: send it back in If-Match to change the project.")
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ProjectCreate(WriteModel):
    key: Key
    title: Title
    description: str | None = Field(default=None, max_length=4000)
    focus_areas: FocusAreas
    lead: OwnerCode | None = Field(default=None, description="Owner code of the lead.")
    pid_status: PidStatus = PidStatus.none
    deadline: str | None = Field(default=None, max_length=100, examples=["March 2018"])
    savings_target_pence: Pence | None = None
    savings_target_when: str | None = Field(default=None, max_length=100, examples=["March 2017"])
    note: str | None = Field(default=None, max_length=4000)


class ProjectUpdate(WriteModel):
    """Fields to change; status and RAG change only through progress updates."""

    title: Title | NotNull = None
    description: str | None = Field(default=None, max_length=4000)
    focus_areas: FocusAreas | NotNull = None
    lead: OwnerCode | None = Field(default=None, description="Owner code of the lead; null for none.")
    pid_status: PidStatus | NotNull = None
    deadline: str | None = Field(default=None, max_length=100)
    savings_target_pence: Pence | None = None
    savings_target_when: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=4000)

    _not_emptied = refuse_null("title", "focus_areas", "pid_status")


class SavingsIn(WriteModel):
    target_pence: Pence
    forecast_pence: Pence | None = None
    delivered_pence: Pence | None = None
    note: str | None = Field(default=None, max_length=2000)


class SavingsRead(ReadModel):
    project: str
    financial_year: str
    target_pence: int
    forecast_pence: int | None
    delivered_pence: int | None
    forecast_gap_pence: int | None = Field(description="Target minus forecast: what the forecast falls short by.")
    delivered_gap_pence: int | None = Field(description="Target minus delivered: what is still to bank.")
    note: str | None
    updated_at: datetime


class PlannedSavings(Protocol):
    """A year's savings as any row or read of them holds them: no forecast or delivery yet counts as nothing."""

    @property
    def target_pence(self) -> int: ...
    @property
    def forecast_pence(self) -> int | None: ...
    @property
    def delivered_pence(self) -> int | None: ...


class SavingsTotals(ReadModel):
    target_pence: int
    forecast_pence: int
    delivered_pence: int
    forecast_gap_pence: int
    delivered_gap_pence: int

    @classmethod
    def of(cls, rows: Iterable[PlannedSavings]) -> "SavingsTotals":
        """The rows added up, with the gaps between target and forecast and between target and delivered."""
        target = forecast = delivered = 0
        for row in rows:
            target += row.target_pence
            forecast += row.forecast_pence or 0
            delivered += row.delivered_pence or 0
        return cls(
            target_pence=target,
            forecast_pence=forecast,
            delivered_pence=delivered,
            forecast_gap_pence=target - forecast,
            delivered_gap_pence=target - delivered,
        )


class ProgrammeSavings(ReadModel):
    financial_year: str
    projects: list[SavingsRead]
    totals: SavingsTotals
