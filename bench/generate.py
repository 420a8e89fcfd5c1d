"""A realistic large council, built through the service's own bulk paths, for benchmarks that must stay flat as data
grows.

    python -m bench.generate --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_large

What it builds (SCALE below):
- the real 2016-18 strategy, extended in the seed format and loaded by the seed loader: 500 KPIs (the strategy's 28
  and DfE's LAIT indicator definitions from seed/national/, a third each monthly, quarterly and by year), 150
  comparator authorities (real local authorities and their GSS codes, from the DfE files), 2,000 business
  improvement actions and 200 transformation projects;
- ten years of figures for every KPI and 10 scopes (the borough, England, the North East and 7 authorities), about
  280,000 values, posted as 10,000-row JSON batches to POST /api/v1/kpi-submissions;
- progress histories for every action and project (POST .../updates), and 50 API keys (POST /api/v1/api-keys).

Figures are random walks from a fixed seed, so two runs build the same council. The schema in the target database is
dropped and rebuilt.
"""

import argparse
import asyncio
import csv
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import yaml

from api import db
from api.kpis import national
from api.kpis.combining import default_combine
from bench.server import live_server, seeded

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed"
NATIONAL = SEED / "national"
RANDOM = random.Random(2016)


@dataclass(frozen=True)
class Scale:
    kpis: int = 500
    years: int = 10
    value_scopes: int = 10
    comparators: int = 150
    actions: int = 2000
    projects: int = 200
    keys: int = 50
    action_updates: int = 3
    project_updates: int = 6


SCALE = Scale()
FIRST_YEAR = 2015  # FY2015-16, the strategy's baseline year; ten years run to FY2024-25
OWNER_CODES = ["AD SLAC", "AD EHPP", "AD Early Help", "AD Schools", "LSCB", "MALAP", "CSMT", "VEMT", "EHP"]
STATUSES = ["on_track", "on_track", "at_risk", "off_track", "complete"]
RAGS = {"on_track": "green", "at_risk": "amber", "off_track": "red", "complete": "green"}


def _authorities() -> list[dict[str, str]]:
    """Real local authorities as seed scopes (name, GSS code, old LA number, region) from the DfE files,
    Stockton-on-Tees left out."""
    found: dict[str, dict[str, str]] = {}
    with (NATIONAL / "la_cla_placement_stability.csv").open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            code = row["new_la_code"]
            if row["geographic_level"] == "Local authority" and code and code != "E06000004":
                found.setdefault(
                    code,
                    {
                        "key": national.slug(row["la_name"], 70),
                        "name": row["la_name"],
                        "kind": "comparator",
                        "gss_code": code,
                        "level": "local_authority",
                        "old_la_code": row["old_la_code"],
                        "region_code": row["region_code"],
                    },
                )
    return sorted(found.values(), key=lambda scope: scope["name"])


def _lait_kpis(count: int, focus_areas: list[str]) -> list[dict[str, Any]]:
    """KPI definitions from DfE's LAIT dictionary, then numbered team indicators until there are enough."""
    rows = national.read_dictionary(NATIONAL / national.DICTIONARY.name)
    kpis: list[dict[str, Any]] = []
    for n in range(count):
        row = rows[n % len(rows)]
        kind = ("month", "financial_quarter", row.period_type.value)[n % 3]
        suffix = f"-{n // len(rows) + 1}" if n >= len(rows) else ""
        kpis.append(
            {
                "code": f"lait-{n + 1:03d}-{national.slug(row.measure_short or row.measure, 50)}{suffix}",
                "title": row.title,
                "description": row.description,
                "tier": "service_indicator" if n % 10 == 0 else "management_information",
                "unit": row.unit.value,
                "decimal_places": row.decimal_places,
                "polarity": row.polarity.value,
                "period_type": kind,
                "combine": default_combine(row.unit).value,  # what the API gives a KPI defined without one
                "focus_area": focus_areas[n % len(focus_areas)],
                "national_code": row.national_code,
                "targets": [],
                "values": [],
            }
        )
    return kpis


def _actions(area: dict[str, Any], prefix: str, count: int) -> list[dict[str, Any]]:
    """More rows for a focus area's table, varied from its real ones."""
    originals = area["actions"]
    extra = []
    for n in range(count):
        like = originals[n % len(originals)]
        month = date(2016 + n % 3, n % 12 + 1, 1)
        extra.append(
            {
                "key": f"{prefix}-generated-{n + 1:04d}",
                "theme": like.get("theme"),
                "what": f"{like['what'][:3000]} (locality {n % 12 + 1}, phase {n // 12 + 1})",
                "detail": like.get("detail"),
                "when": f"{month:%b %Y}",
                "who": RANDOM.sample(OWNER_CODES, k=1 + n % 2),
                "comments": like.get("comments"),
                "milestones": [
                    {"title": f"Milestone {m + 1}", "when": f"{date(2016 + m % 2, (n + m) % 12 + 1, 1):%b %Y}"}
                    for m in range(n % 3)
                ],
            }
        )
    return extra


def large_seed(target: Path, scale: Scale = SCALE) -> list[str]:
    """The real seed, extended in its own format; returns the codes of every KPI."""
    shutil.copytree(SEED, target, ignore=shutil.ignore_patterns("README.md"))  # national/: neighbours, mappings
    strategy = yaml.safe_load((target / "strategy.yaml").read_text("utf-8"))
    strategy["scopes"] += _authorities()[: scale.comparators]
    (target / "strategy.yaml").write_text(yaml.safe_dump(strategy, allow_unicode=True, sort_keys=False), "utf-8")
    areas = sorted((target / "focus-areas").glob("*.yaml"))
    per_area = scale.actions // len(areas)
    keys = []
    for index, path in enumerate(areas):
        area = yaml.safe_load(path.read_text("utf-8"))
        keys.append(area["key"])
        prefix = area["actions"][0]["key"].split("-")[0]
        wanted = per_area + (scale.actions % len(areas) if index == 0 else 0) - len(area["actions"])
        area["actions"] += _actions(area, prefix, max(wanted, 0))
        path.write_text(yaml.safe_dump(area, allow_unicode=True, sort_keys=False), "utf-8")
    projects = yaml.safe_load((target / "projects.yaml").read_text("utf-8"))
    projects["projects"] += [
        {
            "key": f"generated-project-{n + 1:03d}",
            "title": f"{projects['projects'][n % 17]['title']} ({n // 17 + 2})",
            "focus_areas": RANDOM.sample(keys, k=1 + n % 2),
            "deadline": f"{date(2016 + n % 3, n % 12 + 1, 1):%B %Y}",
            "savings_target_pence": RANDOM.randrange(5, 80) * 1_000_000 if n % 3 == 0 else None,
            "savings_target_when": "March 2018" if n % 3 == 0 else None,
        }
        for n in range(scale.projects - len(projects["projects"]))
    ]
    (target / "projects.yaml").write_text(yaml.safe_dump(projects, allow_unicode=True, sort_keys=False), "utf-8")
    kpis = yaml.safe_load((target / "kpis.yaml").read_text("utf-8"))
    kpis["kpis"] += _lait_kpis(scale.kpis - len(kpis["kpis"]), keys)
    (target / "kpis.yaml").write_text(yaml.safe_dump(kpis, allow_unicode=True, sort_keys=False), "utf-8")
    return [kpi["code"] for kpi in kpis["kpis"]]


def _periods(kind: str, years: int) -> list[str]:
    if kind == "month":
        return [f"{FIRST_YEAR + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(12 * years)]
    if kind == "financial_quarter":
        return [f"FY{FIRST_YEAR + y}-{(FIRST_YEAR + y + 1) % 100:02d}-Q{q}" for y in range(years) for q in (1, 2, 3, 4)]
    prefix = {"academic_year": "AY", "calendar_year": "CY"}.get(kind, "FY")
    if prefix == "CY":
        return [f"CY{FIRST_YEAR + y}" for y in range(years)]
    return [f"{prefix}{FIRST_YEAR + y}-{(FIRST_YEAR + y + 1) % 100:02d}" for y in range(years)]


def _walk(unit: str, places: int, length: int) -> list[str]:
    low, high = {"percent": (0, 100), "count": (0, 20_000), "currency": (0, 10**9)}.get(unit, (0, 1_000))
    value = RANDOM.uniform(low + (high - low) * 0.2, low + (high - low) * 0.8)
    step = (high - low) * 0.02
    figures = []
    for _ in range(length):
        value = min(high, max(low, value + RANDOM.uniform(-step, step)))
        figures.append(f"{value:.{places}f}" if unit not in ("count", "currency") else str(round(value)))
    return figures


def value_rows(definitions: list[dict[str, Any]], scopes: list[str], years: int) -> Iterator[dict[str, Any]]:
    for kpi in definitions:
        periods = _periods(kpi["period_type"], years)
        if kpi["tier"] == "context":
            periods = periods[:1]
        for scope in scopes:
            for period, figure in zip(periods, _walk(kpi["unit"], kpi["decimal_places"], len(periods)), strict=True):
                yield {"kpi": kpi["code"], "period": period, "scope": scope, "value": figure}


async def _post_all(client: httpx.AsyncClient, requests: list[tuple[str, dict[str, Any]]], concurrency: int) -> int:
    queue = iter(requests)
    failures = 0

    async def worker() -> None:
        nonlocal failures
        for path, body in queue:
            response = await client.post(path, json=body)
            failures += response.status_code >= 300

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failures


def _histories(kind: str, keys: list[str], count: int) -> list[tuple[str, dict[str, Any]]]:
    updates = []
    for key in keys:
        for n in range(count):
            status = STATUSES[(n + len(key)) % len(STATUSES)] if n == count - 1 else "on_track"
            as_of = date(2016, 6, 30).replace(year=2016 + (n * 2) // 12, month=(6 + n * 2) % 12 + 1, day=1)
            body = {"status": status, "rag": RAGS[status], "percent_complete": min(100, 20 * (n + 1))}
            updates.append((f"/api/v1/{kind}/{key}/updates", body | {"as_of": as_of.isoformat(), "commentary": "x"}))
    return updates


async def populate(base: str, token: str, seed_dir: Path, scale: Scale = SCALE) -> dict[str, float]:
    """Figures, progress histories and keys, through the API; returns seconds per stage."""
    timings: dict[str, float] = {}
    definitions = yaml.safe_load((seed_dir / "kpis.yaml").read_text("utf-8"))["kpis"]
    scopes = ["stockton-on-tees", "england", "north-east"]
    places = yaml.safe_load((seed_dir / "strategy.yaml").read_text("utf-8"))["scopes"]
    # The comparator authorities added by large_seed (the seed's own teams are not places with DfE's figures).
    authorities = [scope["key"] for scope in places if scope.get("level") == "local_authority"]
    scopes += [key for key in authorities if key not in scopes][: scale.value_scopes - 3]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as client:
        started = time.monotonic()
        rows = list(value_rows(definitions, scopes, scale.years))
        for first in range(0, len(rows), 10_000):
            response = await client.post("/api/v1/kpi-submissions", json={"rows": rows[first : first + 10_000]})
            response.raise_for_status()
        timings[f"{len(rows):,} figures in 10,000-row batches"] = time.monotonic() - started
        started = time.monotonic()
        actions = (await client.get("/api/v1/actions?limit=500")).json()["total"]
        keys = await _keys(client, "/api/v1/actions", actions)
        projects = await _keys(client, "/api/v1/projects", scale.projects)
        updates = _histories("actions", keys, scale.action_updates)
        updates += _histories("projects", projects, scale.project_updates)
        failed = await _post_all(client, updates, concurrency=8)
        timings[f"{len(updates):,} progress updates ({failed} refused)"] = time.monotonic() - started
        started = time.monotonic()
        minted = [
            ("/api/v1/api-keys", {"name": f"system {n + 1}", "scopes": ["read", "kpi:submit"][: 1 + n % 2]})
            for n in range(scale.keys)
        ]
        await _post_all(client, minted, concurrency=4)
        timings[f"{scale.keys} API keys"] = time.monotonic() - started
    return timings


async def _keys(client: httpx.AsyncClient, path: str, total: int) -> list[str]:
    keys: list[str] = []
    for page in range(1, total // 500 + 2):
        keys += [item["key"] for item in (await client.get(f"{path}?limit=500&page={page}")).json()["items"]]
    return keys


def build(database_url: str, scale: Scale = SCALE) -> tuple[str, dict[str, float]]:
    """The large council in this database (its schema rebuilt); returns an admin key and seconds per stage."""
    with tempfile.TemporaryDirectory() as scratch:
        seed_dir = Path(scratch) / "seed"
        large_seed(seed_dir, scale)
        started = time.monotonic()
        token = seeded(database_url, "bench admin", "admin", seed_path=seed_dir, fresh=True)
        timings = {"migrate and load the extended seed": time.monotonic() - started}
        with live_server(database_url, RATE_LIMIT_PER_MINUTE="0") as base:
            timings |= asyncio.run(populate(base, token, seed_dir, scale))
        started = time.monotonic()
        asyncio.run(_analyse(database_url))
        timings["VACUUM ANALYZE (planner statistics for the new rows)"] = time.monotonic() - started
    return token, timings


async def _analyse(database_url: str) -> None:
    """Statistics for the rows just written: autovacuum gets round to it in its own time, and until it does the
    planner guesses (the first reads measured on a new council were a quarter slower)."""
    engine = db.make_engine(database_url, timeouts=db.ADMIN_TIMEOUTS).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a scratch database: its schema is rebuilt")
    args = parser.parse_args()
    _token, timings = build(args.database_url)
    for stage, seconds in timings.items():
        print(f"{stage:55s} {seconds:7.1f} s")


if __name__ == "__main__":
    main()
