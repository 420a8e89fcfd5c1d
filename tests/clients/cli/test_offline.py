"""What the command line works out without the service: reading a figures file as Excel saves it, the periods of a
template, where the URL and key come from, and help on every command."""

from enum import StrEnum
from pathlib import Path
from typing import get_args

import httpx
import pytest
import typer
from typer.core import TyperGroup
from typing_extensions import TypeAliasType

from strategy_client import TransportError, models
from strategy_client.cli import app
from strategy_client.cli.exits import UsageProblem, describe, exit_for
from strategy_client.cli.figures_file import read_figures
from strategy_client.cli.periods import parse_span, periods_for
from strategy_client.cli.profiles import resolve, write_profile
from strategy_client.cli.vocabulary import DeliveryStatus, Rag, Scope, Tier
from strategy_client.errors import error_for
from tests.clients.cli.conftest import Runner, write_csv


class TestFiguresFile:
    def test_lines_are_the_files_own_with_blank_and_multi_line_rows(self, tmp_path: Path) -> None:
        file = write_csv(
            tmp_path / "f.csv",
            ["kpi,period,value,note", "", 'a,FY2016-17,1,"two', 'lines"', "b,FY2016-17,2,", ",,,", "c,2016-03,3,"],
            newline="\r\n",
        )

        read = read_figures(file)

        assert [(row.line, row.cells["kpi"]) for row in read.rows] == [(3, "a"), (5, "b"), (7, "c")]
        assert read.rows[0].cells["note"] == "two\r\nlines"

    def test_semicolons_decimal_commas_and_headers_in_any_case(self, tmp_path: Path) -> None:
        file = write_csv(tmp_path / "f.csv", ["\ufeff KPI ;PERIOD; Status Symbol ;Value", "a;FY2016-17;;12,5%"])

        read = read_figures(file)

        assert (read.delimiter, read.encoding, read.columns) == (
            ";",
            "utf-8",
            ["kpi", "period", "status_symbol", "value"],
        )
        assert read.rows[0].cells == {"kpi": "a", "period": "FY2016-17", "status_symbol": "", "value": "12.5%"}

    def test_windows_1252_and_a_value_beyond_the_columns(self, tmp_path: Path) -> None:
        file = write_csv(tmp_path / "f.csv", ["kpi,period,note", "a,FY2016-17,Children’s,extra"], encoding="cp1252")

        read = read_figures(file)

        assert read.encoding == "windows-1252"
        assert (read.rows[0].cells["note"], read.rows[0].beyond) == ("Children’s", True)

    @pytest.mark.parametrize(
        ("lines", "said"),
        [
            (["kpi,value", "a,1"], "missing column 'period'"),
            (["kpi,period,colour", "a,FY2016-17,red"], "unknown column 'colour'"),
            (["kpi,period,kpi", "a,b,c"], "column 'kpi' given twice"),
            ([], "is empty"),
        ],
    )
    def test_a_wrong_header_is_refused_naming_the_columns(self, tmp_path: Path, lines: list[str], said: str) -> None:
        file = tmp_path / "f.csv"
        file.write_text("\n".join(lines))

        with pytest.raises(UsageProblem, match=said):
            read_figures(file)

    def test_utf16_is_refused_with_the_way_to_save_it(self, tmp_path: Path) -> None:
        file = tmp_path / "f.csv"
        file.write_bytes("kpi,period\n".encode("utf-16"))

        with pytest.raises(UsageProblem, match="CSV UTF-8"):
            read_figures(file)


class TestTemplatePeriods:
    @pytest.mark.parametrize(
        ("asked", "kind", "expected"),
        [
            ("FY2016-17", "financial_year", ["FY2016-17"]),
            ("2016/17", "academic_year", ["AY2016-17"]),
            ("FY2016-17", "calendar_year", ["CY2016"]),
            ("FY2016-17", "financial_quarter", [f"FY2016-17-Q{q}" for q in (1, 2, 3, 4)]),
            ("FY2016-17", "month", [f"2016-{m:02d}" for m in range(4, 13)] + ["2017-01", "2017-02", "2017-03"]),
            ("FY2016-17-Q4", "month", ["2017-01", "2017-02", "2017-03"]),
            ("FY2016-17-Q4", "financial_year", []),
            ("2016-07", "month", ["2016-07"]),
            ("AY2016-17", "financial_quarter", ["FY2016-17-Q3", "FY2016-17-Q4", "FY2017-18-Q1"]),
        ],
    )
    def test_each_kind_of_period_inside_the_one_asked_for(self, asked: str, kind: str, expected: list[str]) -> None:
        assert periods_for(kind, parse_span(asked)) == expected

    @pytest.mark.parametrize("text", ["2016-17", "FY2016-18", "2016-13", "Q1"])
    def test_what_is_no_period(self, text: str) -> None:
        with pytest.raises(UsageProblem, match="is not a period"):
            parse_span(text)


class TestWhereTheConnectionComesFrom:
    @pytest.fixture
    def config(self, tmp_path: Path) -> Path:
        path = tmp_path / "strategy" / "config.toml"
        write_profile(path, "live", {"url": "https://live", "key": "k-live"}, make_default=True)
        write_profile(path, "test", {"url": "https://test", "key": "k-test"}, make_default=False)
        return path

    def test_flags_then_environment_then_the_default_profile(
        self, config: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert resolve(None, None, None, config) == resolve(None, None, None, config)
        assert (resolve(None, None, None, config).url, resolve(None, None, None, config).key) == (
            "https://live",
            "k-live",
        )
        monkeypatch.setenv("STRATEGY_API_URL", "https://env")
        assert (resolve(None, None, None, config).url, resolve(None, None, None, config).key) == (
            "https://env",
            "k-live",
        )
        monkeypatch.setenv("STRATEGY_API_KEY", "k-env")
        assert (resolve("https://flag", None, None, config).url, resolve(None, None, None, config).key) == (
            "https://flag",
            "k-env",
        )

    def test_a_profile_named_on_the_command_line_beats_the_environment(
        self, config: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("STRATEGY_API_URL", "https://env")
        target = resolve(None, None, "test", config)
        assert (target.url, target.key, target.profile) == ("https://test", "k-test", "test")
        assert resolve(None, "k-flag", "test", config).key == "k-flag"

    def test_the_file_keeps_other_profiles_and_the_default(self, config: Path) -> None:
        text = config.read_text()
        assert 'default_profile = "live"' in text
        assert '[profiles."test"]' in text


def _commands(group: TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, TyperGroup):
            found += _commands(command, (*prefix, name))
    return found


class TestHelpAndVersion:
    def test_every_command_has_help(self, invoke: Runner) -> None:
        commands = _commands(typer.main.get_group(app))
        assert {("kpi", "submit"), ("keys", "revoke"), ("pack",), ("config", "set-profile")} <= set(commands)
        for command in [(), *commands]:
            ran = invoke(*command, "--help")
            assert ran.code == 0, command
            assert "Usage:" in ran.stdout, command
            assert len(ran.stdout) > 200, command

    def test_version(self, invoke: Runner) -> None:
        ran = invoke("--version")

        assert ran.code == 0
        assert ran.stdout.startswith("strategy ")


@pytest.mark.parametrize(
    ("choices", "literal"),
    [(Tier, models.Tier), (DeliveryStatus, models.DeliveryStatus), (Rag, models.Rag), (Scope, models.Scope)],
)
def test_the_options_choices_are_the_apis_words(choices: type[StrEnum], literal: TypeAliasType) -> None:
    annotated = literal.__value__
    assert [choice.value for choice in choices] == list(get_args(get_args(annotated)[0]))


@pytest.mark.parametrize(
    ("status", "code"),
    [(409, 1), (412, 1), (400, 2), (404, 2), (413, 2), (415, 2), (422, 2), (428, 2)]
    + [(401, 3), (403, 3), (429, 3), (500, 3), (503, 3)],
)
def test_each_refusal_of_the_service_has_its_exit_code(status: int, code: int) -> None:
    problem = {"type": "about:blank", "title": "Refused", "status": status, "detail": "no"}
    response = httpx.Response(status, json=problem, headers={"X-Request-ID": "r1"})

    error = error_for(response)

    assert exit_for(error) == code
    assert describe(error) == [f"{status} Refused: no", "request id r1"]


def test_no_answer_is_a_failure() -> None:
    assert exit_for(TransportError("connection refused")) == 3
