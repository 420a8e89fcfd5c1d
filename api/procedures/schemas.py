from datetime import datetime
from typing import Annotated

from pydantic import AliasPath, Field, StringConstraints

from api.pagination import ChangedQuery
from api.procedures.models import ProcedureStatus
from api.schemas import Key, LongText, NotNull, ReadModel, WriteModel, refuse_null

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ProcedureChangeRead(ReadModel):
    key: str
    title: str
    description: str | None
    focus_area: str | None = Field(
        validation_alias=AliasPath("focus_area", "key"), default=None, description="Focus area key."
    )
    status: ProcedureStatus = Field(
        description="Moved only by meetings' decisions: tested with the ODG, then approved (or rejected) at CSMT, in "
        "the order the routing rules' steps give."
    )
    version: int = Field(description="Also the ETag: send it back in If-Match to change the procedure change.")
    created_at: datetime
    updated_at: datetime


class ProcedureChangeCreate(WriteModel):
    """A proposed change to a procedure or process; it starts as proposed."""

    key: Key = Field(examples=["missing-episodes"])
    title: Title = Field(examples=["Record missing episodes on the day they end"])
    description: LongText | None = None
    focus_area: Key | None = Field(default=None, description="The focus area it serves, by key.")


class ProcedureChangeUpdate(WriteModel):
    """Fields to change; the status moves only by decisions."""

    title: Title | NotNull = None
    description: LongText | None = None
    focus_area: Key | None = None

    _not_emptied = refuse_null("title")


class ProcedureChangeQuery(ChangedQuery):
    status: ProcedureStatus | None = None
    focus_area: Key | None = Field(None, description="Focus area key.")
