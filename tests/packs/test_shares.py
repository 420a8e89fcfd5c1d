"""Share links to an issued pack: made and revoked with governance:write, opened with no key, counted exactly (across
concurrent openings too), expiring and revocable with one 404 for every dead link, always that issued version, and
the token never kept or shown again."""

import asyncio
import gzip
import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select, update

from api import db
from api.auth.models import Scope
from api.governance.models import PackShare
from api.idempotency.models import IdempotencyRecord
from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.configured import configured_client
from tests.conftest import Minter
from tests.live import start

ISSUE = "/api/v1/governance-bodies/csmt/packs"
MEETING = {"meeting_date": "2016-11-21", "period": "2016/17"}
TOXIC_TRIO = "cin-thematic-review-toxic-trio"  # an action reported to CSMT
PRIVATE = {"cache-control": "no-store", "referrer-policy": "no-referrer", "x-robots-tag": "noindex"}


@pytest.fixture
async def pack(governor: AsyncClient, loaded: Tally) -> dict[str, Any]:
    """A pack issued to CSMT for a meeting."""
    issued = await governor.post(ISSUE, json=MEETING)
    assert issued.status_code == 201, issued.text
    body: dict[str, Any] = issued.json()
    return body


async def _share(governor: AsyncClient, pack_id: int, **body: Any) -> dict[str, Any]:
    response = await governor.post(f"/api/v1/packs/{pack_id}/shares", json=body)
    assert response.status_code == 201, response.text
    share: dict[str, Any] = response.json()
    return share


async def _shares(client: AsyncClient, pack_id: int, total: int) -> list[dict[str, Any]]:
    return assert_page(await client.get(f"/api/v1/packs/{pack_id}/shares"), total=total, limit=max(total, 1))


async def _set(share_id: int, **values: Any) -> None:
    """Change a link's row behind the API's back (time passing, as the clock would)."""
    async with db.get_sessionmaker()() as session, session.begin():
        await session.execute(update(PackShare).where(PackShare.id == share_id).values(**values))


def _private(response: Response) -> None:
    assert {name: response.headers.get(name) for name in PRIVATE} == PRIVATE


class TestMakingLinks:
    async def test_making_a_link_needs_governance_write(
        self, governor: AsyncClient, client: AsyncClient, anonymous: AsyncClient, pack: dict[str, Any]
    ) -> None:
        url = f"/api/v1/packs/{pack['id']}/shares"
        assert_problem(await client.post(url, json={}), 403, detail_contains="'governance:write'")
        assert_problem(await anonymous.post(url, json={}), 401)
        made = await governor.post(url, json={})
        assert made.status_code == 201, made.text
        share = made.json()
        assert made.headers["location"] == f"{url}/{share['id']}"
        assert share["url"] == f"/shared-packs/{share['token']}"
        assert len(share["token"]) >= 43, "at least 256 bits, URL-safe"
        expires = datetime.fromisoformat(share["expires_at"])
        assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=1)
        assert (share["pack_id"], share["views"], share["active"], share["revoked_at"]) == (pack["id"], 0, True, None)
        assert share["created_by"].endswith("(governance officer)")
        read = (await client.get(made.headers["location"])).json()
        assert read == {name: value for name, value in share.items() if name not in ("url", "token")}

    async def test_a_link_expires_in_the_future_and_within_a_year(
        self, governor: AsyncClient, pack: dict[str, Any]
    ) -> None:
        url = f"/api/v1/packs/{pack['id']}/shares"
        now = datetime.now(UTC)
        for refused in (now - timedelta(minutes=1), now + timedelta(days=366)):
            body = assert_problem(await governor.post(url, json={"expires_at": refused.isoformat()}), 422)
            assert ["body", "expires_at"] in [error["loc"] for error in body["errors"]]
        week = (now + timedelta(days=7)).replace(microsecond=0)
        assert (
            datetime.fromisoformat((await _share(governor, pack["id"], expires_at=week.isoformat()))["expires_at"])
            == week
        )
        await _shares(governor, pack["id"], total=1)

    async def test_unknown_fields_and_parameters_are_refused(
        self, governor: AsyncClient, anonymous: AsyncClient, pack: dict[str, Any]
    ) -> None:
        url = f"/api/v1/packs/{pack['id']}/shares"
        for body in ({"token": "chosen-by-me"}, {"views": 100}, {"pack_id": pack["id"]}):
            assert_problem(await governor.post(url, json=body), 422)
        assert_problem(await governor.post(f"{url}?surely_unknown=1", json={}), 422)
        assert_problem(await governor.get(f"{url}?surely_unknown=1"), 422)
        await _shares(governor, pack["id"], total=0)
        share = await _share(governor, pack["id"])
        assert_problem(await anonymous.get(f"{share['url']}?surely_unknown=1"), 422)
        assert_problem(await anonymous.get(f"{share['url']}?format=docx"), 422)
        assert_problem(await anonymous.get("/shared-packs/not a token"), 422)
        assert (await _shares(governor, pack["id"], total=1))[0]["views"] == 0, "refused requests are not views"

    async def test_a_pack_or_link_that_does_not_exist_is_404(self, governor: AsyncClient, pack: dict[str, Any]) -> None:
        assert_problem(await governor.post("/api/v1/packs/999999/shares", json={}), 404)
        assert_problem(await governor.get("/api/v1/packs/999999/shares"), 404)
        share = await _share(governor, pack["id"])
        other = (await governor.post(ISSUE, json=MEETING)).json()
        assert_problem(await governor.get(f"/api/v1/packs/{other['id']}/shares/{share['id']}"), 404)
        assert_problem(await governor.delete(f"/api/v1/packs/{other['id']}/shares/{share['id']}"), 404)
        assert_problem(await governor.delete(f"/api/v1/packs/{pack['id']}/shares/999999"), 404)

    async def test_a_retry_replays_the_link_without_its_token(
        self, governor: AsyncClient, pack: dict[str, Any]
    ) -> None:
        url, headers = f"/api/v1/packs/{pack['id']}/shares", {"Idempotency-Key": "share-for-cabinet"}
        first = await governor.post(url, json={}, headers=headers)
        again = await governor.post(url, json={}, headers=headers)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["location"] == first.headers["location"]
        assert (again.json()["id"], again.json()["token"], again.json()["url"]) == (first.json()["id"], None, None)
        await _shares(governor, pack["id"], total=1)
        async with db.get_sessionmaker()() as session:
            kept = (await session.scalars(select(IdempotencyRecord.response_body))).all()
        assert first.json()["token"] not in str(kept)


class TestOpeningLinks:
    async def test_a_link_opens_the_pack_as_issued_without_a_key(
        self, governor: AsyncClient, anonymous: AsyncClient, pack: dict[str, Any]
    ) -> None:
        share = await _share(governor, pack["id"])
        issued = f"/api/v1/packs/{pack['id']}"
        page = await anonymous.get(share["url"])
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        assert page.text == (await governor.get(f"{issued}?format=html")).text
        _private(page)
        csv = await anonymous.get(f"{share['url']}?format=csv")
        assert csv.content == (await governor.get(f"{issued}?format=csv")).content
        assert csv.headers["content-disposition"] == f'attachment; filename="pack-{pack["id"]}-v1.csv"'
        _private(csv)
        data = await anonymous.get(f"{share['url']}?format=json")
        assert data.content == (await governor.get(issued)).content
        _private(data)
        for format, media_type in (("pdf", "application/pdf"), ("xlsx", "application/vnd.openxmlformats")):
            document = await anonymous.get(f"{share['url']}?format={format}")
            assert document.status_code == 200, document.text
            assert document.headers["content-type"].startswith(media_type)
            assert document.content == (await governor.get(f"{issued}?format={format}")).content
            _private(document)

    async def test_a_links_page_is_sent_gzipped_to_a_browser(
        self, governor: AsyncClient, anonymous: AsyncClient, pack: dict[str, Any]
    ) -> None:
        share = await _share(governor, pack["id"])
        plain = await anonymous.get(share["url"], headers={"Accept-Encoding": "identity"})
        async with anonymous.stream("GET", share["url"], headers={"Accept-Encoding": "gzip, deflate, br"}) as coded:
            raw = b"".join([chunk async for chunk in coded.aiter_raw()])
        assert coded.status_code == 200
        assert coded.headers["content-encoding"] == "gzip"
        assert int(coded.headers["content-length"]) == len(raw)
        assert gzip.decompress(raw) == plain.content
        assert len(raw) * 4 < len(plain.content)
        for answer in (plain, coded):
            assert "accept-encoding" in answer.headers["vary"].lower()
            _private(answer)
        assert "content-encoding" not in plain.headers
        for format in ("pdf", "xlsx"):  # compressed inside already
            document = await anonymous.get(f"{share['url']}?format={format}", headers={"Accept-Encoding": "gzip"})
            assert document.status_code == 200
            assert "content-encoding" not in document.headers

    async def test_views_are_counted(
        self, governor: AsyncClient, client: AsyncClient, anonymous: AsyncClient, pack: dict[str, Any]
    ) -> None:
        share, other = await _share(governor, pack["id"]), await _share(governor, pack["id"])
        for _ in range(3):
            assert (await anonymous.get(share["url"])).status_code == 200
        assert (await anonymous.get(f"{other['url']}x")).status_code == 404
        listed = {item["id"]: item for item in await _shares(client, pack["id"], total=2)}
        assert (listed[share["id"]]["views"], listed[other["id"]]["views"]) == (3, 0)
        assert listed[share["id"]]["last_viewed_at"] is not None
        assert listed[other["id"]]["last_viewed_at"] is None
        read = await client.get(f"/api/v1/packs/{pack['id']}/shares/{share['id']}")
        assert read.json()["views"] == 3
        assert read.headers["cache-control"] == "no-store"

    async def test_unknown_expired_and_revoked_links_are_the_same_404(
        self, governor: AsyncClient, anonymous: AsyncClient, pack: dict[str, Any]
    ) -> None:
        expired, revoked = await _share(governor, pack["id"]), await _share(governor, pack["id"])
        assert (await anonymous.get(expired["url"])).status_code == 200
        await _set(expired["id"], expires_at=datetime.now(UTC) - timedelta(seconds=1))
        gone = f"/api/v1/packs/{pack['id']}/shares/{revoked['id']}"
        assert (await governor.delete(gone)).status_code == 204
        assert (await governor.delete(gone)).status_code == 204, "revoking twice is harmless"
        unknown = f"/shared-packs/{secrets.token_urlsafe(32)}"
        answers = [await anonymous.get(url) for url in (unknown, expired["url"], revoked["url"])]
        bodies = []
        for answer in answers:
            body = assert_problem(answer, 404, detail_contains="No pack is shared at this address")
            _private(answer)
            bodies.append({name: value for name, value in body.items() if name != "instance"})
        assert bodies[0] == bodies[1] == bodies[2]
        listed = {item["id"]: item for item in await _shares(governor, pack["id"], total=2)}
        assert (listed[expired["id"]]["views"], listed[expired["id"]]["active"]) == (1, False)
        assert (listed[revoked["id"]]["views"], listed[revoked["id"]]["active"]) == (0, False)
        assert listed[revoked["id"]]["revoked_at"] is not None

    async def test_a_link_keeps_showing_its_version_after_the_pack_is_reissued(
        self, governor: AsyncClient, csmt: AsyncClient, anonymous: AsyncClient, pack: dict[str, Any]
    ) -> None:
        share = await _share(governor, pack["id"])
        progress = {"status": "complete", "rag": "green", "as_of": "2016-10-15"}
        assert (await csmt.post(f"/api/v1/actions/{TOXIC_TRIO}/updates", json=progress)).status_code == 201
        again = await governor.post(ISSUE, json=MEETING)
        assert again.json()["version"] == 2

        def status(pack_json: dict[str, Any]) -> str:
            actions = [a for area in pack_json["actions_by_focus_area"] for a in area["actions"]]
            return str(next(a["status"] for a in actions if a["key"] == TOXIC_TRIO))

        assert status((await governor.get(again.headers["location"])).json()) == "complete"
        shown = await anonymous.get(f"{share['url']}?format=json")
        assert status(shown.json()) != "complete"
        assert shown.content == (await governor.get(f"/api/v1/packs/{pack['id']}")).content


class TestSecrecy:
    async def test_the_token_is_in_no_audit_event_list_or_read(
        self, governor: AsyncClient, admin: AsyncClient, anonymous: AsyncClient, pack: dict[str, Any]
    ) -> None:
        share = await _share(governor, pack["id"])
        assert (await anonymous.get(share["url"])).status_code == 200
        assert (await governor.delete(f"/api/v1/packs/{pack['id']}/shares/{share['id']}")).status_code == 204
        audit = await admin.get("/api/v1/audit?resource=pack_share&limit=500")
        events = [(event["action"], event["id"]) for event in audit.json()["items"]]
        assert sorted(events) == [("create", str(share["id"])), ("revoke", str(share["id"]))]
        seen = [
            audit,
            await admin.get("/api/v1/events?limit=1000"),
            await admin.get(f"/api/v1/packs/{pack['id']}/shares"),
            await admin.get(f"/api/v1/packs/{pack['id']}/shares/{share['id']}"),
        ]
        for response in seen:
            assert response.status_code == 200
            assert share["token"] not in response.text
        async with db.get_sessionmaker()() as session:
            stored = await session.scalar(select(PackShare.token_hash).where(PackShare.id == share["id"]))
        assert stored == hashlib.sha256(share["token"].encode()).hexdigest(), "only the token's hash is kept"

    async def test_a_flood_of_guesses_meets_the_address_rate_limit(
        self, clean_tables: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async with configured_client(monkeypatch, RATE_LIMIT_PER_MINUTE="3") as client:
            guesses = [await client.get(f"/shared-packs/{secrets.token_urlsafe(32)}") for _ in range(4)]
        assert [guess.status_code for guess in guesses] == [404, 404, 404, 429]
        assert_problem(guesses[-1], 429)
        assert 1 <= int(guesses[-1].headers["retry-after"]) <= 61


class TestConcurrentViews:
    async def test_views_through_a_live_worker_at_once_are_all_counted(
        self, governor: AsyncClient, mint: Minter, pack: dict[str, Any], live: str
    ) -> None:
        share = await _share(governor, pack["id"])
        reader = {"Authorization": f"Bearer {await mint(Scope.read)}"}
        listed = f"/api/v1/packs/{pack['id']}/shares"
        async with httpx.AsyncClient(base_url=live, timeout=60) as http:
            assert (await http.get(listed, headers=reader)).json()["items"][0]["views"] == 0
            opened = await asyncio.gather(*(http.get(share["url"]) for _ in range(20)))
            assert [response.status_code for response in opened] == [200] * 20
            # Read through the worker's read cache, which must not keep the answer from before the views.
            assert (await http.get(listed, headers=reader)).json()["items"][0]["views"] == 20


class TestAccessLog:
    async def test_a_workers_access_log_never_holds_a_links_token(
        self, governor: AsyncClient, pack: dict[str, Any], database_url: str, clean_tables: None
    ) -> None:
        share = await _share(governor, pack["id"])
        process, base = await start(database_url, log_level="info", output=asyncio.subprocess.PIPE)
        assert isinstance(process, asyncio.subprocess.Process)  # a worker whose output is read is a new interpreter
        try:
            async with httpx.AsyncClient(base_url=base) as browser:
                assert (await browser.get(share["url"])).status_code == 200
                assert (await browser.get("/shared-packs/not-a-live-token")).status_code == 404
        finally:
            process.terminate()
            logged = (await process.communicate())[0].decode()
        assert '"GET /shared-packs/[token] HTTP/1.1" 200' in logged
        assert '"GET /shared-packs/[token] HTTP/1.1" 404' in logged
        assert share["token"] not in logged
        assert "not-a-live-token" not in logged
