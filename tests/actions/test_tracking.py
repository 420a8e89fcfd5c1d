"""Progress updates, and the late and stale flags, on the real strategy."""

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem

ONGOING = "cin-implement-graded-care-profile-2"  # Ongoing, LSCB
SEPTEMBER = "cin-thematic-review-toxic-trio"  # Sep 2016, CSMT
LAC_STRATEGY = "cic-delivering-new-lac-and-care-leavers-strategy"  # no date of its own; milestones April-May 2016


async def _all(client: AsyncClient, query: str = "") -> dict[str, dict[str, object]]:
    page = (await client.get(f"/api/v1/actions?limit=100{query}")).json()
    return {item["key"]: item for item in page["items"]}


class TestProgressUpdates:
    async def test_the_latest_update_is_the_current_state_and_history_is_kept(
        self, csmt: AsyncClient, loaded: Tally
    ) -> None:
        url = f"/api/v1/actions/{SEPTEMBER}/updates"
        first = await csmt.post(
            url,
            json={
                "status": "on_track",
                "rag": "green",
                "percent_complete": 40,
                "commentary": "Audit of 30 cases under way",
                "as_of": "2016-07-31",
            },
        )
        assert first.status_code == 201, first.text
        assert first.json()["created_by"].endswith("(CSMT)")
        await csmt.post(url, json={"status": "at_risk", "rag": "amber", "percent_complete": 60, "as_of": "2016-08-31"})
        await csmt.post(url, json={"status": "on_track", "rag": "green", "as_of": "2016-06-30"})  # back-dated
        action = (await csmt.get(f"/api/v1/actions/{SEPTEMBER}")).json()
        assert (action["status"], action["rag"], action["percent_complete"], action["last_update_on"]) == (
            "at_risk",
            "amber",
            60,
            "2016-08-31",
        )
        history = (await csmt.get(url)).json()["items"]
        assert [h["as_of"] for h in history] == ["2016-08-31", "2016-07-31", "2016-06-30"]

    async def test_bad_updates_are_422(self, csmt: AsyncClient, loaded: Tally) -> None:
        url = f"/api/v1/actions/{SEPTEMBER}/updates"
        for body in (
            {"status": "done", "as_of": "2016-08-31"},
            {"status": "on_track", "as_of": "2999-01-01"},
            {"status": "on_track", "as_of": "2016-08-31", "percent_complete": 101},
            {"status": "on_track"},
            {"status": "on_track", "as_of": "31/08/2016"},
        ):
            assert_problem(await csmt.post(url, json=body), 422)
        assert_problem(
            await csmt.post("/api/v1/actions/nope/updates", json={"status": "on_track", "as_of": "2016-08-31"}), 404
        )


class TestOverdue:
    async def test_past_due_or_past_a_milestone_and_not_complete(self, csmt: AsyncClient, loaded: Tally) -> None:
        overdue = await _all(csmt, "&overdue=true&as_of=2016-10-01")
        assert SEPTEMBER in overdue
        assert LAC_STRATEGY in overdue, "a milestone in May 2016 has passed"
        assert all(item["overdue"] for item in overdue.values())
        assert all(item["due_kind"] != "ongoing" for item in overdue.values()), "ongoing items are never overdue"
        not_yet = await _all(csmt, "&overdue=true&as_of=2016-04-15")
        assert SEPTEMBER not in not_yet
        await csmt.post(f"/api/v1/actions/{SEPTEMBER}/updates", json={"status": "complete", "as_of": "2016-09-28"})
        assert SEPTEMBER not in await _all(csmt, "&overdue=true&as_of=2016-10-01")

    async def test_the_filter_and_the_flag_agree(self, csmt: AsyncClient, loaded: Tally) -> None:
        for as_of in ("2016-05-01", "2016-10-01", "2017-04-01"):
            everything = await _all(csmt, f"&as_of={as_of}")
            for flag in ("overdue", "stale"):
                flagged = await _all(csmt, f"&{flag}=true&as_of={as_of}")
                unflagged = await _all(csmt, f"&{flag}=false&as_of={as_of}")
                assert set(flagged) == {k for k, v in everything.items() if v[flag]}, (flag, as_of)
                assert set(unflagged) == set(everything) - set(flagged), (flag, as_of)


class TestStale:
    async def test_ongoing_items_go_stale_without_updates(self, csmt: AsyncClient, loaded: Tally) -> None:
        stale = await _all(csmt, "&stale=true&as_of=2016-10-01")
        assert ONGOING in stale
        assert all(item["due_kind"] == "ongoing" for item in stale.values())
        assert_page(await csmt.get("/api/v1/actions?stale=true&as_of=2016-05-01"), total=0)

    async def test_an_update_freshens_an_item_for_45_days(self, csmt: AsyncClient, loaded: Tally) -> None:
        await csmt.post(f"/api/v1/actions/{ONGOING}/updates", json={"status": "on_track", "as_of": "2016-09-15"})
        fresh = (await csmt.get(f"/api/v1/actions/{ONGOING}?as_of=2016-10-01")).json()
        assert (fresh["stale"], fresh["overdue"]) == (False, False)
        later = (await csmt.get(f"/api/v1/actions/{ONGOING}?as_of=2016-11-15")).json()
        assert later["stale"] is True
