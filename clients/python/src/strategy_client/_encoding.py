"""How arguments become a request: query strings, path segments and JSON bodies (shared by both clients)."""

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

API = "/api/v1"
QueryValue = str | int | float | bool | date | datetime | Enum | None
Query = dict[str, str | list[str]]


def segment(value: object) -> str:
    """One path segment, its slashes escaped (a period such as 2016/17 stays one segment)."""
    return quote(str(value), safe="")


def period(code: str) -> str:
    """A period for a path, where a slash cannot travel: its code (FY2016-17, AY2016-17, 2016-07 ...)."""
    if "/" in code:
        raise ValueError(
            f"'{code}' cannot be sent in a URL path: write the period's code, FY{code.replace('/', '-')} for a "
            f"financial year or AY{code.replace('/', '-')} for an academic one."
        )
    return code


def path(*parts: object) -> str:
    """`/api/v1/` and the parts, each escaped: path("kpis", code, "values") -> /api/v1/kpis/<code>/values."""
    return API + "".join("/" + segment(part) for part in parts)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def query(params: Mapping[str, object]) -> Query:
    """Query parameters as the API reads them: None left out, booleans as true/false, dates in ISO form, a list as
    the parameter repeated."""
    encoded: Query = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            encoded[name] = [_text(item) for item in value]
        else:
            encoded[name] = _text(value)
    return encoded


def body(changes: BaseModel | Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body from a model (only the fields set on it), a mapping, and keyword fields (which win)."""
    if isinstance(changes, BaseModel):
        given: dict[str, Any] = changes.model_dump(mode="json", exclude_unset=True, by_alias=True)
    else:
        given = dict(changes or {})
    merged = to_jsonable_python({**given, **fields})
    assert isinstance(merged, dict)
    return merged


def request_id() -> str:
    """A request id the client chooses, so that even a request that never got an answer can be traced."""
    return uuid.uuid4().hex


def idempotency_key() -> str:
    return str(uuid.uuid4())
