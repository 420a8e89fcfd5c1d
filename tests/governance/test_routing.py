"""Routing as data: every kind of item reaches the bodies the strategy names, and the rules are editable."""

import pytest
from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_problem


async def _bodies(client: AsyncClient, item: str) -> dict[str, str]:
    response = await client.get(f"/api/v1/routing/resolve?item={item}")
    assert response.status_code == 200, response.text
    return {route["body"]: route["rule"] for route in response.json()["routes"]}


class TestTheDocumentsRules:
    @pytest.mark.parametrize(
        ("item", "expected"),
        [
            ("project:lean-review", {"childrens-programme-board": "projects-to-childrens-programme-board"}),
            ("action:cin-implement-graded-care-profile-2", {"csmt": "actions-to-csmt"}),
            (
                "kpi:neet-not-known-16-19",
                {
                    "cabinet": "council-plan-kpis-to-cabinet",
                    "cyp-select-committee": "council-plan-kpis-to-cyp-select-committee",
                },
            ),
            ("exception:kpi:neet-not-known-16-19", {"csmt": "performance-challenge-to-csmt"}),
            (
                "focus-area:early-help",
                {"cabinet": "progress-to-cabinet", "cyp-select-committee": "progress-to-cyp-select-committee"},
            ),
            ("kpi:children-in-care", {}),
        ],
    )
    async def test_every_item_kind_reaches_its_bodies(
        self, client: AsyncClient, loaded: Tally, item: str, expected: dict[str, str]
    ) -> None:
        assert await _bodies(client, item) == expected

    async def test_procedure_changes_are_tested_with_the_odg_then_approved_at_csmt(
        self, client: AsyncClient, governor: AsyncClient, loaded: Tally
    ) -> None:
        proposed = {"key": "missing-episodes", "title": "Record missing episodes on the day they end"}
        assert (await governor.post("/api/v1/procedure-changes", json=proposed)).status_code == 201
        response = await client.get("/api/v1/routing/resolve", params={"item": "procedure-change:missing-episodes"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["kind"], body["item"]) == ("procedure_change", "procedure-change:missing-episodes")
        routes = [(route["step"], route["body"], route["report"]) for route in body["routes"]]
        assert routes == [
            (1, "odg", "Sounding board for immediate procedure changes"),
            (2, "csmt", "Approval of procedure changes"),
        ]

    async def test_a_rules_step_is_bounded_and_orders_its_routes(self, governor: AsyncClient, loaded: Tally) -> None:
        rule = {"key": "procedure-changes-first-to-lscb", "item_kind": "procedure_change", "body": "lscb"}
        for bad in (0, 21, "first"):
            assert_problem(await governor.post("/api/v1/routing-rules", json=rule | {"step": bad}), 422)
        created = await governor.post("/api/v1/routing-rules", json=rule | {"step": 1})
        assert created.json()["step"] == 1
        etag = (await governor.get("/api/v1/routing-rules/procedure-changes-tested-with-odg")).headers["etag"]
        later = await governor.patch(
            "/api/v1/routing-rules/procedure-changes-tested-with-odg", json={"step": 3}, headers={"If-Match": etag}
        )
        assert later.json()["step"] == 3
        assert (await governor.post("/api/v1/procedure-changes", json={"key": "x", "title": "X"})).status_code == 201
        resolved = (await governor.get("/api/v1/routing/resolve?item=procedure-change:x")).json()["routes"]
        assert [route["body"] for route in resolved] == ["lscb", "csmt", "odg"]

    async def test_an_unknown_procedure_change_is_not_found(self, client: AsyncClient, loaded: Tally) -> None:
        response = await client.get("/api/v1/routing/resolve", params={"item": "procedure-change:never-proposed"})
        assert_problem(response, 404, detail_contains="never-proposed")

    async def test_a_body_that_only_approves_procedure_changes_gets_no_pack_section_for_them(
        self, client: AsyncClient, loaded: Tally
    ) -> None:
        pack = (await client.get("/api/v1/governance-bodies/csmt/pack")).json()
        assert not {"procedure-changes-approved-at-csmt"} & set(pack["rules"])
        assert "Approval of procedure changes" not in pack["reports"]

    async def test_items_no_rule_reaches_are_reported(self, client: AsyncClient, loaded: Tally) -> None:
        unrouted = (await client.get("/api/v1/routing/unrouted")).json()["items"]
        assert {u["item"] for u in unrouted} == {f"kpi:{code}" for code in CONTEXT_KPIS}
        assert {u["kind"] for u in unrouted} == {"kpi"}

    async def test_bad_items(self, client: AsyncClient, loaded: Tally) -> None:
        assert_problem(await client.get("/api/v1/routing/resolve?item=widget:1"), 422, detail_contains="action:<key>")
        assert_problem(await client.get("/api/v1/routing/resolve?item=action:nope"), 404)


class TestEditingRules:
    async def test_a_new_rule_routes_an_owners_actions_and_is_audited(
        self, governor: AsyncClient, loaded: Tally
    ) -> None:
        rule = {
            "key": "lscb-actions-to-lscb",
            "item_kind": "business_improvement_action",
            "owner": "LSCB",
            "body": "lscb",
            "report": "LSCB business plan update",
        }
        created = await governor.post("/api/v1/routing-rules", json=rule)
        assert created.status_code == 201, created.text
        bodies = await _bodies(governor, "action:cin-implement-graded-care-profile-2")
        assert bodies == {"csmt": "actions-to-csmt", "lscb": "lscb-actions-to-lscb"}
        assert await _bodies(governor, "action:cin-thematic-review-toxic-trio") == {"csmt": "actions-to-csmt"}
        archived = await governor.delete(
            "/api/v1/routing-rules/lscb-actions-to-lscb", headers={"If-Match": created.headers["etag"]}
        )
        assert archived.status_code == 200
        assert "lscb" not in await _bodies(governor, "action:cin-implement-graded-care-profile-2")
        events = (await governor.get("/api/v1/audit?resource=routing_rule&id=lscb-actions-to-lscb")).json()["items"]
        assert [e["action"] for e in events] == ["archive", "create"]

    async def test_patch_needs_if_match_and_checks_references(self, governor: AsyncClient, loaded: Tally) -> None:
        url = "/api/v1/routing-rules/actions-to-csmt"
        assert_problem(await governor.patch(url, json={"report": "x"}), 428)
        etag = (await governor.get(url)).headers["etag"]
        assert_problem(await governor.patch(url, json={"body": "nobody"}, headers={"If-Match": etag}), 422)
        assert_problem(await governor.patch(url, json={"kpi_tier": "council_plan"}, headers={"If-Match": etag}), 422)
        changed = await governor.patch(url, json={"report": "Monthly report"}, headers={"If-Match": etag})
        assert changed.json()["report"] == "Monthly report"

    async def test_a_read_key_cannot_change_rules(self, client: AsyncClient, loaded: Tally) -> None:
        rule = {"key": "x", "item_kind": "kpi", "body": "csmt"}
        assert_problem(await client.post("/api/v1/routing-rules", json=rule), 403)


CONTEXT_KPIS = {
    "children-under-18-population",
    "children-under-20-share-of-population",
    "child-poverty",
    "children-receiving-free-school-meals",
    "obesity-children-aged-4-5",
    "obesity-children-aged-10-11",
    "breastfeeding",
    "smoking-in-pregnancy",
    "pupils-in-schools",
    "primary-aged-children-in-good-or-better-schools-profile",
    "secondary-aged-children-in-good-or-better-schools-profile",
    "children-with-sen-statement",
    "children-with-ehcp",
    "children-in-care",
    "children-subject-to-child-protection-plan",
    "children-in-need",
    "live-early-help-assessments",
}
