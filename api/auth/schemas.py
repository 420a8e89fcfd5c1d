from datetime import datetime

from pydantic import Field, field_validator

from api.auth.models import Scope
from api.schemas import Key, Moment, OwnerCode, ReadModel, WriteModel


class ApiKeyCreate(WriteModel):
    name: str = Field(min_length=1, max_length=120, examples=["case-management (RAISE replacement)"])
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope), examples=[["read", "kpi:submit"]])
    kpi_codes: list[Key] | None = Field(
        default=None, max_length=1000, description="Limit KPI submissions to these KPI codes (default: any KPI)."
    )
    owner_codes: list[OwnerCode] | None = Field(
        default=None,
        max_length=100,
        description="Limit action and project writes to items these owners (codes or aliases) are responsible for.",
    )
    expires_at: Moment | None = Field(default=None, description="When the key stops working (ISO 8601).")
    note: str | None = Field(default=None, max_length=1000)

    @field_validator("expires_at")
    @classmethod
    def _in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value <= datetime.now(value.tzinfo):
            raise ValueError("must be in the future")
        return value


class ApiKeyRead(ReadModel):
    id: str = Field(validation_alias="key_id", description="The key's public id (part of the token).")
    name: str
    scopes: list[Scope]
    kpi_codes: list[str] | None
    owner_codes: list[str] | None = Field(
        default=None, description="The owners the key is limited to, by their codes as they are now."
    )
    note: str | None
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="Accurate to about a minute.")


class ApiKeyCreated(ApiKeyRead):
    key: str | None = Field(
        description="The bearer token. Shown this once: only a hash of it is stored (null when an Idempotency-Key "
        "replays the answer: revoke the key and mint another if the token was lost)."
    )


class CurrentKey(ReadModel):
    id: str | None = Field(description="Public id of the key, or null for anonymous access.")
    name: str
    scopes: list[Scope]
    kpi_codes: list[str] | None
    owner_codes: list[str] | None
