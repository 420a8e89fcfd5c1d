"""National indicator definitions from DfE's LAIT data dictionary, and adopting one as a KPI in one step."""

import asyncio
import csv
import subprocess
from typing import Any

from httpx import AsyncClient

from api.auth.models import Scope
from tests.asserts import assert_page, assert_problem
from tests.factories import Scenario
from tests.forks import run_api
from tests.kpis.test_kpi_writes import KeyClient, kpi_events

NATIONAL = "/api/v1/national-indicators"
LOW_BIRTH_WEIGHT = "low-birth-weight-babies"  # the dictionary's code 352, short name "Low birth weight babies"
ADOPT = f"{NATIONAL}/{LOW_BIRTH_WEIGHT}/adoptions"
ADOPTION: dict[str, Any] = {"code": "low-birth-weight", "focus_area": "children-in-need"}


def _dictionary_row(code: str) -> dict[str, str]:
    with open("seed/national/lait_data_dictionary.csv", encoding="utf-8-sig", newline="") as file:
        [row] = [row for row in csv.DictReader(file) if row["Measure_code"] == code]
    return row


class TestListNationalIndicators:
    async def test_every_row_of_the_dictionary_is_listed_under_a_key_of_its_own(
        self, client: AsyncClient, scenario: Scenario
    ) -> None:
        # 448 rows: 36 without a code, 150 distinct codes, 68 of them shared by several measures.
        items = assert_page(await client.get(NATIONAL, params={"limit": 500}), total=448, limit=500)
        assert len({item["key"] for item in items}) == 448
        assert sum(1 for item in items if item["national_code"] is None) == 36
        assert sum(1 for item in items if item["national_code"] == "361") == 30  # Key Stage 4 breakdowns
        assert all(item["adopted_as"] is None for item in items)

    async def test_a_row_is_mapped_as_the_dictionary_says(self, client: AsyncClient, scenario: Scenario) -> None:
        row = _dictionary_row("352")
        assert (row["Polarity"], row["y_axis_name"], row["dps"], row["Year_Type"]) == (
            "Low",
            "% of births",
            "2",
            "Calendar Year",
        )
        response = await client.get(f"{NATIONAL}/{LOW_BIRTH_WEIGHT}")
        assert response.status_code == 200, response.text
        assert response.json() == {
            "key": LOW_BIRTH_WEIGHT,
            "national_code": "352",
            "topic": "Health and Wellbeing",
            "title": row["Chart_title"],
            "measure": "Low birth weight",
            "polarity": "lower_better",
            "unit": "percent",
            "decimal_places": 2,
            "period_type": "calendar_year",
            "description": row["Description"],
            "source": "Public Health England",
            "adopted_as": None,
        }

    async def test_filtered_by_topic_and_text(self, client: AsyncClient, scenario: Scenario) -> None:
        items = assert_page(await client.get(NATIONAL, params={"topic": "child protection"}), total=30)
        assert {item["topic"] for item in items} == {"Child Protection"}
        [found] = assert_page(await client.get(NATIONAL, params={"q": "birth weight"}), total=1)
        assert (found["key"], found["national_code"]) == (LOW_BIRTH_WEIGHT, "352")

    async def test_an_unknown_key_is_404(self, client: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await client.get(f"{NATIONAL}/no-such-indicator"), 404)
        assert_problem(await client.get(f"{NATIONAL}/352"), 404)  # a DfE code is not a key: 352 names one, 361 thirty


class TestAdoptNationalIndicator:
    async def test_adopting_defines_the_kpi_and_audits_it(
        self, governor: AsyncClient, client: AsyncClient, scenario: Scenario
    ) -> None:
        response = await governor.post(ADOPT, json=ADOPTION | {"decimal_places": 1})
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == "/api/v1/kpis/low-birth-weight"
        body = response.json()
        assert {name: body[name] for name in ("code", "national_code", "tier", "unit", "polarity", "period_type")} == {
            "code": "low-birth-weight",
            "national_code": "352",
            "tier": "service_indicator",
            "unit": "percent",
            "polarity": "lower_better",
            "period_type": "calendar_year",
        }
        assert (body["decimal_places"], body["focus_area"], body["version"]) == (1, "children-in-need", 1)
        assert body["position"] == scenario.cp_repeat.position + 1, "after every KPI held, as POST /kpis places it"
        kpi = (await client.get("/api/v1/kpis/low-birth-weight")).json()
        assert (kpi["national_code"], kpi["national_indicator"]) == ("352", LOW_BIRTH_WEIGHT)
        assert (await client.get(f"{NATIONAL}/{LOW_BIRTH_WEIGHT}")).json()["adopted_as"] == "low-birth-weight"
        [event] = await kpi_events("low-birth-weight")
        assert event.action == "create"
        assert event.after is not None
        assert (event.after["national_code"], event.after["national_indicator"]) == ("352", LOW_BIRTH_WEIGHT)
        assert "governance officer" in event.actor
        assert event.api_key_id

    async def test_re_adopting_or_a_taken_code_is_409(self, governor: AsyncClient, scenario: Scenario) -> None:
        assert (await governor.post(ADOPT, json=ADOPTION)).status_code == 201
        assert_problem(await governor.post(ADOPT, json={"code": "another-code"}), 409, detail_contains="low-birth")
        taken = await governor.post(f"{NATIONAL}/infmort/adoptions", json={"code": "low-birth-weight"})
        assert_problem(taken, 409, detail_contains="low-birth-weight")

    async def test_two_adopting_one_indicator_at_once_make_one_kpi(
        self, governor: AsyncClient, client: AsyncClient, scenario: Scenario
    ) -> None:
        """Measures that share DfE's code are told apart: two of code 209 adopted side by side; one indicator
        adopted twice at once under different codes is one KPI and a 409, never two KPIs."""
        for key in ("2yr-olds", "no-2yr-olds"):
            assert (await governor.post(f"{NATIONAL}/{key}/adoptions", json={"code": key})).status_code == 201
        answers = await asyncio.gather(
            *(governor.post(ADOPT, json={"code": f"low-birth-weight-{n}"}) for n in range(4))
        )
        assert sorted(a.status_code for a in answers) == [201, 409, 409, 409], [a.text for a in answers]
        adopted = (await client.get(f"{NATIONAL}/{LOW_BIRTH_WEIGHT}")).json()["adopted_as"]
        assert adopted in {f"low-birth-weight-{n}" for n in range(4)}

    async def test_without_governance_write_is_403(self, key_client: KeyClient, scenario: Scenario) -> None:
        for scopes in ((Scope.read,), (Scope.read, Scope.kpi_submit)):
            async with await key_client(*scopes) as writer:
                assert_problem(await writer.post(ADOPT, json=ADOPTION), 403)
        assert await kpi_events("low-birth-weight") == []

    async def test_an_unknown_indicator_is_404(self, governor: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await governor.post(f"{NATIONAL}/no-such-indicator/adoptions", json=ADOPTION), 404)

    async def test_a_bad_body_is_422(self, governor: AsyncClient, scenario: Scenario) -> None:
        for body in (
            {},
            {"code": "Not A Code"},
            ADOPTION | {"unit": "count"},
            ADOPTION | {"title": None},
            ADOPTION | {"decimal_places": 7},
        ):
            assert_problem(await governor.post(ADOPT, json=body), 422)
        assert await kpi_events("low-birth-weight") == []


class TestCommandLine:
    def _run(self, migrated: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"DATABASE_URL": migrated, "PATH": "/usr/bin:/bin", "COLUMNS": "250"}
        return run_api("kpis", *args, env=env)

    async def test_list_and_adopt(self, migrated: str, client: AsyncClient, scenario: Scenario) -> None:
        listed = self._run(migrated, "national", "--q", "birth weight")
        assert listed.returncode == 0, listed.stderr
        assert LOW_BIRTH_WEIGHT in listed.stdout
        adopted = self._run(migrated, "adopt", LOW_BIRTH_WEIGHT, "--code", "low-birth-weight")
        assert adopted.returncode == 0, adopted.stdout + adopted.stderr
        kpi = (await client.get("/api/v1/kpis/low-birth-weight")).json()
        assert (kpi["national_code"], kpi["national_indicator"], kpi["unit"]) == ("352", LOW_BIRTH_WEIGHT, "percent")
        [event] = await kpi_events("low-birth-weight")
        assert event.actor.startswith("cli:")
        again = self._run(migrated, "adopt", LOW_BIRTH_WEIGHT, "--code", "another-code")
        assert again.returncode == 1
        assert "already adopted" in again.stdout
        bad = self._run(migrated, "adopt", "no-such-indicator", "--code", "x-code")
        assert (bad.returncode, "not adopted" in bad.stdout) == (1, True)
