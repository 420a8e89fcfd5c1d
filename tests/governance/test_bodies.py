from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from api.governance.models import BodyStatus, Cadence
from tests.asserts import assert_page, assert_problem
from tests.factories import make_body, make_owner


async def _bodies(session: AsyncSession) -> None:
    csmt_owner = await make_owner(session, "CSMT")
    await make_body(session, "CSMT", owner_id=csmt_owner.id, aliases=["CYPMT"])
    await make_body(session, "Cabinet", name="Cabinet", cadence=Cadence.monthly)
    await make_body(session, "Children's Board", key="childrens-programme-board", name="Children's Programme Board")
    await make_body(
        session, "Performance clinic", name="Performance clinic", status=BodyStatus.stood_down, cadence=Cadence.monthly
    )
    await make_body(session, "LSCB", name="Local Safeguarding Children Board", cadence=Cadence.quarterly)
    await session.commit()


class TestGovernanceBodies:
    async def test_list_by_code(self, client: AsyncClient, session: AsyncSession) -> None:
        await _bodies(session)
        items = assert_page(await client.get("/api/v1/governance-bodies"), total=5)
        assert [b["code"] for b in items] == sorted(b["code"] for b in items)
        csmt = next(b for b in items if b["code"] == "CSMT")
        assert csmt["owner"] == "csmt"
        assert csmt["aliases"] == ["CYPMT"]
        assert csmt["cadence"] == "monthly"

    async def test_filters_by_status_and_cadence(self, client: AsyncClient, session: AsyncSession) -> None:
        await _bodies(session)
        stood_down = assert_page(await client.get("/api/v1/governance-bodies?status=stood_down"), total=1)
        assert stood_down[0]["code"] == "Performance clinic"
        quarterly = assert_page(await client.get("/api/v1/governance-bodies?cadence=quarterly"), total=1)
        assert quarterly[0]["code"] == "LSCB"

    async def test_get_one_and_404(self, client: AsyncClient, session: AsyncSession) -> None:
        await _bodies(session)
        body = (await client.get("/api/v1/governance-bodies/childrens-programme-board")).json()
        assert body["name"] == "Children's Programme Board"
        assert_problem(await client.get("/api/v1/governance-bodies/nope"), 404, detail_contains="governance body")
