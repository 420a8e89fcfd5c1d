"""The schema comes only from Alembic: migrations go up and down on an empty database, and match the models."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from api import db, schema
from api.models import Base


@pytest.fixture
async def empty_database_url(migrated: str, tmp_path: Path) -> AsyncIterator[str]:
    """A second, empty database beside the test database (a new file, or a new Postgres database)."""
    if migrated.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path}/migrations.db"
        return
    url = make_url(migrated)
    name = f"{url.database}_migrations"
    admin = db.make_engine(migrated, timeouts=db.ADMIN_TIMEOUTS).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text("SET statement_timeout = 0"))
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as connection:
        # Dropping a database waits for its files to go: past the service's statement timeout on a loaded machine.
        await connection.execute(text("SET statement_timeout = 0"))
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def _tables(url: str) -> set[str]:
    engine = db.make_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_migrations_upgrade_from_empty_to_head_and_back_down(empty_database_url: str) -> None:
    await asyncio.to_thread(schema.upgrade, empty_database_url)
    assert await _tables(empty_database_url) == set(Base.metadata.tables)
    await asyncio.to_thread(schema.downgrade, empty_database_url, "base")
    assert await _tables(empty_database_url) == set()
    await asyncio.to_thread(schema.upgrade, empty_database_url)
    assert await _tables(empty_database_url) == set(Base.metadata.tables)


async def test_models_and_migrations_do_not_drift(migrated: str) -> None:
    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with db.get_engine().connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == [], f"models and migrations differ; run alembic revision --autogenerate: {diff}"


async def test_test_database_is_at_head(migrated: str) -> None:
    async with db.get_engine().connect() as connection:
        assert await schema.current_revisions(connection) == schema.head_revisions()


async def test_upgrading_binds_owner_limited_keys_to_owner_ids(empty_database_url: str) -> None:
    """Keys minted before grants were bound to owners keep exactly their owners' rights, now held by id."""
    await asyncio.to_thread(schema.upgrade, empty_database_url, "da27fd4a4164")
    engine = db.make_engine(empty_database_url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO owner (id, key, code, kind, aliases, name_inferred, version) VALUES "
                "(7, 'ad-slac', 'AD SLAC', 'role', '[]', false, 1), (9, 'lscb', 'LSCB', 'partnership', '[]', false, 1)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO api_key (key_id, secret_hash, name, scopes, owner_codes, created_at, created_by) "
                "VALUES (:key_id, 'x', :key_id, '[]', :codes, CURRENT_TIMESTAMP, 'test')"
            ),
            [{"key_id": "k1", "codes": json.dumps(["LSCB", "AD SLAC"])}, {"key_id": "k2", "codes": None}],
        )
    await asyncio.to_thread(schema.upgrade, empty_database_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT key_id, owner_ids FROM api_key ORDER BY key_id"))).all()
    assert [(key_id, json.loads(ids) if isinstance(ids, str) else ids) for key_id, ids in rows] == [
        ("k1", [7, 9]),
        ("k2", None),
    ]
    await asyncio.to_thread(schema.downgrade, empty_database_url, "da27fd4a4164")
    async with engine.connect() as connection:
        codes = (await connection.execute(text("SELECT owner_codes FROM api_key WHERE key_id = 'k1'"))).scalar_one()
    assert (json.loads(codes) if isinstance(codes, str) else codes) == ["AD SLAC", "LSCB"]
    await engine.dispose()


async def test_upgrading_places_existing_kpis_in_the_order_they_were_made(empty_database_url: str) -> None:
    """KPIs held before kpi.position are numbered by id; their targets and figures stay (a SQLite rebuild of the
    table must neither be refused nor cascade to them), and going back down keeps them too."""
    before = "5ff55548738b"
    await asyncio.to_thread(schema.upgrade, empty_database_url, before)
    engine = db.make_engine(empty_database_url)
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO scope (id, key, name, kind) VALUES (1, 'stockton', 'S', 'borough')"))
        await connection.execute(
            text(
                "INSERT INTO kpi (id, code, title, tier, unit, decimal_places, polarity, period_type, version) "
                "VALUES (:id, :code, 'A KPI', 'council_plan', 'percent', 0, 'lower_better', 'financial_year', 1)"
            ),
            [{"id": 7, "code": "alpha"}, {"id": 3, "code": "zulu"}, {"id": 5, "code": "mike"}],
        )
        await connection.execute(
            text(
                "INSERT INTO kpi_target (kpi_id, period, period_start_date, kind) "
                "VALUES (3, 'FY2016-17', '2016-04-01', 'monitor')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO kpi_value (kpi_id, scope_id, period, period_start_date, period_end_date, revision, value, "
                "provisional, submitted_at, submitted_by) "
                "VALUES (3, 1, 'FY2015-16', '2015-04-01', '2016-03-31', 1, 8, false, CURRENT_TIMESTAMP, 'seed')"
            )
        )

    async def held() -> list[int]:
        async with engine.connect() as connection:
            return [
                int(await connection.scalar(text(f"SELECT count(*) FROM {name}")))
                for name in ("kpi_target", "kpi_value")
            ]

    await asyncio.to_thread(schema.upgrade, empty_database_url)
    async with engine.connect() as connection:
        placed = (await connection.execute(text("SELECT id, position FROM kpi ORDER BY id"))).all()
    assert [tuple(row) for row in placed] == [(3, 1), (5, 2), (7, 3)]
    assert await held() == [1, 1]
    await asyncio.to_thread(schema.downgrade, empty_database_url, before)
    async with engine.connect() as connection:
        columns = await connection.run_sync(lambda sync: {c["name"] for c in inspect(sync).get_columns("kpi")})
    assert "position" not in columns
    assert await held() == [1, 1]
    await engine.dispose()
