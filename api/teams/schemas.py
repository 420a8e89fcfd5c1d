from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AliasPath, Field, StringConstraints

from api.schemas import Key, LongText, NotNull, OwnerCode, ReadModel, WriteModel, refuse_null

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Role = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Field(description="The manager's role (\"Team manager\"), never a person's name.", examples=["Team manager"]),
]


class TeamKind(StrEnum):
    """The kinds of scope this resource manages (ScopeKind's team and locality)."""

    team = "team"
    locality = "locality"


class TeamRead(ReadModel):
    key: str
    name: str
    kind: TeamKind
    parent: str | None = Field(
        validation_alias=AliasPath("parent", "key"),
        description="Key of the scope it rolls up to: the borough, or a locality.",
    )
    service_owner: str | None = Field(
        validation_alias=AliasPath("service_owner", "code"),
        description="Code of the owner the team answers to (e.g. 'AD SLAC').",
    )
    manager_role: str | None
    description: str | None
    version: int = Field(description="Also the ETag: send it back in If-Match to change the team.")
    created_at: datetime
    updated_at: datetime


class TeamCreate(WriteModel):
    key: Key = Field(examples=["children-in-care-team"])
    name: Name = Field(examples=["Children in Care Team"])
    kind: TeamKind = TeamKind.team
    parent: Key | None = Field(
        default=None, description="Key of the borough or locality it rolls up to (default: the borough)."
    )
    service_owner: OwnerCode | None = Field(default=None, description="Code of the owner the team answers to.")
    manager_role: Role | None = None
    description: LongText | None = None


class TeamUpdate(WriteModel):
    """Fields to change; the key never changes (figures are filed under it)."""

    name: Name | NotNull = None
    parent: Key | NotNull = None
    service_owner: OwnerCode | None = None
    manager_role: Role | None = None
    description: LongText | None = None

    _not_emptied = refuse_null("name", "parent")
