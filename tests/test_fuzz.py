"""Schemathesis over the whole OpenAPI document, against a live uvicorn worker on a seeded database of its own, with
an admin key: every operation, data generated from its schema (valid and invalid), every check Schemathesis has.
No 5xx, and every answer as the document says.

Bounded and repeatable: a fixed seed (tests/schemathesis.toml). The short form, run by `make test` and CI, generates
FUZZ_EXAMPLES examples per operation (default 5); `make fuzz` (FUZZ_FULL=1) adds the coverage phase (every boundary
value the schema defines, for every parameter: several minutes) and runs 100 examples per operation."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import AuthContext, Case
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema
from sqlalchemy.engine import make_url

from api.main import create_app
from bench.server import live_server, seeded

FULL = os.environ.get("FUZZ_FULL") == "1"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100" if FULL else "5"))


def _fuzz_database(database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{tmp_path}/fuzz.db"
    url = make_url(database_url)
    return url.set(database=f"{url.database}_fuzz").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def fuzz_server(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A live worker on a freshly migrated and seeded database that only the fuzzer writes to; an admin key."""
    url = _fuzz_database(migrated, tmp_path_factory.mktemp("fuzz"))
    if not url.startswith("sqlite"):
        _recreate(migrated, url)
    token = seeded(url, "fuzzer", "admin")
    KEY["token"] = token
    with live_server(url, RATE_LIMIT_PER_MINUTE="0") as base:
        yield base, token


def _recreate(admin_url: str, url: str) -> None:
    import asyncio

    from sqlalchemy import text

    from api import db

    async def recreate() -> None:
        engine = db.make_engine(admin_url, timeouts=db.ADMIN_TIMEOUTS).execution_options(isolation_level="AUTOCOMMIT")
        name = make_url(url).database
        async with engine.connect() as connection:
            # Dropping a database waits on the disk: on a busy machine longer than DB_STATEMENT_TIMEOUT.
            await connection.execute(text("SET statement_timeout = 0"))
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        await engine.dispose()

    asyncio.run(recreate())


# The document the running server serves (the same code builds it); requests go to the live server.
def _config() -> SchemathesisConfig:
    config = SchemathesisConfig.from_path(str(Path(__file__).with_name("schemathesis.toml")))
    config.projects.default.phases.coverage.enabled = FULL
    return config


schema: BaseSchema = schemathesis.openapi.from_dict(create_app().openapi(), config=_config())
if only := os.environ.get("FUZZ_PATH"):  # a regex, to look into one endpoint
    schema = schema.include(path_regex=only)
KEY: dict[str, str] = {}  # the fuzzer's admin key, once its server is up


@schema.auth(refresh_interval=None)
class FuzzerKey:
    """The key, applied the way Schemathesis expects, so that it can also try requests without one."""

    def get(self, case: Case[Any], context: AuthContext) -> str:
        return KEY.get("token", "")  # asked once while tests are collected, before any server is up

    def set(self, case: Case[Any], token: str, context: AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {token}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_documented_promises(case: Case[Any], fuzz_server: tuple[str, str]) -> None:
    base, _token = fuzz_server
    case.call_and_validate(base_url=base)
