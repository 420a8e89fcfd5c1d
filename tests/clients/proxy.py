"""A TCP proxy in front of a live worker that loses answers: for the requests it is told to, it forwards the
request, reads the worker's whole answer (so the write has happened) and closes the client's connection without
sending it, as a network failure after the server's commit would."""

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

Drop = Callable[[str, str], bool]  # (method, path) -> lose the answer?


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    headers: dict[str, str]
    dropped: bool


def _read_message(stream: socket.socket, buffer: bytearray) -> tuple[bytes, dict[str, str], bytes] | None:
    """One HTTP/1.1 message (start line, headers, a Content-Length body) from the stream; None at its end."""
    while b"\r\n\r\n" not in buffer:
        chunk = stream.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    start, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    assert "chunked" not in headers.get("transfer-encoding", ""), "the proxy reads Content-Length bodies only"
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = stream.recv(65536)
        if not chunk:
            return None
        rest += chunk
    del buffer[: len(head) + 4 + length]
    return head + b"\r\n\r\n", headers, rest[:length]


@dataclass
class DroppingProxy:
    upstream: str
    drop: Drop
    exchanges: list[Exchange] = field(default_factory=list)

    def __enter__(self) -> Self:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        target = urlsplit(self.upstream)
        with client, socket.create_connection((target.hostname or "127.0.0.1", target.port or 80)) as server:
            client.settimeout(30)
            server.settimeout(30)
            from_client, from_server = bytearray(), bytearray()
            while (request := _read_message(client, from_client)) is not None:
                head, _headers, body = request
                method, path = head.decode("latin-1").split(" ", 2)[:2]
                server.sendall(head + body)
                answer = _read_message(server, from_server)
                assert answer is not None, "the worker closed the connection"
                response_head, response_headers, response_body = answer
                status = int(response_head.split(b" ", 2)[1])
                dropped = self.drop(method, path)
                self.exchanges.append(Exchange(method, path, status, response_headers, dropped))
                if dropped:
                    return  # closes the client's connection: the answer is lost
                client.sendall(response_head + response_body)


def first(method: str, path_prefix: str) -> Drop:
    """Lose the answer to the first request with this method whose path starts with the prefix."""
    seen: list[str] = []

    def drop(sent_method: str, path: str) -> bool:
        if sent_method == method and path.startswith(path_prefix) and not seen:
            seen.append(path)
            return True
        return False

    return drop
