"""Every list of changing things takes updated_since, so integrations can sync incrementally."""

from typing import Any

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_problem

SAMPLES = {
    "/kpis/{code}": "/kpis/neet-not-known-16-19",
    "/actions/{key}": "/actions/cin-thematic-review-toxic-trio",
    "/projects/{key}": "/projects/lean-review",
    "/governance-bodies/{key}": "/governance-bodies/csmt",
}
# The audit log has `since` (when events happened); unrouted items, exceptions and the built-in comparator groups
# are computed afresh each time (a council's own groups' changes are in /events); national indicators are DfE's
# dictionary, and benchmark mappings the seed's, as shipped with the release.
UNTIMED_LISTS = {
    "/problems",
    "/api/v1/audit",
    "/api/v1/routing/unrouted",
    "/api/v1/performance-exceptions",
    "/api/v1/returns",  # computed from the schedules and the figures as at a date: as_at and known_at, not a change
    "/api/v1/national-indicators",
    "/api/v1/comparator-groups",
    "/api/v1/benchmarks/mappings",
}


async def _lists(client: AsyncClient, samples: dict[str, str]) -> list[str]:
    spec: dict[str, Any] = (await client.get("/openapi.json")).json()
    paths = []
    for path, operations in spec["paths"].items():
        names = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        if "updated_since" in names:
            for placeholder, value in (samples | SAMPLES).items():  # the longer placeholders first
                path = path.replace(placeholder, value)
            paths.append(path)
    return paths


async def test_every_list_accepts_updated_since(admin: AsyncClient, submitter: AsyncClient, loaded: Tally) -> None:
    await submitter.put("/api/v1/kpis/neet-not-known-16-19/values/FY2016-17", json={"value": 8})
    update = {"status": "on_track", "as_of": "2016-09-30"}
    samples = {"/packs/{pack_id}": ""}
    for kind, key in (("actions", "cin-thematic-review-toxic-trio"), ("projects", "lean-review")):
        reported = await admin.post(f"/api/v1/{kind}/{key}/updates", json=update)
        updated = f"/{kind}/{key}/updates/{reported.json()['id']}"
        samples[f"/{kind}/{{key}}/updates/{{update_id}}"] = updated
        await admin.post(f"/api/v1{updated}/commentaries", json={"text": "Why"})
    comment = {"period": "FY2016-17", "text": "Why"}
    commentary = await submitter.post("/api/v1/kpis/neet-not-known-16-19/commentaries", json=comment)
    samples["/commentaries/{commentary_id}"] = commentary.headers["location"].removeprefix("/api/v1")
    issued = await admin.post("/api/v1/governance-bodies/csmt/packs", json={"meeting_date": "2016-11-21"})
    await admin.post(f"{issued.headers['location']}/shares", json={})
    samples["/packs/{pack_id}"] = issued.headers["location"].removeprefix("/api/v1")
    savings = {"target_pence": 100_000, "forecast_pence": 90_000}
    assert (await admin.put("/api/v1/projects/lean-review/savings/FY2016-17", json=savings)).status_code in (200, 201)
    samples["/savings/{fy}"] = "/savings/FY2016-17"
    trajectory = {"basis": "per_period", "points": [{"period": "FY2016-17-Q4", "value": 7}]}
    profile = await admin.put(
        "/api/v1/kpis/neet-not-known-16-19/target-profiles/FY2016-17", json=trajectory, headers={"If-None-Match": "*"}
    )
    assert profile.status_code == 201, profile.text
    audit = {
        "kind": "case_file_audit",
        "team": "reviewing-unit",
        "carried_out_on": "2016-09-14",
        "carried_out_by_role": "Service manager",
    }
    assert (await admin.post("/api/v1/assurance-activities", json=audit)).status_code == 201
    hook = {"url": "https://integrations.example.org/hooks", "event_types": ["pack.issued"]}
    subscription = await admin.post("/api/v1/webhook-subscriptions", json=hook)
    assert (await admin.post(f"{subscription.headers['location']}/pings")).status_code == 201
    samples["/webhook-subscriptions/{subscription_id}"] = subscription.headers["location"].removeprefix("/api/v1")
    meeting = await admin.post("/api/v1/meetings", json={"body": "csmt", "meeting_date": "2016-10-12"})
    await admin.post(f"{meeting.headers['location']}/decisions", json={"text": "Note the figures"})
    samples["/meetings/{meeting_id}"] = meeting.headers["location"].removeprefix("/api/v1")
    await admin.post("/api/v1/procedure-changes", json={"key": "missing-episodes", "title": "Missing episodes"})
    paths = await _lists(admin, samples)
    spec = (await admin.get("/openapi.json")).json()
    lists = [p for p, ops in spec["paths"].items() if "Page" in str(ops.get("get", {}).get("responses", {}).get("200"))]
    assert {p for p in lists if "updated_since" not in str(spec["paths"][p]["get"].get("parameters"))} == UNTIMED_LISTS
    for path in paths:
        everything = (await admin.get(path)).json()["total"]
        since_long_ago = (await admin.get(f"{path}?updated_since=2000-01-01T00:00:00Z")).json()["total"]
        nothing_new = (await admin.get(f"{path}?updated_since=2999-01-01T00:00:00Z")).json()["total"]
        assert everything > 0, path
        assert (since_long_ago, nothing_new) == (everything, 0), path
    assert_problem(await admin.get("/api/v1/actions?updated_since=2016-04-01T00:00:00"), 422)  # no offset
