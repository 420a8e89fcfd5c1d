"""`python -m api benchmarks import-shipped`, which `make run` uses: every DfE file the seed ships imported through
its mapping, and a second run changes nothing."""

import re

from httpx import AsyncClient
from sqlalchemy import func, select

from api import db
from api.benchmarks import mapping
from api.kpis.models import Kpi, KpiValue
from tests.forks import run_api


def _run(database_url: str) -> str:
    env = {"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    done = run_api("benchmarks", "import-shipped", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def test_every_shipped_file_is_imported_once(migrated: str, loaded: object, client: AsyncClient) -> None:
    first = _run(migrated)
    shipped = {name: found for name, found in mapping.shipped().items() if found.file}
    assert len(shipped) >= 3
    for name, found in shipped.items():
        created = re.search(rf"{name}: ([\d,]+) figures created", first)
        assert created is not None, first
        assert int(created.group(1).replace(",", "")) > 0
        async with db.get_sessionmaker()() as session:
            held = await session.scalar(
                select(func.count()).select_from(KpiValue).join(Kpi).where(Kpi.code == found.kpi)
            )
        assert held == int(created.group(1).replace(",", ""))
    again = _run(migrated)
    assert re.findall(r"([\d,]+) figures created", again) == ["0"] * len(shipped)
    # the borough's figure reads back with England's beside it
    status = (await client.get("/api/v1/kpis/care-leavers-in-eet-16-21/status")).json()
    assert status["figure"] is not None
    assert any(comparator["scope"] == "england" for comparator in status["comparators"])
