from pydantic import AliasPath, Field

from api.governance.models import BodyStatus, Cadence
from api.schemas import ReadModel


class GovernanceBodyRead(ReadModel):
    key: str
    code: str | None
    name: str
    cadence: Cadence = Field(description="How often it meets.")
    cadence_inferred: bool = Field(description="True when the document does not state the cadence.")
    status: BodyStatus
    owner: str | None = Field(
        default=None, validation_alias=AliasPath("owner", "key"), description="Key of the matching owner."
    )
    description: str | None
    aliases: list[str]
