"""What every command shares: the connection options given before the command, and the client made from them on
first use (so `strategy config ...` and `--help` never need a URL)."""

from dataclasses import dataclass, field
from pathlib import Path

import typer

from strategy_client import Client
from strategy_client.cli.profiles import Target, config_path, resolve

USER_AGENT = "strategy-cli"


@dataclass
class Session:
    url: str | None = None
    key: str | None = None
    profile: str | None = None
    timeout: float = 60.0
    config: Path = field(default_factory=config_path)
    _client: Client | None = None

    def target(self) -> Target:
        return resolve(self.url, self.key, self.profile, self.config)

    def client(self) -> Client:
        if self._client is None:
            target = self.target()
            self._client = Client(base_url=target.url, api_key=target.key, timeout=self.timeout, user_agent=USER_AGENT)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def session_of(context: typer.Context) -> Session:
    found = context.find_object(Session)
    if found is None:  # a command invoked on its own, in a test
        found = context.ensure_object(Session)
    return found


def client_of(context: typer.Context) -> Client:
    return session_of(context).client()
