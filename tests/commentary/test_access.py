"""Who may write commentary: whoever may write what it is about (a KPI's figures, an action's or project's progress),
for writing, editing and withdrawing alike; reading needs the read scope."""

from collections.abc import Awaitable, Callable

from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.commentary.conftest import (
    ACTION,
    KPI,
    KPI_COMMENTARIES,
    OTHER_ACTION,
    OTHER_KPI,
    PROJECT,
    report,
    update_commentaries,
)

KeyClient = Callable[..., Awaitable[AsyncClient]]
TEXT = {"text": "Why, and what we are doing about it"}


async def _kpi_commentary(client: AsyncClient) -> str:
    response = await client.post(KPI_COMMENTARIES, json={"period": "FY2016-17"} | TEXT)
    assert response.status_code == 201, response.text
    return str(response.headers["location"])


class TestReading:
    async def test_a_read_key_reads_but_cannot_write(
        self, client: AsyncClient, submitter: AsyncClient, loaded: Tally
    ) -> None:
        url = await _kpi_commentary(submitter)
        assert (await client.get(url)).status_code == 200
        assert (await client.get(f"{url}/revisions")).status_code == 200
        assert_page(await client.get(KPI_COMMENTARIES), total=1)
        refused = await client.post(KPI_COMMENTARIES, json={"period": "FY2016-17"} | TEXT)
        assert_problem(refused, 403, detail_contains="'kpi:submit'")
        for response in (
            await client.put(url, json=TEXT, headers={"If-Match": '"1"'}),
            await client.delete(url, headers={"If-Match": '"1"'}),
        ):
            assert_problem(response, 403, detail_contains="'kpi:submit', 'actions:write' or 'projects:write'")
        assert (await client.get(url)).headers["etag"] == '"1"'

    async def test_reading_needs_the_read_scope(
        self, key_client: KeyClient, submitter: AsyncClient, loaded: Tally
    ) -> None:
        url = await _kpi_commentary(submitter)
        async with await key_client(Scope.kpi_submit) as blind:
            assert_problem(await blind.get(url), 403, detail_contains="'read'")
            assert_problem(await blind.get(KPI_COMMENTARIES), 403, detail_contains="'read'")


class TestKpiCommentary:
    async def test_a_key_limited_to_other_kpis_may_not_write_or_change_this_ones(
        self, key_client: KeyClient, submitter: AsyncClient, loaded: Tally
    ) -> None:
        url = await _kpi_commentary(submitter)
        async with await key_client(Scope.read, Scope.kpi_submit, kpi_codes=[OTHER_KPI]) as limited:
            refused = await limited.post(KPI_COMMENTARIES, json={"period": "FY2016-17"} | TEXT)
            assert_problem(refused, 403, detail_contains=f"may not submit KPI '{KPI}'")
            assert_problem(await limited.put(url, json=TEXT, headers={"If-Match": '"1"'}), 403)
            assert_problem(await limited.delete(url, headers={"If-Match": '"1"'}), 403)
            own = await limited.post(f"/api/v1/kpis/{OTHER_KPI}/commentaries", json={"period": "2016/17"} | TEXT)
            assert own.status_code == 201, own.text
        assert (await submitter.get(url)).json()["revision"] == 1

    async def test_a_key_limited_to_this_kpi_may_edit_anothers_commentary(
        self, key_client: KeyClient, submitter: AsyncClient, loaded: Tally
    ) -> None:
        url = await _kpi_commentary(submitter)
        async with await key_client(Scope.read, Scope.kpi_submit, kpi_codes=[KPI], name="NEET team") as team:
            edited = await team.put(url, json={"text": "Tracking exercise finished"}, headers={"If-Match": '"1"'})
            assert edited.status_code == 200, edited.text
            assert edited.json()["updated_by"].endswith("(NEET team)")

    async def test_writing_on_actions_does_not_reach_kpi_commentary(
        self, csmt: AsyncClient, submitter: AsyncClient, loaded: Tally
    ) -> None:
        url = await _kpi_commentary(submitter)
        assert_problem(await csmt.put(url, json=TEXT, headers={"If-Match": '"1"'}), 403, detail_contains="'kpi:submit'")
        assert_problem(await csmt.delete(url, headers={"If-Match": '"1"'}), 403, detail_contains="'kpi:submit'")


class TestUpdateCommentary:
    async def test_an_owner_limited_key_writes_only_on_its_owners_items(
        self, key_client: KeyClient, csmt: AsyncClient, action_update: int
    ) -> None:
        other_update = await report(csmt, "actions", OTHER_ACTION)
        async with await key_client(Scope.read, Scope.actions_write, owner_codes=["AD SLAC"], name="AD SLAC") as slac:
            mine = await slac.post(update_commentaries("actions", ACTION, action_update), json=TEXT)
            assert mine.status_code == 201, mine.text
            assert mine.json()["created_by"].endswith("(AD SLAC)")
            theirs = await slac.post(update_commentaries("actions", OTHER_ACTION, other_update), json=TEXT)
            assert_problem(theirs, 403, detail_contains="AD EHPP")
        csmt_url = (await csmt.post(update_commentaries("actions", OTHER_ACTION, other_update), json=TEXT)).headers[
            "location"
        ]
        async with await key_client(Scope.read, Scope.actions_write, owner_codes=["AD SLAC"]) as slac:
            assert_problem(await slac.put(csmt_url, json={"text": "mine now"}, headers={"If-Match": '"1"'}), 403)
            assert_problem(await slac.delete(csmt_url, headers={"If-Match": '"1"'}), 403)
            edited = await slac.put(mine.headers["location"], json={"text": "Revised"}, headers={"If-Match": '"1"'})
            assert edited.status_code == 200, edited.text

    async def test_the_items_own_scope_is_needed(
        self, key_client: KeyClient, csmt: AsyncClient, submitter: AsyncClient, action_update: int, project_update: int
    ) -> None:
        on_action = await csmt.post(update_commentaries("actions", ACTION, action_update), json=TEXT)
        on_project = await csmt.post(update_commentaries("projects", PROJECT, project_update), json=TEXT)
        headers = {"If-Match": '"1"'}
        assert_problem(
            await submitter.put(on_action.headers["location"], json=TEXT, headers=headers),
            403,
            detail_contains="'actions:write'",
        )
        async with await key_client(Scope.read, Scope.actions_write) as actions_only:
            refused = await actions_only.post(update_commentaries("projects", PROJECT, project_update), json=TEXT)
            assert_problem(refused, 403, detail_contains="'projects:write'")
            assert_problem(
                await actions_only.delete(on_project.headers["location"], headers=headers),
                403,
                detail_contains="'projects:write'",
            )
            withdrawn = await actions_only.delete(on_action.headers["location"], headers=headers)
            assert withdrawn.status_code == 200, withdrawn.text

    async def test_a_project_without_a_lead_is_beyond_every_owner_limited_key(
        self, key_client: KeyClient, project_update: int
    ) -> None:
        async with await key_client(Scope.read, Scope.projects_write, owner_codes=["AD SLAC"]) as slac:
            refused = await slac.post(update_commentaries("projects", PROJECT, project_update), json=TEXT)
            assert_problem(refused, 403, detail_contains="led by nobody")
