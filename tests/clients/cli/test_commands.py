"""The reading and administering commands against a live worker: template, status, scorecard, benchmark imports,
actions, packs and API keys, each in the formats it offers."""

import csv
import io
import json
from pathlib import Path

import pytest

from api.auth.models import Scope
from tests.clients.cli.conftest import Runner, api, as_user, values_of, write_csv
from tests.conftest import Minter
from tests.factories import SEED_DIR

pytestmark = pytest.mark.usefixtures("loaded")
ASSESSMENTS = "assessments-completed-in-45-days"
SUBSEQUENT_PLANS = "child-protection-plans-second-or-subsequent"  # what DfE's table D3 fills
SEPTEMBER = "cin-thematic-review-toxic-trio"  # due Sep 2016, CSMT's
ACADEMIC = "eyfs-good-level-of-development"  # a Council Plan KPI by academic year


@pytest.fixture
async def officer(mint: Minter) -> str:
    return await mint(Scope.read, Scope.kpi_submit, Scope.actions_write, name="performance officer")


class TestTemplate:
    async def test_a_row_per_kpi_in_its_own_kind_of_period_and_it_submits_once_filled(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path
    ) -> None:
        out = tmp_path / "template.csv"
        ran = invoke(
            "kpi",
            "template",
            "--period",
            "2016/17",
            "--tier",
            "council_plan",
            "-o",
            str(out),
            env=as_user(server, officer),
        )

        assert ran.code == 0, ran.stderr
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        assert len(rows) == 11
        periods = {row["kpi"]: row["period"] for row in rows}
        assert (periods[ASSESSMENTS], periods[ACADEMIC]) == ("FY2016-17", "AY2016-17")
        assert rows[0]["title"]
        assert rows[0]["value"] == ""
        filled = [{**row, "value": "50"} if row["kpi"] in (ASSESSMENTS, ACADEMIC) else row for row in rows]
        lines = [",".join(rows[0].keys())] + [",".join(row.values()) for row in filled if row["value"]]
        submitted = invoke(
            "kpi", "submit", str(write_csv(tmp_path / "filled.csv", lines)), env=as_user(server, officer)
        )
        assert submitted.code == 0, submitted.stdout
        assert [v["period"] for v in values_of(server, officer, ACADEMIC)] == ["AY2016-17"]

    async def test_a_month_of_a_monthly_figure_and_nothing_for_yearly_ones(
        self, server: str, officer: str, invoke: Runner
    ) -> None:
        ran = invoke("kpi", "template", "--period", "FY2016-17-Q1", env=as_user(server, officer))

        assert ran.code == 0
        assert [line.split(",")[3] for line in ran.stdout.splitlines()[1:]] == ["2016-04", "2016-05", "2016-06"]

    async def test_a_period_that_is_no_period_is_a_usage_error(self, server: str, officer: str, invoke: Runner) -> None:
        ran = invoke("kpi", "template", "--period", "2016-17", env=as_user(server, officer))

        assert ran.code == 2
        assert "'2016-17' is not a period" in ran.stderr
        assert ran.stdout == ""


def submit_one(server: str, token: str, value: int, period: str = "FY2016-17") -> None:
    with api(server, token) as client:
        response = client.put(f"/kpis/{ASSESSMENTS}/values/{period}", json={"value": value})
    assert response.status_code in (200, 201), response.text


class TestStatusAndScorecard:
    async def test_kpi_status_in_words_and_as_json(self, server: str, officer: str, invoke: Runner) -> None:
        submit_one(server, officer, 60)
        table = invoke("kpi", "status", ASSESSMENTS, "--period", "2016/17", env=as_user(server, officer))
        document = invoke("kpi", "status", ASSESSMENTS, "--format", "json", env=as_user(server, officer))

        assert table.code == 0, table.stderr
        assert "60%" in table.stdout
        assert "rating" in table.stdout
        found = json.loads(document.stdout)
        assert (found["code"], found["period"], found["figure"]["value"]) == (ASSESSMENTS, "FY2016-17", 60)
        assert found["rating"]["word"] in table.stdout

    async def test_an_unknown_kpi_is_a_usage_error_quoting_the_request(
        self, server: str, officer: str, invoke: Runner
    ) -> None:
        ran = invoke("kpi", "status", "no-such-kpi", env=as_user(server, officer))

        assert ran.code == 2
        assert "404" in ran.stderr
        assert "no-such-kpi" in ran.stderr
        assert "request id" in ran.stderr

    async def test_the_scorecard_as_a_table_csv_and_json(self, server: str, officer: str, invoke: Runner) -> None:
        submit_one(server, officer, 60)
        user = as_user(server, officer)
        table = invoke("scorecard", "--period", "2016/17", "--tier", "council_plan", env=user)
        as_csv = invoke("scorecard", "--period", "2016/17", "--tier", "council_plan", "--format", "csv", env=user)
        as_json = invoke("scorecard", "--period", "2016/17", "--tier", "council_plan", "--format", "json", env=user)

        assert {table.code, as_csv.code, as_json.code} == {0}
        assert "Scorecard (2016/17" in table.stdout
        assert ASSESSMENTS in table.stdout
        rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
        assert len(rows) == 11
        assert list(rows[0]) == [
            "kpi",
            "title",
            "period",
            "figure",
            "target",
            "rating",
            "travel",
            "reason",
        ]
        ours = next(row for row in rows if row["kpi"] == ASSESSMENTS)
        document = json.loads(as_json.stdout)
        item = next(item for item in document["items"] if item["code"] == ASSESSMENTS)
        assert ours["rating"] == f"{item['rating']['symbol']} {item['rating']['word']}"
        assert len(document["items"]) == 11
        assert "\x1b[" not in as_csv.stdout + as_json.stdout


class TestBenchmarks:
    async def test_a_dfe_file_through_a_shipped_mapping_then_again_changing_nothing(
        self, server: str, officer: str, invoke: Runner
    ) -> None:
        file = str(SEED_DIR / "national" / "d3_cpps_subsequent_plan_2013_to_2025.csv")
        user = as_user(server, officer)
        dry = invoke("benchmarks", "import", file, "--mapping", "cpp-second-or-subsequent", "--dry-run", env=user)
        first = invoke(
            "benchmarks", "import", file, "--mapping", "cpp-second-or-subsequent", "--format", "json", env=user
        )
        again = invoke("benchmarks", "import", file, "--mapping", "cpp-second-or-subsequent", env=user)

        assert dry.code == 0, dry.stdout + dry.stderr
        assert "Dry run: nothing written" in dry.stdout
        result = json.loads(first.stdout)
        assert (first.code, result["kpi"], result["written"]) == (0, SUBSEQUENT_PLANS, True)
        assert result["values_created"] > 1000
        assert again.code == 0
        assert "Nothing changed" in again.stdout
        assert values_of(server, officer, SUBSEQUENT_PLANS, scope="E06000004", period="FY2024-25")

    async def test_an_inline_mapping_from_a_json_file_and_a_refused_row(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path
    ) -> None:
        with api(server, officer) as client:
            mapping = client.get("/benchmarks/mappings/cpp-second-or-subsequent").json()
        (tmp_path / "mapping.json").write_text(json.dumps(mapping))
        source = (SEED_DIR / "national" / "d3_cpps_subsequent_plan_2013_to_2025.csv").read_text().splitlines()
        broken = [source[0], source[1], source[2].replace(",27.2", ",227.2")]
        file = write_csv(tmp_path / "d3.csv", broken)

        ran = invoke(
            "benchmarks", "import", str(file), "--mapping", str(tmp_path / "mapping.json"), env=as_user(server, officer)
        )

        assert ran.code == 1, ran.stdout + ran.stderr
        assert "3" in next(line for line in ran.stdout.splitlines() if "227.2" in line)
        assert values_of(server, officer, SUBSEQUENT_PLANS) == []


class TestKpiComment:
    async def test_commentary_written_on_a_figure_with_the_keys_name(
        self, server: str, officer: str, invoke: Runner
    ) -> None:
        ran = invoke(
            "kpi", "comment", ASSESSMENTS, "Two teams short in August", "--period", "2016/17", "--format", "json",
            env=as_user(server, officer),
        )  # fmt: skip

        assert ran.code == 0, ran.stderr
        written = json.loads(ran.stdout)
        assert (written["kpi"], written["period"]) == (ASSESSMENTS, "FY2016-17")
        assert written["created_by"].endswith("(performance officer)")
        with api(server, officer) as client:
            [listed] = client.get(f"/kpis/{ASSESSMENTS}/commentaries").json()["items"]
        assert listed["text"] == "Two teams short in August"
        future = invoke("kpi", "comment", ASSESSMENTS, "x", "--period", "FY2098-99", env=as_user(server, officer))
        assert future.code == 2
        assert "in the future" in future.stderr


class TestReturns:
    async def test_missing_returns_of_an_owner_as_csv(self, server: str, officer: str, invoke: Runner) -> None:
        args = ("returns", "list", "--status", "missing", "--owner", "AD SLAC", "--as-at", "2017-04-30")
        ran = invoke(*args, "--format", "csv", env=as_user(server, officer))
        assert ran.code == 0, ran.stderr
        rows = list(csv.DictReader(io.StringIO(ran.stdout)))
        assert {row["status"] for row in rows} == {"missing"}
        assessments = next(row for row in rows if row["kpi"] == ASSESSMENTS)
        assert (assessments["period"], assessments["due"], assessments["days_late"]) == (
            "FY2016-17",
            "2017-04-18",
            "12",
        )
        both = invoke(*args[:2], "--status", "late", "--status", "missing", "--as-at", "2017-04-30", "--format", "json",
                      env=as_user(server, officer))  # fmt: skip
        assert len(json.loads(both.stdout)) >= len(rows)


class TestSignOffs:
    async def test_the_queue_then_approving_a_figure(
        self, server: str, officer: str, invoke: Runner, mint: Minter
    ) -> None:
        submit_one(server, officer, 60)
        approver = as_user(server, await mint(Scope.read, Scope.approve, owner_codes=["AD SLAC"], name="AD SLAC"))
        queue = invoke("sign-offs", "list", "--owner", "AD SLAC", "--format", "csv", env=approver)
        assert queue.code == 0, queue.stderr
        [row] = list(csv.DictReader(io.StringIO(queue.stdout)))
        assert (row["kpi"], row["period"], row["revision"], row["state"]) == (
            ASSESSMENTS, "FY2016-17", "1", "awaiting_sign_off"
        )  # fmt: skip
        ran = invoke("sign-offs", "approve", ASSESSMENTS, "FY2016-17", "1", env=approver)
        assert ran.code == 0, ran.stderr
        assert "revision 1: approved" in ran.stdout
        again = invoke("sign-offs", "return", ASSESSMENTS, "FY2016-17", "1", "--reasons", "late", env=approver)
        assert again.code != 0, "a revision is decided once"


class TestMeetings:
    async def test_decisions_about_an_item_as_csv(self, server: str, invoke: Runner, mint: Minter) -> None:
        clerk = await mint(Scope.read, Scope.governance_write, name="committee clerk")
        with api(server, clerk) as client:
            meeting = client.post("/meetings", json={"body": "csmt", "meeting_date": "2016-10-12"}).json()
            decided = {"text": "Challenge the NEET figures", "concerns": ["kpi:neet-not-known-16-19"]}
            assert client.post(f"/meetings/{meeting['id']}/decisions", json=decided).status_code == 201
        listed = invoke("meetings", "list", "--body", "csmt", "--format", "csv", env=as_user(server, clerk))
        assert listed.code == 0, listed.stderr
        assert [row["date"] for row in csv.DictReader(io.StringIO(listed.stdout))] == ["2016-10-12"]
        args = ("meetings", "decisions", "--item", "kpi:neet-not-known-16-19", "--format", "csv")
        ran = invoke(*args, env=as_user(server, clerk))
        assert ran.code == 0, ran.stderr
        rows = list(csv.DictReader(io.StringIO(ran.stdout)))
        assert [(row["body"], row["number"], row["decision"]) for row in rows] == [
            ("csmt", "1", "Challenge the NEET figures")
        ]


class TestActions:
    async def test_overdue_actions_of_an_owner_as_csv(self, server: str, officer: str, invoke: Runner) -> None:
        ran = invoke(
            "actions", "list", "--overdue", "--as-of", "2016-10-01", "--format", "csv", env=as_user(server, officer)
        )

        assert ran.code == 0, ran.stderr
        rows = list(csv.DictReader(io.StringIO(ran.stdout)))
        assert SEPTEMBER in {row["key"] for row in rows}
        assert all(row["overdue"] == "yes" for row in rows)
        csmt_only = invoke("actions", "list", "--owner", "csmt", "--format", "json", env=as_user(server, officer))
        assert all("CSMT" in [o["code"] for o in item["owners"]] for item in json.loads(csmt_only.stdout))

    async def test_a_progress_report_and_a_comments_edit_carrying_the_etag(
        self, server: str, officer: str, invoke: Runner
    ) -> None:
        args = ("actions", "update", SEPTEMBER, "--status", "at_risk", "--rag", "amber", "--comment", "Panel delayed")
        ran = invoke(
            *args, "--set-comments", "Reported to CSMT in October", "--format", "json", env=as_user(server, officer)
        )

        assert ran.code == 0, ran.stderr
        with api(server, officer) as client:
            action = client.get(f"/actions/{SEPTEMBER}").json()
            [report] = client.get(f"/actions/{SEPTEMBER}/updates").json()["items"]
        assert (action["status"], action["rag"], action["comments"]) == (
            "at_risk",
            "amber",
            "Reported to CSMT in October",
        )
        assert (report["commentary"], action["version"]) == ("Panel delayed", json.loads(ran.stdout)["version"])

    async def test_a_version_someone_has_moved_on_from_is_refused_with_1_and_nothing_changes(
        self, server: str, officer: str, invoke: Runner
    ) -> None:
        user = as_user(server, officer)
        with api(server, officer) as client:
            read = client.get(f"/actions/{SEPTEMBER}").json()["version"]
        first = invoke("actions", "update", SEPTEMBER, "--set-comments", "first", "--if-version", str(read), env=user)
        late = invoke("actions", "update", SEPTEMBER, "--set-comments", "late", "--if-version", str(read), env=user)

        assert first.code == 0, first.stderr
        assert late.code == 1
        assert f"not {read}" in late.stderr
        with api(server, officer) as client:
            assert client.get(f"/actions/{SEPTEMBER}").json()["comments"] == "first"

    async def test_nothing_to_report_is_a_usage_error(self, server: str, officer: str, invoke: Runner) -> None:
        assert invoke("actions", "update", SEPTEMBER, env=as_user(server, officer)).code == 2


class TestPacks:
    @pytest.mark.parametrize(
        ("format", "starts"),
        [
            ("html", b"<!DOCTYPE html>"),
            ("csv", "\ufeff".encode()),
            ("json", b"{"),
            ("pdf", b"%PDF-"),
            ("xlsx", b"PK\x03\x04"),  # a zip, as every workbook is
        ],
    )
    async def test_a_pack_to_a_file(
        self, server: str, officer: str, invoke: Runner, tmp_path: Path, format: str, starts: bytes
    ) -> None:
        out = tmp_path / f"csmt.{format}"
        ran = invoke(
            "pack", "csmt", "--period", "2016/17", "--format", format, "-o", str(out), env=as_user(server, officer)
        )

        assert ran.code == 0, ran.stderr
        content = out.read_bytes()
        assert content.startswith(starts), content[:80]
        assert f"wrote {out}" in ran.stderr
        if format == "json":
            assert json.loads(content)["body"]["key"] == "csmt"


class TestKeys:
    async def test_create_list_and_revoke_through_the_admin_api(
        self, server: str, mint: Minter, run: Runner, invoke: Runner
    ) -> None:
        admin = as_user(server, await mint(Scope.admin, name="administrator"))
        args = ("keys", "create", "--name", "case management", "--scope", "read", "--scope", "kpi:submit")
        created = run(*args, "--kpi", ASSESSMENTS, "--format", "json", env=admin)

        assert created.code == 0, created.stderr
        record = json.loads(created.stdout)
        token, key_id = record["key"], record["id"]
        assert token.split("_")[1] == key_id
        assert record["kpi_codes"] == [ASSESSMENTS]
        listed = invoke("keys", "list", "--format", "csv", env=admin)
        assert key_id in {row["id"] for row in csv.DictReader(io.StringIO(listed.stdout))}
        assert token not in listed.stdout
        assert invoke("scorecard", "--format", "json", env=as_user(server, token)).code == 0
        revoked = invoke("keys", "revoke", key_id, env=admin)
        assert revoked.code == 0
        assert f"revoked {key_id}" in revoked.stdout
        refused = invoke("scorecard", env=as_user(server, token))
        assert refused.code == 3
        assert "401" in refused.stderr

    async def test_the_token_is_printed_once_in_the_table(self, server: str, mint: Minter, invoke: Runner) -> None:
        admin = as_user(server, await mint(Scope.admin))
        ran = invoke("keys", "create", "--name", "dashboard", "--scope", "read", env=admin)

        assert ran.code == 0, ran.stderr
        token = ran.stdout.strip().splitlines()[-1]
        assert "Token (shown this once" in ran.stdout
        assert token.count("_") >= 2
        assert token not in invoke("keys", "list", env=admin).stdout

    async def test_a_key_without_admin_scope_fails_with_3(self, server: str, officer: str, run: Runner) -> None:
        ran = run("keys", "list", env=as_user(server, officer))

        assert ran.code == 3
        assert "403" in ran.stderr


class TestWebhooks:
    async def test_a_paused_subscription_listed_and_resumed(self, server: str, mint: Minter, invoke: Runner) -> None:
        integration = await mint(Scope.read, Scope.webhooks_manage, name="integration")
        with api(server, integration) as client:
            made = client.post(
                "/webhook-subscriptions",
                json={"url": "https://integrations.example.org/hooks", "event_types": ["pack.issued"]},
            ).json()
            client.patch(f"/webhook-subscriptions/{made['id']}", json={"status": "paused"}, headers={"If-Match": '"1"'})
        listed = invoke("webhooks", "list", "--status", "paused", "--format", "csv", env=as_user(server, integration))
        assert listed.code == 0, listed.stderr
        [row] = list(csv.DictReader(io.StringIO(listed.stdout)))
        assert (row["id"], row["status"], row["reason"]) == (str(made["id"]), "paused", "paused by its owner")
        resumed = invoke("webhooks", "resume", str(made["id"]), env=as_user(server, integration))
        assert resumed.code == 0, resumed.stderr
        assert "is active" in resumed.stdout
        with api(server, integration) as client:
            assert client.get(f"/webhook-subscriptions/{made['id']}").json()["status"] == "active"
