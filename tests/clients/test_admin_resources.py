"""SDK round trips, sync, against a live worker: API keys, the audit trail, the change feed and governance packs
(JSON, CSV and HTML; live and issued)."""

import pytest

from strategy_client import Client, Unauthorized, models

pytestmark = pytest.mark.usefixtures("loaded")


def test_an_api_key_minted_used_listed_and_revoked(sdk: Client, sdk_server: str) -> None:
    minted = sdk.api_keys.create(name="case management", scopes=["read", "kpi:submit"], kpis=["neet-not-known-16-19"])
    assert minted.key
    with Client(sdk_server, api_key=minted.key) as minted_client:
        current = minted_client.api_keys.current()
        assert (current.id, current.kpi_codes) == (minted.id, ["neet-not-known-16-19"])
        assert sdk.api_keys.get(minted.id).name == "case management"
        assert minted.id in {key.id for key in sdk.api_keys.list(active=True)}
        assert sdk.api_keys.revoke(minted).revoked_at is not None
        with pytest.raises(Unauthorized):
            minted_client.api_keys.current()


def test_the_audit_trail_and_the_change_feed(sdk: Client) -> None:
    before = sdk.events.get(after=0, limit=1000)
    sdk.owners.create(key="head-of-virtual-school", code="HoVS", kind="role")
    [event] = list(sdk.events.list(after=before.next_cursor))
    assert (event.id, event.version) == ("head-of-virtual-school", 1)
    [audited] = list(sdk.audit.list(id="head-of-virtual-school"))
    assert audited.action == "create"
    assert isinstance(sdk.audit.list_page(limit=1), models.PageAuditEventRead)


def test_a_pack_in_every_format_live_and_issued(sdk: Client) -> None:
    pack = sdk.packs.get("csmt", period="2016/17", as_at="2016-10-01")
    assert isinstance(pack, models.Pack)
    assert pack.body.key == "csmt"
    csv = sdk.packs.get("csmt", period="2016/17", as_at="2016-10-01", format="csv")
    assert csv.splitlines()[0]
    html = sdk.packs.get("csmt", format="html")
    assert html.lstrip().lower().startswith("<!doctype html")
    issued = sdk.packs.issue("csmt", meeting_date="2016-10-12", period="2016/17")
    assert [found.id for found in sdk.packs.list_issued("csmt")] == [issued.id]
    assert sdk.packs.get_issued(issued.id).title == pack.title
    assert sdk.packs.get_issued(issued.id, format="csv").splitlines()[0] == csv.splitlines()[0]
    assert "<html" in sdk.packs.get_issued(issued.id, format="html").lower()
    assert sdk.packs.get("csmt", format="pdf").startswith(b"%PDF-")
    assert sdk.packs.get("csmt", format="xlsx").startswith(b"PK")  # a zip, as every workbook is
    assert sdk.packs.get_issued(issued.id, format="pdf") == sdk.packs.get_issued(issued.id, format="pdf")
    assert sdk.packs.get_issued(issued.id, format="xlsx").startswith(b"PK")
