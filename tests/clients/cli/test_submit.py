"""`strategy kpi submit`: a figures file lands whole or not at all, rejected rows are named by their line in the file,
and the exit code says which happened."""

import json
from pathlib import Path

import pytest

from api.auth.models import Scope
from tests.clients.cli.conftest import Runner, as_user, total_of, values_of, write_csv
from tests.conftest import Minter

pytestmark = pytest.mark.usefixtures("loaded")
ASSESSMENTS = "assessments-completed-in-45-days"  # Council Plan KPIs of the strategy, by financial year
REPEAT_PLANS = "repeat-child-protection-plans-within-2-years"
ADOPTION = "adoption-average-days-entering-care-to-adoptive-family"
SUBSEQUENT_PLANS = "child-protection-plans-second-or-subsequent"  # a service indicator shown to 1 decimal place
CHILDREN_IN_CARE = "children-in-care"  # a context figure: any kind of period


@pytest.fixture
async def officer(mint: Minter) -> str:
    return await mint(Scope.read, Scope.kpi_submit, name="performance officer")


def figures(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "figures.csv",
        [
            "kpi,period,scope,value,numerator,denominator,note",
            f"{ASSESSMENTS},FY2016-17,,84,,,",
            f"{REPEAT_PLANS},2016/17,,,18,200,from the case system",
            f"{ADOPTION},FY2015-16,,611,,,",
        ],
    )


class TestAFileThatLands:
    async def test_every_row_lands_exit_0_and_the_figures_read_back(
        self, server: str, officer: str, run: Runner, tmp_path: Path
    ) -> None:
        ran = run("kpi", "submit", str(figures(tmp_path)), env=as_user(server, officer))

        assert ran.code == 0, ran.stderr
        assert "All 3 rows landed." in ran.stdout
        assert [(v["period"], v["value"]) for v in values_of(server, officer, ASSESSMENTS)] == [("FY2016-17", 84)]
        [repeat] = values_of(server, officer, REPEAT_PLANS)
        assert (repeat["value"], repeat["numerator"], repeat["denominator"]) == (9, 18, 200)
        assert repeat["source"] == "figures.csv"

    async def test_the_json_summary_counts_rows_and_names_the_submissions(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path
    ) -> None:
        file = figures(tmp_path)
        first = json.loads(invoke("kpi", "submit", str(file), "--format", "json", env=as_user(server, officer)).stdout)
        again = invoke(
            "kpi", "submit", str(file), "--format", "json", "--source", "RAISE", env=as_user(server, officer)
        )

        assert (first["rows"], first["created"], first["rejected"], first["written"]) == (3, 3, 0, True)
        assert len(first["submissions"]) == 1
        summary = json.loads(again.stdout)
        assert (again.code, summary["created"], summary["unchanged"]) == (0, 0, 3)
        assert summary["submissions"][0] > first["submissions"][0]

    async def test_a_dry_run_checks_every_row_and_writes_nothing(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path
    ) -> None:
        ran = invoke("kpi", "submit", str(figures(tmp_path)), "--dry-run", env=as_user(server, officer))

        assert ran.code == 0, ran.stderr
        assert "Dry run: nothing written" in ran.stdout
        assert "All 3 rows would land." in ran.stdout
        assert values_of(server, officer, ASSESSMENTS) == []


def bad_figures(tmp_path: Path) -> Path:
    """Three chunks of two rows: rejections in the first and last, a duplicate across chunks, blank lines."""
    return write_csv(
        tmp_path / "bad.csv",
        [
            "kpi,period,scope,value",  # line 1
            f"{ASSESSMENTS},FY2016-17,,84",
            f"{REPEAT_PLANS},FY2016-17,,140",  # line 3: not a percentage
            "",
            f"{ADOPTION},FY2015-16,,611",  # line 5
            f"{CHILDREN_IN_CARE},2016-03,,380",
            "no-such-kpi,FY2016-17,,1",  # line 7
            f"{ASSESSMENTS},FY2016-17,,85",  # line 8: the same figure as line 2, in another chunk
        ],
    )


class TestRejectedRows:
    async def test_all_or_nothing_lists_every_rejection_by_file_line_exit_1_and_writes_nothing(
        self, server: str, officer: str, run: Runner, tmp_path: Path
    ) -> None:
        args = ("kpi", "submit", str(bad_figures(tmp_path)), "--chunk-size", "2", "--format", "json")
        ran = run(*args, env=as_user(server, officer))

        assert ran.code == 1, ran.stderr
        summary = json.loads(ran.stdout)
        rejected = [(r["line"], r["kpi"], r["field"]) for r in summary["rejections"]]
        assert rejected == [(3, REPEAT_PLANS, "value"), (7, "no-such-kpi", "kpi"), (8, ASSESSMENTS, "period")]
        assert "140 is not a percentage" in summary["rejections"][0]["reason"]
        assert summary["rejections"][2]["reason"] == "duplicates line 2 (same KPI, scope and period)"
        assert (summary["rejected"], summary["written"], summary["submissions"]) == (3, False, [])
        assert values_of(server, officer, ASSESSMENTS) == values_of(server, officer, ADOPTION) == []

    async def test_the_table_names_line_field_and_reason(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path
    ) -> None:
        ran = invoke("kpi", "submit", str(bad_figures(tmp_path)), env=as_user(server, officer))

        assert ran.code == 1
        duplicate = next(line for line in ran.stdout.splitlines() if "duplicates" in line)
        assert "│ 8 " in duplicate
        assert "duplicates line 2 (same KPI, scope and period)" in duplicate  # the service said "row 1" of its batch
        row = next(line for line in ran.stdout.splitlines() if "no-such-kpi" in line)
        assert "7" in row
        assert "unknown KPI 'no-such-kpi'" in row
        assert "3 of 6 rows rejected; nothing was written" in ran.stdout

    async def test_partial_lands_the_valid_rows_and_lists_the_rest_exit_1(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path
    ) -> None:
        args = ("kpi", "submit", str(bad_figures(tmp_path)), "--partial", "--chunk-size", "2", "--format", "json")
        ran = invoke(*args, env=as_user(server, officer))

        assert ran.code == 1
        summary = json.loads(ran.stdout)
        assert [r["line"] for r in summary["rejections"]] == [3, 7, 8]
        assert (summary["created"] + summary["updated"] + summary["unchanged"], summary["written"]) == (3, True)
        assert [v["value"] for v in values_of(server, officer, ASSESSMENTS)] == [84]  # line 2's, not line 8's
        assert [v["value"] for v in values_of(server, officer, CHILDREN_IN_CARE, period="2016-03")] == [380]

    async def test_rows_for_kpis_the_key_may_not_submit_are_rejected_by_line(
        self, server: str, mint: Minter, invoke: Runner, tmp_path: Path
    ) -> None:
        token = await mint(Scope.read, Scope.kpi_submit, kpi_codes=[ASSESSMENTS])
        ran = invoke(
            "kpi", "submit", str(figures(tmp_path)), "--partial", "--format", "json", env=as_user(server, token)
        )

        summary = json.loads(ran.stdout)
        assert ran.code == 1
        assert [(r["line"], r["field"]) for r in summary["rejections"]] == [(3, "kpi"), (4, "kpi")]
        assert "may not submit" in summary["rejections"][0]["reason"]
        assert [v["value"] for v in values_of(server, token, ASSESSMENTS)] == [84]


class TestExcelFiles:
    async def test_a_byte_order_mark_semicolons_crlf_decimal_commas_and_loose_headers(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path
    ) -> None:
        lines = [" KPI ; Period ;Value; Note ", f"{SUBSEQUENT_PLANS};2016/17;22,5;Children’s services", "", ";;;"]
        file = write_csv(tmp_path / "excel.csv", lines, encoding="utf-8-sig", newline="\r\n")

        ran = invoke("kpi", "submit", str(file), env=as_user(server, officer))

        assert ran.code == 0, ran.stdout + ran.stderr
        [value] = values_of(server, officer, SUBSEQUENT_PLANS)
        assert (value["period"], value["value"], value["note"]) == ("FY2016-17", 22.5, "Children’s services")

    async def test_a_windows_1252_file(self, server: str, officer: str, invoke: Runner, tmp_path: Path) -> None:
        lines = ["kpi,period,value,note", f"{ADOPTION},FY2015-16,611,“adopters’ panel” – £0"]
        file = write_csv(tmp_path / "cp1252.csv", lines, encoding="cp1252", newline="\r\n")

        ran = invoke("kpi", "submit", str(file), env=as_user(server, officer))

        assert ran.code == 0, ran.stdout + ran.stderr
        assert values_of(server, officer, ADOPTION)[0]["note"] == "“adopters’ panel” – £0"


class TestAFiveThousandRowFile:
    async def test_lands_in_chunks_with_progress_on_stderr(
        self, server: str, officer: str, run: Runner, tmp_path: Path
    ) -> None:
        codes = [
            "children-in-care",
            "children-in-need",
            "pupils-in-schools",
            "children-with-ehcp",
            "live-early-help-assessments",
        ]
        months = [f"{1930 + m // 12}-{m % 12 + 1:02d}" for m in range(1000)]
        rows = [f"{code},{month},,{n}" for code in codes for n, month in enumerate(months)]
        file = write_csv(tmp_path / "history.csv", ["kpi,period,scope,value", *rows])
        seeded = [total_of(server, officer, code) for code in codes]  # the strategy's own figure of each

        ran = run("kpi", "submit", str(file), "--format", "json", env=as_user(server, officer), timeout=120)

        assert ran.code == 0, ran.stderr
        summary = json.loads(ran.stdout)
        assert (summary["rows"], summary["created"], len(summary["submissions"])) == (5000, 5000, 5)
        progress = ran.stderr.splitlines()
        assert progress[:5] == [f"checking: {n:,} of 5,000 rows" for n in range(1000, 5001, 1000)]
        assert progress[5:] == [f"submitting: {n:,} of 5,000 rows" for n in range(1000, 5001, 1000)]
        assert [total_of(server, officer, code) - before for code, before in zip(codes, seeded, strict=True)] == [
            1000
        ] * 5

    async def test_a_terminal_gets_a_progress_bar(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path
    ) -> None:
        terminal = as_user(server, officer) | {"FORCE_COLOR": "1"}
        ran = invoke("kpi", "submit", str(figures(tmp_path)), "--format", "json", env=terminal)

        assert ran.code == 0
        assert "submitting" in ran.stderr
        assert "3/3" in ran.stderr
        assert "━" in ran.stderr
        assert json.loads(ran.stdout)["created"] == 3  # JSON stays plain
