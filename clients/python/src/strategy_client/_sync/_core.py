# Generated from _async/_core.py by clients/python/scripts/generate.py (make clients): do not edit.
"""Sync HTTP core: one connection pool, retries, ETags remembered per item, answers parsed into models."""

import time
from collections.abc import Iterator, Mapping
from typing import Any, Protocol, TypeVar

import httpx

from strategy_client import _encoding
from strategy_client._model import Model
from strategy_client._pages import PageOf, is_last
from strategy_client._retry import RETRIED_STATUSES, RetryPolicy, retry_after_error
from strategy_client.errors import StrategyError, TransportError, error_for

ModelT = TypeVar("ModelT", bound=Model)
ItemT = TypeVar("ItemT")
ItemT_co = TypeVar("ItemT_co", covariant=True)
USER_AGENT = "strategy-client-python/0.1.0"


class HTTP:
    """What every resource shares: the connection pool, the retry policy and the last ETag seen per item URL."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        timeout: float,
        policy: RetryPolicy,
        transport: httpx.BaseTransport | None,
        user_agent: str | None,
    ) -> None:
        headers = {"User-Agent": user_agent or USER_AGENT, "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        root = base_url.rstrip("/").removesuffix(_encoding.API)
        self.client = httpx.Client(base_url=root, headers=headers, timeout=timeout, transport=transport)
        self.policy = policy
        self.etags: dict[str, str] = {}

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, object] | None = None,
        json: object = None,
        content: bytes | str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        item_url: str | None = None,
    ) -> httpx.Response:
        """Send a request, retrying on 429, 503 and lost connections when that is safe; raise ApiError for an
        error answer. A POST carries one Idempotency-Key over every try, so the server replays a retried write.
        ``item_url``: the item whose version the answer's ETag is (a write to a part of it, such as a progress
        update or a target, moves the item's version on)."""
        sent = {"X-Request-ID": _encoding.request_id(), **(headers or {})}
        if idempotency_key is not None or method == "POST":
            sent["Idempotency-Key"] = idempotency_key or _encoding.idempotency_key()
        request = self.client.build_request(
            method,
            url,
            params=_encoding.query(params) if params is not None else None,  # None: the URL's own query, if any
            json=json,
            content=content,
            files=files,
            data=data,
            headers=sent,
        )
        response = self._send(request, sent["X-Request-ID"])
        self._remember(request, response, item_url)
        if response.is_error:
            raise error_for(response, sent["X-Request-ID"])
        return response

    def _send(self, request: httpx.Request, request_id: str) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self.client.send(request)
            except httpx.TransportError as error:
                delay = self.policy.delay(attempt) if retry_after_error(error, request) else None
                if delay is None:
                    message = f"{request.method} {request.url.path}: {error!r}"
                    raise TransportError(message, request_id=request_id) from error
            else:
                if response.status_code not in RETRIED_STATUSES:
                    return response
                delay = self.policy.delay(attempt, response.headers.get("retry-after"))
                if delay is None:
                    return response
            time.sleep(delay)
            attempt += 1

    def _remember(self, request: httpx.Request, response: httpx.Response, item_url: str | None) -> None:
        """Keep the ETag an answer gives for its item; forget one that the answer shows is no longer current."""
        etag = response.headers.get("etag")
        location = response.headers.get("location")
        where = item_url or (httpx.URL(location).path if location else request.url.path)
        if etag and response.is_success:
            self.etags[where] = etag
        elif request.method != "GET" or response.status_code in (404, 412):
            self.etags.pop(where, None)

    def get(self, url: str, model: type[ModelT], params: Mapping[str, object] | None = None) -> ModelT:
        return parse(self.request("GET", url, params=params), model)

    def refresh(self, model: ModelT) -> ModelT:
        """``model`` read again from the same URL: the same object if the answer has not changed since (a 304 for the
        ETag it was read with, or an item still at its version), else the new answer."""
        if model.read_from is None:
            kind = type(model).__name__
            raise StrategyError(
                f"This {kind} was not read by a GET of its own (it is a write's answer, an item of a list, or made "
                "here), so there is no answer to read again: refresh the list's page, or get the item"
            )
        headers = {"If-None-Match": model.etag} if model.etag else None
        response = self.request("GET", model.read_from, headers=headers)
        if response.status_code == 304 or (model.etag and response.headers.get("etag") == model.etag):
            return model
        return parse(response, type(model))

    def send(
        self,
        method: str,
        url: str,
        model: type[ModelT],
        *,
        json: object = None,
        params: Mapping[str, object] | None = None,
        if_match: str | None = None,
        idempotency_key: str | None = None,
        item_url: str | None = None,
    ) -> ModelT:
        headers = {"If-Match": if_match} if if_match else None
        response = self.request(
            method, url, json=json, params=params, headers=headers, idempotency_key=idempotency_key, item_url=item_url
        )
        return parse(response, model)

    def if_match(self, url: str, item: object, given: str | None) -> str:
        """The ETag a write to ``url`` should carry: the one given, else the one ``item`` was read with, else the last
        one this client saw for the URL, else the item's current one (read now)."""
        if given:
            return given
        if isinstance(item, Model) and item.etag:
            return item.etag
        if known := self.etags.get(url):
            return known
        response = self.request("GET", url)
        etag: str | None = response.headers.get("etag")
        if etag:
            return etag
        raise StrategyError(f"GET {url} answered without an ETag, so a write to it cannot be made safe")


def parse(response: httpx.Response, model: type[ModelT]) -> ModelT:
    """The answer as ``model``, carrying the response's ETag."""
    parsed = model.model_validate_json(response.content)
    parsed._etag = response.headers.get("etag")
    if response.request.method == "GET":
        parsed._read_from = str(response.request.url)
    return parsed


class FetchPage(Protocol[ItemT_co]):
    def __call__(self, page: int, limit: int) -> PageOf[ItemT_co]: ...


def paginate(fetch: FetchPage[ItemT], page_size: int) -> Iterator[ItemT]:
    """Every item of a list, fetching page after page until the total is reached."""
    number = 1
    while True:
        page = fetch(number, page_size)
        for item in page.items:
            yield item
        if is_last(page):
            return
        number += 1


class Resource:
    """A group of endpoints; every resource shares its client's HTTP core."""

    def __init__(self, http: HTTP) -> None:
        self._http = http


def key_of(item: object, field: str = "key") -> str:
    """An item's key, from the key itself or from a model read from the API."""
    return item if isinstance(item, str) else str(getattr(item, field))


def payload(changes: Model | Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    return _encoding.body(changes, fields)
