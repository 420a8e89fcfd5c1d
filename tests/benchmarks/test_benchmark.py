"""GET /kpis/{code}/benchmark over DfE's published figures for every local authority (table D3): the subject's figure
and England's, the gap in words, rank and quartile checked against the file, each group's mean and median without
the withheld figures, the series, and the latest revision only, in two reads of the figures."""

import csv
import math
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean, median
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import event

from api import db
from api.auth.models import Scope
from api.kpis.models import GeographyLevel
from tests.asserts import assert_problem
from tests.benchmarks.conftest import KPI, KPI_DEFINITION, D3Row, d3_rows, in_period
from tests.dfe import DFE_DIR
from tests.factories import Rows, restore_snapshot
from tests.kpis.test_kpi_writes import KeyClient, etag_of

BENCHMARK = f"/api/v1/kpis/{KPI}/benchmark"
STOCKTON = "E06000004"
LATEST = "FY2024-25"  # time_period 2025


@pytest.fixture
async def clean_tables(clean_tables: None, published: Rows) -> None:
    """Every test starts from the strategy and D3's figures."""
    await restore_snapshot(published)


def _numbers(rows: Iterator[D3Row]) -> list[Decimal]:
    return [row.value for row in rows if row.value is not None]


def _shown(figure: Decimal) -> Decimal:
    """As the KPI shows a figure: one decimal place, rounded half up (26.65 is 26.7)."""
    return figure.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _one(period: str, gss_code: str) -> D3Row:
    [row] = [row for row in d3_rows() if row.period == period and row.gss_code == gss_code]
    return row


def _england(period: str) -> Decimal | None:
    [row] = in_period(period, GeographyLevel.country)
    return row.value


def _by_hand(period: str, gss_code: str) -> tuple[int, int, int]:
    """Rank (lower is better, ties sharing the best), count and quartile, from the file alone."""
    field = _numbers(in_period(period))
    ours = _one(period, gss_code).value
    assert ours is not None
    position = 1 + sum(1 for other in field if other < ours)
    return position, len(field), math.ceil(4 * position / len(field))


def _neighbour_numbers(period: str, model_file: str, first: int, code: str = "808") -> list[Decimal]:
    """The published figures of an authority's neighbours, from the neighbour file and D3 alone."""
    with (DFE_DIR / model_file).open(encoding="utf-8-sig", newline="") as file:
        [row] = [row for row in csv.reader(file) if row[0] == code]
    numbers = {row.old_la_code: row.value for row in in_period(period)}
    return [value for n in range(10) if (value := numbers.get(row[first + 2 * n])) is not None]


async def _benchmark(client: AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(BENCHMARK, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _group(body: dict[str, Any], key: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [group for group in body["groups"] if group["key"] == key]
    [group] = found
    return group


class TestSubjectAndEngland:
    async def test_the_latest_numeric_period_by_default_with_englands_figure_and_the_gap(
        self, client: AsyncClient
    ) -> None:
        body = await _benchmark(client)
        assert (body["kpi"], body["period"], body["polarity"], body["decimal_places"]) == (
            KPI,
            LATEST,
            "lower_better",
            1,
        )
        assert body["scope"] == {
            "key": "stockton-on-tees",
            "name": "Stockton-on-Tees",
            "gss_code": STOCKTON,
            "old_la_code": "808",
        }
        assert body["figure"] == {"value": 20, "status_symbol": None, "display": "20.0%"}
        assert body["england"] == {
            "scope": "england",
            "name": "England",
            "value": 24.5,
            "status_symbol": None,
            "display": "24.5%",
        }
        assert body["gap_to_england"] == {
            "difference": -4.5,
            "judgement": "better",
            "words": "4.5 points better than England",
        }

    @pytest.mark.parametrize("period", ["FY2023-24", "2023/24", "fy2023-24"])
    async def test_a_period_asked_in_any_form_the_other_endpoints_take(self, client: AsyncClient, period: str) -> None:
        body = await _benchmark(client, period=period)
        assert body["period"] == "FY2023-24"
        assert (body["figure"]["value"], body["england"]["value"]) == (24.6, 24.7)
        assert body["gap_to_england"]["words"] == "0.1 points better than England"

    async def test_a_worse_figure_says_worse(self, client: AsyncClient) -> None:
        period = "FY2015-16"
        ours, england = _one(period, STOCKTON).value, _england(period)
        assert ours is not None
        assert england is not None
        assert ours > england  # 20.4 against 17.9
        gap = (await _benchmark(client, period=period))["gap_to_england"]
        assert (Decimal(str(gap["difference"])), gap["judgement"]) == (ours - england, "worse")

    async def test_another_local_authority_by_any_of_its_names(self, client: AsyncClient) -> None:
        for name in ("hartlepool", "E06000001", "805", "Hartlepool"):
            body = await _benchmark(client, scope=name, period=LATEST)
            assert body["scope"]["key"] == "hartlepool"
            assert Decimal(str(body["figure"]["value"])) == _one(LATEST, "E06000001").value

    async def test_a_withheld_figure_is_shown_as_its_symbol_and_neither_ranked_nor_judged(
        self, client: AsyncClient
    ) -> None:
        hampshire = _one("FY2023-24", "E10000014")
        assert hampshire.percent == "u"
        body = await _benchmark(client, scope="Hampshire", period="FY2023-24")
        assert body["figure"] == {"value": None, "status_symbol": "u", "display": None}
        assert (body["gap_to_england"], body["rank"]) == (None, None)


class TestRankAndQuartile:
    async def test_one_year_checked_by_hand(self, client: AsyncClient) -> None:
        """2023-24: Stockton's 24.6% is beaten by 75 of the 150 authorities with a published figure."""
        rank = (await _benchmark(client, period="FY2023-24"))["rank"]
        assert rank == {"position": 76, "of": 150, "quartile": 3}
        position, count, quartile = _by_hand("FY2023-24", STOCKTON)
        assert rank == {"position": position, "of": count, "quartile": quartile}

    async def test_ties_share_the_best_rank(self, client: AsyncClient) -> None:
        """2024-25: Stockton-on-Tees and Croydon both 20.0%, 38 authorities lower."""
        ours = (await _benchmark(client))["rank"]
        croydon = (await _benchmark(client, scope="Croydon"))["rank"]
        assert ours == croydon == {"position": 39, "of": 153, "quartile": 2}
        assert _by_hand(LATEST, STOCKTON) == (39, 153, 2)

    async def test_every_year_agrees_with_the_file(self, client: AsyncClient) -> None:
        periods = sorted({row.period for row in d3_rows()})
        assert len(periods) == 13
        for period in periods:
            rank = (await _benchmark(client, period=period))["rank"]
            position, count, quartile = _by_hand(period, STOCKTON)
            assert rank == {"position": position, "of": count, "quartile": quartile}, period

    async def test_higher_better_ranks_the_other_way_and_no_polarity_is_not_judged(
        self, governor: AsyncClient, client: AsyncClient
    ) -> None:
        kpi = f"/api/v1/kpis/{KPI}"
        response = await governor.patch(kpi, json={"polarity": "higher_better"}, headers=await etag_of(governor, kpi))
        assert response.status_code == 200, response.text
        body = await _benchmark(client, period="FY2023-24")
        field = _numbers(in_period("FY2023-24"))
        assert body["rank"]["position"] == 1 + sum(1 for other in field if other > Decimal("24.6"))
        assert body["gap_to_england"]["judgement"] == "worse"  # 0.1 points lower
        response = await governor.patch(kpi, json={"polarity": "none"}, headers=await etag_of(governor, kpi))
        assert response.status_code == 200, response.text
        body = await _benchmark(client, period="FY2023-24")
        assert body["rank"] is None
        assert body["gap_to_england"] == {
            "difference": -0.1,
            "judgement": "not judged",
            "words": "0.1 points lower than England",
        }


class TestGroups:
    async def test_every_group_with_mean_median_and_published_figure(self, client: AsyncClient) -> None:
        body = await _benchmark(client, period="FY2023-24")
        assert [group["key"] for group in body["groups"]] == [
            "england",
            "region",
            "statistical-neighbours-2021",
            "statistical-neighbours-2025",
            "all-local-authorities",
        ]
        england = _group(body, "england")
        assert (england["member_count"], england["with_figure"], england["mean"], england["median"]) == (
            1,
            1,
            24.7,
            24.7,
        )
        assert england["published"]["value"] == 24.7
        region = _group(body, "region")
        north_east = [row for row in in_period("FY2023-24") if row.region_code == "E12000001"]
        numbers = _numbers(iter(north_east))
        assert (region["name"], region["member_count"], region["with_figure"]) == ("North East region", 12, 12)
        assert Decimal(str(region["mean"])) == _shown(mean(numbers))
        assert Decimal(str(region["median"])) == _shown(median(numbers))
        [published] = [row for row in in_period("FY2023-24", GeographyLevel.region) if row.gss_code == "E12000001"]
        assert region["published"] == {
            "scope": "north-east",
            "name": "North East",
            "value": float(published.percent),
            "status_symbol": None,
            "display": f"{published.percent}%",
        }

    async def test_statistical_neighbours_under_both_models(self, client: AsyncClient) -> None:
        body = await _benchmark(client, period="FY2023-24")
        for key, file_name, first in (
            ("statistical-neighbours-2021", "New_Statistical_Neighbour_Groupings_April_2021.csv", 5),
            ("statistical-neighbours-2025", "sn_model_2025_wide.csv", 4),
        ):
            numbers = _neighbour_numbers("FY2023-24", file_name, first)
            group = _group(body, key)
            assert (group["member_count"], group["with_figure"]) == (10, len(numbers)), key
            assert Decimal(str(group["mean"])) == _shown(mean(numbers)), key
            assert Decimal(str(group["median"])) == _shown(median(numbers)), key
            assert group["published"] is None

    async def test_withheld_figures_are_left_out_of_the_statistics(self, client: AsyncClient) -> None:
        rows = list(in_period("FY2023-24"))
        withheld = [row for row in rows if row.value is None]
        assert sorted(row.percent for row in withheld) == ["c", "u", "z"]  # City of London, Hampshire, Scilly
        numbers = _numbers(iter(rows))
        group = _group(await _benchmark(client, period="FY2023-24"), "all-local-authorities")
        assert group["member_count"] == 161  # every authority in the file, three of them under an older GSS code
        assert group["with_figure"] == len(numbers) == 150
        assert Decimal(str(group["mean"])) == _shown(mean(numbers))
        assert Decimal(str(group["median"])) == _shown(median(numbers))

    async def test_only_the_groups_asked_for_a_councils_own_among_them(
        self, governor: AsyncClient, client: AsyncClient
    ) -> None:
        tees = ["Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Darlington", "Stockton-on-Tees"]
        made = await governor.post(
            "/api/v1/comparator-groups", json={"key": "tees-valley", "name": "Tees Valley", "members": tees}
        )
        assert made.status_code == 201, made.text
        body = await _benchmark(client, period="FY2023-24", group=["tees-valley", "region"])
        assert [group["key"] for group in body["groups"]] == ["region", "tees-valley"]
        numbers = [row.value for row in in_period("FY2023-24") if row.name in tees and row.value is not None]
        group = _group(body, "tees-valley")
        assert (group["built_in"], group["member_count"], group["with_figure"]) == (False, 5, len(numbers))
        assert Decimal(str(group["mean"])) == _shown(mean(numbers))
        assert_problem(await client.get(BENCHMARK, params={"group": "no-such-group"}), 404, detail_contains="no-such")


class TestSeries:
    async def test_every_year_for_the_council_england_and_its_neighbours(self, client: AsyncClient) -> None:
        series = (await _benchmark(client))["series"]
        periods = sorted({row.period for row in d3_rows()})
        assert [point["period"] for point in series] == periods
        for point in series:
            ours, england = _one(point["period"], STOCKTON), _england(point["period"])
            assert Decimal(str(point["subject"]["value"])) == ours.value, point
            assert Decimal(str(point["england"]["value"])) == england, point
        [latest] = [point for point in series if point["period"] == LATEST]
        numbers = _neighbour_numbers(LATEST, "sn_model_2025_wide.csv", 4)
        by_model = {means["model"]: means for means in latest["neighbours"]}
        assert by_model["2025"] == {
            "model": "2025",
            "mean": float(_shown(mean(numbers))),
            "with_figure": len(numbers),
            "member_count": 10,
        }
        assert set(by_model) == {"2021", "2025"}


class TestLatestRevision:
    async def test_a_correction_replaces_the_figure_everywhere(self, submitter: AsyncClient) -> None:
        corrected = await submitter.put(
            f"/api/v1/kpis/{KPI}/values/FY2023-24",
            params={"scope": STOCKTON},
            json={"value": 10, "reason": "a correction, for the test"},
        )
        assert corrected.status_code == 200, corrected.text
        body = await _benchmark(submitter, period="FY2023-24")
        assert body["figure"]["value"] == 10
        field = _numbers(in_period("FY2023-24"))
        assert body["rank"]["position"] == 1 + sum(1 for other in field if other < 10)
        [point] = [point for point in body["series"] if point["period"] == "FY2023-24"]
        assert point["subject"]["value"] == 10


class TestCost:
    async def test_two_reads_of_the_figures_whatever_the_groups(
        self, governor: AsyncClient, client: AsyncClient
    ) -> None:
        """The KPI, the scopes, the neighbour lists, the council's groups and their members, and the figures twice:
        over the series' places in every period, then every place in the period."""
        for key in ("tees-valley", "teesside"):
            body = {"key": key, "name": key, "members": ["hartlepool", "darlington", "stockton-on-tees"]}
            assert (await governor.post("/api/v1/comparator-groups", json=body)).status_code == 201
        statements: list[str] = []

        def seen(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if "api_key" not in statement and "rate_limit_window" not in statement:  # the key check
                statements.append(statement)

        engine = db.get_engine().sync_engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            await _benchmark(client)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert sum(1 for statement in statements if "FROM kpi_value" in statement) == 2
        assert len(statements) == 7, statements


class TestRefusals:
    async def test_a_bad_request_names_what_is_wrong(self, client: AsyncClient) -> None:
        assert_problem(await client.get(BENCHMARK, params={"periods": "FY2023-24"}), 422)
        problem = assert_problem(await client.get(BENCHMARK, params={"period": "2023"}), 422)
        assert problem["errors"][0]["loc"] == ["query", "period"]
        problem = assert_problem(await client.get(BENCHMARK, params={"scope": "england"}), 422)
        assert problem["errors"] == [{"loc": ["query", "scope"], "msg": "not a local authority in DfE's geography"}]
        assert_problem(await client.get(BENCHMARK, params={"scope": "nowhere"}), 404)
        assert_problem(await client.get("/api/v1/kpis/no-such-kpi/benchmark"), 404)

    async def test_no_figure_yet_and_no_period_asked(self, governor: AsyncClient) -> None:
        made = await governor.post("/api/v1/kpis", json=KPI_DEFINITION | {"code": "cp-subsequent-plans-local"})
        assert made.status_code == 201, made.text
        problem = assert_problem(await governor.get("/api/v1/kpis/cp-subsequent-plans-local/benchmark"), 404)
        assert "no numeric figure for Stockton-on-Tees yet" in problem["detail"]

    async def test_reading_needs_a_key_with_the_read_scope(self, anonymous: AsyncClient, key_client: KeyClient) -> None:
        assert_problem(await anonymous.get(BENCHMARK), 401)
        async with await key_client(Scope.kpi_submit) as submit_only:
            assert_problem(await submit_only.get(BENCHMARK), 403)


class TestReportsUseIt:
    """The status, the scorecard and the packs show the same national standing as the benchmark (issue 12 item 5):
    England and the region by name with the difference in words, the rest of the 150 authorities only as rank,
    quartile and the neighbours' mean."""

    async def test_the_status_agrees_with_the_benchmark(self, client: AsyncClient) -> None:
        for period in ("FY2023-24", LATEST):
            full = await _benchmark(client, period=period)
            status = (await client.get(f"/api/v1/kpis/{KPI}/status", params={"period": period})).json()
            shown = status["benchmark"]
            assert shown["rank"] == full["rank"]
            assert shown["gap_to_england"] == full["gap_to_england"]
            neighbours = _group(full, "statistical-neighbours-2025")
            assert shown["neighbours"]["model"] == "2025"
            assert (shown["neighbours"]["mean"], shown["neighbours"]["with_figure"]) == (
                neighbours["mean"],
                neighbours["with_figure"],
            )
            # Only England and the borough's region by name, out of 150 authorities and 9 regions.
            assert [c["name"] for c in status["comparators"]] == ["England", "North East"]
            ours = _shown(_one(period, STOCKTON).value or Decimal(0))
            for comparator, gss_code in zip(status["comparators"], ("E92000001", "E12000001"), strict=True):
                theirs = _shown(_one(period, gss_code).value or Decimal(0))
                word = "same" if ours == theirs else "better" if ours < theirs else "worse"  # lower is better
                assert comparator["judgement"] == word
                assert comparator["words"].endswith(f"{word} than {comparator['name']}") or word == "same"

    async def test_one_year_by_hand_in_the_status(self, client: AsyncClient) -> None:
        position, count, quartile = _by_hand("FY2023-24", STOCKTON)
        status = (await client.get(f"/api/v1/kpis/{KPI}/status", params={"period": "FY2023-24"})).json()
        assert status["benchmark"]["rank"] == {"position": position, "of": count, "quartile": quartile}
        ours, england = _one("FY2023-24", STOCKTON).value, _england("FY2023-24")
        assert ours is not None
        assert england is not None
        word = "better" if ours < england else "worse"  # lower is better
        assert status["benchmark"]["gap_to_england"]["judgement"] == word

    async def test_the_csmt_pack_says_it_in_words(self, client: AsyncClient) -> None:
        status = (await client.get(f"/api/v1/kpis/{KPI}/status")).json()
        rank = status["benchmark"]["rank"]
        pack = await client.get("/api/v1/governance-bodies/csmt/pack", params={"format": "csv", "period": "2024/25"})
        assert pack.status_code == 200, pack.text
        [row] = [line for line in csv.DictReader(pack.text.splitlines()) if line.get("item") == KPI]
        assert f"rank {rank['position']} of {rank['of']} local authorities (quartile {rank['quartile']})" in row["note"]
        assert "England" in row["note"]
        assert "(ours " in row["note"]


class TestPackTrend:
    async def test_a_packs_kpi_trend_is_ours_englands_and_the_neighbours_average_each_year(
        self, client: AsyncClient
    ) -> None:
        """CSMT's pack charts the service indicator over its last six years, from D3 and the 2025 neighbours alone."""
        response = await client.get("/api/v1/governance-bodies/csmt/pack")
        assert response.status_code == 200, response.text
        [kpi] = [kpi for kpi in response.json()["kpis"] if kpi["code"] == KPI]
        periods = sorted({row.period for row in d3_rows()})[-6:]
        assert [point["period"] for point in kpi["trend"]] == periods
        assert [point["label"] for point in kpi["trend"]][-1] == "2024/25"
        for point in kpi["trend"]:
            ours, england = _one(point["period"], STOCKTON).value, _england(point["period"])
            assert point["value"] == (float(ours) if ours is not None else None), point
            assert point["england"] == (float(england) if england is not None else None), point
            numbers = _neighbour_numbers(point["period"], "sn_model_2025_wide.csv", 4)
            assert point["neighbours_mean"] == float(_shown(mean(numbers))), point
            assert point["target"] is None, "the seed sets no numeric target for this indicator"
