"""Python SDK for the Children's Services Strategy API: `Client` (sync) and `AsyncClient`, the same methods.

from strategy_client import Client

with Client("http://127.0.0.1:8000", api_key="...") as client:
    for kpi in client.kpis.list(tier="council_plan"):
        print(kpi.code, kpi.name)
"""

from strategy_client import models
from strategy_client._async.client import AsyncClient
from strategy_client._model import Model
from strategy_client._sync.client import Client
from strategy_client.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    StrategyError,
    TransportError,
    Unauthorized,
    UnprocessableEntity,
)

__version__ = "0.1.0"
__all__ = [
    "ApiError",
    "AsyncClient",
    "BadRequest",
    "Client",
    "Conflict",
    "Forbidden",
    "Model",
    "NotFound",
    "PayloadTooLarge",
    "PreconditionFailed",
    "PreconditionRequired",
    "RateLimited",
    "ServerError",
    "ServiceUnavailable",
    "StrategyError",
    "TransportError",
    "Unauthorized",
    "UnprocessableEntity",
    "__version__",
    "models",
]
