"""Path and query parameters that several routes share, bounded once (length, no NUL, 64-bit ids, plausible dates).

A route's own filters live in its query model (a QueryModel); these are the single values that sit beside it.
"""

from typing import Annotated

from fastapi import Path, Query

from api.schemas import Day, Id, SafeStr

CODE_LENGTH, PERIOD_LENGTH, SCOPE_KEY_LENGTH = 80, 20, 80  # also the figure lane's bounds (api/kpis/figure_lane.py)
NAMED_SCOPE = "A scope by key, GSS code, old LA number or name"  # as api/kpis/scopes.py reads one

KeyPath = Annotated[SafeStr, Path(max_length=80, description="The item's stable key (slug).")]
CodePath = Annotated[SafeStr, Path(max_length=CODE_LENGTH, description="The KPI's code.")]
NationalKeyPath = Annotated[
    SafeStr, Path(max_length=80, description="A national indicator's key (GET /national-indicators), e.g. cpp-2nd.")
]
PeriodPath = Annotated[
    SafeStr,
    Path(max_length=PERIOD_LENGTH, description="A period code, e.g. FY2016-17 (2016/17 cannot travel in a path)."),
]
KeyIdPath = Annotated[SafeStr, Path(max_length=16, description="The API key's public id.")]
IdPath = Annotated[Id, Path(description="The record's numeric id.")]
AsOfQuery = Annotated[Day | None, Query(description="Judge overdue and stale as at this date (default: today).")]
ScopeKeyQuery = Annotated[
    SafeStr | None, Query(max_length=SCOPE_KEY_LENGTH, description=f"{NAMED_SCOPE} (default: the borough).")
]
