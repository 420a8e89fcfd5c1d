"""Defining KPIs and setting their targets: ETags, If-Match, scopes, validation, the audit trail and list filters."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from api import db
from api.audit.models import AuditEvent
from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.factories import Scenario

KPIS = "/api/v1/kpis"
CP_REPEAT = f"{KPIS}/cp-repeat-plans"
NEW_KPI: dict[str, Any] = {
    "code": "ks2-expected-standard-rwm",
    "title": "Pupils reaching the expected standard in reading, writing and maths at Key Stage 2",
    "tier": "service_indicator",
    "unit": "percent",
    "decimal_places": 0,
    "polarity": "higher_better",
    "period_type": "academic_year",
    "focus_area": "children-in-need",
    "baseline_period": "2015/16",
    "baseline_value": 53,
    "baseline_note": "First year of the new assessments",
}
READ_ONLY_FIELDS = ("id", "position", "version", "created_at", "updated_at", "archived_at")
KeyClient = Callable[..., Awaitable[AsyncClient]]


async def kpi_events(code: str) -> Sequence[AuditEvent]:
    async with db.get_sessionmaker()() as session:
        statement = select(AuditEvent).where(AuditEvent.resource == "kpi", AuditEvent.resource_key == code)
        return (await session.scalars(statement.order_by(AuditEvent.seq))).all()


async def etag_of(client: AsyncClient, url: str) -> dict[str, str]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return {"If-Match": response.headers["ETag"]}


def targets(body: dict[str, Any]) -> dict[str, tuple[str, Decimal | None, Decimal | None]]:
    def number(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return {t["period"]: (t["kind"], number(t["value"]), number(t["amber_tolerance"])) for t in body["targets"]}


class TestCreateKpi:
    async def test_created_with_location_etag_and_normalised_baseline(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        response = await governor.post(KPIS, json=NEW_KPI)
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == f"{KPIS}/ks2-expected-standard-rwm"
        assert response.headers["ETag"] == '"1"'
        body = response.json()
        assert (body["baseline_period"], body["baseline_value"], body["focus_area"]) == (
            "AY2015-16",
            53,
            "children-in-need",
        )
        assert (body["version"], body["archived_at"], body["targets"], body["latest_values"]) == (1, None, [], [])
        assert (await governor.get(f"{KPIS}/ks2-expected-standard-rwm")).headers["ETag"] == '"1"'

    async def test_a_code_in_use_is_409(self, governor: AsyncClient, scenario: Scenario) -> None:
        assert_problem(
            await governor.post(KPIS, json=NEW_KPI | {"code": "cp-repeat-plans"}), 409, detail_contains="code"
        )

    @pytest.mark.parametrize(
        ("change", "loc"),
        [
            ({"baseline_period": "FY2015-16"}, ["body", "baseline_period"]),
            ({"baseline_period": "last year"}, ["body", "baseline_period"]),
            ({"baseline_period": None}, ["body", "baseline_period"]),
            ({"baseline_value": 140}, ["body", "baseline_value"]),
            ({"focus_area": "no-such-area"}, ["body", "focus_area"]),
            ({"decimal_places": 7}, ["body", "decimal_places"]),
            ({"code": "KS2 RWM"}, ["body", "code"]),
            ({"unit": "furlongs"}, ["body", "unit"]),
        ],
    )
    async def test_invalid_definitions_are_422_naming_the_field(
        self, governor: AsyncClient, scenario: Scenario, change: dict[str, Any], loc: list[str]
    ) -> None:
        body = assert_problem(await governor.post(KPIS, json=NEW_KPI | change), 422)
        assert body["errors"][0]["loc"] == loc

    async def test_a_context_kpi_takes_a_baseline_of_any_period_type(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        context = NEW_KPI | {"code": "pupils-on-roll", "tier": "context", "unit": "count", "baseline_period": "CY2016"}
        response = await governor.post(KPIS, json=context)
        assert response.status_code == 201, response.text
        assert response.json()["baseline_period"] == "CY2016"

    @pytest.mark.parametrize("field", READ_ONLY_FIELDS)
    async def test_read_only_fields_are_refused(self, governor: AsyncClient, scenario: Scenario, field: str) -> None:
        body = assert_problem(await governor.post(KPIS, json=NEW_KPI | {field: 3}), 422)
        assert {"loc": ["body", field], "msg": "Extra inputs are not permitted"} in body["errors"]


class TestUpdateKpi:
    async def test_patch_with_etag_moves_the_version_on(self, governor: AsyncClient, scenario: Scenario) -> None:
        headers = await etag_of(governor, CP_REPEAT)
        response = await governor.patch(CP_REPEAT, json={"national_code": "66", "decimal_places": 2}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"2"'
        assert (response.json()["national_code"], response.json()["decimal_places"]) == ("66", 2)
        assert (await governor.get(CP_REPEAT)).headers["ETag"] == '"2"'

    async def test_without_if_match_is_428(self, governor: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await governor.patch(CP_REPEAT, json={"note": "x"}), 428)

    async def test_a_stale_etag_is_412(self, governor: AsyncClient, scenario: Scenario) -> None:
        headers = await etag_of(governor, CP_REPEAT)
        assert (await governor.patch(CP_REPEAT, json={"note": "first"}, headers=headers)).status_code == 200
        assert_problem(await governor.patch(CP_REPEAT, json={"note": "second"}, headers=headers), 412)

    async def test_concurrent_patches_with_one_etag_one_wins(self, governor: AsyncClient, scenario: Scenario) -> None:
        headers = await etag_of(governor, CP_REPEAT)
        responses = await asyncio.gather(
            *(governor.patch(CP_REPEAT, json={"note": note}, headers=headers) for note in ("first", "second"))
        )
        assert sorted(response.status_code for response in responses) == [200, 412], [r.text for r in responses]
        assert [event.action for event in await kpi_events("cp-repeat-plans")] == ["update"]

    @pytest.mark.parametrize("change", [{"unit": "rate"}, {"period_type": "academic_year"}])
    async def test_unit_or_period_type_of_a_kpi_with_figures_is_409(
        self, governor: AsyncClient, scenario: Scenario, change: dict[str, str]
    ) -> None:
        response = await governor.patch(CP_REPEAT, json=change, headers=await etag_of(governor, CP_REPEAT))
        body = assert_problem(response, 409, detail_contains="figure")
        assert "new KPI" in body["detail"]

    async def test_unit_of_a_kpi_without_figures_may_change(self, governor: AsyncClient, scenario: Scenario) -> None:
        await governor.post(KPIS, json=NEW_KPI)
        url = f"{KPIS}/ks2-expected-standard-rwm"
        response = await governor.patch(url, json={"unit": "rate"}, headers=await etag_of(governor, url))
        assert (response.status_code, response.json()["unit"]) == (200, "rate")

    async def test_changing_period_type_rechecks_the_baseline(self, governor: AsyncClient, scenario: Scenario) -> None:
        await governor.post(KPIS, json=NEW_KPI)
        url = f"{KPIS}/ks2-expected-standard-rwm"
        response = await governor.patch(url, json={"period_type": "month"}, headers=await etag_of(governor, url))
        body = assert_problem(response, 422, detail_contains="AY2015-16")
        assert body["errors"][0]["loc"] == ["body", "baseline_period"]

    async def test_required_fields_cannot_be_emptied(self, governor: AsyncClient, scenario: Scenario) -> None:
        body = assert_problem(await governor.patch(CP_REPEAT, json={"title": None, "unit": None}), 422)
        assert [error["loc"] for error in body["errors"]] == [["body", "title"], ["body", "unit"]]

    @pytest.mark.parametrize("field", [*READ_ONLY_FIELDS, "code", "targets"])
    async def test_read_only_fields_are_refused(self, governor: AsyncClient, scenario: Scenario, field: str) -> None:
        headers = await etag_of(governor, CP_REPEAT)
        body = assert_problem(await governor.patch(CP_REPEAT, json={field: 4}, headers=headers), 422)
        assert body["errors"][0]["loc"] == ["body", field]


class TestArchiveKpi:
    async def test_archived_kpi_leaves_the_list_but_stays_readable(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        response = await governor.delete(CP_REPEAT, headers=await etag_of(governor, CP_REPEAT))
        assert response.status_code == 200, response.text
        assert (response.headers["ETag"], response.json()["archived_at"] is not None) == ('"2"', True)
        assert_page(await governor.get(KPIS), total=0)
        archived = assert_page(await governor.get(KPIS, params={"include_archived": "true"}), total=1)
        assert archived[0]["code"] == "cp-repeat-plans"
        assert (await governor.get(CP_REPEAT)).json()["latest_values"]
        assert [event.action for event in await kpi_events("cp-repeat-plans")] == ["archive"]

    async def test_needs_a_current_etag(self, governor: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await governor.delete(CP_REPEAT), 428)
        assert_problem(await governor.delete(CP_REPEAT, headers={"If-Match": '"9"'}), 412)
        assert_problem(await governor.delete(f"{KPIS}/nope", headers={"If-Match": '"1"'}), 404)


class TestSetTarget:
    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            ({"kind": "numeric", "value": 12.5, "amber_tolerance": 1}, ("numeric", Decimal("12.5"), Decimal(1))),
            ({"kind": "monitor", "note": "Watch the direction of travel"}, ("monitor", None, None)),
            ({"kind": "relative_to_national"}, ("relative_to_national", None, None)),
        ],
    )
    async def test_adds_a_target_and_moves_the_kpi_version_on(
        self,
        governor: AsyncClient,
        scenario: Scenario,
        target: dict[str, Any],
        expected: tuple[str, Decimal | None, Decimal | None],
    ) -> None:
        response = await governor.put(f"{CP_REPEAT}/targets/FY2017-18", json=target, headers={"If-Match": '"1"'})
        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"2"'
        assert targets(response.json()) == {"FY2016-17": ("monitor", None, None), "FY2017-18": expected}
        assert (await governor.get(CP_REPEAT)).headers["ETag"] == '"2"'

    async def test_replaces_the_target_for_a_period_written_in_lower_case(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        target = {"kind": "numeric", "value": 7}
        response = await governor.put(f"{CP_REPEAT}/targets/fy2016-17", json=target, headers={"If-Match": '"1"'})
        assert targets(response.json()) == {"FY2016-17": ("numeric", Decimal(7), None)}
        [event] = await kpi_events("cp-repeat-plans")
        assert event.before == {
            "targets.FY2016-17": {"kind": "monitor", "value": None, "amber_tolerance": None, "note": None}
        }

    async def test_the_same_target_again_changes_nothing(self, governor: AsyncClient, scenario: Scenario) -> None:
        response = await governor.put(
            f"{CP_REPEAT}/targets/FY2016-17", json={"kind": "monitor"}, headers={"If-Match": '"1"'}
        )
        assert (response.status_code, response.headers["ETag"]) == (200, '"1"')
        assert await kpi_events("cp-repeat-plans") == []

    @pytest.mark.parametrize(
        ("period", "target", "loc"),
        [
            ("FY2017-18", {"kind": "numeric"}, ["body", "value"]),
            ("FY2017-18", {"kind": "numeric", "value": None}, ["body", "value"]),
            ("FY2017-18", {"kind": "monitor", "value": 7}, ["body", "value"]),
            ("FY2017-18", {"kind": "relative_to_national", "amber_tolerance": 1}, ["body", "amber_tolerance"]),
            ("FY2017-18", {"kind": "numeric", "value": 7, "amber_tolerance": -1}, ["body", "amber_tolerance"]),
            ("FY2017-18", {"kind": "numeric", "value": 101}, ["body", "value"]),
            ("FY2017-18", {"kind": "stretch"}, ["body", "kind"]),
            ("FY2017-18", {"kind": "monitor", "id": 3}, ["body", "id"]),
            ("2017-04", {"kind": "monitor"}, ["path", "period"]),
            ("FY2017-18-Q1", {"kind": "monitor"}, ["path", "period"]),
            ("AY2017-18", {"kind": "monitor"}, ["path", "period"]),
            ("next-year", {"kind": "monitor"}, ["path", "period"]),
        ],
    )
    async def test_invalid_targets_are_422_naming_the_field(
        self, governor: AsyncClient, scenario: Scenario, period: str, target: dict[str, Any], loc: list[str]
    ) -> None:
        response = await governor.put(f"{CP_REPEAT}/targets/{period}", json=target, headers={"If-Match": '"1"'})
        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == loc

    async def test_needs_a_current_etag_of_an_existing_kpi(self, governor: AsyncClient, scenario: Scenario) -> None:
        url = f"{CP_REPEAT}/targets/FY2017-18"
        required = assert_problem(await governor.put(url, json={"kind": "monitor"}), 428)
        assert "ETag header of GET /api/v1/kpis/cp-repeat-plans" in required["detail"], "it says where the ETag is"
        assert "If-None-Match: *" in required["detail"]
        assert_problem(await governor.put(url, json={"kind": "monitor"}, headers={"If-Match": '"5"'}), 412)
        missing = await governor.put(f"{KPIS}/nope/targets/FY2017-18", json={"kind": "monitor"})
        assert_problem(missing, 404)

    async def test_if_none_match_star_sets_a_target_only_where_there_is_none(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        create_only = {"If-None-Match": "*"}
        created = await governor.put(f"{CP_REPEAT}/targets/FY2017-18", json={"kind": "monitor"}, headers=create_only)
        assert (created.status_code, created.headers["etag"]) == (200, '"2"')
        again = await governor.put(f"{CP_REPEAT}/targets/FY2017-18", json={"kind": "monitor"}, headers=create_only)
        assert_problem(again, 412, detail_contains="already has a target for FY2017-18")
        taken = await governor.put(
            f"{CP_REPEAT}/targets/FY2016-17", json={"kind": "numeric", "value": 7}, headers=create_only
        )
        assert_problem(taken, 412)
        assert targets((await governor.get(CP_REPEAT)).json())["FY2016-17"] == ("monitor", None, None)

    async def test_concurrent_target_puts_with_one_etag_one_wins(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        url = f"{CP_REPEAT}/targets/FY2017-18"
        responses = await asyncio.gather(
            *(
                governor.put(url, json={"kind": "numeric", "value": value}, headers={"If-Match": '"1"'})
                for value in (10, 11)
            )
        )
        assert sorted(response.status_code for response in responses) == [200, 412], [r.text for r in responses]
        assert len((await governor.get(CP_REPEAT)).json()["targets"]) == 2

    async def test_a_context_kpi_has_no_target(self, governor: AsyncClient, scenario: Scenario) -> None:
        await governor.post(KPIS, json=NEW_KPI | {"code": "pupils-on-roll", "tier": "context", "unit": "count"})
        response = await governor.put(
            f"{KPIS}/pupils-on-roll/targets/AY2016-17", json={"kind": "monitor"}, headers={"If-Match": '"1"'}
        )
        assert_problem(response, 409, detail_contains="context")


class TestRemoveTarget:
    async def test_removes_and_audits_the_target(self, governor: AsyncClient, scenario: Scenario) -> None:
        response = await governor.delete(f"{CP_REPEAT}/targets/FY2016-17", headers={"If-Match": '"1"'})
        assert response.status_code == 200, response.text
        assert (response.headers["ETag"], response.json()["targets"]) == ('"2"', [])
        [event] = await kpi_events("cp-repeat-plans")
        assert event.action == "remove_target"
        assert event.before == {
            "targets.FY2016-17": {"kind": "monitor", "value": None, "amber_tolerance": None, "note": None}
        }
        assert event.after == {"targets.FY2016-17": None}

    async def test_a_missing_target_is_404(self, governor: AsyncClient, scenario: Scenario) -> None:
        response = await governor.delete(f"{CP_REPEAT}/targets/FY2019-20", headers={"If-Match": '"1"'})
        assert_problem(response, 404, detail_contains="FY2019-20")

    async def test_needs_if_match(self, governor: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await governor.delete(f"{CP_REPEAT}/targets/FY2016-17"), 428)


class TestKpiWriteAccess:
    async def test_without_a_key_is_401(self, anonymous: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await anonymous.post(KPIS, json=NEW_KPI), 401)
        assert_problem(await anonymous.put(f"{CP_REPEAT}/targets/FY2017-18", json={"kind": "monitor"}), 401)

    async def test_a_read_only_key_is_403(self, client: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await client.post(KPIS, json=NEW_KPI), 403, detail_contains="governance:write")
        assert_problem(await client.patch(CP_REPEAT, json={"note": "x"}, headers={"If-Match": '"1"'}), 403)

    async def test_an_actions_or_submit_key_is_403(self, key_client: KeyClient, scenario: Scenario) -> None:
        headers = {"If-Match": '"1"'}
        for scope in (Scope.actions_write, Scope.kpi_submit):
            async with await key_client(Scope.read, scope) as writer:
                assert_problem(await writer.post(KPIS, json=NEW_KPI), 403)
                target = {"kind": "monitor"}
                assert_problem(await writer.put(f"{CP_REPEAT}/targets/FY2017-18", json=target, headers=headers), 403)
                assert_problem(await writer.delete(f"{CP_REPEAT}/targets/FY2016-17", headers=headers), 403)
                assert_problem(await writer.delete(CP_REPEAT, headers=headers), 403)


class TestKpiAudit:
    async def test_every_write_is_audited_with_actor_and_changed_fields(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        url = f"{KPIS}/ks2-expected-standard-rwm"
        await governor.post(KPIS, json=NEW_KPI)
        await governor.patch(url, json={"polarity": "lower_better", "note": None}, headers={"If-Match": '"1"'})
        numeric = {"kind": "numeric", "value": 55}
        await governor.put(f"{url}/targets/AY2016-17", json=numeric, headers={"If-Match": '"2"'})
        create, update, target = await kpi_events("ks2-expected-standard-rwm")
        assert (create.action, create.version) == ("create", 1)
        assert create.after is not None
        assert create.after["baseline_period"] == "AY2015-16"
        assert (update.action, update.before, update.after, update.version) == (
            "update",
            {"polarity": "higher_better"},
            {"polarity": "lower_better"},
            2,
        )
        assert (target.action, target.before, target.version) == ("set_target", {"targets.AY2016-17": None}, 3)
        assert target.after == {
            "targets.AY2016-17": {"kind": "numeric", "value": 55, "amber_tolerance": None, "note": None}
        }
        assert all("governance officer" in event.actor and event.api_key_id for event in (create, update, target))


class TestKpiListFilters:
    async def test_updated_since_includes_target_changes(self, governor: AsyncClient, scenario: Scenario) -> None:
        since = {"updated_since": datetime.now(UTC).isoformat()}
        assert_page(await governor.get(KPIS, params=since), total=0)
        await governor.put(f"{CP_REPEAT}/targets/FY2017-18", json={"kind": "monitor"}, headers={"If-Match": '"1"'})
        changed = assert_page(await governor.get(KPIS, params=since), total=1)
        assert (changed[0]["code"], changed[0]["version"]) == ("cp-repeat-plans", 2)

    async def test_updated_since_needs_a_time_zone(self, governor: AsyncClient) -> None:
        body = assert_problem(await governor.get(f"{KPIS}?updated_since=2016-04-01T00:00:00"), 422)
        assert body["errors"][0]["loc"] == ["query", "updated_since"]


class TestRealStrategy:
    async def test_neet_target_changes_from_7_to_6_point_5(self, governor: AsyncClient, loaded: Tally) -> None:
        url = f"{KPIS}/neet-not-known-16-19"
        before = await governor.get(url)
        assert targets(before.json()) == {"FY2016-17": ("numeric", Decimal(7), None)}
        target = {"kind": "numeric", "value": 6.5, "note": "Tightened at the mid-year review"}
        response = await governor.put(
            f"{url}/targets/FY2016-17", json=target, headers={"If-Match": before.headers["ETag"]}
        )
        assert response.status_code == 200, response.text
        after = await governor.get(url)
        assert targets(after.json()) == {"FY2016-17": ("numeric", Decimal("6.5"), None)}
        assert after.json()["targets"][0]["note"] == "Tightened at the mid-year review"
        assert int(after.headers["ETag"].strip('"')) == int(before.headers["ETag"].strip('"')) + 1
        [event] = await kpi_events("neet-not-known-16-19")
        assert event.before is not None
        assert event.after is not None
        assert (event.before["targets.FY2016-17"]["value"], event.after["targets.FY2016-17"]["value"]) == (7, 6.5)
