from pydantic import AliasPath, Field

from api.owners.models import OwnerKind
from api.schemas import ReadModel


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


class OwnerDetail(OwnerRead):
    children: list[OwnerRef] = Field(description="Owners whose parent this is.")
