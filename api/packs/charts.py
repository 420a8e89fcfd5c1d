"""The pack's pictures, drawn on the server: a KPI's trend and the programme's savings by year, each one reportlab
`Drawing` that goes into the PDF as it is and into the HTML as inline SVG, with a sentence that says what it shows.

Every series can be told apart without colour: the trend's by marker and dash, the savings' by fill (hollow, light,
dark), each named in a legend; the numbers are in a table beside each chart too. A KPI with fewer than two figures
of ours gets no line (a line needs two points): the pack says why in one line instead.
"""

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from api.kpis.models import Unit
from api.kpis.rating import format_figure
from api.packs.render import trend_points
from api.packs.schemas import PackKpi, SavingsYear, TrendPoint

SVG = "http://www.w3.org/2000/svg"
INK = HexColor("#0b0c0c")
GRIDLINE = HexColor("#d8d8d8")
WHITE = HexColor("#ffffff")
SIZE = 8  # labels' font size, in points
WIDTH = 480  # a chart's width, in points: the PDF's text width less a margin; the HTML scales it down to fit
HEIGHT = 220

Value = Callable[[TrendPoint], Decimal | None]
Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class Chart:
    drawing: Drawing
    title: str = ""  # e.g. "NEET 16-19: trend"
    text: str = ""  # the text alternative: the figures drawn, as a sentence


@dataclass(frozen=True)
class Series:
    name: str  # in the legend
    words: str  # in the text alternative, before the figures
    value: Value
    colour: str
    dash: tuple[float, ...] | None
    marker: str


TREND_SERIES = (
    Series("Our figure", "", lambda point: point.value, "#1d70b8", None, "circle"),
    Series("Target", "target", lambda point: point.target, "#0b0c0c", (6, 3), "square"),
    Series("England", "England", lambda point: point.england, "#912b88", (1.5, 2.5), "cross"),
    Series(
        "Statistical neighbours' average",
        "statistical neighbours' average",
        lambda point: point.neighbours_mean,
        "#505a5f",
        (7, 2.5, 1.5, 2.5),
        "plus",
    ),
)


@dataclass(frozen=True)
class Bar:
    name: str
    pence: Callable[[SavingsYear], int]
    fill: str


SAVINGS_BARS = (
    Bar("Target", lambda year: year.target_pence, "#ffffff"),
    Bar("Forecast", lambda year: year.forecast_pence, "#9dc3e6"),
    Bar("Delivered", lambda year: year.delivered_pence, "#1d4f7a"),
)


def _r(value: float) -> float:
    """Coordinates to a tenth of a point, so the SVG stays small."""
    return round(value, 1)


def figure(value: Decimal, kpi: PackKpi) -> str:
    return format_figure(value, kpi.unit, kpi.decimal_places)


def ours(kpi: PackKpi) -> list[TrendPoint]:
    return [point for point in kpi.trend if point.value is not None]


def trend_words(kpi: PackKpi) -> str:
    """The trend as a sentence, e.g. "NEET 16-19: 9% in 2015/16, 8% in 2016/17; target 7% in 2016/17; England 6% in
    2016/17; statistical neighbours' average 7% in 2016/17." ("" with no figures at all)."""
    parts = []
    for series in TREND_SERIES:
        figures = [(series.value(p), p.label) for p in trend_points(kpi)]
        said = ", ".join(f"{figure(value, kpi)} in {label}" for value, label in figures if value is not None)
        if said:
            parts.append(f"{series.words} {said}".strip())
    if not ours(kpi) and parts:
        parts.insert(0, "no figures of ours")
    return f"{kpi.title}: {'; '.join(parts)}." if parts else ""


def no_trend(kpi: PackKpi) -> str | None:
    """Why the KPI has no trend chart, in one line; None when it has one (or has no trend to speak of)."""
    if not trend_points(kpi):
        return None
    mine = ours(kpi)
    if len(mine) >= 2:
        return None
    if mine:
        return (
            f"No trend chart: only one figure of ours ({figure(mine[0].value or Decimal(0), kpi)} in {mine[0].label})."
        )
    return "No trend chart: no figures of ours for these periods."


def _nice_step(span: float, steps: int = 4) -> float:
    rough = span / steps
    magnitude = float(10 ** math.floor(math.log10(rough)))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)


def _ticks(low: float, high: float) -> list[float]:
    """Four or five round steps covering low..high; from zero when zero is close (and nothing is below it)."""
    if low >= 0 and low <= high - low:
        low = 0
    if high == low:
        high, low = high + (abs(high) or 1), (low - (abs(low) or 1) if low else 0)
    step = _nice_step(high - low)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(k * step, 10) for k in range(first, last + 1)]


def _decimals(step: float) -> int:
    """The places a step's multiples need: 2.5 needs one, 0.25 two, 5 none."""
    exponent = Decimal(str(step)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _width(text: str, font: str) -> float:
    return stringWidth(text, font, SIZE)


def _text(x: float, y: float, text: str, font: str, anchor: Anchor = "start") -> String:
    return String(_r(x), _r(y), text, fontName=font, fontSize=SIZE, fillColor=INK, textAnchor=anchor)


def _box(x: float, y: float, width: float, height: float, fill: Color, stroke: Color, line: float) -> Rect:
    box = Rect(_r(x), _r(y), _r(width), _r(height))
    box.fillColor, box.strokeColor, box.strokeWidth = fill, stroke, line
    return box


def _marker(kind: str, x: float, y: float, colour: Color) -> Group:
    size = 3.5
    group = Group()
    if kind == "circle":
        group.add(Circle(_r(x), _r(y), size, fillColor=colour, strokeColor=colour, strokeWidth=1))
    elif kind == "square":
        s = size * 0.9
        group.add(_box(x - s, y - s, 2 * s, 2 * s, WHITE, colour, 1.2))
    else:
        arms = (((-1, -1), (1, 1)), ((-1, 1), (1, -1))) if kind == "cross" else (((-1, 0), (1, 0)), ((0, -1), (0, 1)))
        s = size * (1 if kind == "cross" else 1.3)
        for (ax, ay), (bx, by) in arms:
            group.add(
                Line(
                    _r(x + ax * s), _r(y + ay * s), _r(x + bx * s), _r(y + by * s), strokeColor=colour, strokeWidth=1.5
                )
            )
    return group


def _line(
    points: Sequence[tuple[float, float]], colour: Color, dash: tuple[float, ...] | None, width: float
) -> PolyLine:
    line = PolyLine([_r(c) for point in points for c in point], strokeColor=colour, strokeWidth=width)
    if dash:
        line.strokeDashArray = list(dash)
    return line


@dataclass(frozen=True)
class Key:
    """A legend entry: its label, and how to draw its sample at (x, y), the middle of its left end."""

    label: str
    sample: Callable[[float, float], Group]
    sample_width: float


def _legend(keys: Sequence[Key], width: float, top: float, font: str) -> tuple[Group, float]:
    """The entries left to right, wrapping within the width; the group and the height it takes."""
    group, x, y, gap, line = Group(), 0.0, top - SIZE, 12, SIZE + 6
    for key in keys:
        needed = key.sample_width + 4 + _width(key.label, font)
        if x and x + needed > width:
            x, y = 0.0, y - line
        group.add(key.sample(x, y + SIZE * 0.3))
        group.add(_text(x + key.sample_width + 4, y, key.label, font))
        x += needed + gap
    return group, top - y + 6


def _trend_key(series: Series) -> Key:
    colour = HexColor(series.colour)

    def sample(x: float, y: float) -> Group:
        group = Group(_line([(x, y), (x + 24, y)], colour, series.dash, 2 if series.marker == "circle" else 1.2))
        group.add(_marker(series.marker, x + 12, y, colour))
        return group

    return Key(series.name, sample, 24)


def _y_axis(
    drawing: Drawing,
    ticks: Sequence[float],
    left: float,
    right: float,
    y_of: Callable[[float], float],
    label: Callable[[float], str],
    font: str,
) -> None:
    for tick in ticks:
        y = y_of(tick)
        drawing.add(Line(_r(left), _r(y), _r(right), _r(y), strokeColor=GRIDLINE, strokeWidth=0.5))
        drawing.add(_text(left - 4, y - SIZE * 0.35, label(tick), font, "end"))
    drawing.add(Line(_r(left), _r(y_of(ticks[0])), _r(right), _r(y_of(ticks[0])), strokeColor=INK, strokeWidth=0.8))


def trend_chart(kpi: PackKpi, font: str = "Helvetica", width: float = WIDTH, height: float = HEIGHT) -> Chart | None:
    """Our figure, the target, England and the statistical neighbours' average over the KPI's trend; None when it
    has fewer than two figures of ours."""
    if len(ours(kpi)) < 2:
        return None
    trend = trend_points(kpi)
    shown = [s for s in TREND_SERIES if any(s.value(p) is not None for p in trend)]
    values = [float(v) for s in shown for p in trend if (v := s.value(p)) is not None]
    drawing = Drawing(width, height)
    legend, legend_height = _legend([_trend_key(s) for s in shown], width, height, font)
    drawing.add(legend)
    ticks = _ticks(min(values), max(values))
    places = max(kpi.decimal_places if kpi.unit is not Unit.currency else 0, _decimals(ticks[1] - ticks[0]))

    def label(tick: float) -> str:
        unit = Unit.count if kpi.unit is Unit.days else kpi.unit
        return format_figure(Decimal(str(tick)), unit, places)

    left = max(_width(label(t), font) for t in ticks) + 8
    if kpi.unit is Unit.days:
        drawing.add(_text(0, height - legend_height - SIZE, "Days", font))
        legend_height += SIZE + 4
    bottom, top, right = 2 * SIZE + 6, height - legend_height - SIZE / 2, width - 6

    def y_of(value: float) -> float:
        return bottom + (value - ticks[0]) / (ticks[-1] - ticks[0]) * (top - bottom)

    _y_axis(drawing, ticks, left, right, y_of, label, font)
    step = (right - left) / len(trend)
    for i, point in enumerate(trend):
        drawing.add(_text(left + (i + 0.5) * step, bottom - SIZE - 4, point.label, font, "middle"))
    for series in reversed(shown):  # ours drawn last, on top
        points = [(left + (i + 0.5) * step, series.value(point)) for i, point in enumerate(trend)]
        _draw_series(drawing, series, [(x, None if v is None else y_of(float(v))) for x, v in points])
    return Chart(drawing, f"{kpi.title}: trend", trend_words(kpi))


def _draw_series(drawing: Drawing, series: Series, points: Sequence[tuple[float, float | None]]) -> None:
    """A series' line through its points, broken where a figure is missing, and a marker on each point."""
    colour = HexColor(series.colour)
    run: list[tuple[float, float]] = []
    for x, y in [*points, (0.0, None)]:
        if y is not None:
            run.append((x, y))
            continue
        if len(run) > 1:
            drawing.add(_line(run, colour, series.dash, 2 if series.marker == "circle" else 1.2))
        for point in run:
            drawing.add(_marker(series.marker, *point, colour))
        run = []


def money(pence: int) -> str:
    return format_figure(Decimal(pence), Unit.currency, 0)


def short_money(pence: float) -> str:
    """An axis's or a bar's pounds in few characters: £0, £250k, £1.2m."""
    pounds = pence / 100
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if abs(pounds) >= size:
            return f"£{pounds / size:,.2f}".rstrip("0").rstrip(".") + suffix
    return f"£{pounds:,.0f}"


def savings_words(years: Sequence[SavingsYear]) -> str:
    """E.g. "Savings by financial year: 2016/17 target £800,000, forecast £650,000, delivered £200,000." """
    said = "; ".join(
        f"{year.label} " + ", ".join(f"{bar.name.lower()} {money(bar.pence(year))}" for bar in SAVINGS_BARS)
        for year in years
    )
    return f"Savings by financial year: {said}." if said else ""


def _bar_key(bar: Bar) -> Key:
    def sample(x: float, y: float) -> Group:
        return Group(_box(x, y - 4, 12, 8, HexColor(bar.fill), INK, 0.8))

    return Key(bar.name, sample, 12)


def savings_chart(
    years: Sequence[SavingsYear], font: str = "Helvetica", width: float = WIDTH, height: float = HEIGHT
) -> Chart | None:
    """Target, forecast and delivered savings as bars side by side for each financial year; None with no years."""
    if not years:
        return None
    drawing = Drawing(width, height)
    legend, legend_height = _legend([_bar_key(bar) for bar in SAVINGS_BARS], width, height, font)
    drawing.add(legend)
    amounts = [bar.pence(year) for year in years for bar in SAVINGS_BARS]
    ticks = _ticks(min(0, *amounts), max(1, *amounts))
    left = max(_width(short_money(t), font) for t in ticks) + 8
    bottom, top, right = 2 * SIZE + 6, height - legend_height - SIZE - 4, width - 6

    def y_of(value: float) -> float:
        return bottom + (value - ticks[0]) / (ticks[-1] - ticks[0]) * (top - bottom)

    _y_axis(drawing, ticks, left, right, y_of, short_money, font)
    group = (right - left) / len(years)
    bar_width = min(group * 0.8 / len(SAVINGS_BARS), 48)
    zero = y_of(0)
    for i, year in enumerate(years):
        middle = left + (i + 0.5) * group
        drawing.add(_text(middle, bottom - SIZE - 4, year.label, font, "middle"))
        for j, bar in enumerate(SAVINGS_BARS):
            x = middle + (j - len(SAVINGS_BARS) / 2) * bar_width
            pence = bar.pence(year)
            y = y_of(pence)
            drawing.add(_box(x, min(y, zero), bar_width, abs(y - zero), HexColor(bar.fill), INK, 0.8))
            drawing.add(_text(x + bar_width / 2, max(y, zero) + 3, short_money(pence), font, "middle"))
    return Chart(drawing, "Transformation programme savings by financial year", savings_words(years))


_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
# What renderSVG writes that says nothing (the defaults, the clip it adds) or says it in a way a page should not.
_SAID_FOR_NOTHING = re.compile(r"(clip-path: *url\(#\w+\)|stroke-linecap: *butt|fill-rule: *evenodd);? *")
_FONT = re.compile(r"font-family: *Helvetica")
_NO_FILL = re.compile(r"fill: *None")
_LONG_DECIMAL = re.compile(r"-?\d+\.\d{2,}")


def _shorten(number: re.Match[str]) -> str:
    """A coordinate the renderer worked out (6.299999999999997) to a tenth of a point (6.3)."""
    return f"{float(number.group()):.1f}".removesuffix(".0")


def _style(style: str) -> str:
    style = _SAID_FOR_NOTHING.sub("", style)
    style = _FONT.sub("font-family: Arial, Helvetica, sans-serif", style)
    return _NO_FILL.sub("fill: none", style).strip()


def _unwrap(parent: ET.Element) -> None:
    """Lift the children of groups that do nothing (no transform, no style) into their parent."""
    for child in list(parent):
        _unwrap(child)
    children: list[ET.Element] = []
    for child in parent:
        idle = child.tag == f"{{{SVG}}}g" and not child.get("transform") and not child.get("style")
        children.extend(list(child) if idle else [child])
    parent[:] = children


def svg(chart: Chart, labelled_by: str) -> str:
    """The chart as inline SVG for an HTML page: no prologue, no ids of its own, role="img" named by the element
    ``labelled_by`` (the figure's caption) and carrying its title and text alternative; nothing fetched."""
    root = ET.fromstring(_PROLOGUE.sub("", renderSVG.drawToString(chart.drawing)))
    for clip in root.findall(f"{{{SVG}}}clipPath"):
        root.remove(clip)
    _unwrap(root)
    for element in root.iter():
        element.attrib.pop("id", None)
        if style := _style(element.attrib.pop("style", "")):
            element.set("style", style)
        for name, value in element.attrib.items():
            element.set(name, _LONG_DECIMAL.sub(_shorten, value))
        if element.text is not None and not element.text.strip():
            element.text = None  # the indentation between elements
        element.tail = None
    for tag, words in (("title", chart.title or chart.text), ("desc", chart.text)):
        found = root.find(f"{{{SVG}}}{tag}")
        if found is not None:
            found.text = words
    width = root.get("width")
    root.attrib.pop("height", None)
    root.set("width", width or str(WIDTH))
    root.set("role", "img")
    root.set("aria-labelledby", labelled_by)
    root.set("class", "chart")
    ET.register_namespace("", SVG)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)
