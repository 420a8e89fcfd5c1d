"""Retries and errors without a server: 429 and 503 retried after Retry-After (seconds or an HTTP-date) or an
exponential backoff, one Idempotency-Key over every try of a POST, lost connections retried only when that is safe,
and every refusal raised as the exception of its status with the problem and the request id."""

import email.utils
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from strategy_client import (
    ApiError,
    AsyncClient,
    Client,
    Conflict,
    NotFound,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    TransportError,
    UnprocessableEntity,
)
from strategy_client._retry import RetryPolicy, parse_retry_after, retry_after_error

Handler = Callable[[httpx.Request], httpx.Response]
PROBLEM = "application/problem+json"


def _problem(status: int, title: str, detail: str, **headers: str) -> httpx.Response:
    body = {"type": "https://cs-strategy.example/problems/x", "title": title, "status": status, "detail": detail}
    return httpx.Response(status, json=body, headers={"content-type": PROBLEM, **headers})


def _scripted(*answers: httpx.Response | Exception) -> tuple[list[httpx.Request], Handler]:
    """A handler answering each request with the next answer (the last one again once they run out)."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers[min(len(seen), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return seen, handle


def _client(handler: Handler, **options: Any) -> Client:
    return Client("http://api.test", api_key="k", transport=httpx.MockTransport(handler), **options)


HEALTHY = httpx.Response(200, json={"status": "ok"})


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the sync client makes, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr("strategy_client._sync._core.time.sleep", waited.append)
    return waited


class TestRetryAfter:
    def test_a_429_is_retried_after_the_seconds_retry_after_says(self) -> None:
        seen, handle = _scripted(_problem(429, "Too many requests", "slow down", **{"Retry-After": "1"}), HEALTHY)
        started = time.monotonic()
        with _client(handle) as client:
            assert client.health.get().status == "ok"
        assert 1.0 <= time.monotonic() - started < 3
        assert len(seen) == 2

    def test_a_503_is_retried_at_the_http_date_retry_after_names(self, sleeps: list[float]) -> None:
        when = email.utils.formatdate(time.time() + 30, usegmt=True)
        _seen, handle = _scripted(_problem(503, "Service unavailable", "db", **{"Retry-After": when}), HEALTHY)
        with _client(handle) as client:
            client.health.get()
        assert len(sleeps) == 1
        assert 28 <= sleeps[0] <= 30

    def test_without_retry_after_the_waits_back_off_exponentially(self, sleeps: list[float]) -> None:
        seen, handle = _scripted(_problem(503, "Service unavailable", "db"))
        with _client(handle, max_retries=3, backoff=1.0) as client, pytest.raises(ServiceUnavailable) as raised:
            client.health.get()
        assert len(seen) == 4
        assert [0.5 <= sleeps[0] <= 1, 1 <= sleeps[1] <= 2, 2 <= sleeps[2] <= 4] == [True] * 3
        assert isinstance(raised.value, ServerError)

    def test_after_the_last_retry_the_429_is_raised_with_its_retry_after(self, sleeps: list[float]) -> None:
        _seen, handle = _scripted(_problem(429, "Too many requests", "slow down", **{"Retry-After": "2"}))
        with _client(handle, max_retries=2) as client, pytest.raises(RateLimited) as raised:
            client.health.get()
        assert sleeps == [2.0, 2.0]
        assert raised.value.retry_after == "2"

    def test_a_wait_longer_than_the_client_will_wait_is_not_waited_for(self, sleeps: list[float]) -> None:
        _seen, handle = _scripted(_problem(429, "Too many requests", "an hour", **{"Retry-After": "3600"}))
        with _client(handle) as client, pytest.raises(RateLimited):
            client.health.get()
        assert sleeps == []

    def test_retry_after_is_read_as_seconds_or_an_http_date(self) -> None:
        assert parse_retry_after("7") == 7.0
        assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
        assert parse_retry_after("soon") is None
        assert parse_retry_after(None) is None
        assert RetryPolicy(max_retries=1).delay(1) is None


class TestIdempotency:
    def test_every_try_of_a_post_carries_the_same_idempotency_key(self, sleeps: list[float]) -> None:
        created = httpx.Response(201, json=_PROGRESS)
        seen, handle = _scripted(_problem(503, "Service unavailable", "db"), httpx.ReadError("dropped"), created)
        with _client(handle) as client:
            client.actions.updates.create("fa1", status="on_track")
        keys = {request.headers["idempotency-key"] for request in seen}
        assert len(seen) == 3
        assert len(keys) == 1
        assert {request.headers["x-request-id"] for request in seen} == {seen[0].headers["x-request-id"]}

    def test_the_callers_idempotency_key_is_sent(self) -> None:
        seen, handle = _scripted(httpx.Response(201, json=_PROGRESS))
        with _client(handle) as client:
            client.actions.updates.create("fa1", status="on_track", idempotency_key="report-2016-09")
        assert seen[0].headers["idempotency-key"] == "report-2016-09"

    def test_a_write_is_sent_again_after_a_lost_answer_only_when_that_cannot_write_twice(self) -> None:
        def request(method: str, **headers: str) -> httpx.Request:
            return httpx.Request(method, "http://api.test/api/v1/actions/fa1", headers=headers)

        lost = httpx.ReadError("dropped")
        assert retry_after_error(lost, request("PATCH", **{"If-Match": '"3"'}))
        assert retry_after_error(lost, request("POST", **{"Idempotency-Key": "k"}))
        assert retry_after_error(lost, request("PUT"))
        assert not retry_after_error(lost, request("PATCH"))
        assert not retry_after_error(lost, request("POST"))
        assert retry_after_error(httpx.ConnectError("refused"), request("POST"))  # never sent


class TestLostConnections:
    def test_a_refused_connection_is_retried_then_raised_with_the_request_id(self, sleeps: list[float]) -> None:
        seen, handle = _scripted(httpx.ConnectError("refused"))
        with _client(handle, max_retries=2) as client, pytest.raises(TransportError) as raised:
            client.kpis.get("neet")
        assert len(seen) == 3
        assert raised.value.request_id == seen[0].headers["x-request-id"]
        assert raised.value.request_id in str(raised.value)

    def test_a_read_lost_after_sending_is_retried_for_a_get(self, sleeps: list[float]) -> None:
        seen, handle = _scripted(httpx.ReadError("dropped"), HEALTHY)
        with _client(handle) as client:
            client.health.get()
        assert len(seen) == 2


class TestErrors:
    def test_a_refusal_is_the_exception_of_its_status_with_the_problem_and_request_id(self) -> None:
        answer = _problem(409, "Conflict", "A built-in group cannot be changed.", **{"X-Request-ID": "req-42"})
        _seen, handle = _scripted(answer)
        with _client(handle) as client, pytest.raises(Conflict) as raised:
            client.comparator_groups.delete("england", if_match='"1"')
        error = raised.value
        assert (error.status, error.request_id, error.problem.title) == (409, "req-42", "Conflict")
        assert str(error) == "409 Conflict: A built-in group cannot be changed. (request id req-42)"
        assert isinstance(error.response, httpx.Response)

    def test_validation_errors_name_each_field(self) -> None:
        body = {
            "type": "https://cs-strategy.example/problems/invalid-request",
            "title": "Invalid request",
            "status": 422,
            "detail": "The request did not validate: body.what.",
            "errors": [{"loc": ["body", "what"], "msg": "Field required"}],
        }
        _seen, handle = _scripted(httpx.Response(422, json=body, headers={"content-type": PROBLEM}))
        with _client(handle) as client, pytest.raises(UnprocessableEntity) as raised:
            client.actions.create(key="x", focus_area="y")
        assert raised.value.problem.errors is not None
        assert raised.value.problem.errors[0].loc == ["body", "what"]
        assert "body.what: Field required" in str(raised.value)

    def test_an_answer_that_is_not_problem_json_still_raises_with_its_text(self) -> None:
        _seen, handle = _scripted(httpx.Response(502, text="<html>Bad gateway</html>"))
        with _client(handle, max_retries=0) as client, pytest.raises(ServerError) as raised:
            client.health.get()
        assert raised.value.status == 502
        assert "Bad gateway" in raised.value.problem.detail
        assert raised.value.request_id  # the one the client sent

    def test_an_unmapped_status_is_an_api_error(self) -> None:
        _seen, handle = _scripted(_problem(418, "Teapot", "short and stout"))
        with _client(handle) as client, pytest.raises(ApiError) as raised:
            client.health.get()
        assert type(raised.value) is ApiError


async def test_the_async_client_retries_a_503_with_one_idempotency_key() -> None:
    unavailable = _problem(503, "Service unavailable", "db", **{"Retry-After": "0"})
    seen, handle = _scripted(unavailable, httpx.Response(201, json=_PROGRESS))
    async with AsyncClient("http://api.test", api_key="k", transport=httpx.MockTransport(handle)) as client:
        update = await client.projects.updates.create("lean-review", status="on_track", as_of="2016-09-30")
    assert update.status == "on_track"
    assert len({request.headers["idempotency-key"] for request in seen}) == 1
    assert len(seen) == 2


async def test_the_async_client_raises_the_exception_of_the_status() -> None:
    _seen, handle = _scripted(_problem(404, "Not found", "No action with key 'x'."))
    async with AsyncClient("http://api.test", api_key="k", transport=httpx.MockTransport(handle)) as client:
        with pytest.raises(NotFound, match="No action with key 'x'"):
            await client.actions.get("x")


_PROGRESS = {
    "id": 1,
    "status": "on_track",
    "rag": None,
    "percent_complete": None,
    "commentary": None,
    "as_of": "2016-09-30",
    "created_at": "2016-09-30T10:00:00Z",
    "created_by": "key:k1 (tests)",
}
