"""ETags carried for the caller: from the object read, given explicitly, remembered from the client's last answer
for the item, or read first when none is known; a stale one is PreconditionFailed and writes nothing."""

import pytest

from strategy_client import Client, PreconditionFailed

pytestmark = pytest.mark.usefixtures("loaded")
ACTION = "cin-implement-graded-care-profile-2"


def test_a_write_carries_the_etag_of_the_object_read(sdk: Client) -> None:
    action = sdk.actions.get(ACTION)
    changed = sdk.actions.update(action, comments="from the object read")
    assert changed.etag == f'"{action.version + 1}"'
    with pytest.raises(PreconditionFailed) as stale:  # the object read is now out of date
        sdk.actions.update(action, comments="lost update")
    assert stale.value.request_id
    assert sdk.actions.get(ACTION).comments == "from the object read"


def test_an_explicit_if_match_wins(sdk: Client) -> None:
    action = sdk.actions.get(ACTION)
    with pytest.raises(PreconditionFailed):
        sdk.actions.update(action, comments="x", if_match='"999"')
    assert sdk.actions.update(ACTION, comments="explicit", if_match=action.etag).comments == "explicit"


def test_a_key_alone_uses_the_etag_the_client_last_saw(sdk: Client, sdk_server: str, admin_key: str) -> None:
    sdk.actions.get(ACTION)
    with Client(sdk_server, api_key=admin_key) as other:
        other.actions.update(ACTION, comments="someone else's change")  # reads first: it knows no ETag
    with pytest.raises(PreconditionFailed):  # this client's last sight of the action is out of date
        sdk.actions.update(ACTION, comments="mine")
    assert sdk.etag(f"/api/v1/actions/{ACTION}") is None  # forgotten: the next write reads first
    assert sdk.actions.update(ACTION, comments="mine").comments == "mine"


def test_a_stale_etag_writes_nothing(sdk: Client) -> None:
    before = sdk.actions.get(ACTION)
    sdk.actions.update(before, what=before.what + " (revised)")
    with pytest.raises(PreconditionFailed):
        sdk.actions.archive(before)
    assert sdk.actions.get(ACTION).archived_at is None
