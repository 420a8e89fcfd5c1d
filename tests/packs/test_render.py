"""The pack as people read it: a printable HTML document and a flat CSV, built from a pack held in memory."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from api.benchmarks.benchmark_schemas import GapRead, RankRead
from api.benchmarks.statistics import Judgement
from api.delivery import DeliveryStatus, Rag
from api.kpis.models import Polarity, TargetKind, Tier, Unit
from api.kpis.rating import Direction, RatingStatus
from api.kpis.schemas import (
    ComparatorRead,
    FigureRead,
    NeighboursRead,
    RatingCounts,
    RatingRead,
    StatusBenchmarkRead,
    TargetSummary,
    TravelRead,
)
from api.packs.render import CSV_COLUMNS, pounds, render_csv, render_html, uk_date
from api.packs.schemas import (
    FocusAreaProgress,
    Pack,
    PackAction,
    PackBody,
    PackException,
    PackFocusArea,
    PackHeadline,
    PackKpi,
    PackProject,
    PackSavings,
    RagCounts,
    StatusCounts,
)
from api.projects.schemas import SavingsTotals

NEET_REASON = "8% against a target of 7% (lower is better): 1 point worse than target."
TOXIC_TRIO = "Thematic review and focus on toxic trio of domestic abuse, substance misuse and adult mental health"


def _toxic_trio() -> PackAction:
    return PackAction(
        key="cin-thematic-review-toxic-trio",
        what=TOXIC_TRIO,
        owners=["CSMT"],
        due_text="Sep 2016",
        due_date=date(2016, 9, 30),
        status=DeliveryStatus.at_risk,
        rag=Rag.amber,
        percent_complete=60,
        overdue=True,
        stale=False,
        last_update_on=date(2016, 8, 31),
        commentary="Audit sample agreed <script>alert('x')</script>",
    )


def _neet() -> PackKpi:
    return PackKpi(
        code="neet-not-known-16-19",
        title="Percentage of young people aged 16-19 who are NEET or Not Known",
        tier=Tier.council_plan,
        position=11,
        unit=Unit.percent,
        polarity=Polarity.lower_better,
        decimal_places=0,
        scope="borough",
        period="FY2016-17",
        baseline_period="FY2015-16",
        baseline_value=Decimal(9),
        figure=FigureRead(
            period="FY2016-17",
            value=Decimal(8),
            display="8%",
            numerator=None,
            denominator=None,
            status_symbol=None,
            provisional=False,
            revision=1,
            submitted_at=datetime(2017, 4, 12, 9, 0, tzinfo=UTC),
        ),
        target=TargetSummary(
            period="FY2016-17", kind=TargetKind.numeric, value=Decimal(7), amber_tolerance=None, display="7%"
        ),
        rating=RatingRead(status=RatingStatus.red, word="Off target", symbol="✖", reason=NEET_REASON),
        vs_previous=TravelRead(
            direction=Direction.improving,
            word="Improving",
            symbol="▼",
            against="FY2015-16",
            change=Decimal(-1),
            reason="Fell from 9% to 8% since FY2015-16 (lower is better).",
        ),
        vs_last_year=None,
        comparators=[
            ComparatorRead(
                scope="england",
                name="England",
                value=Decimal(6),
                display="6%",
                difference=Decimal(2),
                judgement=Judgement.worse,
                words="2 points worse than England",
            )
        ],
        benchmark=StatusBenchmarkRead(
            rank=RankRead(position=120, of=152, quartile=4),
            neighbours=NeighboursRead(model="2025", mean=Decimal(6), display="6%", with_figure=10, member_count=10),
            gap_to_england=GapRead(
                difference=Decimal(2), judgement=Judgement.worse, words="2 points worse than England"
            ),
        ),
    )


def _lean_review() -> PackProject:
    return PackProject(
        key="lean-review",
        title="LEAN review",
        lead=None,
        focus_areas=["governance-and-leadership"],
        pid_status="approved",
        deadline_text="March 2017",
        deadline_date=date(2017, 3, 31),
        status=DeliveryStatus.off_track,
        rag=Rag.red,
        percent_complete=40,
        overdue=False,
        stale=True,
        last_update_on=date(2016, 6, 30),
        commentary="Process mapping behind plan",
        savings=PackSavings(
            financial_year="FY2016-17",
            target_pence=80_000_000,
            forecast_pence=65_000_000,
            delivered_pence=20_000_000,
            forecast_gap_pence=15_000_000,
            delivered_gap_pence=60_000_000,
        ),
    )


def _progress() -> FocusAreaProgress:
    return FocusAreaProgress(
        key="children-in-need-of-help-and-protection",
        title="Children in need of help and protection",
        actions=12,
        actions_by_status=StatusCounts.of([DeliveryStatus.on_track] * 9 + [DeliveryStatus.at_risk] * 3),
        actions_by_rag=RagCounts(red=0, amber=3, green=9, none=0),
        actions_overdue=1,
        actions_stale=2,
        projects=0,
        projects_by_rag=RagCounts.of([]),
    )


def _empty_pack() -> Pack:
    return Pack(
        body=PackBody(key="csmt", code="CSMT", name="Children's Services Management Team", cadence="monthly"),
        title="Children's Services Management Team: performance and progress, 2016/17",
        reports=["Monthly performance report", "Performance challenge"],
        period="FY2016-17",
        period_label="2016/17",
        financial_year="FY2016-17",
        financial_year_label="2016/17",
        as_at=date(2016, 10, 31),
        known_at=datetime(2016, 11, 1, 9, 15, tzinfo=UTC),
        generated_at=datetime(2016, 11, 1, 9, 15, tzinfo=UTC),
        rules=["csmt-service-indicators", "csmt-exceptions"],
        headline=PackHeadline(
            sentence="No KPIs are reported to this body.",
            kpis=0,
            kpis_by_rating=RatingCounts.of([]),
            exceptions=0,
            actions=0,
            actions_overdue=0,
            actions_stale=0,
            projects=0,
            projects_red=0,
        ),
        actions_by_focus_area=[],
        kpis=[],
        exceptions=[],
        projects=[],
        savings_totals=None,
        savings_by_year=[],
        progress_summary=[],
    )


@pytest.fixture
def pack() -> Pack:
    lean_review = _lean_review()
    assert (savings := lean_review.savings) is not None
    return _empty_pack().model_copy(
        update={
            "actions_by_focus_area": [
                PackFocusArea(
                    key="children-in-need-of-help-and-protection",
                    title="Children in need of help and protection",
                    actions=[_toxic_trio()],
                )
            ],
            "kpis": [_neet()],
            "exceptions": [
                PackException(
                    rule="actions-overdue-30-days",
                    kind="action_overdue_days",
                    item="action:cin-thematic-review-toxic-trio",
                    title=TOXIC_TRIO,
                    reason="Due 30 September 2016 and not complete: 31 days overdue.",
                )
            ],
            "projects": [lean_review],
            "savings_totals": SavingsTotals.model_validate(savings.model_dump(exclude={"financial_year"})),
            "progress_summary": [_progress()],
        }
    )


def _csv_rows(pack: Pack) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(pack))))


class TestFilters:
    @pytest.mark.parametrize(
        ("pence", "shown"),
        [(80_000_000, "£800,000"), (80_000_050, "£800,000.50"), (99, "£0.99"), (0, "£0"), (None, "")],
    )
    def test_pence_are_shown_as_pounds_with_pence_only_when_not_whole(self, pence: int | None, shown: str) -> None:
        assert pounds(pence) == shown

    def test_dates_are_uk_long_form(self) -> None:
        assert uk_date(date(2016, 9, 30)) == "30 September 2016"
        assert uk_date(date(2017, 3, 1)) == "1 March 2017"

    def test_a_date_and_time_adds_the_clock(self) -> None:
        assert uk_date(datetime(2016, 11, 1, 9, 15, tzinfo=UTC)) == "1 November 2016, 09:15 UTC"


class TestRenderHtml:
    def test_is_a_complete_english_document_titled_by_pack_body_and_date(self, pack: Pack) -> None:
        html = render_html(pack)
        assert html.startswith("<!DOCTYPE html>")
        assert '<html lang="en-GB">' in html
        assert (
            "<title>Children&#39;s Services Management Team: performance and progress, 2016/17 – Children&#39;s "
            "Services Management Team – as of 31 October 2016</title>"
        ) in html
        assert html.rstrip().endswith("</html>")

    def test_is_printable(self, pack: Pack) -> None:
        html = render_html(pack)
        assert "@media print" in html
        assert "size: A4" in html
        assert "thead { display: table-header-group; }" in html
        assert "<link" not in html
        assert "<script" not in html

    def test_header_names_body_cadence_period_dates_and_rules(self, pack: Pack) -> None:
        html = render_html(pack)
        for shown in ("monthly", "FY2016-17", "31 October 2016", "1 November 2016, 09:15 UTC"):
            assert shown in html
        assert "csmt-service-indicators, csmt-exceptions" in html

    def test_tables_are_captioned_with_column_headers(self, pack: Pack) -> None:
        html = render_html(pack)
        assert html.count("<table>") == html.count("<caption>") == 7
        assert '<th scope="col">Latest figure</th>' in html

    def test_kpi_rating_is_a_word_and_symbol_with_its_reason(self, pack: Pack) -> None:
        html = render_html(pack)
        assert '<span class="rating rating-red">✖ Off target</span>' in html
        assert NEET_REASON in html
        assert "9%" in html
        assert "7%" in html
        assert "8%" in html
        assert "▼ Improving</span> vs FY2015-16" in html
        assert "England 6% (ours 2 points worse); rank 120 of 152 local authorities (quartile 4)" in html

    def test_rag_and_flags_are_words_not_colour_alone(self, pack: Pack) -> None:
        html = render_html(pack)
        assert '<span class="rag rag-amber">● Amber</span>' in html
        assert '<span class="rag rag-red">✖ Red</span>' in html
        assert ">Overdue<" in html
        assert ">Stale<" in html
        assert "At risk" in html
        assert "Off track" in html

    def test_money_is_pounds_with_thousands_separators(self, pack: Pack) -> None:
        html = render_html(pack)
        for shown in ("£800,000", "£650,000", "£200,000", "£150,000", "£600,000"):
            assert shown in html

    def test_dates_are_uk_long_form(self, pack: Pack) -> None:
        assert "31 August 2016" in render_html(pack)

    def test_user_text_is_escaped(self, pack: Pack) -> None:
        html = render_html(pack)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html

    def test_sections_run_in_order(self, pack: Pack) -> None:
        html = render_html(pack)
        headings = [
            "Progress summary by focus area",
            "Key performance indicators",
            "Performance challenge exceptions",
            "Business improvement actions by focus area",
            "Transformation projects",
            "Savings totals",
        ]
        positions = [html.index(f"<h2>{heading}</h2>") for heading in headings]
        assert positions == sorted(positions)

    def test_empty_sections_are_omitted(self, pack: Pack) -> None:
        html = render_html(pack.model_copy(update={"kpis": [], "exceptions": [], "savings_totals": None}))
        assert "Key performance indicators" not in html
        assert "Performance challenge exceptions" not in html
        assert "<h2>Savings totals</h2>" not in html
        assert "<h2>Transformation projects</h2>" in html

    def test_a_pack_with_nothing_routed_says_so(self) -> None:
        html = render_html(_empty_pack())
        assert "<table>" not in html
        assert "Nothing is routed to this body for this pack." in html


class TestRenderCsv:
    def test_has_the_exact_header_and_no_preamble(self, pack: Pack) -> None:
        lines = render_csv(pack).splitlines()
        assert lines[0] == ",".join(CSV_COLUMNS)
        assert lines[1].startswith("progress,")

    def test_an_empty_pack_is_the_header_alone(self) -> None:
        assert render_csv(_empty_pack()) == ",".join(CSV_COLUMNS) + "\r\n"

    def test_one_row_per_item_in_section_order(self, pack: Pack) -> None:
        sections = [row["section"] for row in _csv_rows(pack)]
        assert sections == ["progress", "kpi", "exception", "action", "project", "savings_total"]

    def test_kpi_row_has_displayed_figures_rating_and_direction(self, pack: Pack) -> None:
        kpi = _csv_rows(pack)[1]
        assert kpi["item"] == "neet-not-known-16-19"
        assert kpi["period"] == "FY2016-17"
        assert kpi["value"] == "8%"
        assert kpi["target"] == "7%"
        assert kpi["rating"] == "Off target"
        assert kpi["rating_reason"] == NEET_REASON
        assert kpi["direction"] == "Improving"
        assert kpi["note"] == (
            "England 6% (ours 2 points worse); rank 120 of 152 local authorities (quartile 4); "
            "statistical neighbours 6%"
        )
        assert kpi["rag"] == kpi["overdue"] == kpi["target_pence"] == ""

    def test_action_row_has_owner_status_and_flags_as_words(self, pack: Pack) -> None:
        action = _csv_rows(pack)[3]
        assert action == {
            **dict.fromkeys(CSV_COLUMNS, ""),
            "section": "action",
            "focus_area": "children-in-need-of-help-and-protection",
            "item": "cin-thematic-review-toxic-trio",
            "title": TOXIC_TRIO,
            "owner_or_lead": "CSMT",
            "period": "Sep 2016",
            "status": "At risk",
            "rag": "Amber",
            "overdue": "yes",
            "stale": "no",
            "note": "Audit sample agreed <script>alert('x')</script>",
        }

    def test_project_and_totals_rows_carry_savings_in_pence(self, pack: Pack) -> None:
        project, totals = _csv_rows(pack)[4:]
        assert (project["item"], project["rag"], project["stale"]) == ("lean-review", "Red", "yes")
        assert (project["target_pence"], project["forecast_pence"], project["delivered_pence"]) == (
            "80000000",
            "65000000",
            "20000000",
        )
        assert totals["period"] == "FY2016-17"
        assert totals["target_pence"] == "80000000"

    def test_exception_and_progress_rows(self, pack: Pack) -> None:
        progress, _, exception = _csv_rows(pack)[:3]
        assert exception["item"] == "action:cin-thematic-review-toxic-trio"
        assert exception["status"] == "action_overdue_days"
        assert exception["note"] == "Due 30 September 2016 and not complete: 31 days overdue."
        assert progress["focus_area"] == "children-in-need-of-help-and-protection"
        assert progress["note"] == (
            "12 actions (On track 9, At risk 3); RAG: Amber 3, Green 9; 1 overdue; 2 stale; 0 projects (RAG: none)"
        )
