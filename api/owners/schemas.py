from datetime import datetime
from typing import Annotated

from pydantic import AliasPath, Field, StringConstraints

from api.owners.models import OwnerKind
from api.schemas import Key, NotNull, OwnerCode, ReadModel, WriteModel, refuse_null

Code = OwnerCode
Aliases = Annotated[list[OwnerCode], Field(max_length=20, description="Other spellings the document uses.")]
FullName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(max_length=4000)]


class OwnerRef(ReadModel):
    key: str
    code: str = Field(description="As the document writes it, e.g. 'AD SLAC'.")
    full_name: str | None


class OwnerRead(OwnerRef):
    kind: OwnerKind
    parent: str | None = Field(
        default=None, validation_alias=AliasPath("parent", "key"), description="Key of the parent owner."
    )
    aliases: list[str]
    name_inferred: bool = Field(description="True when the full name was inferred rather than read.")
    note: str | None
    version: int = Field(description="Also the ETag: send it back in If-Match to change the owner.")
    archived_at: datetime | None


class OwnerDetail(OwnerRead):
    children: list[OwnerRef] = Field(description="Owners whose parent this is.")


class OwnerCreate(WriteModel):
    key: Key = Field(examples=["ad-slac"])
    code: Code = Field(examples=["AD SLAC"], description="As the document writes it in a Who column.")
    full_name: FullName | None = Field(default=None, examples=["Assistant Director, Safeguarding and Looked After"])
    kind: OwnerKind
    parent: Code | None = Field(default=None, description="Code of the (live) owner this one reports to.")
    aliases: Aliases = Field(default_factory=list)
    note: Note | None = None


class OwnerUpdate(WriteModel):
    """Fields to change; send parent null to detach the owner from its parent. The key never changes."""

    code: Code | NotNull = None
    full_name: FullName | None = Field(default=None, description="Setting it marks the name as read, not inferred.")
    kind: OwnerKind | NotNull = None
    parent: Code | None = None
    aliases: Aliases | NotNull = None
    note: Note | None = None

    _not_emptied = refuse_null("code", "kind", "aliases")
