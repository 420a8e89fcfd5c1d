"""Webhook subscriptions: made, read and changed by the key that owns them (an admin sees all), the secret shown
once, URLs that could reach inside the network refused, every write audited."""

from collections.abc import Awaitable, Callable

import pytest
from httpx import AsyncClient

from api.auth.models import Scope
from tests.asserts import assert_problem
from tests.webhooks.conftest import subscribe

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions"
URL = "https://integrations.example.org/hooks"

KeyClient = Callable[..., Awaitable[AsyncClient]]


class TestCreate:
    async def test_the_secret_is_shown_once_and_the_subscription_is_audited(
        self, manager: AsyncClient, admin: AsyncClient
    ) -> None:
        made = await subscribe(manager, URL, "pack.issued", "action.overdue", description="Case system")
        assert made["secret"].startswith("whsec_")
        assert (made["status"], made["event_types"], made["version"]) == (
            "active",
            ["pack.issued", "action.overdue"],
            1,
        )
        read = await manager.get(f"{SUBSCRIPTIONS}/{made['id']}")
        assert read.status_code == 200
        assert read.headers["etag"] == '"1"'
        assert "secret" not in read.json()
        audit = (await admin.get("/api/v1/audit?resource=webhook_subscription")).json()["items"]
        assert [event["action"] for event in audit] == ["create"]
        assert "secret" not in str(audit)

    async def test_other_keys_do_not_see_subscriptions_in_the_audit_trail_or_the_feed(
        self, manager: AsyncClient, client: AsyncClient
    ) -> None:
        await subscribe(manager, URL, "pack.issued")
        assert (await client.get("/api/v1/audit?resource=webhook_subscription")).json()["total"] == 0
        assert "webhook_subscription" not in (await client.get("/api/v1/events")).text

    @pytest.mark.parametrize(
        ("url", "says"),
        [
            ("http://integrations.example.org/hooks", "https"),
            ("https://user:pass@integrations.example.org/hooks", "user name or password"),
            ("https://127.0.0.1/hooks", "not a public address"),
            ("https://10.1.2.3/hooks", "not a public address"),
            ("https://169.254.169.254/latest/meta-data", "not a public address"),
            ("https://[::1]/hooks", "not a public address"),
            ("https://localhost/hooks", "not a public host name"),
            ("https://intranet/hooks", "not a public host name"),
            ("ftp://integrations.example.org/hooks", "https"),
        ],
    )
    async def test_urls_that_could_reach_inside_are_refused(self, key_client: KeyClient, url: str, says: str) -> None:
        async with await key_client(Scope.read, Scope.webhooks_manage) as strict:
            refused = await strict.post(SUBSCRIPTIONS, json={"url": url, "event_types": ["pack.issued"]})
        assert_problem(refused, 422)
        assert says in refused.text

    async def test_plain_http_to_loopback_is_allowed_when_the_setting_allows(self, manager: AsyncClient) -> None:
        made = await subscribe(manager, "http://127.0.0.1:9/hooks", "pack.issued")
        assert made["url"] == "http://127.0.0.1:9/hooks"

    async def test_unknown_and_repeated_event_types_are_refused(self, manager: AsyncClient) -> None:
        for types in (["pack.eaten"], ["pack.issued", "pack.issued"], [], ["webhook.ping"]):
            assert_problem(await manager.post(SUBSCRIPTIONS, json={"url": URL, "event_types": types}), 422)

    async def test_a_key_without_the_scope_may_not_subscribe(self, client: AsyncClient) -> None:
        refused = await client.post(SUBSCRIPTIONS, json={"url": URL, "event_types": ["pack.issued"]})
        assert_problem(refused, 403, detail_contains="webhooks:manage")
        assert_problem(await client.get(SUBSCRIPTIONS), 403)


class TestGrants:
    async def test_a_key_sees_only_its_own_and_an_admin_sees_all(
        self, manager: AsyncClient, key_client: KeyClient, admin: AsyncClient
    ) -> None:
        mine = await subscribe(manager, URL, "pack.issued")
        async with await key_client(Scope.read, Scope.webhooks_manage) as other:
            theirs = await subscribe(other, URL, "kpi.rating_changed")
            assert [item["id"] for item in (await other.get(SUBSCRIPTIONS)).json()["items"]] == [theirs["id"]]
            assert_problem(await other.get(f"{SUBSCRIPTIONS}/{mine['id']}"), 404)
            patched = await other.patch(
                f"{SUBSCRIPTIONS}/{mine['id']}", json={"status": "disabled"}, headers={"If-Match": '"1"'}
            )
            assert_problem(patched, 404)
            assert_problem(await other.get(f"{SUBSCRIPTIONS}/{mine['id']}/deliveries"), 404)
        everyone = (await admin.get(SUBSCRIPTIONS)).json()["items"]
        assert {item["id"] for item in everyone} == {mine["id"], theirs["id"]}


class TestUpdate:
    async def test_a_change_needs_if_match_and_moves_the_etag(self, manager: AsyncClient) -> None:
        made = await subscribe(manager, URL, "pack.issued")
        where = f"{SUBSCRIPTIONS}/{made['id']}"
        assert_problem(await manager.patch(where, json={"description": "x"}), 428)
        assert_problem(await manager.patch(where, json={"description": "x"}, headers={"If-Match": '"7"'}), 412)
        changed = await manager.patch(
            where, json={"event_types": ["exception.raised"], "status": "paused"}, headers={"If-Match": '"1"'}
        )
        assert changed.status_code == 200, changed.text
        body = changed.json()
        assert (body["event_types"], body["status"], body["status_reason"]) == (
            ["exception.raised"],
            "paused",
            "paused by its owner",
        )
        assert changed.headers["etag"] == '"2"'
        paused = (await manager.get(SUBSCRIPTIONS, params={"status": "paused"})).json()["items"]
        assert [item["id"] for item in paused] == [made["id"]]
        assert (await manager.get(SUBSCRIPTIONS, params={"status": "active"})).json()["total"] == 0

    async def test_the_url_is_checked_on_change_too(self, key_client: KeyClient) -> None:
        async with await key_client(Scope.read, Scope.webhooks_manage) as strict:
            made = await subscribe(strict, URL, "pack.issued")
            refused = await strict.patch(
                f"{SUBSCRIPTIONS}/{made['id']}", json={"url": "https://192.168.0.1/"}, headers={"If-Match": '"1"'}
            )
        assert_problem(refused, 422)

    async def test_rotating_the_secret_shows_the_new_one_once(self, manager: AsyncClient) -> None:
        made = await subscribe(manager, URL, "pack.issued")
        where = f"{SUBSCRIPTIONS}/{made['id']}/secret-rotations"
        assert_problem(await manager.post(where, json={}), 428)
        rotated = await manager.post(where, json={"previous_valid_for": 60}, headers={"If-Match": '"1"'})
        assert rotated.status_code == 201, rotated.text
        assert rotated.json()["secret"].startswith("whsec_")
        assert rotated.json()["secret"] != made["secret"]
        assert rotated.headers["etag"] == '"2"'
