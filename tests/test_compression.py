"""A dashboard polling the CSMT pack is sent it gzipped when it says it accepts gzip (as browsers and httpx do): the
same JSON in a tenth of the bytes or less, with a weak ETag that still answers 304. What is small, already compressed
(a PDF, a workbook) or an item whose ETag is its version (compared strongly by If-Match) goes as it is."""

import gzip
import json
import re

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from starlette.routing import Route

from api.auth.models import Scope
from api.main import create_app
from api.openapi import Document
from api.seeding.sync import Tally
from tests.configured import client_for, configured_app
from tests.conftest import Minter, in_process

PACK = "/api/v1/governance-bodies/csmt/pack"
SCORECARD = "/api/v1/scorecard?tier=council_plan"
SMALL = "/api/v1/owners?limit=1"  # under a kilobyte
ITEM = "/api/v1/projects/childrens-hub"  # over a kilobyte, with its version as its ETag
PLAIN = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}


async def _raw(client: AsyncClient, path: str, headers: dict[str, str]) -> tuple[Response, bytes]:
    """The answer and its bytes as sent (httpx would otherwise decode them)."""
    async with client.stream("GET", path, headers=headers) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, raw


def _varies(response: Response) -> bool:
    return "accept-encoding" in response.headers.get("vary", "").lower()


@pytest.mark.parametrize("path", [PACK, SCORECARD, f"{PACK}?format=csv", f"{PACK}?format=html", "/api/v1/actions"])
async def test_a_large_read_is_sent_gzipped_to_a_client_that_accepts_it(
    client: AsyncClient, loaded: Tally, path: str
) -> None:
    plain, plain_bytes = await _raw(client, path, PLAIN)
    coded, coded_bytes = await _raw(client, path, GZIP)
    assert plain.status_code == coded.status_code == 200
    assert "content-encoding" not in plain.headers
    assert coded.headers["content-encoding"] == "gzip"
    assert int(coded.headers["content-length"]) == len(coded_bytes)
    assert int(plain.headers["content-length"]) == len(plain_bytes)
    assert coded.headers["content-type"] == plain.headers["content-type"]
    assert _varies(plain)
    assert _varies(coded)
    decoded = gzip.decompress(coded_bytes)
    if path.startswith(PACK) and "format" not in path:  # the pack states when it was generated
        moments = {"generated_at": None, "known_at": None}
        assert json.loads(decoded) | moments == json.loads(plain_bytes) | moments
    else:
        assert decoded == plain_bytes
    assert len(coded_bytes) * 4 < len(plain_bytes)
    # The same content under either coding: the tag is weak when gzipped, and names the same content.
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', coded.headers["etag"])
    assert coded.headers["etag"].removeprefix("W/") == plain.headers["etag"].removeprefix("W/")


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip", True),
        ("x-gzip", True),
        ("GZIP", True),
        ("gzip, deflate, br, zstd", True),  # what a browser sends
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("br, *;q=0.1", True),
        ("gzip, identity;q=0.5", True),
        ("gzip;q=0.5, identity", False),  # the answer as it is preferred
        ("gzip;q=0", False),
        ("gzip;q=0.000, *", False),  # gzip named and refused: * does not bring it back
        ("*;q=0", False),
        ("identity", False),
        ("br", False),
        ("deflate", False),
        ("gzip;q=2", False),  # not a weight
        ("gzip;q=abc", False),
        ("", False),
        ("gzip," * 200, False),  # too long to read
    ],
)
async def test_accept_encoding_is_read_as_rfc_9110_says(
    client: AsyncClient, loaded: Tally, accept_encoding: str, gzipped: bool
) -> None:
    response, raw = await _raw(client, SCORECARD, {"Accept-Encoding": accept_encoding})
    assert response.status_code == 200
    assert (response.headers.get("content-encoding") == "gzip") is gzipped
    assert (raw[:2] == b"\x1f\x8b") is gzipped
    assert _varies(response)


async def test_a_poll_with_either_codings_tag_is_a_304(client: AsyncClient, loaded: Tally) -> None:
    plain = await client.get(SCORECARD, headers=PLAIN)
    coded = await client.get(SCORECARD, headers=GZIP)
    for held, asking, expected in (
        (coded, GZIP, coded),
        (plain, GZIP, coded),
        (coded, PLAIN, plain),
        (plain, PLAIN, plain),
    ):
        again = await client.get(SCORECARD, headers={"If-None-Match": held.headers["etag"]} | asking)
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == expected.headers["etag"]
        assert _varies(again)  # as its 200 would


async def test_a_small_answer_an_item_and_documents_go_as_they_are(client: AsyncClient, loaded: Tally) -> None:
    small, small_bytes = await _raw(client, SMALL, GZIP)
    assert small.status_code == 200
    assert len(small_bytes) < 1024
    assert "content-encoding" not in small.headers
    item, item_bytes = await _raw(client, ITEM, GZIP)
    assert item.status_code == 200
    assert len(item_bytes) >= 1024
    assert "content-encoding" not in item.headers
    assert item.headers["etag"] == f'"{json.loads(item_bytes)["version"]}"'  # strong, for If-Match
    for path in (f"{PACK}?format=pdf", f"{PACK}?format=xlsx"):
        document, document_bytes = await _raw(client, path, GZIP)
        assert document.status_code == 200
        assert "content-encoding" not in document.headers
        assert document_bytes[:4] in (b"%PDF", b"PK\x03\x04")


async def test_an_error_goes_as_it_is(client: AsyncClient, loaded: Tally) -> None:
    missing, raw = await _raw(client, "/api/v1/governance-bodies/no-such-body/pack", GZIP)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "content-encoding" not in missing.headers
    assert b"no-such-body" in raw


async def test_the_same_without_the_read_cache(monkeypatch: pytest.MonkeyPatch, loaded: Tally, mint: Minter) -> None:
    async with configured_app(monkeypatch, READ_CACHE_ENTRIES="0") as app, client_for(app, await mint(Scope.read)) as c:
        plain, plain_bytes = await _raw(c, SCORECARD, PLAIN)
        coded, coded_bytes = await _raw(c, SCORECARD, GZIP)
        assert coded.headers["content-encoding"] == "gzip"
        assert gzip.decompress(coded_bytes) == plain_bytes
        assert (await c.get(SCORECARD, headers={"If-None-Match": coded.headers["etag"]} | GZIP)).status_code == 304


def test_the_document_says_when_an_answer_is_gzipped(shared_app: FastAPI) -> None:
    paths = shared_app.openapi()["paths"]
    headers = paths["/api/v1/governance-bodies/{key}/pack"]["get"]["responses"]["200"]["headers"]
    assert headers["Content-Encoding"]["schema"]["enum"] == ["gzip"]
    assert "Accept-Encoding" in headers["Vary"]["description"]
    assert "Content-Encoding" not in paths["/api/v1/projects/{key}"]["get"]["responses"]["200"].get("headers", {})
    shared = paths["/shared-packs/{token}"]["get"]["responses"]["200"]["headers"]
    assert shared["Content-Encoding"]["schema"]["enum"] == ["gzip"]


@pytest.mark.parametrize("path", ["/openapi.json", "/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"])
async def test_the_documentation_is_sent_gzipped_too(anonymous: AsyncClient, path: str) -> None:
    plain, plain_bytes = await _raw(anonymous, path, PLAIN)
    coded, coded_bytes = await _raw(anonymous, path, {"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == coded.status_code == 200
    assert "content-encoding" not in plain.headers
    assert coded.headers["content-encoding"] == "gzip"
    assert gzip.decompress(coded_bytes) == plain_bytes
    assert _varies(coded)
    refused, refused_bytes = await _raw(anonymous, path, {"Accept-Encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers
    assert refused_bytes == plain_bytes
    if path == "/openapi.json":
        assert len(coded_bytes) * 10 < len(plain_bytes)
        assert json.loads(gzip.decompress(coded_bytes))["openapi"].startswith("3.")


def _never() -> dict[str, object]:
    raise AssertionError("the OpenAPI document was written again")


async def test_the_openapi_document_is_written_once_and_revalidates_with_its_etag(
    app: FastAPI, anonymous: AsyncClient
) -> None:
    plain, plain_bytes = await _raw(anonymous, "/openapi.json", PLAIN)
    tag = plain.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag)
    assert plain.headers["content-type"] == "application/json"
    assert plain.headers["cache-control"] == "no-cache"
    assert _varies(plain)
    # Written on the first request, not again: the route's document no longer makes it.
    (route,) = [route for route in app.routes if isinstance(route, Route) and route.path == "/openapi.json"]
    document = getattr(route.endpoint, "__self__", None)
    assert isinstance(document, Document)
    document.make = _never
    again, again_bytes = await _raw(anonymous, "/openapi.json", PLAIN)
    assert again.headers["etag"] == tag
    assert again_bytes == plain_bytes
    coded, coded_bytes = await _raw(anonymous, "/openapi.json", {"Accept-Encoding": "gzip"})
    assert coded.headers["etag"] == f"W/{tag}"  # what it says, not how it is coded
    assert gzip.decompress(coded_bytes) == plain_bytes
    # Another worker (another app, built afresh) writes the same bytes: the tag holds across workers.
    async with in_process(create_app()) as other:
        elsewhere, elsewhere_bytes = await _raw(other, "/openapi.json", PLAIN)
    assert elsewhere.headers["etag"] == tag
    assert elsewhere_bytes == plain_bytes
    for sent in (tag, f"W/{tag}", f'"0123", {tag}', "*"):
        for coding in ("identity", "gzip"):
            kept = await anonymous.get("/openapi.json", headers={"If-None-Match": sent, "Accept-Encoding": coding})
            assert kept.status_code == 304, (sent, coding)
            assert kept.content == b""
            assert kept.headers["etag"] == (tag if coding == "identity" else f"W/{tag}")
            assert _varies(kept)
    stale = await anonymous.get("/openapi.json", headers={"If-None-Match": '"0123"', **PLAIN})
    assert stale.status_code == 200
    assert stale.content == plain_bytes
    head = await anonymous.head("/openapi.json", headers=PLAIN)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == tag
