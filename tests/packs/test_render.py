"""The pack as people read it: a printable HTML document and a flat CSV, built from a pack held in memory."""

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape

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
from api.packs.render import CSV_COLUMNS, Meeting, pounds, render_csv, render_html, uk_date
from api.packs.schemas import (
    FocusAreaProgress,
    Pack,
    PackAction,
    PackBody,
    PackComment,
    PackException,
    PackFocusArea,
    PackHeadline,
    PackKpi,
    PackProject,
    PackSavings,
    RagCounts,
    SavingsYear,
    StatusCounts,
    TrendPoint,
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
        commentary_by="key:k7d1e4f2a9 (CSMT)",
        comments=[
            PackComment(
                text="Sample widened to 40 cases",
                author="key:k7d1e4f2a9 (CSMT)",
                written_at=datetime(2016, 9, 2, 14, 30, tzinfo=UTC),
            )
        ],
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


def trend_point(year: int, value: str | None, target: str | None = None, england: str | None = None) -> TrendPoint:
    """A financial year of a KPI's trend; the neighbours' average one point above England's."""
    mean = None if england is None else str(Decimal(england) + 1)
    return TrendPoint(
        period=f"FY{year}-{(year + 1) % 100:02d}",
        label=f"{year}/{(year + 1) % 100:02d}",
        value=None if value is None else Decimal(value),
        target=None if target is None else Decimal(target),
        england=None if england is None else Decimal(england),
        neighbours_mean=None if mean is None else Decimal(mean),
    )


NEET_TREND = [
    trend_point(2014, "10", england="5"),
    trend_point(2015, "9", england="6"),
    trend_point(2016, "8", "7", "6"),
]
NEET_COMMENT = PackComment(
    text="Tracking of 17-year-olds improved; not-known cases fell by half.",
    author="key:k3f9a2b1c0 (AD EHPP)",
    written_at=datetime(2017, 4, 20, 10, 0, tzinfo=UTC),
    period="FY2016-17",
)
SAVINGS_YEARS = [
    SavingsYear(
        financial_year="FY2016-17",
        label="2016/17",
        target_pence=80_000_000,
        forecast_pence=65_000_000,
        delivered_pence=20_000_000,
    ),
    SavingsYear(
        financial_year="FY2017-18", label="2017/18", target_pence=120_000_000, forecast_pence=0, delivered_pence=0
    ),
]


def example_pack() -> Pack:
    """CSMT's pack with a part of everything: a KPI with its trend and commentary, an exception, an action, a
    project and its savings."""
    lean_review = _lean_review()
    assert (savings := lean_review.savings) is not None
    neet = _neet().model_copy(update={"trend": NEET_TREND, "comments": [NEET_COMMENT]})
    headline = _empty_pack().headline.model_copy(
        update={
            "sentence": "0 of 1 KPI on or above target; 1 off target.",
            "kpis": 1,
            "exceptions": 1,
            "actions": 1,
            "actions_overdue": 1,
            "projects": 1,
            "projects_red": 1,
        }
    )
    return _empty_pack().model_copy(
        update={
            "headline": headline,
            "actions_by_focus_area": [
                PackFocusArea(
                    key="children-in-need-of-help-and-protection",
                    title="Children in need of help and protection",
                    actions=[_toxic_trio()],
                )
            ],
            "kpis": [neet],
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
            "savings_by_year": SAVINGS_YEARS,
        }
    )


@pytest.fixture
def pack() -> Pack:
    return example_pack()


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


def visible_text(html: str) -> str:
    """What a reader sees: the body's text without its markup, the style sheet or the charts' drawing."""
    body = html.partition("<body>")[2]
    body = re.sub(r"<svg\b.*?</svg>", " ", body, flags=re.DOTALL)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


class TestRenderHtml:
    def test_is_a_complete_english_document_with_one_title(self, pack: Pack) -> None:
        html = render_html(pack)
        assert html.startswith("<!DOCTYPE html>")
        assert '<html lang="en-GB">' in html
        assert "<title>Children&#39;s Services Management Team: performance and progress, 2016/17</title>" in html
        assert html.count("<h1>") == 1
        assert html.rstrip().endswith("</html>")

    def test_is_printable_without_orphaned_headings_or_anything_fetched(self, pack: Pack) -> None:
        html = render_html(pack)
        assert "@media print" in html
        assert "size: A4" in html
        assert "thead { display: table-header-group; }" in html
        assert "tr, caption, figure, dl.symbol-key { break-inside: avoid;" in html
        assert "h2, h3, h4, caption { break-after: avoid;" in html
        for fetched in ("<link", "<script", "<img", 'href="http', "url("):
            assert fetched not in html

    def test_the_front_page_says_what_the_pack_is_in_plain_words(self, pack: Pack) -> None:
        text = visible_text(render_html(pack))
        for said in (
            "Children's Services Management Team (CSMT)",
            "Reports Monthly performance report; Performance challenge",
            "Period 2016/17",
            "As at 31 October 2016",
            "Data as known at 1 November 2016, 09:15 UTC",
            "Version Not issued: made on request on 1 November 2016, 09:15 UTC",
        ):
            assert said in text
        assert "csmt-service-indicators" not in text, "routing rules are the machine's, not the reader's"

    def test_an_issued_pack_names_its_version_and_meeting(self, pack: Pack) -> None:
        text = visible_text(render_html(pack, Meeting(date(2016, 11, 21), 2)))
        assert "Version Version 2, issued for the meeting on 21 November 2016" in text

    def test_the_front_page_has_the_headline_its_figures_the_contents_and_the_exceptions(self, pack: Pack) -> None:
        html = render_html(pack)
        text = visible_text(html)
        assert '<p class="headline">0 of 1 KPI on or above target; 1 off target.</p>' in html
        assert "1 exception raised for a decision" in text
        assert "1 of 1 business improvement action overdue; 0 stale (no recent update)" in text
        assert "1 of 1 transformation project rated red" in text
        anchors = re.findall(r'<li><a href="#([a-z]+)">', html)
        assert anchors == ["progress", "kpis", "actions", "projects", "savings"]
        assert all(f'id="{anchor}"' in html for anchor in anchors)
        assert (
            f"Exceptions that need a decision Exceptions raised by the performance challenge Item Exception Why "
            f"{TOXIC_TRIO} (Action) Overdue Due 30 September 2016 and not complete: 31 days overdue."
        ) in text

    def test_a_pack_without_exceptions_says_none_were_raised(self, pack: Pack) -> None:
        text = visible_text(render_html(pack.model_copy(update={"exceptions": []})))
        assert "Exceptions that need a decision No exceptions were raised." in text

    def test_a_key_explains_every_symbol_and_each_means_one_thing(self, pack: Pack) -> None:
        text = visible_text(render_html(pack))
        assert "● Near target; Amber" in text
        assert "▲ The figure rose since the period before" in text
        assert "✔ On target (KPIs); Green (actions and projects)" in text

    def test_tables_are_captioned_with_column_headers(self, pack: Pack) -> None:
        html = render_html(pack)
        assert html.count("<table") == html.count("<caption>") == 9
        assert '<th scope="col">Latest figure</th>' in html

    def test_kpis_show_titles_and_period_labels_never_codes(self, pack: Pack) -> None:
        html = render_html(pack)
        text = visible_text(html)
        assert '<span class="rating rating-red">✖ Off target</span>' in html
        assert NEET_REASON in text
        assert "9% (2015/16) 7% (2016/17) 8% (2016/17)" in text, "baseline, target and figure with their periods"
        assert "▼ Improving since 2015/16 Fell from 9% to 8% since 2015/16 (lower is better)." in text
        assert "England 6% (ours 2 points worse); rank 120 of 152 local authorities (quartile 4)" in text
        assert "neet-not-known-16-19" not in text
        assert "FY20" not in text

    def test_a_kpis_trend_is_a_chart_named_by_its_caption_with_its_figures_in_a_table(self, pack: Pack) -> None:
        html = render_html(pack)
        svg = re.search(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
        assert svg is not None
        assert 'role="img" aria-labelledby="trend-1-caption"' in svg.group()
        caption = re.search(r'<figcaption id="trend-1-caption">(.*?)</figcaption>', html)
        assert caption is not None
        assert unescape(caption.group(1)).startswith(f"{_neet().title}: 10% in 2014/15, 9% in 2015/16, 8% in 2016/17;")
        text = visible_text(html)
        assert "Period Our figure Target England Statistical neighbours' average 2014/15 10% – 5% 6%" in text

    def test_a_kpi_with_one_figure_of_ours_says_why_it_has_no_chart(self, pack: Pack) -> None:
        neet = pack.kpis[0].model_copy(update={"trend": NEET_TREND[-1:]})
        html = render_html(pack.model_copy(update={"kpis": [neet]}))
        assert "<svg" in html, "the savings chart"
        assert "trend-1-caption" not in html
        assert "No trend chart: only one figure of ours (8% in 2016/17)." in visible_text(html)

    def test_a_kpi_without_trend_or_commentary_has_no_detail(self, pack: Pack) -> None:
        neet = pack.kpis[0].model_copy(update={"trend": [], "comments": []})
        html = render_html(pack.model_copy(update={"kpis": [neet], "savings_by_year": []}))
        assert "<svg" not in html
        assert "<article" not in html

    def test_commentary_says_who_wrote_it_and_when(self, pack: Pack) -> None:
        text = visible_text(render_html(pack))
        assert (
            "Commentary 2016/17: Tracking of 17-year-olds improved; not-known cases fell by half. "
            "– AD EHPP, 20 April 2017, 10:00 UTC"
        ) in text
        assert "31 August 2016 Audit sample agreed <script>alert('x')</script> – CSMT" in text
        assert "Sample widened to 40 cases – CSMT, 2 September 2016, 14:30 UTC" in text

    def test_rag_and_flags_are_words_and_symbols_not_colour_alone(self, pack: Pack) -> None:
        html = render_html(pack)
        assert '<span class="rag rag-amber">● Amber</span>' in html
        assert '<span class="rag rag-red">✖ Red</span>' in html
        assert ">Overdue<" in html
        assert ">Stale<" in html
        assert "At risk" in html
        assert "Off track" in html

    def test_empty_fields_say_why_and_never_none(self, pack: Pack) -> None:
        project = pack.projects[0].model_copy(
            update={
                "pid_status": "none",
                "rag": None,
                "last_update_on": None,
                "commentary": None,
                "percent_complete": None,
            }
        )
        text = visible_text(render_html(pack.model_copy(update={"projects": [project]})))
        assert (
            "LEAN review No lead named No PID yet March 2017 Off track – Not rated Not reported Stale No update yet"
            in text
        )
        assert "None" not in text

    def test_money_is_pounds_with_thousands_separators_and_savings_by_year_are_charted(self, pack: Pack) -> None:
        html = render_html(pack)
        for shown in ("£800,000", "£650,000", "£200,000", "£150,000", "£600,000", "£1,200,000"):
            assert shown in html
        assert 'aria-labelledby="savings-caption"' in html
        assert "Savings totals for 2016/17" in html

    def test_dates_are_uk_long_form(self, pack: Pack) -> None:
        assert "31 August 2016" in render_html(pack)

    def test_user_text_is_escaped(self, pack: Pack) -> None:
        html = render_html(pack)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html

    def test_sections_run_in_order(self, pack: Pack) -> None:
        html = render_html(pack)
        headings = [
            "Summary",
            "Progress by focus area",
            "Key performance indicators",
            "Business improvement actions by focus area",
            "Transformation projects",
            "Savings",
        ]
        positions = [html.index(f">{heading}</h2>") for heading in headings]
        assert positions == sorted(positions)

    def test_empty_sections_are_omitted(self, pack: Pack) -> None:
        html = render_html(pack.model_copy(update={"kpis": [], "savings_totals": None, "savings_by_year": []}))
        assert "Key performance indicators" not in html
        assert "<h2>Savings</h2>" not in html
        assert "<h2>Transformation projects</h2>" in html

    def test_a_pack_with_nothing_routed_says_so(self) -> None:
        html = render_html(_empty_pack())
        assert "<table" not in html
        assert "Nothing is routed to this body for this pack." in html
        assert "No exceptions were raised." in html


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
