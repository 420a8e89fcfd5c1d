"""Serve the dashboard: its static files, and `config.json` telling the page which service to read and with what key.

    python clients/dashboard/serve.py --api http://127.0.0.1:8000 --key-file data/dashboard-key [--port 8080]

Standard library only: the dashboard is a folder of static files (`static/`) that any web server can host; this
script adds the one file that differs per installation. Without a key the page asks its user for one and keeps it
for the browser tab only. Port 0 takes a free port; the address is printed once the server is listening.
"""

import argparse
import json
import os
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STATIC = Path(__file__).resolve().parent / "static"


def content_security_policy(api: str) -> str:
    """Only this server's files run; the page talks to the service and nowhere else."""
    service = urlsplit(api)
    origin = f"{service.scheme}://{service.netloc}" if service.scheme and service.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' {origin}".strip(),
            "img-src 'self' data:",
            "style-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class DashboardHandler(SimpleHTTPRequestHandler):
    """Static files with security headers; `/config.json` from the command line, never cached."""

    config: bytes = b"{}"
    policy: str = "default-src 'self'"

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/config.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.config)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(self.config)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if urlsplit(self.path).path != "/config.json":
            self.send_header("Cache-Control", "no-cache")  # revalidated: a new release shows at once
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if os.environ.get("DASHBOARD_LOG"):
            super().log_message(format, *args)


def read_key(path: Path | None, given: str | None) -> str | None:
    if given:
        return given.strip()
    if path is not None:
        if not path.is_file():
            sys.exit(f"no key file at {path} (mint one: python -m api keys local-reader --path {path})")
        return path.read_text(encoding="utf-8").strip() or None
    return None


def make_server(host: str, port: int, api: str, key: str | None, title: str) -> ThreadingHTTPServer:
    config = {"api_base": api.rstrip("/"), "api_key": key, "title": title}
    handler = type(
        "ConfiguredHandler",
        (DashboardHandler,),
        {"config": json.dumps(config).encode(), "policy": content_security_policy(api)},
    )
    return ThreadingHTTPServer((host, port), partial(handler, directory=str(STATIC)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the strategy dashboard.")
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="The service's base URL.")
    parser.add_argument("--key-file", type=Path, help="A file holding a read key for the service.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 for any free port.")
    parser.add_argument("--title", default="Children's Services strategy", help="The dashboard's name.")
    arguments = parser.parse_args(argv)
    key = read_key(arguments.key_file, os.environ.get("DASHBOARD_API_KEY"))
    server = make_server(arguments.host, arguments.port, arguments.api, key, arguments.title)
    port = server.server_address[1]
    print(f"dashboard on http://{arguments.host}:{port}  (reading {arguments.api})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
