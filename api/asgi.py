"""Small helpers for the service's own ASGI middlewares (api/request_id.py, api/body_limit.py, api/auth) and for
answers made from bytes held whole (the read cache's, the OpenAPI document's)."""

import hashlib

from starlette.types import Scope


def header(scope: Scope, name: bytes) -> bytes | None:
    """A request header's first value (``name`` in lower case, as ASGI gives it), without building a dict of them
    all: the middlewares each need one header, on every request."""
    return next((value for key, value in scope["headers"] if key == name), None)


def tag_of(body: bytes) -> bytes:
    """A strong ETag for these bytes: the same on every worker, for as long as they do not change."""
    return b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'


def not_modified(if_none_match: bytes | None, tag: bytes) -> bool:
    """If-None-Match names this ETag (compared weakly, as RFC 9110 says for it) or is `*`."""
    if not if_none_match:
        return False
    listed = {item.strip().removeprefix(b"W/") for item in if_none_match.split(b",")}
    return tag.removeprefix(b"W/") in listed or b"*" in listed
