"""The audit log and the change feed: every write traceable; a gap-free stream consumers resume without loss."""

import asyncio

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_problem

ACTION = "cin-thematic-review-toxic-trio"


async def _drain(client: AsyncClient, after: str = "0", limit: int = 3) -> tuple[list[int], str]:
    seen: list[int] = []
    while True:
        page = (await client.get(f"/api/v1/events?after={after}&limit={limit}")).json()
        seen += [int(event["cursor"]) for event in page["events"]]
        after = page["next_cursor"]
        if not page["has_more"]:
            return seen, after


class TestAuditLog:
    async def test_a_patch_is_recorded_with_author_changed_fields_and_request_id(
        self, csmt: AsyncClient, loaded: Tally
    ) -> None:
        etag = (await csmt.get(f"/api/v1/actions/{ACTION}")).headers["etag"]
        await csmt.patch(
            f"/api/v1/actions/{ACTION}",
            json={"comments": "Findings to CSMT in October"},
            headers={"If-Match": etag, "X-Request-ID": "toxic-trio-1"},
        )
        [event] = (await csmt.get(f"/api/v1/audit?resource=action&id={ACTION}")).json()["items"]
        assert (event["action"], event["request_id"], event["version"]) == ("update", "toxic-trio-1", 2)
        assert event["actor"].endswith("(CSMT)")
        assert event["changes"] == [
            {"field": "comments", "before": "Linked to early help pathways", "after": "Findings to CSMT in October"}
        ]

    async def test_a_targets_change_is_listed_part_by_part_and_lists_as_lists(
        self, admin: AsyncClient, loaded: Tally
    ) -> None:
        url = "/api/v1/kpis/neet-not-known-16-19"
        etag = (await admin.get(url)).headers["etag"]
        target = {"kind": "numeric", "value": 6.5, "note": "Tightened at the mid-year review"}
        await admin.put(f"{url}/targets/FY2016-17", json=target, headers={"If-Match": etag})
        [event] = (await admin.get("/api/v1/audit?resource=kpi&id=neet-not-known-16-19")).json()["items"]
        assert event["changes"] == [
            {"field": "targets.FY2016-17.value", "before": 7, "after": 6.5},
            {"field": "targets.FY2016-17.note", "before": None, "after": "Tightened at the mid-year review"},
        ]
        etag = (await admin.get(f"/api/v1/actions/{ACTION}")).headers["etag"]
        milestones = [{"title": "Review scoped", "when": "Sep 2016"}]
        await admin.patch(f"/api/v1/actions/{ACTION}", json={"milestones": milestones}, headers={"If-Match": etag})
        [event] = (await admin.get(f"/api/v1/audit?resource=action&id={ACTION}")).json()["items"]
        [change] = event["changes"]
        assert (change["field"], change["after"]) == ("milestones", [["Review scoped", "Sep 2016"]])

    async def test_filters(self, csmt: AsyncClient, loaded: Tally) -> None:
        seeded = (await csmt.get("/api/v1/audit?resource=strategy")).json()["items"]
        assert [e["action"] for e in seeded] == ["seed-load"]
        assert seeded[0]["actor"] == "seed"
        assert (await csmt.get("/api/v1/audit?since=2999-01-01T00:00:00Z")).json()["total"] == 0
        assert_problem(await csmt.get("/api/v1/audit?since=yesterday"), 422)


class TestChangeFeed:
    async def test_ordered_gap_free_and_resumable(self, csmt: AsyncClient, admin: AsyncClient, loaded: Tally) -> None:
        for month in ("2016-06-30", "2016-07-31", "2016-08-31"):
            await csmt.post(f"/api/v1/actions/{ACTION}/updates", json={"status": "on_track", "as_of": month})
        seen, cursor = await _drain(admin)
        assert seen == list(range(1, len(seen) + 1))
        await csmt.post(f"/api/v1/actions/{ACTION}/updates", json={"status": "at_risk", "as_of": "2016-09-30"})
        more, _ = await _drain(admin, after=cursor)
        assert more == [len(seen) + 1]
        event = (await csmt.get(f"/api/v1/events?after={cursor}")).json()["events"][0]
        assert (event["resource"], event["id"], event["kind"]) == ("action", ACTION, "progress")

    async def test_a_rejected_write_uses_no_number(self, csmt: AsyncClient, admin: AsyncClient, loaded: Tally) -> None:
        _, cursor = await _drain(admin)
        assert_problem(await csmt.post(f"/api/v1/actions/{ACTION}/updates", json={"status": "nope"}), 422)
        await csmt.post(f"/api/v1/actions/{ACTION}/updates", json={"status": "on_track", "as_of": "2016-09-30"})
        more, _ = await _drain(admin, after=cursor)
        assert more == [int(cursor) + 1]

    async def test_a_consumer_polling_during_concurrent_writes_misses_and_repeats_nothing(
        self, csmt: AsyncClient, submitter: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        _, start = await _drain(admin)
        writers_done = asyncio.Event()
        collected: list[int] = []

        async def consumer() -> None:
            cursor = start
            while True:
                finished = writers_done.is_set()
                page = (await admin.get(f"/api/v1/events?after={cursor}&limit=4")).json()
                cursors = [int(e["cursor"]) for e in page["events"]]
                assert cursors == list(range(int(cursor) + 1, int(cursor) + 1 + len(cursors))), "no gap"
                collected.extend(cursors)
                cursor = page["next_cursor"]
                if finished and not page["has_more"]:
                    return
                await asyncio.sleep(0)

        async def write(n: int) -> None:
            if n % 2:
                response = await csmt.post(
                    f"/api/v1/actions/{ACTION}/updates",
                    json={"status": "on_track", "as_of": f"2016-{1 + n % 9:02d}-01"},
                )
            else:
                response = await submitter.put(
                    "/api/v1/kpis/neet-not-known-16-19/values/FY2016-17", json={"value": 5 + n}
                )
            assert response.status_code in (200, 201), response.text

        reader = asyncio.create_task(consumer())
        await asyncio.gather(*(write(n) for n in range(20)))
        writers_done.set()
        await reader
        assert collected == list(range(int(start) + 1, int(start) + 21))

    async def test_bad_cursors_are_422(self, csmt: AsyncClient, loaded: Tally) -> None:
        assert_problem(await csmt.get("/api/v1/events?after=abc"), 422)
        assert_problem(await csmt.get("/api/v1/events?limit=0"), 422)
        assert_problem(await csmt.get("/api/v1/events?after=2147483648"), 422)
        assert_problem(await csmt.get("/api/v1/events?after=99999999999999999999999"), 422)
        assert (await csmt.get("/api/v1/events?after=2147483647")).json()["events"] == []


class TestKeyInventory:
    """Minting and revoking keys is visible to administrators only, in the audit log and in the feed."""

    async def test_a_read_key_sees_no_api_key_events(
        self, client: AsyncClient, admin: AsyncClient, csmt: AsyncClient, loaded: Tally
    ) -> None:
        minted = await admin.post("/api/v1/api-keys", json={"name": "case management", "scopes": ["read"]})
        assert minted.status_code == 201
        await admin.delete(f"/api/v1/api-keys/{minted.json()['id']}")
        await csmt.post(f"/api/v1/actions/{ACTION}/updates", json={"status": "on_track", "as_of": "2016-09-30"})
        for path in ("/api/v1/audit?limit=500", "/api/v1/audit?resource=api_key"):
            items = (await client.get(path)).json()["items"]
            assert all(event["resource"] != "api_key" for event in items), path
        feed = (await client.get("/api/v1/events?limit=1000")).json()
        assert all(event["resource"] != "api_key" for event in feed["events"])
        assert feed["events"][-1]["resource"] == "action", "the cursor steps over what the key may not see"
        everything = (await admin.get("/api/v1/events?limit=1000")).json()
        assert {"create", "revoke"} <= {e["kind"] for e in everything["events"] if e["resource"] == "api_key"}
        assert everything["next_cursor"] == feed["next_cursor"]
