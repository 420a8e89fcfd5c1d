"""Signing off a KPI figure: states, grants, four eyes, stale revisions, history and the audit trail."""

from collections.abc import Awaitable, Callable

from httpx import AsyncClient

from api.auth.models import Scope
from tests.signoffs.conftest import ASSESSMENTS, FIGURE, NEET, SIGN_OFFS, Desk, decide


class TestStates:
    async def test_a_submitted_figure_awaits_sign_off(self, desk: Desk) -> None:
        await desk.submit(7)
        answer = await desk.submitter.get(FIGURE)
        body = answer.json()
        assert body["sign_off_state"] == "awaiting_sign_off"
        assert (body["sign_off"], body["approved_revision"]) == (None, None)

    async def test_approving_makes_the_figure_approved(self, desk: Desk) -> None:
        await desk.submit(7)
        answer = await decide(desk.schools, 1)
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["sign_off_state"] == "approved"
        assert body["sign_off"]["decision"] == "approved"
        assert "AD Schools approver" in body["sign_off"]["decided_by"]
        assert body["approved_revision"] == 1
        assert answer.headers["ETag"] == '"1"'
        assert answer.headers["Location"] == FIGURE
        read = (await desk.submitter.get(FIGURE)).json()
        assert (read["sign_off_state"], read["approved_revision"]) == ("approved", 1)

    async def test_returning_needs_reasons(self, desk: Desk) -> None:
        await desk.submit(7)
        answer = await decide(desk.schools, 1, "returned")
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["loc"] == ["body", "reasons"]
        assert (await desk.submitter.get(FIGURE)).json()["sign_off_state"] == "awaiting_sign_off"

    async def test_a_returned_figure_shows_its_reasons(self, desk: Desk) -> None:
        await desk.submit(7)
        answer = await decide(desk.schools, 1, "returned", reasons="Excludes the September cohort")
        assert answer.status_code == 201, answer.text
        read = (await desk.submitter.get(FIGURE)).json()
        assert read["sign_off_state"] == "returned"
        assert read["sign_off"]["reasons"] == "Excludes the September cohort"

    async def test_a_correction_after_approval_awaits_sign_off_again(self, desk: Desk) -> None:
        await desk.submit(7)
        assert (await decide(desk.schools, 1)).status_code == 201
        await desk.submit(8)
        read = (await desk.submitter.get(FIGURE)).json()
        assert (read["revision"], read["sign_off_state"], read["approved_revision"]) == (2, "awaiting_sign_off", 1)
        assert (await decide(desk.schools, 2)).status_code == 201
        assert (await desk.submitter.get(FIGURE)).json()["approved_revision"] == 2

    async def test_a_decision_is_made_once(self, desk: Desk) -> None:
        await desk.submit(7)
        assert (await decide(desk.schools, 1)).status_code == 201
        again = await decide(desk.anyone, 1, "returned", reasons="late")
        assert again.status_code == 409
        assert "already approved" in again.json()["detail"]

    async def test_a_comparators_figure_is_not_signed_off(self, desk: Desk) -> None:
        await desk.submit(6, f"{FIGURE}?scope=england")
        answer = await desk.anyone.post(f"{SIGN_OFFS}?scope=england", json={"decision": "approved", "revision": 1})
        assert answer.status_code == 422
        assert (await desk.submitter.get(f"{FIGURE}?scope=england")).json()["sign_off_state"] is None

    async def test_a_context_figure_is_not_signed_off_nor_queued(self, desk: Desk) -> None:
        context = "/api/v1/kpis/children-under-18-population/values"
        [seeded, *_] = (await desk.submitter.get(context)).json()["items"]
        assert seeded["sign_off_state"] is None
        answer = await desk.anyone.post(f"{context}/{seeded['period']}/sign-offs", json={"decision": "approved"})
        assert answer.status_code == 422
        queue = (await desk.anyone.get("/api/v1/sign-offs?limit=200")).json()["items"]
        assert "children-under-18-population" not in {item["kpi"] for item in queue}


class TestStaleRevisions:
    async def test_approving_a_revision_since_corrected_is_refused(self, desk: Desk) -> None:
        await desk.submit(7)
        await desk.submit(8)
        answer = await decide(desk.schools, 1)
        assert answer.status_code == 409
        assert "revision 2" in answer.json()["detail"]
        assert (await desk.submitter.get(FIGURE)).json()["sign_off_state"] == "awaiting_sign_off"

    async def test_if_match_with_an_old_etag_is_refused(self, desk: Desk) -> None:
        await desk.submit(7)
        etag = (await desk.submitter.get(FIGURE)).headers["ETag"]
        await desk.submit(8)
        answer = await desk.schools.post(SIGN_OFFS, json={"decision": "approved"}, headers={"If-Match": etag})
        assert answer.status_code == 412

    async def test_if_match_with_the_current_etag_approves(self, desk: Desk) -> None:
        await desk.submit(7)
        etag = (await desk.submitter.get(FIGURE)).headers["ETag"]
        answer = await desk.schools.post(SIGN_OFFS, json={"decision": "approved"}, headers={"If-Match": etag})
        assert answer.status_code == 201, answer.text

    async def test_naming_no_revision_and_no_etag_is_refused(self, desk: Desk) -> None:
        await desk.submit(7)
        assert (await desk.schools.post(SIGN_OFFS, json={"decision": "approved"})).status_code == 428


class TestGrants:
    async def test_a_key_without_the_approve_scope_is_403(self, desk: Desk, admin: AsyncClient) -> None:
        await desk.submit(7)
        assert (await decide(desk.submitter, 1)).status_code == 403

    async def test_an_approver_for_another_owner_is_403(
        self, desk: Desk, key_client: Callable[..., Awaitable[AsyncClient]]
    ) -> None:
        await desk.submit(7)
        async with await key_client(Scope.read, Scope.approve, owner_codes=["AD SLAC"]) as slac:
            answer = await decide(slac, 1)
        assert answer.status_code == 403
        assert "AD Schools" in answer.json()["detail"]
        assert (await desk.submitter.get(FIGURE)).json()["sign_off_state"] == "awaiting_sign_off"

    async def test_an_owner_limited_approver_approves_its_own_kpis_only(self, desk: Desk) -> None:
        path = f"/api/v1/kpis/{ASSESSMENTS}/values/FY2016-17"
        await desk.submit(80, path)
        refused = await desk.schools.post(f"{path}/sign-offs", json={"decision": "approved", "revision": 1})
        assert refused.status_code == 403
        allowed = await desk.anyone.post(f"{path}/sign-offs", json={"decision": "approved", "revision": 1})
        assert allowed.status_code == 201

    async def test_the_key_that_submitted_a_figure_may_not_approve_it(
        self, loaded: object, key_client: Callable[..., Awaitable[AsyncClient]]
    ) -> None:
        async with await key_client(Scope.read, Scope.kpi_submit, Scope.approve, name="both") as both:
            assert (await both.put(FIGURE, json={"value": 7})).status_code == 201
            answer = await decide(both, 1)
            assert answer.status_code == 403
            assert "Four eyes" in answer.json()["detail"]
            returned = await decide(both, 1, "returned", reasons="I keyed it wrongly")
            assert returned.status_code == 201

    async def test_an_unknown_kpi_or_figure_is_404(self, desk: Desk) -> None:
        assert (await desk.anyone.post(SIGN_OFFS, json={"decision": "approved", "revision": 1})).status_code == 404
        missing = "/api/v1/kpis/no-such-kpi/values/FY2016-17/sign-offs"
        assert (await desk.anyone.post(missing, json={"decision": "approved", "revision": 1})).status_code == 404


class TestHistoryAndAudit:
    async def test_history_shows_every_step(self, desk: Desk) -> None:
        await desk.submit(7)
        await decide(desk.schools, 1, "returned", reasons="Wrong cohort")
        await desk.submit(8)
        await decide(desk.schools, 2)
        await desk.submit(9)
        page = (await desk.submitter.get(f"/api/v1/kpis/{NEET}/values?period=FY2016-17&history=true")).json()
        steps = [(v["revision"], v["sign_off_state"], (v["sign_off"] or {}).get("reasons")) for v in page["items"]]
        assert steps == [(1, "returned", "Wrong cohort"), (2, "approved", None), (3, "awaiting_sign_off", None)]
        assert all(v["submitted_by"] and v["submitted_at"] for v in page["items"])
        assert [v["approved_revision"] for v in page["items"]] == [2, 2, 2]

    async def test_every_decision_is_in_the_audit_trail_and_change_feed(self, desk: Desk, admin: AsyncClient) -> None:
        await desk.submit(7)
        await decide(desk.schools, 1, "returned", reasons="Wrong cohort")
        await desk.submit(8)
        await decide(desk.schools, 2)
        key = f"{NEET}/stockton-on-tees/FY2016-17"
        audit = (await admin.get(f"/api/v1/audit?resource=kpi_value&id={key}")).json()["items"]
        events = sorted(audit, key=lambda event: event["seq"])
        assert [event["action"] for event in events] == ["create", "return", "update", "approve"]
        assert "AD Schools approver" in events[1]["actor"]
        feed = (await admin.get(f"/api/v1/events?after={events[0]['seq'] - 1}")).json()["events"]
        kinds = [event["kind"] for event in feed if event["resource"] == "kpi_value" and event["id"] == key]
        assert kinds == ["create", "return", "update", "approve"]
