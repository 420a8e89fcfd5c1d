"""The pack's pictures: a KPI's trend and the programme's savings, as SVG for the HTML and a drawing for the PDF."""

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import cast

import pytest
from reportlab.graphics import renderPDF

from api.packs import charts
from api.packs.schemas import PackKpi, SavingsYear, TrendPoint
from tests.packs.test_render import _neet

NS = {"svg": "http://www.w3.org/2000/svg"}


def _point(year: int, value: str | None, target: str | None = None, england: str | None = None) -> TrendPoint:
    mean = None if england is None else str(Decimal(england) + 1)
    return TrendPoint(
        period=f"FY{year}-{(year + 1) % 100:02d}",
        label=f"{year}/{(year + 1) % 100:02d}",
        value=None if value is None else Decimal(value),
        target=None if target is None else Decimal(target),
        england=None if england is None else Decimal(england),
        neighbours_mean=None if mean is None else Decimal(mean),
    )


def trending(*points: TrendPoint) -> PackKpi:
    return _neet().model_copy(update={"trend": list(points)})


NEET_TREND = (_point(2014, "10", england="5"), _point(2015, "9", england="6"), _point(2016, "8", "7", "6"))
YEARS = [
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


def _svg(chart: charts.Chart | None) -> tuple[str, ET.Element]:
    assert chart is not None
    text = charts.svg(chart, "caption-1")
    return text, ET.fromstring(text)  # well-formed, or this raises


def _labels(root: ET.Element) -> list[str]:
    return [text.text or "" for text in root.iter(f"{{{NS['svg']}}}text")]


class TestTrendChart:
    def test_is_inline_svg_named_by_its_caption_with_a_text_alternative_giving_the_figures(self) -> None:
        text, root = _svg(charts.trend_chart(trending(*NEET_TREND)))
        assert text.startswith("<svg ")
        assert "<?xml" not in text
        assert "DOCTYPE" not in text
        assert (root.get("role"), root.get("aria-labelledby")) == ("img", "caption-1")
        desc = root.find("svg:desc", NS)
        assert desc is not None
        assert desc.text == (
            "Percentage of young people aged 16-19 who are NEET or Not Known: 10% in 2014/15, 9% in 2015/16, "
            "8% in 2016/17; target 7% in 2016/17; England 5% in 2014/15, 6% in 2015/16, 6% in 2016/17; "
            "statistical neighbours' average 6% in 2014/15, 7% in 2015/16, 7% in 2016/17."
        )
        title = root.find("svg:title", NS)
        assert title is not None
        assert title.text == "Percentage of young people aged 16-19 who are NEET or Not Known: trend"

    def test_fetches_nothing_runs_nothing_and_names_no_element(self) -> None:
        text, root = _svg(charts.trend_chart(trending(*NEET_TREND)))
        for banned in ("<script", "href", "url(", "None", "clipPath"):
            assert banned not in text
        assert all(element.get("id") is None for element in root.iter())

    def test_each_series_is_in_the_legend_with_a_marker_of_its_own(self) -> None:
        _, root = _svg(charts.trend_chart(trending(*NEET_TREND)))
        labels = _labels(root)
        for name in ("Our figure", "Target", "England", "Statistical neighbours' average"):
            assert labels.count(name) == 1
        assert [label for label in labels if "/" in label] == ["2014/15", "2015/16", "2016/17"]
        circles = root.findall(".//svg:circle", NS)
        assert len(circles) == 3 + 1, "our three figures, and the legend's sample"
        squares = root.findall(".//svg:rect", NS)
        assert len(squares) == 1 + 1, "the one target, and the legend's sample"

    def test_dashed_lines_tell_the_comparators_from_ours_without_colour(self) -> None:
        _, root = _svg(charts.trend_chart(trending(*NEET_TREND)))
        dashes = {
            line.get("style", "").partition("stroke-dasharray:")[2].split(";")[0].strip()
            for line in root.findall(".//svg:polyline", NS)
        }
        assert dashes == {"", "6, 3", "1.5, 2.5", "7, 2.5, 1.5, 2.5"}

    def test_a_series_with_no_figures_is_left_out_of_the_legend(self) -> None:
        _, root = _svg(charts.trend_chart(trending(_point(2015, "9"), _point(2016, "8"))))
        assert [label for label in _labels(root) if not label[0].isdigit() and "%" not in label] == ["Our figure"]

    def test_the_axis_is_in_the_kpis_unit(self) -> None:
        _, root = _svg(charts.trend_chart(trending(*NEET_TREND)))
        assert {"0%", "5%", "10%"} <= set(_labels(root))

    def test_a_gap_breaks_our_line(self) -> None:
        kpi = trending(
            _point(2013, "11"),
            _point(2014, "10"),
            _point(2015, None, england="6"),
            _point(2016, "8"),
            _point(2017, "7"),
        )
        _, root = _svg(charts.trend_chart(kpi))
        ours = [line for line in root.findall(".//svg:polyline", NS) if "stroke-width: 2;" in line.get("style", "")]
        assert len(ours) == 1 + 2, "the legend's sample, and a line each side of the gap"

    def test_a_period_with_no_figure_at_all_is_left_out(self) -> None:
        kpi = trending(_point(2012, None), _point(2015, "9"), _point(2016, "8"))
        _, root = _svg(charts.trend_chart(kpi))
        assert [label for label in _labels(root) if "/" in label] == ["2015/16", "2016/17"]
        assert "2012/13" not in charts.trend_words(kpi)

    def test_a_kpi_with_one_figure_of_ours_gets_no_chart_and_a_line_saying_why(self) -> None:
        kpi = trending(_point(2015, None, england="6"), _point(2016, "8", "7", "6"))
        assert charts.trend_chart(kpi) is None
        assert charts.no_trend(kpi) == "No trend chart: only one figure of ours (8% in 2016/17)."
        assert charts.trend_words(kpi).startswith("Percentage of young people aged 16-19 who are NEET or Not Known: ")

    def test_a_kpi_with_none_of_ours_says_so(self) -> None:
        kpi = trending(_point(2016, None, england="6"))
        assert charts.no_trend(kpi) == "No trend chart: no figures of ours for these periods."
        assert charts.trend_words(kpi).endswith(
            ": no figures of ours; England 6% in 2016/17; statistical neighbours' average 7% in 2016/17."
        )

    def test_a_trend_of_targets_alone_is_no_trend(self) -> None:
        kpi = trending(_point(2016, None, "7"))
        assert (charts.trend_chart(kpi), charts.no_trend(kpi), charts.trend_words(kpi)) == (None, None, "")

    def test_a_kpi_without_a_trend_has_nothing_to_show_or_explain(self) -> None:
        kpi = trending()
        assert (charts.trend_chart(kpi), charts.no_trend(kpi), charts.trend_words(kpi)) == (None, None, "")

    def test_the_same_drawing_goes_into_a_pdf(self) -> None:
        chart = charts.trend_chart(trending(*NEET_TREND), font="Helvetica")
        assert chart is not None
        document = cast(bytes, renderPDF.drawToString(chart.drawing))  # the stubs say str; it is bytes
        assert document.startswith(b"%PDF")


class TestSavingsChart:
    def test_target_forecast_and_delivered_are_bars_for_each_year_with_their_amounts(self) -> None:
        _, root = _svg(charts.savings_chart(YEARS))
        bars = root.findall(".//svg:rect", NS)
        assert len(bars) == 3 * 2 + 3, "three bars a year, and the legend's three samples"
        labels = _labels(root)
        assert {"Target", "Forecast", "Delivered", "2016/17", "2017/18"} <= set(labels)
        assert {"£800k", "£650k", "£200k", "£1.2m", "£0"} <= set(labels)
        desc = root.find("svg:desc", NS)
        assert desc is not None
        assert desc.text == (
            "Savings by financial year: 2016/17 target £800,000, forecast £650,000, delivered £200,000; "
            "2017/18 target £1,200,000, forecast £0, delivered £0."
        )

    def test_the_bars_differ_by_fill_light_to_dark(self) -> None:
        _, root = _svg(charts.savings_chart(YEARS[:1]))
        fills = [
            bar.get("style", "").partition("fill:")[2].split(";")[0].strip()
            for bar in root.iter()
            if bar.tag.endswith("rect")
        ]
        assert len(set(fills)) == 3

    def test_no_savings_no_chart(self) -> None:
        assert charts.savings_chart([]) is None


@pytest.mark.parametrize(
    ("pence", "shown"), [(0, "£0"), (25_000_000, "£250k"), (120_000_000, "£1.2m"), (99_900, "£999"), (150, "£2")]
)
def test_money_on_an_axis_is_short(pence: int, shown: str) -> None:
    assert charts.short_money(pence) == shown
