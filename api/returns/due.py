"""When a KPI return is due, and where it stands: pure rules, tested without a database (tests/returns/test_due.py).

A return for a period is due a number of days after the period ends: calendar days, or working days, which skip
Saturdays, Sundays and England's bank holidays (substitute days included), as the maintained `holidays` package
lists them. A return counts as received on the day its first figure was submitted, in Europe/London.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from api.kpis.combining import IN_YEAR
from api.periods import PeriodType

LONDON = ZoneInfo("Europe/London")


class DueBasis(StrEnum):
    working_days = "working_days"  # Monday to Friday, not an English bank holiday
    calendar_days = "calendar_days"


# The frequencies a KPI's figures may be returned at: its own period, or the in-year periods it takes figures for
# (a return can only be received in periods figures can be submitted for).
FREQUENCIES = {own: {own, *IN_YEAR.get(own, ())} for own in PeriodType}


class ReturnStatus(StrEnum):
    due = "due"  # not received yet, and the due date has not passed
    received = "received"  # first submitted on or before the due date
    late = "late"  # first submitted after the due date
    missing = "missing"  # the due date has passed and nothing was submitted


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def due_date(period_end: date, basis: DueBasis, days: int) -> date:
    """The day a return is due: ``days`` working (or calendar) days after the period's last day. Zero days: the
    period's last day itself, whatever day of the week it is."""
    if basis is DueBasis.calendar_days:
        return period_end + timedelta(days=days)
    day, counted = period_end, 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day


def london_day(moment: datetime) -> date:
    """The day a moment falls on in England (a submission at 23:30 UTC on 31 May BST is on 1 June)."""
    return moment.astimezone(LONDON).date()


def status_of(due: date, received_on: date | None, as_at: date) -> ReturnStatus:
    """Where a return stands at the end of ``as_at``, given the day it was first received (None: not by then)."""
    if received_on is not None and received_on <= as_at:
        return ReturnStatus.received if received_on <= due else ReturnStatus.late
    return ReturnStatus.missing if as_at > due else ReturnStatus.due


def days_late(status: ReturnStatus, due: date, received_on: date | None, as_at: date) -> int | None:
    """Days past the due date: to the day received for a late return, to ``as_at`` for a missing one."""
    if status is ReturnStatus.late and received_on is not None:
        return (received_on - due).days
    if status is ReturnStatus.missing:
        return (as_at - due).days
    return None
