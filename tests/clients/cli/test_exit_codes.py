"""The exit codes a script can rely on, from real processes: 2 for a wrong command, file or configuration, 3 when the
service cannot be reached or refuses the key; and the connection's settings from flags, environment and profiles."""

import os
import stat
from pathlib import Path

import pytest

from api.auth.models import Scope
from tests.clients.cli.conftest import Runner, as_user, write_csv
from tests.conftest import Minter
from tests.live import free_port

ASSESSMENTS = "assessments-completed-in-45-days"


class TestUsageErrors:
    def test_a_file_without_a_required_column_names_the_columns_expected(self, run: Runner, tmp_path: Path) -> None:
        file = write_csv(tmp_path / "figures.csv", ["KPI;Value", f"{ASSESSMENTS};84"])

        ran = run("kpi", "submit", str(file), env={"STRATEGY_API_URL": "http://127.0.0.1:9"})

        assert ran.code == 2
        assert "missing column 'period'" in ran.stderr
        assert "Columns expected: kpi, period (required), scope, value" in ran.stderr
        typers_own = run("kpi", "submit", str(file), "--chunk-size", "0")
        assert typers_own.code == 2
        assert "--chunk-size" in typers_own.stderr

    @pytest.mark.parametrize(
        ("args", "said"),
        [
            (("kpi", "submit", "no-such-file.csv"), "Cannot read no-such-file.csv"),
            (("kpi", "submit", "figures.csv", "--chunk-size", "20000"), "--chunk-size"),
            (("kpi", "submit"), "Missing argument 'FILE'"),
            (("scorecard", "--format", "xml"), "--format"),
            (("kpi", "sumbit"), "No such command"),
        ],
    )
    def test_typer_and_our_own_usage_errors_are_2(
        self, invoke: Runner, tmp_path: Path, args: tuple[str, ...], said: str
    ) -> None:
        write_csv(tmp_path / "figures.csv", ["kpi,period,value", f"{ASSESSMENTS},FY2016-17,84"])
        ran = invoke(
            *(str(tmp_path / a) if a == "figures.csv" else a for a in args),
            env={"STRATEGY_API_URL": "http://127.0.0.1:9"},
        )

        assert ran.code == 2, ran.stderr
        assert said in ran.stderr.replace("\n", " ") or said in " ".join(ran.stderr.split())

    def test_no_url_anywhere_is_a_usage_error(self, invoke: Runner) -> None:
        ran = invoke("scorecard")

        assert ran.code == 2
        assert "No service URL" in ran.stderr
        assert "STRATEGY_API_URL" in ran.stderr


class TestFailures:
    def test_a_service_that_is_not_there_is_3(self, run: Runner, tmp_path: Path) -> None:
        file = write_csv(tmp_path / "figures.csv", ["kpi,period,value", f"{ASSESSMENTS},FY2016-17,84"])
        down = {"STRATEGY_API_URL": f"http://127.0.0.1:{free_port()}", "STRATEGY_API_KEY": "sk_k0_x"}

        ran = run("kpi", "submit", str(file), env=down)

        assert ran.code == 3, ran.stderr
        assert "Cannot reach the service" in ran.stderr

    @pytest.mark.usefixtures("loaded")
    async def test_a_wrong_key_is_3_with_the_problem_and_its_request_id(
        self, server: str, run: Runner, tmp_path: Path
    ) -> None:
        file = write_csv(tmp_path / "figures.csv", ["kpi,period,value", f"{ASSESSMENTS},FY2016-17,84"])

        ran = run("kpi", "submit", str(file), env=as_user(server, "not-a-key"))

        assert ran.code == 3
        assert "401" in ran.stderr
        assert "request id" in ran.stderr
        assert "Traceback" not in ran.stderr


class TestProfiles:
    @pytest.mark.usefixtures("loaded")
    async def test_a_profile_written_by_set_profile_is_private_and_used(
        self, server: str, mint: Minter, invoke: Runner, environment: dict[str, str]
    ) -> None:
        token = await mint(Scope.read)
        saved = invoke("config", "set-profile", "live", "--url", server, "--key", token, "--default")

        path = Path(environment["XDG_CONFIG_HOME"]) / "strategy" / "config.toml"
        assert saved.code == 0, saved.stderr
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert invoke("scorecard", "--format", "json").code == 0
        assert invoke("--profile", "live", "scorecard", "--format", "json").code == 0
        shown = invoke("config", "show")
        assert "live" in shown.stdout
        assert token not in shown.stdout

    def test_a_config_file_others_may_read_is_refused(
        self, run: Runner, invoke: Runner, environment: dict[str, str]
    ) -> None:
        assert invoke("config", "set-profile", "live", "--url", "http://127.0.0.1:9", "--key", "sk_k1_x").code == 0
        path = Path(environment["XDG_CONFIG_HOME"]) / "strategy" / "config.toml"
        os.chmod(path, 0o644)

        ran = run("scorecard")

        assert ran.code == 2
        assert "others may read" in ran.stderr
        assert f"chmod 600 {path}" in " ".join(ran.stderr.split())

    def test_an_unknown_profile_is_a_usage_error(self, invoke: Runner) -> None:
        ran = invoke("--profile", "nope", "scorecard")

        assert ran.code == 2
        assert "No profile 'nope'" in ran.stderr
