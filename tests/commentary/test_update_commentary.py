"""Commentary on a progress update of an action or a project: written and listed under the update, which must be
that item's."""

import pytest
from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.commentary.conftest import ACTION, OTHER_ACTION, PROJECT, report, update_commentaries


class TestOnAnAction:
    async def test_created_listed_and_read_with_its_author(self, csmt: AsyncClient, action_update: int) -> None:
        url = update_commentaries("actions", ACTION, action_update)
        first = await csmt.post(url, json={"text": "Sufficiency statement slipped to November"})
        assert first.status_code == 201, first.text
        body = first.json()
        assert first.headers["location"] == f"/api/v1/commentaries/{body['id']}"
        assert first.headers["etag"] == '"1"'
        assert (body["action"], body["progress_update_id"], body["kpi"], body["period"]) == (
            ACTION,
            action_update,
            None,
            None,
        )
        assert body["created_by"].endswith("(CSMT)")
        second = await csmt.post(url, json={"text": "Recovery plan agreed at CSMT"})
        items = assert_page(await csmt.get(url), total=2)
        assert [item["id"] for item in items] == [body["id"], second.json()["id"]], "oldest first"
        assert (await csmt.get(first.headers["location"])).json() == body

    async def test_an_update_of_another_action_is_404(self, csmt: AsyncClient, action_update: int) -> None:
        elsewhere = update_commentaries("actions", OTHER_ACTION, action_update)
        assert_problem(await csmt.post(elsewhere, json={"text": "x"}), 404, detail_contains=str(action_update))
        assert_problem(await csmt.get(elsewhere), 404)
        nowhere = update_commentaries("actions", ACTION, action_update + 1000)
        assert_problem(await csmt.post(nowhere, json={"text": "x"}), 404)
        assert_problem(await csmt.post(update_commentaries("actions", "no-such-action", 1), json={"text": "x"}), 404)

    async def test_a_projects_update_is_not_an_actions(self, csmt: AsyncClient, project_update: int) -> None:
        assert_problem(await csmt.post(update_commentaries("actions", ACTION, project_update), json={"text": "x"}), 404)

    @pytest.mark.parametrize(
        ("body", "field"),
        [({"text": "x", "period": "2016/17"}, "period"), ({"text": "a\x00b"}, "text"), ({"text": "x" * 4001}, "text")],
    )
    async def test_bad_bodies_are_422(
        self, csmt: AsyncClient, action_update: int, body: dict[str, object], field: str
    ) -> None:
        url = update_commentaries("actions", ACTION, action_update)
        problem = assert_problem(await csmt.post(url, json=body), 422)
        assert problem["errors"][0]["loc"] == ["body", field]
        assert_page(await csmt.get(url), total=0)

    async def test_an_archived_action_takes_no_more_commentary(self, csmt: AsyncClient, action_update: int) -> None:
        etag = (await csmt.get(f"/api/v1/actions/{ACTION}")).headers["etag"]
        assert (await csmt.delete(f"/api/v1/actions/{ACTION}", headers={"If-Match": etag})).status_code == 200
        response = await csmt.post(update_commentaries("actions", ACTION, action_update), json={"text": "x"})
        assert_problem(response, 409, detail_contains="archived")


class TestOnAProject:
    async def test_created_and_listed(self, csmt: AsyncClient, project_update: int) -> None:
        url = update_commentaries("projects", PROJECT, project_update)
        response = await csmt.post(url, json={"text": "Process mapping starts in October"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["project"], body["action"], body["progress_update_id"]) == (PROJECT, None, project_update)
        assert [item["id"] for item in assert_page(await csmt.get(url), total=1)] == [body["id"]]

    async def test_an_update_of_another_project_is_404(self, csmt: AsyncClient, loaded: Tally) -> None:
        other = await report(csmt, "projects", "review-of-youth-services")
        assert_problem(await csmt.post(update_commentaries("projects", PROJECT, other), json={"text": "x"}), 404)
