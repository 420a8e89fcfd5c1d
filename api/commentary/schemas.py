from datetime import datetime

from pydantic import Field

from api.pagination import ChangedQuery
from api.schemas import AnonymousText, ReadModel, WriteModel

PERIOD_FIELD = "The period's code (FY2016-17, 2016-07 ...) or 2016/17, read as the KPI's kind of year."


TEXT_FIELD = (
    "Why, and what we are doing about it (at most 4,000 characters; about practice and figures, never a child: text "
    "that looks like it identifies someone is refused)."
)


class CommentaryIn(WriteModel):
    """Commentary on a progress update, or a commentary's new text."""

    text: AnonymousText = Field(description=TEXT_FIELD)


class KpiCommentaryIn(WriteModel):
    """Commentary on a KPI's figure for the borough in one period."""

    period: str = Field(min_length=1, max_length=20, description=PERIOD_FIELD)
    text: AnonymousText = Field(description=TEXT_FIELD)


class CommentaryRead(ReadModel):
    """A commentary as it now stands. It is about a KPI's figure for a period (`kpi` and `period`) or a progress
    update (`progress_update_id`, with the `action` or `project` it reports on); the rest are null."""

    id: int
    kpi: str | None = Field(description="The KPI's code, for commentary on its figure.")
    period: str | None = Field(description="The period's code, for commentary on a KPI's figure.")
    action: str | None = Field(description="The action's key, for commentary on one of its progress updates.")
    project: str | None = Field(description="The project's key, for commentary on one of its progress updates.")
    progress_update_id: int | None = Field(description="The progress update, for commentary on one.")
    text: str = Field(description="The latest revision's text (a withdrawn commentary keeps its last).")
    revision: int = Field(description="The latest revision's number (also the ETag): 1 when written, +1 a change.")
    created_at: datetime
    created_by: str = Field(description="Who wrote it first (the key's public id and name).")
    updated_at: datetime
    updated_by: str = Field(description="Who recorded the latest revision.")
    withdrawn_at: datetime | None = Field(description="When it was withdrawn; packs no longer show it.")


class CommentaryRevisionRead(ReadModel):
    revision: int
    text: str
    withdrawn: bool = Field(description="This revision withdrew the commentary (its text is the last it had).")
    recorded_at: datetime
    recorded_by: str


class CommentaryQuery(ChangedQuery):
    """updated_since: written, changed or withdrawn since (withdrawn ones only with include_withdrawn=true)."""

    include_withdrawn: bool = Field(False, description="Include withdrawn commentary.")


class KpiCommentaryQuery(CommentaryQuery):
    period: str | None = Field(None, max_length=20, description="Only commentary on this period, e.g. FY2016-17.")
