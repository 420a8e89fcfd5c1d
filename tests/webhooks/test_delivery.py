"""Deliveries to a real receiver on 127.0.0.1: signed (checked with the standardwebhooks package, an independent
implementation), retried after a failure with every attempt logged, the subscription paused after repeated failure
and resumed, replays with the same webhook-id, and events written in the transaction of their cause."""

import json
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from api import db
from api.seeding.sync import Tally
from api.webhooks import events
from api.webhooks.models import WebhookEvent, WebhookEventType
from tests.asserts import assert_problem
from tests.webhooks.conftest import Receiver, Rounds, subscribe

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions"


async def _emit(type: WebhookEventType, data: dict[str, Any], **options: Any) -> WebhookEvent | None:
    async with db.get_sessionmaker()() as session, session.begin():
        return await events.emit(session, type, data, **options)


async def _deliveries(client: AsyncClient, subscription: dict[str, Any], **query: str) -> list[dict[str, Any]]:
    response = await client.get(f"{SUBSCRIPTIONS}/{subscription['id']}/deliveries", params=query)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestSigned:
    async def test_an_emitted_event_arrives_signed_and_verifiable(
        self, manager: AsyncClient, receiver: Receiver, deliver: Rounds
    ) -> None:
        made = await subscribe(manager, receiver.url, "kpi_value.approved")
        await subscribe(manager, receiver.url, "pack.issued")  # wants another event: gets nothing
        event = await _emit(WebhookEventType.kpi_value_approved, {"kpi": "neet-not-known-16-19", "period": "FY2016-17"})
        assert event is not None
        assert event.event_id.startswith("msg_")
        assert await deliver() == 1
        [got] = receiver.received
        verified = Webhook(made["secret"]).verify(got.body, got.headers)
        assert verified == {
            "type": "kpi_value.approved",
            "timestamp": event.occurred_at.isoformat(),
            "data": {"kpi": "neet-not-known-16-19", "period": "FY2016-17"},
        }
        assert got.headers["webhook-id"] == event.event_id
        assert got.headers["content-type"] == "application/json"
        [delivery] = await _deliveries(manager, made)
        assert (delivery["status"], delivery["attempt_count"]) == ("succeeded", 1)
        assert delivery["event"]["id"] == event.event_id
        assert delivery["event"]["body"].encode() == got.body, "the log shows the body as sent"
        assert delivery["attempts"][0]["status_code"] == 200

    async def test_a_tampered_body_or_another_secret_fails_verification(
        self, manager: AsyncClient, receiver: Receiver, deliver: Rounds
    ) -> None:
        made = await subscribe(manager, receiver.url, "pack.issued")
        other = await subscribe(manager, "http://127.0.0.1:9/elsewhere", "kpi.rating_changed")
        await _emit(WebhookEventType.pack_issued, {"pack_id": 1})
        await deliver()
        [got] = receiver.received
        for secret, body in ((made["secret"], got.body.replace(b"1", b"2")), (other["secret"], got.body)):
            with pytest.raises(WebhookVerificationError, match="(?i)signature"):
                Webhook(secret).verify(body, got.headers)

    async def test_after_rotation_both_secrets_verify_for_a_while(
        self, manager: AsyncClient, receiver: Receiver, deliver: Rounds
    ) -> None:
        made = await subscribe(manager, receiver.url, "pack.issued")
        rotated = await manager.post(
            f"{SUBSCRIPTIONS}/{made['id']}/secret-rotations", json={}, headers={"If-Match": '"1"'}
        )
        await _emit(WebhookEventType.pack_issued, {"pack_id": 2})
        await deliver()
        [got] = receiver.received
        for secret in (made["secret"], rotated.json()["secret"]):
            assert Webhook(secret).verify(got.body, got.headers)["data"] == {"pack_id": 2}


class TestRetries:
    async def test_a_failed_delivery_is_retried_and_every_attempt_logged(
        self, manager: AsyncClient, receiver: Receiver, deliver: Rounds
    ) -> None:
        made = await subscribe(manager, receiver.url, "action.overdue")
        receiver.answers = [500]
        await _emit(WebhookEventType.action_overdue, {"action": "cin-1"})
        assert await deliver() == 1
        [waiting] = await _deliveries(manager, made)
        assert (waiting["status"], waiting["attempt_count"]) == ("pending", 1)
        assert waiting["attempts"][0]["status_code"] == 500
        assert waiting["attempts"][0]["error"] == "answered 500"
        assert await deliver() == 1
        [done] = await _deliveries(manager, made)
        assert (done["status"], done["attempt_count"]) == ("succeeded", 2)
        assert [attempt["status_code"] for attempt in done["attempts"]] == [500, 200]
        assert len(set(receiver.ids())) == 1, "a retry carries the same webhook-id"
        assert (await manager.get(f"{SUBSCRIPTIONS}/{made['id']}")).json()["consecutive_failures"] == 0

    async def test_a_receiver_that_keeps_failing_pauses_the_subscription_until_resumed(
        self, manager: AsyncClient, admin: AsyncClient, receiver: Receiver, deliver: Rounds
    ) -> None:
        made = await subscribe(manager, receiver.url, "exception.raised")
        receiver.answers = [503, 503, 503]
        await _emit(WebhookEventType.exception_raised, {"rule": "red-twice"})
        for _ in range(3):
            assert await deliver() == 1
        paused = (await manager.get(f"{SUBSCRIPTIONS}/{made['id']}")).json()
        assert paused["status"] == "paused"
        assert "3 failed attempts in a row" in paused["status_reason"]
        assert paused["status_changed_at"] is not None
        assert [s["id"] for s in (await manager.get(SUBSCRIPTIONS, params={"status": "paused"})).json()["items"]] == [
            made["id"]
        ]
        await _emit(WebhookEventType.exception_raised, {"rule": "red-twice", "item": "another"})
        assert await deliver() == 0, "nothing is sent while paused"
        audit = (await admin.get("/api/v1/audit?resource=webhook_subscription")).json()["items"]
        assert "pause" in [event["action"] for event in audit]
        resumed = await manager.patch(
            f"{SUBSCRIPTIONS}/{made['id']}", json={"status": "active"}, headers={"If-Match": f'"{paused["version"]}"'}
        )
        assert resumed.status_code == 200, resumed.text
        assert (resumed.json()["status"], resumed.json()["status_reason"]) == ("active", None)
        assert await deliver() == 2, "what waited is sent on resuming"
        assert all(d["status"] == "succeeded" for d in await _deliveries(manager, made))


class TestReplay:
    async def test_a_replay_is_a_new_delivery_with_the_same_webhook_id(
        self, manager: AsyncClient, receiver: Receiver, deliver: Rounds
    ) -> None:
        made = await subscribe(manager, receiver.url, "kpi_return.late")
        await _emit(WebhookEventType.kpi_return_late, {"kpi": "neet-not-known-16-19"})
        await deliver()
        [first] = await _deliveries(manager, made)
        replayed = await manager.post(f"/api/v1/webhook-deliveries/{first['id']}/replays")
        assert replayed.status_code == 201, replayed.text
        assert replayed.json()["replay_of"] == first["id"]
        assert replayed.headers["location"] == f"/api/v1/webhook-deliveries/{replayed.json()['id']}"
        await deliver()
        assert len(receiver.ids()) == 2
        assert len(set(receiver.ids())) == 1
        assert_problem(await manager.post("/api/v1/webhook-deliveries/999999/replays"), 404)

    async def test_a_ping_goes_to_that_subscription_alone(
        self, manager: AsyncClient, receiver: Receiver, deliver: Rounds
    ) -> None:
        made = await subscribe(manager, receiver.url, "pack.issued")
        await subscribe(manager, receiver.url, "pack.issued")
        pinged = await manager.post(f"{SUBSCRIPTIONS}/{made['id']}/pings")
        assert pinged.status_code == 201, pinged.text
        assert await deliver() == 1
        [got] = receiver.received
        assert Webhook(made["secret"]).verify(got.body, got.headers)["type"] == "webhook.ping"


class TestOutbox:
    async def test_a_dedupe_key_writes_an_event_once(self, manager: AsyncClient) -> None:
        await subscribe(manager, "http://127.0.0.1:9/", "action.overdue")
        first = await _emit(WebhookEventType.action_overdue, {"action": "a"}, dedupe_key="action.overdue:a")
        again = await _emit(WebhookEventType.action_overdue, {"action": "a"}, dedupe_key="action.overdue:a")
        assert first is not None
        assert again is None
        async with db.get_sessionmaker()() as session:
            assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 1

    async def test_a_disabled_subscription_gets_nothing_queued(self, manager: AsyncClient) -> None:
        made = await subscribe(manager, "http://127.0.0.1:9/", "pack.issued")
        await manager.patch(f"{SUBSCRIPTIONS}/{made['id']}", json={"status": "disabled"}, headers={"If-Match": '"1"'})
        await _emit(WebhookEventType.pack_issued, {"pack_id": 3})
        assert await _deliveries(manager, made) == []
        assert_problem(await manager.post(f"{SUBSCRIPTIONS}/{made['id']}/pings"), 409)

    async def test_issuing_a_pack_writes_a_pack_issued_event_with_it(
        self, manager: AsyncClient, admin: AsyncClient, loaded: Tally, receiver: Receiver, deliver: Rounds
    ) -> None:
        made = await subscribe(manager, receiver.url, "pack.issued")
        issued = await admin.post(
            "/api/v1/governance-bodies/csmt/packs", json={"meeting_date": "2016-10-12", "as_at": "2016-10-01"}
        )
        assert issued.status_code == 201, issued.text
        await deliver()
        [got] = receiver.received
        data = Webhook(made["secret"]).verify(got.body, got.headers)["data"]
        assert data["pack_id"] == issued.json()["id"]
        assert (data["governance_body"], data["meeting_date"], data["version"]) == ("csmt", "2016-10-12", 1)
        assert json.loads(got.body)["type"] == "pack.issued"

    async def test_a_refused_pack_issue_writes_no_event(
        self, manager: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        await subscribe(manager, "http://127.0.0.1:9/", "pack.issued")
        refused = await admin.post("/api/v1/governance-bodies/csmt/packs", json={"meeting_date": "2016-13-12"})
        assert refused.status_code == 422
        async with db.get_sessionmaker()() as session:
            assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
