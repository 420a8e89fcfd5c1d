"""Base classes for request and response schemas, and the bounded types every request field is built from.

Bad input is refused here, once, with a 422 naming the field, rather than reaching the database (where PostgreSQL
answers a NUL character, an overlong string or an out-of-range number with an error, not a refusal):

- text: every string a request carries, in a body, a query or a path, is refused if it holds a NUL character, and
  is bounded by its column's length (each field states its own `max_length`);
- figures: decimals fit NUMERIC(18, 6) (12 whole digits, 6 decimal places) and are finite;
- integers fit their column (ids and sequence numbers are INTEGER), dates and times fall between 1900 and 2999.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
)

INT32_MAX = 2**31 - 1
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
NUL = "\x00"
NUL_MESSAGE = "must not contain a NUL character"
ValueT = TypeVar("ValueT")


def _nul_free(value: ValueT) -> ValueT:
    """Refuse NUL in a string, or in any string inside a list, tuple, set or dict (keys included)."""
    if isinstance(value, str):
        if NUL in value:
            raise ValueError(NUL_MESSAGE)
    elif isinstance(value, dict):
        _nul_free(list(value.keys()))
        _nul_free(list(value.values()))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _nul_free(item)
    return value


class _NulFree(BaseModel):
    @field_validator("*", mode="after", check_fields=False)
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _nul_free(value)


class ReadModel(BaseModel):
    """A response body read from ORM objects."""

    model_config = ConfigDict(from_attributes=True, validate_by_name=True, validate_by_alias=True)


class WriteModel(_NulFree):
    """A request body: unknown (including read-only) fields are rejected, never ignored; no text holds a NUL."""

    model_config = ConfigDict(extra="forbid")


class QueryModel(_NulFree):
    """A route's query parameters as one model: unknown parameters are rejected; no text holds a NUL."""

    model_config = ConfigDict(extra="forbid")


def _within_dates(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must fall between {EARLIEST.year} and {LATEST.year}")
    return value


def _utc(value: datetime) -> datetime:
    _within_dates(value)
    return value.astimezone(UTC)


SafeStr = Annotated[str, AfterValidator(_nul_free)]
# A stable key (slug) of an action, project, owner, focus area, body, rule or KPI code.
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=80)]
# An owner's code as the document writes it in a Who column ("AD SLAC"); owner.code is VARCHAR(40).
OwnerCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
# A figure as stored: NUMERIC(18, 6).
Figure = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=18, decimal_places=6)]
Pence = Annotated[int, Field(ge=0, le=10**13, description="Pence (£100bn at most).")]
Day = Annotated[date, AfterValidator(_within_dates)]
Moment = Annotated[AwareDatetime, AfterValidator(_utc)]
Int32 = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
Id = Annotated[int, Field(ge=1, le=INT32_MAX)]  # primary keys are INTEGER


def _number(value: Decimal) -> int | float:
    """A figure as a JSON number: whole figures without a decimal point."""
    return int(value) if value == value.to_integral_value() else float(value)


Number = Annotated[Decimal, PlainSerializer(_number, return_type=int | float, when_used="json")]


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema with its $defs inlined, for OpenAPI request bodies documented by hand."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved
