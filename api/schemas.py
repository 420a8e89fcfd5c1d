"""Base classes for request and response schemas."""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer


class ReadModel(BaseModel):
    """A response body read from ORM objects."""

    model_config = ConfigDict(from_attributes=True, validate_by_name=True, validate_by_alias=True)


class WriteModel(BaseModel):
    """A request body: unknown (including read-only) fields are rejected, never ignored."""

    model_config = ConfigDict(extra="forbid")


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
