"""The SDK's webhooks, against a live worker: a subscription made, paused, resumed and pinged, its delivery log
read and replayed; and `strategy_client.webhooks.verify` checking what the standardwebhooks package signs."""

import base64
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from strategy_client import Client, models
from strategy_client.webhooks import WebhookInvalid, event_id, verify

pytestmark = pytest.mark.usefixtures("loaded")


def test_a_subscription_managed_and_its_log_read_and_replayed(sdk: Client) -> None:
    made = sdk.webhooks.create("https://integrations.example.org/hooks", ["pack.issued"], description="Case system")
    assert isinstance(made, models.WebhookSubscriptionCreated)
    assert made.secret is not None
    assert made.secret.startswith("whsec_")
    paused = sdk.webhooks.update(made.id, status="paused", if_match='"1"')
    assert (paused.status, paused.status_reason) == ("paused", "paused by its owner")
    assert [found.id for found in sdk.webhooks.list(status="paused")] == [made.id]
    resumed = sdk.webhooks.update(sdk.webhooks.get(made.id), status="active")
    assert resumed.status == "active"
    rotated = sdk.webhooks.rotate_secret(resumed)
    assert rotated.secret != made.secret
    pinged = sdk.webhooks.ping(made.id)
    assert pinged.event.type == "webhook.ping"
    [logged] = list(sdk.webhooks.deliveries(made.id))
    assert (logged.id, logged.status) == (pinged.id, "pending")
    replayed = sdk.webhooks.replay(logged)
    assert (replayed.replay_of, replayed.event.id) == (logged.id, logged.event.id)


def test_verify_accepts_a_standard_webhooks_signature_and_refuses_others() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    body = b'{"type":"pack.issued","timestamp":"2016-10-12T09:00:00+00:00","data":{"pack_id":1}}'
    sent = datetime.now(UTC)
    signed = Webhook(secret).sign("msg_1", sent, body.decode())
    headers = {"Webhook-Id": "msg_1", "Webhook-Timestamp": str(int(sent.timestamp())), "Webhook-Signature": signed}
    assert verify(secret, headers, body)["data"] == {"pack_id": 1}
    assert event_id(headers) == "msg_1"
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(WebhookInvalid, match="no signature"):
        verify(other, headers, body)
    with pytest.raises(WebhookInvalid, match="no signature"):
        verify(secret, headers, body.replace(b"1}", b"2}"))
    with pytest.raises(WebhookInvalid, match="too far"):
        verify(secret, headers, body, now=sent.timestamp() + 3600)
