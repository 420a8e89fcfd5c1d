"""What /comparator-groups takes and answers (api/benchmarks/groups_router.py)."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from api.pagination import PageParams
from api.params import SCOPE_KEY_LENGTH
from api.schemas import Key, NotNull, WriteModel, refuse_null

GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=4000)]
# A scope as its users name it: key, GSS code, old LA number or name (api/kpis/scopes.py), bounded as a batch row's.
ScopeName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SCOPE_KEY_LENGTH)]
MAX_MEMBERS = 500
Members = Annotated[
    list[ScopeName],
    Field(
        min_length=1,
        max_length=MAX_MEMBERS,
        description="The places in the group, each by key, GSS code, old LA number or name "
        "(e.g. hartlepool, E06000001, 805 or Hartlepool), in the order to show them.",
        examples=[["hartlepool", "E06000002", "807", "Redcar and Cleveland", "darlington"]],
    ),
]
SUBJECT = (
    "The local authority built-in groups are worked out for (its scope key): the borough unless `scope` named "
    "another; null for a council's own group, which is the same for every subject."
)


class GroupMemberRead(BaseModel):
    key: str = Field(description="The member's scope key.")
    name: str
    gss_code: str | None
    old_la_code: str | None
    closeness: str | None = Field(
        default=None, description="A statistical neighbour's closeness in DfE's words, e.g. 'Very close'."
    )


class ComparatorGroupRead(BaseModel):
    key: str
    name: str
    description: str | None
    built_in: bool = Field(description="Worked out from DfE's geography and neighbour lists when read; never stored.")
    subject: str | None = Field(description=SUBJECT)
    member_count: int
    version: int | None = Field(
        description="A council's own group: also its ETag, sent back in If-Match to change it. Null for a built-in."
    )


class ComparatorGroupDetail(ComparatorGroupRead):
    members: list[GroupMemberRead]
    published: str | None = Field(
        description="The scope holding DfE's published figure for the group as a whole (England; the region)."
    )
    unmatched: list[str] = Field(
        description="Statistical neighbours (old LA numbers) that no scope is yet: import the places to add them."
    )
    created_by: str | None = Field(description="Who made a council's own group.")
    created_at: datetime | None
    updated_at: datetime | None


class GroupQuery(PageParams):
    scope: str | None = Field(
        default=None,
        max_length=SCOPE_KEY_LENGTH,
        description="The local authority built-in groups are for (default: the borough).",
    )


class ComparatorGroupCreate(WriteModel):
    key: Key = Field(examples=["tees-valley"])
    name: GroupName = Field(examples=["Tees Valley"])
    description: Description | None = Field(default=None, examples=["The five Tees Valley Combined Authority boroughs"])
    members: Members


class ComparatorGroupUpdate(WriteModel):
    """Fields to change; members, when given, replace the list. The key never changes."""

    name: GroupName | NotNull = None
    description: Description | None = None
    members: Members | NotNull = None

    _not_emptied = refuse_null("name", "members")
