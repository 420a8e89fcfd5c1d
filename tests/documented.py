"""Every response the suite's clients receive is checked against the OpenAPI document's headers: a header the
service sends (of those a client acts on) must be documented on that operation's response, and a header the document
says is always there must be there. So the document says what the routes really send, over every test's traffic."""

import re
from typing import Any

from httpx import Response

WATCHED = (
    "etag",
    "location",
    "retry-after",
    "idempotent-replayed",
    "content-disposition",
    "www-authenticate",
    "x-request-id",
)


class DocumentedHeaders:
    """An httpx response hook."""

    def __init__(self, spec: dict[str, Any]) -> None:
        # Literal paths before parameterised ones (/projects/savings is not the project "savings").
        templates = sorted(spec["paths"], key=lambda path: (path.count("{"), path))
        self.paths = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path) for path in templates]
        self.spec = spec

    def documented(self, method: str, path: str, status: int) -> dict[str, Any] | None:
        """The documented headers of this response, by lower-case name; None if the response is not documented."""
        template = next((template for pattern, template in self.paths if pattern.match(path)), None)
        operation = self.spec["paths"].get(template, {}).get("get" if method == "HEAD" else method.lower())
        response = operation["responses"].get(str(status)) if operation else None
        if response is None:
            return None
        return {name.lower(): header for name, header in response.get("headers", {}).items()}

    async def __call__(self, response: Response) -> None:
        request = response.request
        documented = self.documented(request.method, request.url.path, response.status_code)
        if documented is None:  # a path or status the document does not list (an unknown path's 404, a 405)
            return
        where = f"{request.method} {request.url.path} {response.status_code}"
        for name in WATCHED:
            assert name not in response.headers or name in documented, f"{where} sends {name}: not documented"
        for name, header in documented.items():
            assert not header["required"] or name in response.headers, f"{where}: documented {name} is missing"
