from httpx import AsyncClient

from tests.asserts import assert_page, assert_problem
from tests.factories import Scenario


class TestListOwners:
    async def test_ordered_by_code_with_parent_keys(self, client: AsyncClient, scenario: Scenario) -> None:
        items = assert_page(await client.get("/api/v1/owners"), total=4)
        assert [o["code"] for o in items] == ["AD EHPP", "AD SLAC", "DCS", "LSCB"]
        ad_ehpp = items[0]
        assert ad_ehpp["parent"] == "dcs"
        assert ad_ehpp["aliases"] == ["Ad EHPP"]
        assert items[2]["parent"] is None

    async def test_filters(self, client: AsyncClient, scenario: Scenario) -> None:
        partnerships = assert_page(await client.get("/api/v1/owners?kind=partnership"), total=1)
        assert partnerships[0]["code"] == "LSCB"
        reports = assert_page(await client.get("/api/v1/owners?parent=dcs"), total=2)
        assert {o["code"] for o in reports} == {"AD EHPP", "AD SLAC"}
        found = assert_page(await client.get("/api/v1/owners?q=safeguarding"), total=1)
        assert found[0]["code"] == "LSCB"

    async def test_unknown_kind_is_a_422_problem_naming_the_parameter(self, client: AsyncClient) -> None:
        body = assert_problem(await client.get("/api/v1/owners?kind=wizard"), 422)
        assert body["errors"][0]["loc"] == ["query", "kind"]


class TestGetOwner:
    async def test_includes_children(self, client: AsyncClient, scenario: Scenario) -> None:
        body = (await client.get("/api/v1/owners/dcs")).json()
        assert body["full_name"] == "Director of Children's Services"
        assert [c["code"] for c in body["children"]] == ["AD EHPP", "AD SLAC"]

    async def test_unknown_owner_is_a_404_problem(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/owners/ad-nobody"), 404, detail_contains="owner")
