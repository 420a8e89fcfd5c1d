"""gzip for the reads worth it (RFC 9110 sections 8.4 and 12.5.3): the CSMT pack of a large council is 1.35 MB of
JSON and 72 KB gzipped, and a dashboard polls it. The access middleware (api/auth/middleware.py) codes an answer
once and keeps the coded bytes beside the plain ones in its read cache, so polling clients that accept gzip cost
one compression per change of the data, not one per request."""

import gzip

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api.asgi import header

Headers = list[tuple[bytes, bytes]]

CODING = b"gzip"
LEVEL = 4  # zlib's 1-9: 4 codes the large pack in about 4 ms to 72 KB; 6 takes 6 ms for 62 KB, 9 takes 15 for 57
SMALLEST = 1024  # below a kilobyte the coding saves less than a round trip's worth of bytes
MAX_ACCEPT_ENCODING = 512  # a longer header is not read: the answer goes uncoded


def accepts_gzip(accept_encoding: bytes | None) -> bool:
    """Accept-Encoding allows gzip and does not prefer the answer as it is: it names gzip (or x-gzip), or else `*`,
    with a weight above 0 and not below identity's, if identity is named. A weight that is not a number from 0 to 1
    leaves its coding unaccepted; no header, or one that is not read, asks for the answer as it is."""
    if not accept_encoding or len(accept_encoding) > MAX_ACCEPT_ENCODING:
        return False
    weights: dict[bytes, float] = {}
    for item in accept_encoding.lower().split(b","):
        name, *parameters = (part.strip() for part in item.split(b";"))
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition(b"=")
            if key.strip() == b"q":
                weight = _weight(value.strip())
        weights.setdefault(b"gzip" if name == b"x-gzip" else name, weight)
    gzip_weight = weights.get(b"gzip", weights.get(b"*", 0.0))
    return gzip_weight > 0 and gzip_weight >= weights.get(b"identity", 0.0)


def _weight(value: bytes) -> float:
    """A qvalue (RFC 9110 section 12.4.2): 0 to 1 with up to three decimals; anything else counts as 0."""
    try:
        weight = float(value)
    except ValueError:
        return 0.0
    return weight if 0 <= weight <= 1 and len(value) <= 5 else 0.0


def _value(headers: Headers, name: bytes) -> bytes | None:
    return next((value for key, value in headers if key == name), None)


def worth_coding(headers: Headers, body: bytes) -> bool:
    """Text (JSON, CSV, HTML) of a kilobyte or more that is not coded already; a PDF or a workbook is compressed
    inside already."""
    if len(body) < SMALLEST or _value(headers, b"content-encoding") is not None:
        return False
    media = (_value(headers, b"content-type") or b"").split(b";")[0].strip().lower()
    return media.startswith(b"text/") or media.endswith((b"/json", b"+json", b"/xml", b"+xml"))


def coded(body: bytes) -> bytes:
    """``body`` gzipped; the same bytes every time (no timestamp in the gzip header)."""
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


def vary(headers: Headers) -> Headers:
    """``headers`` saying that the answer varies with Accept-Encoding (added to a Vary the route sent, if any)."""
    varied = [(name, value) for name, value in headers if name != b"vary"]
    named = [value for name, value in headers if name == b"vary"]
    if any(b"accept-encoding" in value.lower() or value.strip() == b"*" for value in named):
        return list(headers)
    return [*varied, (b"vary", b", ".join([*named, b"Accept-Encoding"]))]


# Outside /api/v1, what is large enough to be worth it: the docs page with its assets, and a share link's page
# (api/packs/shares.py PUBLIC_PATH), opened without a key. The OpenAPI document is coded once by its own route
# (api/openapi.py Document), not on every request here.
OUTSIDE_API = ("/docs", "/shared-packs/")
# Compressed inside already: a shared pack's PDF and workbook (api/packs/render.py), as well as Starlette's list.
PACKED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


class GzipOutsideApi:
    """The larger answers outside /api/v1 gzipped for a client that accepts it: a visit to /docs fetches Swagger UI's
    bundle (1.5 MB, 432 KB gzipped); the large council's shared pack page is 1.6 MB of HTML (87 KB). Starlette's
    GZipMiddleware does the coding (in a worker thread for large bodies, with Vary); Accept-Encoding is read here as
    the API's answers read it, since GZipMiddleware only looks for the word gzip (and would code for `gzip;q=0`).
    Under /api/v1 the access middleware codes its own answers, once per cached answer and with a weak ETag."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=SMALLEST, compresslevel=LEVEL, exclude_content_types=PACKED)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(OUTSIDE_API):
            await self.app(scope, receive, send)
            return
        asked = CODING if accepts_gzip(header(scope, b"accept-encoding")) else b"identity"
        scope["headers"] = [(name, value) for name, value in scope["headers"] if name != b"accept-encoding"]
        scope["headers"].append((b"accept-encoding", asked))
        await self.gzip(scope, receive, send)
