# Generated from _async/client.py by clients/python/scripts/generate.py (make clients): do not edit.
"""SyncClient: every resource of the API on one connection pool."""

import time
from collections.abc import Iterator
from types import TracebackType
from typing import Self, TypeVar

import httpx

from strategy_client._model import Model
from strategy_client._retry import RetryPolicy
from strategy_client._sync._core import HTTP
from strategy_client._sync.actions import Actions
from strategy_client._sync.admin import ApiKeys, Audit, DataQuality, Events, Health
from strategy_client._sync.assurance import Assurance
from strategy_client._sync.benchmarks import Benchmarks, ComparatorGroups
from strategy_client._sync.commentaries import Commentaries
from strategy_client._sync.governance import (
    ExceptionRules,
    PerformanceExceptions,
    Routing,
    RoutingRules,
)
from strategy_client._sync.kpis import Kpis, NationalIndicators, Scorecard
from strategy_client._sync.meetings import Meetings, ProcedureChanges
from strategy_client._sync.owners import GovernanceBodies, Owners, Teams
from strategy_client._sync.packs import Packs
from strategy_client._sync.projects import Projects
from strategy_client._sync.returns import Returns
from strategy_client._sync.sign_offs import SignOffs
from strategy_client._sync.strategy import FocusAreas, Organisations, Scopes, Strategies
from strategy_client._sync.submissions import KpiSubmissions
from strategy_client._sync.webhooks import Webhooks

ModelT = TypeVar("ModelT", bound=Model)


class Client:
    """The Children's Services Strategy API.

    ``base_url`` is the server's root (a trailing /api/v1 is accepted too). Failed calls raise ApiError subclasses
    (NotFound, PreconditionFailed ...) carrying the problem details and request id, or TransportError. 429 and 503
    answers and lost connections are retried up to ``max_retries`` times, waiting as Retry-After says or backing
    off exponentially from ``backoff`` seconds; every POST carries one Idempotency-Key across its tries.
    """

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        api_key: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        policy = RetryPolicy(max_retries=max_retries, backoff=backoff)
        self._http = http = HTTP(
            base_url, api_key, timeout=timeout, policy=policy, transport=transport, user_agent=user_agent
        )
        self.organisations = Organisations(http)
        self.strategies = Strategies(http)
        self.focus_areas = FocusAreas(http)
        self.owners = Owners(http)
        self.teams = Teams(http)
        self.governance_bodies = GovernanceBodies(http)
        self.routing_rules = RoutingRules(http)
        self.routing = Routing(http)
        self.exception_rules = ExceptionRules(http)
        self.performance_exceptions = PerformanceExceptions(http)
        self.actions = Actions(http)
        self.projects = Projects(http)
        self.kpis = Kpis(http)
        self.scopes = Scopes(http)
        self.scorecard = Scorecard(http)
        self.kpi_submissions = KpiSubmissions(http)
        self.commentaries = Commentaries(http)
        self.returns = Returns(http)
        self.sign_offs = SignOffs(http)
        self.assurance = Assurance(http)
        self.national_indicators = NationalIndicators(http)
        self.comparator_groups = ComparatorGroups(http)
        self.benchmarks = Benchmarks(http)
        self.data_quality = DataQuality(http)
        self.api_keys = ApiKeys(http)
        self.audit = Audit(http)
        self.events = Events(http)
        self.packs = Packs(http)
        self.webhooks = Webhooks(http)
        self.meetings = Meetings(http)
        self.procedure_changes = ProcedureChanges(http)
        self.health = Health(http)

    @property
    def http(self) -> httpx.Client:
        """The underlying httpx client (base URL, key and timeout set), for a call the SDK does not wrap."""
        return self._http.client

    def etag(self, url: str) -> str | None:
        """The last ETag this client saw for an item's path (e.g. /api/v1/actions/<key>)."""
        return self._http.etags.get(url)

    def refresh(self, model: ModelT) -> ModelT:
        """Read ``model`` again from where it was read (the same URL and query), sending the ETag it came with: the
        same object back while the answer is unchanged (the server answers 304, without the body), else the new
        answer. For a dashboard polling a pack, the scorecard or a list; StrategyError for a model no GET gave."""
        return self._http.refresh(model)

    def watch(self, model: ModelT, *, every: float = 60.0) -> Iterator[ModelT]:
        """Each newer answer to ``model``'s read, as it changes: polls every ``every`` seconds with refresh() (304s
        while nothing changes) and yields only what differs from the last answer. Runs until the caller stops."""
        current = model
        while True:
            time.sleep(every)
            newer = self._http.refresh(current)
            if newer is not current:
                current = newer
                yield newer

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
