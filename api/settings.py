"""Service configuration, read once from the environment (and an optional .env file)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///./{DATA_DIR}/strategy.db"
PROBLEM_TYPES_PATH = "/problems/"  # where the service serves a page per problem type (api/problem_types.py)
LogLevel = Literal["critical", "error", "warning", "info", "debug"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy async URL: sqlite+aiosqlite:///... or postgresql+asyncpg://...",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: LogLevel = "info"
    db_pool_size: int = Field(default=10, ge=1, description="Connections per worker (Postgres only).")
    db_connect_timeout: float = Field(
        default=3, gt=0, le=60, description="Seconds to wait for a new PostgreSQL connection before answering 503."
    )
    db_pool_timeout: float = Field(
        default=3, gt=0, le=60, description="Seconds a request waits for a free pooled connection before 503."
    )
    db_statement_timeout: float = Field(
        default=5, ge=0, le=600, description="Seconds one PostgreSQL statement may run (0: no limit) before 503."
    )
    read_cache_entries: int = Field(
        default=2048, ge=0, description="Read answers each worker keeps, checked against the data version (0: none)."
    )
    listen_for_changes: bool = Field(
        default=True,
        description="PostgreSQL: keep each worker's data version and keys in use current from the database's "
        "notifications (one more connection a worker) rather than reading them for each batch of requests.",
    )
    listen_database_url: str | None = Field(
        default=None,
        description="Where the listening connection goes, when DATABASE_URL is a pooler that does not carry LISTEN "
        "(PgBouncer in transaction mode); by default DATABASE_URL.",
    )
    listen_keepalive_seconds: float = Field(
        default=5, gt=0, le=60, description="How often a worker's listening connection is checked (and its timeout)."
    )
    readyz_timeout: float = Field(default=1, gt=0, le=30, description="Seconds /readyz waits for the database.")
    seed_path: Path = Path("seed")
    allow_anonymous_read: bool = Field(
        default=False, description="Let requests without a key read (GET) everything under /api/v1."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Browser origins allowed to call the API, comma-separated."
    )
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, description="Larger request bodies get 413.")
    bulk_jobs_per_worker: int = Field(
        default=1,
        ge=1,
        le=64,
        description="KPI batches a worker processes at once; the rest queue (see api/cooperative.py).",
    )
    rate_limit_per_minute: int = Field(default=1200, ge=0, description="Requests per key per minute; 0 is no limit.")
    admin_key_file: Path = Field(default=DATA_DIR / "admin-key", description="Where `make run` keeps its admin key.")
    dashboard_key_file: Path = Field(
        default=DATA_DIR / "dashboard-key", description="Where `make run` keeps the dashboard's read-only key."
    )
    stale_after_days: int = Field(default=45, ge=1, description="An ongoing item with no update for longer is stale.")
    problem_type_base: str = Field(
        default=PROBLEM_TYPES_PATH,
        pattern=r"^(https?://[^\s/]+)?/[^\s]*/$",
        description="Where problem `type` URIs start: the service's own /problems/ pages by default (a reference "
        "relative to the service's address); an absolute https://.../problems/ where a proxy serves them elsewhere.",
    )

    webhook_allow_insecure_urls: bool = Field(
        default=False,
        description="Let webhook subscriptions use plain http and loopback or private addresses (development, tests).",
    )
    webhook_timeout: float = Field(default=10, gt=0, le=60, description="Seconds a receiver has to answer a delivery.")
    webhook_lease_seconds: float = Field(
        default=60, gt=0, le=3600, description="How long a worker holds a delivery; after that it is due again."
    )
    webhook_poll_seconds: float = Field(default=1, gt=0, le=60, description="How often the worker looks for due work.")
    webhook_sweep_seconds: float = Field(
        default=60, gt=0, le=86400, description="How often the worker looks for overdue actions, late returns ..."
    )
    webhook_batch: int = Field(default=20, ge=1, le=500, description="Deliveries a worker sends at once.")
    webhook_retry_schedule: Annotated[list[Annotated[float, Field(ge=0, le=7 * 86400)]], NoDecode] = Field(
        default_factory=lambda: [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
        description="Seconds before each retry after a failed delivery, comma-separated; then it has failed.",
    )
    webhook_pause_after_failures: int = Field(
        default=10, ge=1, description="Failed attempts in a row after which a subscription is paused."
    )

    @field_validator("webhook_retry_schedule", mode="before")
    @classmethod
    def _split_schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _lease_outlasts_a_delivery(self) -> Self:
        if self.webhook_lease_seconds <= self.webhook_timeout:
            raise ValueError("WEBHOOK_LEASE_SECONDS must exceed WEBHOOK_TIMEOUT, or a slow delivery is sent twice")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def listen_url(self) -> str | None:
        """Where workers listen for changes (api/auth/notified.py); None where they do not (SQLite, or turned off)."""
        if not self.listen_for_changes or self.is_sqlite:
            return None
        return self.listen_database_url or self.database_url


@lru_cache
def get_settings() -> Settings:
    return Settings()
