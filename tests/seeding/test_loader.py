"""The loader: validated, idempotent, updates in place by key, one transaction, and round-trips through export."""

import subprocess
from pathlib import Path

import pytest
import yaml
from httpx import AsyncClient
from sqlalchemy import func, select

from api import db
from api.actions.models import BusinessImprovementAction
from api.kpis.models import KpiValue, Tier
from api.models import Base
from api.seeding import load_plan, service
from api.seeding.reader import SeedInvalid
from api.seeding.sync import Tally
from tests.factories import SEED_DIR, empty_database, kpis_in_plan_order
from tests.forks import run_api


async def _row_counts() -> dict[str, int]:
    async with db.get_engine().connect() as connection:
        return {
            table.name: int((await connection.execute(select(func.count()).select_from(table))).scalar_one())
            for table in Base.metadata.sorted_tables
        }


def _edit(path: Path, collection: str, key: str, **changes: object) -> None:
    """Change fields of the item with this key (or code) in a seed file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    [item] = [item for item in data[collection] if key in (item.get("key"), item.get("code"))]
    item.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


CIN = Path("focus-areas") / "06-children-in-need-of-help-and-protection.yaml"
CIC = Path("focus-areas") / "07-children-in-care-and-care-leavers.yaml"
GRADED_CARE = "cin-implement-graded-care-profile-2"


class TestIdempotence:
    async def test_a_second_load_changes_nothing(self, loaded: Tally) -> None:
        before = await _row_counts()
        tally, _ = await service.load_seed(SEED_DIR)
        assert not tally.changed
        assert tally.counts["actions"] == {"created": 0, "updated": 0, "unchanged": 56}
        assert await _row_counts() == before

    async def test_an_edited_file_updates_in_place_by_key(
        self, client: AsyncClient, loaded: Tally, seed_copy: Path
    ) -> None:
        before = await _row_counts()
        _edit(seed_copy / CIN, "actions", GRADED_CARE, comments="Rolled out across all teams", who=["LSCB", "AD SLAC"])
        tally, _ = await service.load_seed(seed_copy)
        assert tally.counts["actions"] == {"created": 0, "updated": 1, "unchanged": 55}
        assert await _row_counts() == before | {
            "action_owner": before["action_owner"] + 1,
            "audit_event": before["audit_event"] + 1,  # the load itself is recorded
            "plan_revision": before["plan_revision"] + 1,  # the edited action's plan, as a revision
        }
        body = (await client.get("/api/v1/actions/cin-implement-graded-care-profile-2")).json()
        assert body["comments"] == "Rolled out across all teams"
        assert [o["code"] for o in body["owners"]] == ["LSCB", "AD SLAC"]

    async def test_a_changed_seed_value_adds_a_revision(
        self, client: AsyncClient, loaded: Tally, seed_copy: Path
    ) -> None:
        kpis = seed_copy / "kpis.yaml"
        [value] = next(
            k for k in yaml.safe_load(kpis.read_text(encoding="utf-8"))["kpis"] if k["code"] == "children-in-care"
        )["values"]
        _edit(kpis, "kpis", "children-in-care", values=[value | {"value": 381}])
        tally, _ = await service.load_seed(seed_copy)
        assert tally.counts["kpi_values"]["updated"] == 1
        history = (await client.get("/api/v1/kpis/children-in-care/values?history=true")).json()["items"]
        assert [(v["revision"], v["value"]) for v in history] == [(1, 380), (2, 381)]
        assert history[1]["reason"] == "seed file changed"

    async def test_a_reordered_kpis_file_moves_the_kpis_it_moves(
        self, client: AsyncClient, loaded: Tally, seed_copy: Path, tmp_path: Path
    ) -> None:
        kpis = seed_copy / "kpis.yaml"
        data = yaml.safe_load(kpis.read_text(encoding="utf-8"))
        listed = data["kpis"]
        listed[1], listed[4] = listed[4], listed[1]  # two Council Plan KPIs change places
        kpis.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        tally, _ = await service.load_seed(seed_copy)
        assert tally.counts["kpis"] == {"created": 0, "updated": 2, "unchanged": 27}
        planned = kpis_in_plan_order(seed_copy, Tier.council_plan)
        assert planned != kpis_in_plan_order(SEED_DIR, Tier.council_plan)
        items = (await client.get("/api/v1/kpis?tier=council_plan")).json()["items"]
        assert [item["code"] for item in items] == planned
        await service.export_seed(tmp_path)
        exported = yaml.safe_load((tmp_path / "kpis.yaml").read_text(encoding="utf-8"))["kpis"]
        assert [kpi["code"] for kpi in exported] == [kpi["code"] for kpi in listed]

    async def test_an_item_removed_from_the_seed_is_kept_and_reported(self, loaded: Tally, seed_copy: Path) -> None:
        projects = seed_copy / "projects.yaml"
        data = yaml.safe_load(projects.read_text(encoding="utf-8"))
        data["projects"] = [p for p in data["projects"] if p["key"] != "lean-review"]
        projects.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        tally, _ = await service.load_seed(seed_copy)
        assert tally.not_in_seed == {"projects": ["lean-review"]}


class TestBrokenSeeds:
    async def test_problems_name_file_key_and_problem_and_nothing_is_written(
        self, clean_tables: None, seed_copy: Path
    ) -> None:
        _edit(seed_copy / CIC, "actions", "cic-education-and-vsh", who=["VHS"])
        _edit(
            seed_copy / "kpis.yaml", "kpis", "neet-not-known-16-19", targets=[{"period": "2016/17", "kind": "numeric"}]
        )
        with pytest.raises(SeedInvalid) as raised:
            await service.load_seed(seed_copy)
        problems = [str(p) for p in raised.value.problems]
        assert (
            "focus-areas/07-children-in-care-and-care-leavers.yaml [cic-education-and-vsh]: "
            "who 'VHS' is not an owner code or alias in owners.yaml" in problems
        )
        assert "kpis.yaml [neet-not-known-16-19]: target 2016/17: a numeric target needs a value" in problems
        assert set((await _row_counts()).values()) == {0}

    async def test_schema_errors_point_at_the_item(self, clean_tables: None, seed_copy: Path) -> None:
        _edit(seed_copy / "projects.yaml", "projects", "lean-review", savings_target_pence="£800K")
        with pytest.raises(SeedInvalid) as raised:
            await service.load_seed(seed_copy)
        [problem] = raised.value.problems
        assert (problem.file, problem.key) == ("projects.yaml", "lean-review")
        assert problem.problem.startswith("projects.1.savings_target_pence:")

    async def test_invalid_yaml_names_the_line(self, clean_tables: None, seed_copy: Path) -> None:
        (seed_copy / "owners.yaml").write_text("owners:\n  - key: [unclosed\n", encoding="utf-8")
        with pytest.raises(SeedInvalid) as raised:
            await service.load_seed(seed_copy)
        assert raised.value.problems[0].file == "owners.yaml"
        assert "not valid YAML at line" in raised.value.problems[0].problem

    async def test_a_failure_part_way_through_rolls_back_the_whole_load(
        self, loaded: Tally, seed_copy: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        before = await _row_counts()
        _edit(seed_copy / CIN, "actions", GRADED_CARE, comments="changed")

        async def fail(*args: object, **kwargs: object) -> None:
            raise RuntimeError("database went away")

        monkeypatch.setattr(load_plan, "load_kpis", fail)
        with pytest.raises(RuntimeError):
            await service.load_seed(seed_copy)
        assert await _row_counts() == before
        async with db.get_sessionmaker()() as session:
            comments = await session.scalar(
                select(BusinessImprovementAction.comments).where(BusinessImprovementAction.key == GRADED_CARE)
            )
        assert comments == "Linked to early help pathways"


class TestExport:
    async def test_load_export_load_round_trips_to_identical_files(self, loaded: Tally, tmp_path: Path) -> None:
        first, second = tmp_path / "first", tmp_path / "second"
        assert await service.export_seed(first) == 14
        seeded = yaml.safe_load((SEED_DIR / "returns.yaml").read_text(encoding="utf-8"))["return_schedules"]
        exported = yaml.safe_load((first / "returns.yaml").read_text(encoding="utf-8"))["return_schedules"]
        assert sorted(item["kpi"] for item in exported) == sorted(item["kpi"] for item in seeded)
        assert {item["last_period"] for item in exported} >= {"FY2017-18"}  # the defaults written out in full
        tally, _ = await service.load_seed(first)
        assert not tally.changed, "the export holds exactly what the seed loaded"
        await empty_database()
        await service.load_seed(first)
        await service.export_seed(second)
        files = sorted(p.relative_to(first) for p in first.rglob("*.yaml"))
        assert files == sorted(p.relative_to(second) for p in second.rglob("*.yaml"))
        for name in files:
            assert (first / name).read_text(encoding="utf-8") == (second / name).read_text(encoding="utf-8"), name

    async def test_export_keeps_every_revision_free_value_once(self, loaded: Tally, tmp_path: Path) -> None:
        await service.export_seed(tmp_path)
        exported = yaml.safe_load((tmp_path / "kpis.yaml").read_text(encoding="utf-8"))
        async with db.get_sessionmaker()() as session:
            stored = await session.scalar(select(func.count()).select_from(KpiValue))
        assert sum(len(k["values"]) for k in exported["kpis"]) == stored


def _cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    return run_api(*args, env=env)


class TestCommandLine:
    async def test_seed_load_prints_changes_and_data_quality(self, migrated: str, clean_tables: None) -> None:
        result = _cli("seed", "load", str(SEED_DIR), database_url=migrated)
        assert result.returncode == 0, result.stderr
        assert "actions" in result.stdout
        assert "implausible_due_date" in result.stdout
        assert "Sep 2106" in result.stdout

    async def test_a_broken_seed_exits_non_zero_naming_the_problem(
        self, migrated: str, clean_tables: None, seed_copy: Path
    ) -> None:
        _edit(seed_copy / "owners.yaml", "owners", "dcs", kind="wizard")
        result = _cli("seed", "load", str(seed_copy), database_url=migrated)
        assert result.returncode == 1
        assert "owners.yaml [dcs]: owners.0.kind" in result.stderr
        assert "database is unchanged" in result.stderr
