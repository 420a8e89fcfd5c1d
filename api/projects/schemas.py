from datetime import date, datetime

from pydantic import Field

from api.delivery import DeliveryStatus, DueKind, Rag
from api.owners.schemas import OwnerRef
from api.projects.models import PidStatus
from api.schemas import ReadModel


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
    savings_target_pence: int | None = Field(description="Savings target in pence.")
    savings_target_text: str | None
    savings_target_date: date | None
    status: DeliveryStatus
    rag: Rag | None
    note: str | None
    created_at: datetime
    updated_at: datetime
