"""AsyncClient: every resource of the API on one connection pool."""

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Self, TypeVar

import httpx

from strategy_client._async._core import AsyncHTTP
from strategy_client._async.actions import AsyncActions
from strategy_client._async.admin import AsyncApiKeys, AsyncAudit, AsyncDataQuality, AsyncEvents, AsyncHealth
from strategy_client._async.assurance import AsyncAssurance
from strategy_client._async.benchmarks import AsyncBenchmarks, AsyncComparatorGroups
from strategy_client._async.commentaries import AsyncCommentaries
from strategy_client._async.governance import (
    AsyncExceptionRules,
    AsyncPerformanceExceptions,
    AsyncRouting,
    AsyncRoutingRules,
)
from strategy_client._async.kpis import AsyncKpis, AsyncNationalIndicators, AsyncScorecard
from strategy_client._async.meetings import AsyncMeetings, AsyncProcedureChanges
from strategy_client._async.owners import AsyncGovernanceBodies, AsyncOwners, AsyncTeams
from strategy_client._async.packs import AsyncPacks
from strategy_client._async.projects import AsyncProjects
from strategy_client._async.returns import AsyncReturns
from strategy_client._async.sign_offs import AsyncSignOffs
from strategy_client._async.strategy import AsyncFocusAreas, AsyncOrganisations, AsyncScopes, AsyncStrategies
from strategy_client._async.submissions import AsyncKpiSubmissions
from strategy_client._async.webhooks import AsyncWebhooks
from strategy_client._model import Model
from strategy_client._retry import RetryPolicy

ModelT = TypeVar("ModelT", bound=Model)


class AsyncClient:
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
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        policy = RetryPolicy(max_retries=max_retries, backoff=backoff)
        self._http = http = AsyncHTTP(
            base_url, api_key, timeout=timeout, policy=policy, transport=transport, user_agent=user_agent
        )
        self.organisations = AsyncOrganisations(http)
        self.strategies = AsyncStrategies(http)
        self.focus_areas = AsyncFocusAreas(http)
        self.owners = AsyncOwners(http)
        self.teams = AsyncTeams(http)
        self.governance_bodies = AsyncGovernanceBodies(http)
        self.routing_rules = AsyncRoutingRules(http)
        self.routing = AsyncRouting(http)
        self.exception_rules = AsyncExceptionRules(http)
        self.performance_exceptions = AsyncPerformanceExceptions(http)
        self.actions = AsyncActions(http)
        self.projects = AsyncProjects(http)
        self.kpis = AsyncKpis(http)
        self.scopes = AsyncScopes(http)
        self.scorecard = AsyncScorecard(http)
        self.kpi_submissions = AsyncKpiSubmissions(http)
        self.commentaries = AsyncCommentaries(http)
        self.returns = AsyncReturns(http)
        self.sign_offs = AsyncSignOffs(http)
        self.assurance = AsyncAssurance(http)
        self.national_indicators = AsyncNationalIndicators(http)
        self.comparator_groups = AsyncComparatorGroups(http)
        self.benchmarks = AsyncBenchmarks(http)
        self.data_quality = AsyncDataQuality(http)
        self.api_keys = AsyncApiKeys(http)
        self.audit = AsyncAudit(http)
        self.events = AsyncEvents(http)
        self.packs = AsyncPacks(http)
        self.webhooks = AsyncWebhooks(http)
        self.meetings = AsyncMeetings(http)
        self.procedure_changes = AsyncProcedureChanges(http)
        self.health = AsyncHealth(http)

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying httpx client (base URL, key and timeout set), for a call the SDK does not wrap."""
        return self._http.client

    def etag(self, url: str) -> str | None:
        """The last ETag this client saw for an item's path (e.g. /api/v1/actions/<key>)."""
        return self._http.etags.get(url)

    async def refresh(self, model: ModelT) -> ModelT:
        """Read ``model`` again from where it was read (the same URL and query), sending the ETag it came with: the
        same object back while the answer is unchanged (the server answers 304, without the body), else the new
        answer. For a dashboard polling a pack, the scorecard or a list; StrategyError for a model no GET gave."""
        return await self._http.refresh(model)

    async def watch(self, model: ModelT, *, every: float = 60.0) -> AsyncIterator[ModelT]:
        """Each newer answer to ``model``'s read, as it changes: polls every ``every`` seconds with refresh() (304s
        while nothing changes) and yields only what differs from the last answer. Runs until the caller stops."""
        current = model
        while True:
            await asyncio.sleep(every)
            newer = await self._http.refresh(current)
            if newer is not current:
                current = newer
                yield newer

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
