"""The periods a template asks for: each KPI's own kind of period (month, quarter, financial, academic or calendar
year) within the period named. A year (FY2016-17, AY2016-17, CY2016 or 2016/17) gives a yearly KPI its year that
starts in it and a monthly or quarterly KPI the months or quarters inside it; a quarter or a month gives only the
KPIs reported by quarter or month inside it."""

import re
from dataclasses import dataclass

from strategy_client.cli.exits import UsageProblem

ACCEPTED = "2016-07 (month), FY2016-17-Q1 (quarter), FY2016-17, AY2016-17, CY2016 or 2016/17 (years)"
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"FY(\d{4})-(\d{2})-Q([1-4])")
_SPLIT_YEAR = re.compile(r"(FY|AY)?(\d{4})[-/](\d{2})")
_CALENDAR = re.compile(r"CY(\d{4})")
YEAR_START = {"financial_year": 4, "academic_year": 9, "calendar_year": 1}
YEAR_CODE = {"financial_year": "FY{y}-{n:02d}", "academic_year": "AY{y}-{n:02d}", "calendar_year": "CY{y}"}


@dataclass(frozen=True)
class Span:
    """Months first..last as year * 12 + month - 1; ``year`` is the start year when the period is a year."""

    first: int
    last: int
    year: int | None


def parse_span(text: str) -> Span:
    raw = text.strip().upper()
    if match := _MONTH.fullmatch(raw):
        month = int(match[1]) * 12 + int(match[2]) - 1
        if not 1 <= int(match[2]) <= 12:
            raise UsageProblem(f"'{text}' is not a period: the month must be 01-12.")
        return Span(month, month, None)
    if (match := _QUARTER.fullmatch(raw)) and _follows(match[1], match[2]):
        first = int(match[1]) * 12 + 3 + 3 * (int(match[3]) - 1)
        return Span(first, first + 2, None)
    if (match := _SPLIT_YEAR.fullmatch(raw)) and _follows(match[2], match[3]) and (match[1] or "/" in raw):
        year = int(match[2])
        start = YEAR_START["academic_year" if match[1] == "AY" else "financial_year"]
        return Span(year * 12 + start - 1, year * 12 + start + 10, year)
    if match := _CALENDAR.fullmatch(raw):
        year = int(match[1])
        return Span(year * 12, year * 12 + 11, year)
    raise UsageProblem(f"'{text}' is not a period; use one of: {ACCEPTED}.")


def _follows(first: str, second: str) -> bool:
    return (int(first) + 1) % 100 == int(second)


def periods_for(period_type: str, span: Span) -> list[str]:
    """The codes of a KPI's periods inside the span, oldest first."""
    if period_type == "month":
        return [f"{m // 12}-{m % 12 + 1:02d}" for m in range(span.first, span.last + 1)]
    if period_type == "financial_quarter":
        starts = [m for m in range(span.first, span.last - 1) if m % 12 in (3, 6, 9, 0)]
        return [_quarter(m) for m in starts]
    if period_type in YEAR_CODE and span.year is not None:
        return [YEAR_CODE[period_type].format(y=span.year, n=(span.year + 1) % 100)]
    return []


def _quarter(month: int) -> str:
    year, index = month // 12, month % 12
    fy = year if index >= 3 else year - 1
    return f"FY{fy}-{(fy + 1) % 100:02d}-Q{(index - 3) % 12 // 3 + 1}"
