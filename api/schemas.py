"""Base classes for request and response schemas, and the bounded types every request field is built from.

Bad input is refused here, once, with a 422 naming the field, rather than reaching the database (where PostgreSQL
answers a NUL character, an overlong string or an out-of-range number with an error, not a refusal):

- text: every string a request carries, in a body, a query or a path, is refused if it holds a NUL character, and
  is bounded by its column's length (each field states its own `max_length`);
- figures: decimals fit NUMERIC(18, 6) (12 whole digits, 6 decimal places) and are finite;
- integers fit their column (ids and sequence numbers are INTEGER), dates and times fall between 1900 and 2999.
"""

import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from api.identifiers import no_identifiers

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


class Counts(BaseModel):
    """How many fall under each value of an enumeration: one integer property per value (a typed object, not a map,
    so that a generated client has a field for each), every one present, 0 where there are none. A subclass declares
    a field for each of its `values`, checked when it is defined; a mapping that leaves values out (as packs issued
    before this shape stored them) reads as 0 for those."""

    model_config = ConfigDict(extra="forbid")
    values: ClassVar[tuple[str, ...]]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if list(cls.model_fields) != list(cls.values):
            raise TypeError(f"{cls.__name__} must have a field for each of {cls.values}, in that order")

    @model_validator(mode="before")
    @classmethod
    def _none_is_zero(cls, data: Any) -> Any:
        return {str(name): 0 for name in cls.values} | data if isinstance(data, dict) else data

    @classmethod
    def of(cls, values: Iterable[str]) -> Self:
        """Count these values."""
        return cls.model_validate(dict(Counter(str(value) for value in values)))

    def items(self) -> list[tuple[str, int]]:
        return [(str(name), getattr(self, name)) for name in self.values]


class ReadModel(BaseModel):
    """A response body read from ORM objects."""

    model_config = ConfigDict(from_attributes=True, validate_by_name=True, validate_by_alias=True)


class WriteModel(_NulFree):
    """A request body: unknown (including read-only) fields are rejected, never ignored; no text holds a NUL."""

    model_config = ConfigDict(extra="forbid")


class QueryModel(_NulFree):
    """A route's query parameters as one model: unknown parameters are rejected; no text holds a NUL."""

    model_config = ConfigDict(extra="forbid")


def refuse_null(*fields: str) -> Any:
    """A validator for fields a PATCH may leave out but may not empty (send as null); give such a field the type
    `X | NotNull` so the document does not offer null either."""

    def check(cls: type[BaseModel], value: object) -> object:
        if value is None:
            raise ValueError("cannot be emptied")
        return value

    return field_validator(*fields)(classmethod(check))


NotNull = SkipJsonSchema[None]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_text(value: object) -> object:
    """Dates and times as ISO 8601 text only: a bare number (which pydantic would read as a Unix time) is refused."""
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("must be an ISO 8601 date, e.g. 2016-09-30 (with a time: 2016-09-30T09:00:00Z)")
    if not isinstance(value, str | date):
        raise ValueError("must be an ISO 8601 date written as text, e.g. 2016-09-30")
    return value


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
# An ONS GSS code of a place (E92000001 England, E12000001 North East, E06000004 Stockton-on-Tees).
GssCode = Annotated[str, StringConstraints(pattern=r"^[EKNSW]\d{8}$", min_length=9, max_length=9)]
# A local authority's old three-digit number, as DfE's files give it (808).
LaNumber = Annotated[str, StringConstraints(pattern=r"^\d{3}$", min_length=3, max_length=3)]
OwnerCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
# Prose a person writes (commentary on a figure or a progress update): a TEXT column, bounded all the same; leading
# and trailing blanks are dropped, and nothing but blanks is no text.
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
# Free text about practice, never about a child (an audit's findings): also refused if it holds anything that looks
# like a child-level identifier (api/identifiers.py), with a 422 naming the field and the kind, never the text.
AnonymousText = Annotated[LongText, AfterValidator(no_identifiers)]
# A figure as stored: NUMERIC(18, 6), as a JSON number or as text (which keeps every digit).
FIGURE_LIMIT = 999_999_999_999.999999
Figure = Annotated[
    Decimal,
    Field(allow_inf_nan=False, max_digits=18, decimal_places=6),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": -FIGURE_LIMIT, "maximum": FIGURE_LIMIT},
                {"type": "string", "maxLength": 40, "pattern": r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"},
            ],
            "description": "At most 12 whole digits and 6 decimal places.",
        }
    ),
]
Pence = Annotated[int, Field(ge=0, le=10**13, description="Pence (£100bn at most).")]
Day = Annotated[date, BeforeValidator(_iso_text), AfterValidator(_within_dates)]
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_utc)]
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
