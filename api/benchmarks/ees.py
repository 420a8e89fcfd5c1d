"""DfE Explore Education Statistics (EES) files, read as the service reads figures: pure rules, no database.

EES "tidy data" files (seed/national/README.md) hold one row per period, geography and breakdown: `time_period`
and `time_identifier` give the period; each indicator column holds a figure, or a GSS symbol where no figure is
published. These functions turn each into what the service stores: a period code (api/periods.py), a Decimal, or a
StatusSymbol.
"""

import re
from decimal import Decimal
from enum import StrEnum

from api.kpis.models import StatusSymbol
from api.periods import InvalidPeriod, Period, PeriodType


class EesValueError(ValueError):
    """A cell of an EES file that the service cannot read; the message quotes it."""


# "Reporting year" is whatever year a collection reports on. For the children's social care collections (children
# in need, children looked after, care leavers) it is the year ending 31 March: time_period 2016 is April 2015 to
# March 2016. The social work workforce collection also says "Reporting year", for a count at 30 September: its
# importer must not come through here.
_YEAR_TYPES = {
    "reporting year": PeriodType.financial_year,
    "financial year": PeriodType.financial_year,
    "academic year": PeriodType.academic_year,
    "calendar year": PeriodType.calendar_year,
}
_WRITTEN_AS_TWO_YEARS = {"financial year", "academic year"}  # 201516; the others as one year, 2016
_ONE_YEAR = re.compile(r"\d{4}")
_TWO_YEARS = re.compile(r"(\d{4})(\d{2})")


def period_code(time_period: str, time_identifier: str) -> str:
    """The service's period code for an EES period: "Reporting year" 2016 is FY2015-16 (the year ending 31 March
    2016), "Financial year" 201516 is FY2015-16, "Academic year" 201516 is AY2015-16, "Calendar year" 2016 is CY2016.
    """
    identifier = " ".join(time_identifier.split()).lower()
    year_type = _YEAR_TYPES.get(identifier)
    if year_type is None:
        known = ", ".join(name.capitalize() for name in _YEAR_TYPES)
        raise EesValueError(f"time_identifier '{time_identifier}' is not one the service reads ({known})")
    text = time_period.strip()
    if identifier in _WRITTEN_AS_TWO_YEARS:
        match = _TWO_YEARS.fullmatch(text)
        if match is None or int(match[2]) != (int(match[1]) + 1) % 100:
            raise EesValueError(f"{time_identifier} '{time_period}' is not two years in a row, e.g. 201516")
        start = int(match[1])
    elif _ONE_YEAR.fullmatch(text):
        start = int(text) - 1 if identifier == "reporting year" else int(text)
    else:
        raise EesValueError(f"{time_identifier} '{time_period}' is not a year, e.g. 2016")
    try:
        return Period(year_type, start).code
    except InvalidPeriod as error:
        raise EesValueError(f"{time_identifier} '{time_period}' is out of range") from error


# GSS symbols (the current ones, and the legacy ones older files still hold) onto the service's own. "low" is the GSS
# name for DfE's k; ":" and ".." are the legacy "not available"; "~" the legacy "rounds to zero".
SYMBOLS: dict[str, StatusSymbol] = {
    "c": StatusSymbol.confidential,
    "x": StatusSymbol.not_available,
    "z": StatusSymbol.not_applicable,
    "k": StatusSymbol.rounds_to_zero,
    "low": StatusSymbol.rounds_to_zero,
    "u": StatusSymbol.low_reliability,
    ":": StatusSymbol.not_available,
    "..": StatusSymbol.not_available,
    "~": StatusSymbol.rounds_to_zero,
}


class ValueFormat(StrEnum):
    """How an indicator column writes its figures."""

    number = "number"  # 61840, 24.5, -3
    percent = "percent"  # 24.5 or 24.5%: a percentage already, never a fraction
    years_months = "years:months"  # 1:6, a duration: one year and six months
    months_days = "months:days"  # 7:15, a duration: seven months and fifteen days


# Durations become days on the Gregorian calendar's average year, the convention for averages of elapsed time: a
# published duration is a mean over many children, each counted from a different day, so no one calendar applies.
# A month is a twelfth of that year, so 1:0 years:months and 12:0 months:days are the same 365.25 days.
DAYS_PER_YEAR = Decimal("365.25")
DAYS_PER_MONTH = DAYS_PER_YEAR / 12  # 30.4375
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_DURATION = re.compile(r"(\d+):(\d{1,2})")
_LIMITS = {ValueFormat.years_months: (11, "months"), ValueFormat.months_days: (30, "days")}


def parse_value(text: str, value_format: ValueFormat) -> Decimal | StatusSymbol:
    """An indicator cell: a figure (durations in days), or the status a GSS symbol stands for. Never a number for a
    symbol, and never a guess: anything else raises EesValueError quoting the cell."""
    cell = text.strip()
    if (symbol := SYMBOLS.get(cell.lower())) is not None:
        return symbol
    if value_format in _LIMITS:
        return _duration(cell, value_format)
    number = cell.removesuffix("%").rstrip() if value_format is ValueFormat.percent else cell
    if not _NUMBER.fullmatch(number):
        expected = "a percentage" if value_format is ValueFormat.percent else "a number"
        raise EesValueError(f"'{text}' is not {expected} or a GSS symbol ({', '.join(SYMBOLS)})")
    return Decimal(number)


def _duration(cell: str, value_format: ValueFormat) -> Decimal:
    limit, part = _LIMITS[value_format]
    match = _DURATION.fullmatch(cell)
    if match is None or int(match[2]) > limit:
        raise EesValueError(f"'{cell}' is not {value_format.value} (at most {limit} {part} after the colon)")
    whole, rest = Decimal(match[1]), Decimal(match[2])
    if value_format is ValueFormat.years_months:
        return whole * DAYS_PER_YEAR + rest * DAYS_PER_MONTH
    return whole * DAYS_PER_MONTH + rest


def rounded_consistent(value: Decimal, numerator: Decimal, denominator: Decimal, rounding: Decimal | int) -> bool:
    """Whether a published percentage can come from counts published rounded to the nearest ``rounding`` (DfE rounds
    national and regional counts to the nearest 10, and works the percentage out from the exact counts).

    Each exact count lies within rounding/2 of the published one (and is never negative), so the exact percentage
    lies between 100 (n - r/2) / (d + r/2) and 100 (n + r/2) / (d - r/2), unbounded above when d - r/2 is not above
    0. The value is itself rounded to its last decimal place, so it stands for anything within half a unit of that
    place. They are consistent when the two ranges meet. With rounding 0 this is the service's own check of a
    value against its numerator and denominator.
    """
    if denominator <= 0 or numerator < 0:
        raise ValueError(f"counts {numerator} of {denominator}: the denominator must be above 0 and the numerator 0+")
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"value {value} is not a number")
    half, precision = Decimal(rounding) / 2, Decimal("0.5").scaleb(exponent)
    lowest = 100 * max(numerator - half, Decimal(0)) / (denominator + half)
    if value + precision < lowest:
        return False
    return denominator - half <= 0 or value - precision <= 100 * (numerator + half) / (denominator - half)
