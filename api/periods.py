"""UK reporting periods and their URL-safe codes.

Codes: ``2016-07`` (month), ``FY2016-17-Q1`` (financial quarter, Apr-Jun is Q1), ``FY2016-17`` (financial year,
1 April to 31 March), ``AY2015-16`` (academic year, 1 September to 31 August) and ``CY2016`` (calendar year).
``2016/17`` is accepted on input and normalised to the financial or academic year the caller expects (the
slash is required: ``2011-12`` is December 2011).
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

ACCEPTED_FORMS = (
    "2016-07 (month), FY2016-17-Q1 (financial quarter, Q1 = Apr-Jun), FY2016-17 (financial year), "
    "AY2015-16 (academic year), CY2016 (calendar year), or 2016/17 for a financial or academic year"
)


class PeriodType(StrEnum):
    month = "month"
    financial_quarter = "financial_quarter"
    financial_year = "financial_year"
    academic_year = "academic_year"
    calendar_year = "calendar_year"


YEAR_START_MONTH = {
    PeriodType.financial_year: 4,
    PeriodType.academic_year: 9,
    PeriodType.calendar_year: 1,
}


class InvalidPeriod(ValueError):
    def __init__(self, text: str, reason: str = "") -> None:
        because = f" ({reason})" if reason else ""
        super().__init__(f"'{text}' is not a period code{because}; use one of: {ACCEPTED_FORMS}.")


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SPLIT_YEAR = re.compile(r"^(FY|AY)?(\d{4})[-/](\d{2}|\d{4})(?:-Q([1-4]))?$")
_CALENDAR = re.compile(r"^CY(\d{4})$")

_PER_YEAR = {PeriodType.month: 12, PeriodType.financial_quarter: 4}  # months and quarters; other types: one a year


@lru_cache(maxsize=4096)
def _code(type_: PeriodType, year: int, index: int) -> str:
    """A period's code, worked out once: batches and packs ask for the same few hundred codes thousands of times."""
    span = f"{year}-{(year + 1) % 100:02d}"
    match type_:
        case PeriodType.month:
            return f"{year}-{index:02d}"
        case PeriodType.financial_quarter:
            return f"FY{span}-Q{index}"
        case PeriodType.financial_year:
            return f"FY{span}"
        case PeriodType.academic_year:
            return f"AY{span}"
        case PeriodType.calendar_year:
            return f"CY{year}"


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period. ``year`` is the year it starts in; ``index`` is the month or quarter (else 0)."""

    type: PeriodType
    year: int
    index: int = 0

    def __post_init__(self) -> None:
        if not 1000 <= self.year <= 9998:
            raise InvalidPeriod(str(self.year), "year out of range")
        limit = _PER_YEAR.get(self.type, 0)
        if (limit and not 1 <= self.index <= limit) or (not limit and self.index != 0):
            raise InvalidPeriod(f"{self.type}:{self.year}:{self.index}", "index out of range")

    @property
    def code(self) -> str:
        return _code(self.type, self.year, self.index)

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """How a council report writes it: 'July 2016', '2016/17 Q1', '2016/17', 'AY 2015/16', '2016'."""
        span = f"{self.year}/{(self.year + 1) % 100:02d}"
        match self.type:
            case PeriodType.month:
                return f"{calendar.month_name[self.index]} {self.year}"
            case PeriodType.financial_quarter:
                return f"{span} Q{self.index}"
            case PeriodType.financial_year:
                return span
            case PeriodType.academic_year:
                return f"AY {span}"
            case PeriodType.calendar_year:
                return str(self.year)

    @property
    def start(self) -> date:
        match self.type:
            case PeriodType.month:
                return date(self.year, self.index, 1)
            case PeriodType.financial_quarter:
                return _add_months(date(self.year, 4, 1), 3 * (self.index - 1))
            case _:
                return date(self.year, YEAR_START_MONTH[self.type], 1)

    @property
    def end(self) -> date:
        months = {PeriodType.month: 1, PeriodType.financial_quarter: 3}.get(self.type, 12)
        last_month = _add_months(self.start, months - 1)
        return date(last_month.year, last_month.month, calendar.monthrange(last_month.year, last_month.month)[1])

    def contains(self, other: "Period | date") -> bool:
        if isinstance(other, Period):
            return self.start <= other.start and other.end <= self.end
        return self.start <= other <= self.end

    def previous(self) -> "Period":
        return _shifted(self, -1)

    def next(self) -> "Period":
        return _shifted(self, 1)

    def same_period_last_year(self) -> "Period":
        return _shifted(self, -_PER_YEAR.get(self.type, 1))

    @classmethod
    def containing(cls, day: date, period_type: PeriodType) -> "Period":
        """The period of the given type that a day falls in."""
        match period_type:
            case PeriodType.month:
                return cls(period_type, day.year, day.month)
            case PeriodType.financial_quarter:
                fy = cls.containing(day, PeriodType.financial_year)
                return cls(period_type, fy.year, (day.month - 4) % 12 // 3 + 1)
            case _:
                start_month = YEAR_START_MONTH[period_type]
                return cls(period_type, day.year if day.month >= start_month else day.year - 1)


@lru_cache(maxsize=8192)
def _shifted(period: Period, step: int) -> Period:
    """The period ``step`` periods of its type later (earlier when negative). Kept: a pack's ratings and runs ask
    for the same few hundred periods' neighbours thousands of times, and a Period checks itself when made."""
    size = _PER_YEAR.get(period.type)
    if size is None:
        return Period(period.type, period.year + step, 0)
    ordinal = period.year * size + (period.index - 1) + step
    return Period(period.type, ordinal // size, ordinal % size + 1)


def _add_months(day: date, months: int) -> date:
    ordinal = day.year * 12 + day.month - 1 + months
    return date(ordinal // 12, ordinal % 12 + 1, 1)


def year_type_for(period_type: PeriodType) -> PeriodType:
    """How a bare year ('2016/17') is read for figures of this period type: an academic year for an academic-year
    KPI, else a financial year, the council's."""
    return PeriodType.academic_year if period_type is PeriodType.academic_year else PeriodType.financial_year


def parse_period(text: str, *, year_type: PeriodType = PeriodType.financial_year) -> Period:
    """Parse a period code; a bare ``2016/17`` becomes a year of ``year_type`` (financial or academic)."""
    raw = text.strip().upper()
    if match := _MONTH.match(raw):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise InvalidPeriod(text, "month must be 01-12")
        return Period(PeriodType.month, year, month)
    if match := _CALENDAR.match(raw):
        return Period(PeriodType.calendar_year, int(match[1]))
    if match := _SPLIT_YEAR.match(raw):
        return _split_year(text, match, year_type)
    raise InvalidPeriod(text)


def _split_year(text: str, match: re.Match[str], year_type: PeriodType) -> Period:
    prefix, first, second, quarter = match[1], int(match[2]), match[3], match[4]
    if prefix is None and "/" not in text:
        raise InvalidPeriod(text, "write a bare year as 2016/17")
    if int(second) % (10 ** len(second)) != (first + 1) % (10 ** len(second)):
        raise InvalidPeriod(text, f"the second year must follow {first}")
    if quarter:
        if prefix != "FY":
            raise InvalidPeriod(text, "quarters are financial: FY2016-17-Q1")
        return Period(PeriodType.financial_quarter, first, int(quarter))
    if prefix == "FY":
        return Period(PeriodType.financial_year, first)
    if prefix == "AY" or (prefix is None and year_type is PeriodType.academic_year):
        return Period(PeriodType.academic_year, first)
    return Period(PeriodType.financial_year, first)


def normalise_period(text: str, *, year_type: PeriodType = PeriodType.financial_year) -> str:
    return parse_period(text, year_type=year_type).code


def end_of(day: date) -> datetime:
    """The first instant after a day ends (UTC): data 'as at' a day is everything written before it."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
