"""The real strategy, a performance officer who submits figures and approvers with the `approve` scope."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from httpx import AsyncClient, Response

from api.auth.models import Scope

NEET = "neet-not-known-16-19"  # a Council Plan KPI; AD Schools is accountable (seed/returns.yaml)
ASSESSMENTS = "assessments-completed-in-45-days"  # a Council Plan KPI; AD SLAC is accountable
FIGURE = f"/api/v1/kpis/{NEET}/values/FY2016-17"
SIGN_OFFS = f"{FIGURE}/sign-offs"


@dataclass
class Desk:
    """The keys of a sign-off: who submits, and who approves."""

    submitter: AsyncClient
    schools: AsyncClient  # approves for AD Schools only
    anyone: AsyncClient  # approves for any owner

    async def submit(self, value: float, path: str = FIGURE) -> Response:
        answer = await self.submitter.put(path, json={"value": value})
        assert answer.status_code in (200, 201), answer.text
        return answer


async def decide(client: AsyncClient, revision: int, decision: str = "approved", **more: object) -> Response:
    return await client.post(SIGN_OFFS, json={"decision": decision, "revision": revision, **more})


@pytest.fixture
async def desk(
    loaded: object, submitter: AsyncClient, key_client: Callable[..., Awaitable[AsyncClient]]
) -> AsyncIterator[Desk]:
    schools = await key_client(Scope.read, Scope.approve, owner_codes=["AD Schools"], name="AD Schools approver")
    anyone = await key_client(Scope.read, Scope.approve, name="head of performance")
    async with schools, anyone:
        yield Desk(submitter, schools, anyone)
