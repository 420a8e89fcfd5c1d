"""Vocabulary shared by everything that is delivered: statuses, RAG, and due dates as the document writes them."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import UTCDateTime, VersionedMixin
from api.periods import InvalidPeriod, PeriodType, parse_period


class DeliveryStatus(StrEnum):
    not_started = "not_started"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    complete = "complete"
    closed = "closed"


class Rag(StrEnum):
    red = "red"
    amber = "amber"
    green = "green"


class DueKind(StrEnum):
    dated = "dated"  # a date could be read: "Sep 2016" means by 30 September 2016
    ongoing = "ongoing"  # "Ongoing": never overdue, but can go stale
    annual = "annual"  # "Annual plan and implementation": recurs every year
    unspecified = "unspecified"  # the document gives no date
    unparsed = "unparsed"  # the document gives text we cannot read as a date


@dataclass(frozen=True)
class Due:
    text: str | None
    kind: DueKind
    due_date: date | None = None


_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_YEAR = re.compile(r"^(?:by\s+)?([a-z]+)\.?\s+(\d{4})$")
_YEAR = re.compile(r"^(?:by\s+)?(\d{4})$")
_ONGOING_IN = re.compile(r"^ongoing\s+(?:in|during|through|throughout)\s+(.+)$")


def parse_due(text: str | None) -> Due:
    """Read a When cell: 'Apr 2016' is due at the end of April 2016; '2016/17' at the end of that financial year.

    A bare year ('by 2018') is read as the end of the financial year ending in it (31 March), the council's
    budget horizon. 'Ongoing in 2016/17' runs to the end of that year, so it is due then; plain 'Ongoing' never is.
    """
    if text is None or not text.strip():
        return Due(None, DueKind.unspecified)
    cleaned = " ".join(text.split())
    lowered = cleaned.lower()
    if match := _ONGOING_IN.match(lowered):
        within = parse_due(match[1])
        if within.kind is DueKind.dated:
            return Due(cleaned, DueKind.dated, within.due_date)
    if lowered.startswith("ongoing"):
        return Due(cleaned, DueKind.ongoing)
    if "annual" in lowered:
        return Due(cleaned, DueKind.annual)
    if (match := _MONTH_YEAR.match(lowered)) and match[1] in _MONTHS:
        year, month = int(match[2]), _MONTHS[match[1]]
        return Due(cleaned, DueKind.dated, date(year, month, calendar.monthrange(year, month)[1]))
    if match := _YEAR.match(lowered):
        return Due(cleaned, DueKind.dated, date(int(match[1]), 3, 31))
    try:
        period = parse_period(lowered.removeprefix("by "), year_type=PeriodType.financial_year)
    except InvalidPeriod:
        return Due(cleaned, DueKind.unparsed)
    return Due(cleaned, DueKind.dated, period.end)


def _status_column() -> Mapped[DeliveryStatus]:
    return mapped_column(
        Enum(DeliveryStatus, native_enum=False, length=20, create_constraint=True, name="delivery_status"),
        default=DeliveryStatus.not_started,
        index=True,
    )


def _due_kind_column() -> Mapped[DueKind]:
    return mapped_column(
        Enum(DueKind, native_enum=False, length=20, create_constraint=True, name="due_kind"),
        default=DueKind.unspecified,
    )


class DeliveryStateMixin:
    """Status and RAG of an action or project (the latest progress update sets them)."""

    status: Mapped[DeliveryStatus] = _status_column()
    rag: Mapped[Rag | None] = mapped_column(
        Enum(Rag, native_enum=False, length=10, create_constraint=True, name="rag"), index=True
    )


class DueMixin:
    """A due date as written ('Sep 2016', 'Ongoing') with what we read from it."""

    due_text: Mapped[str | None] = mapped_column(String(100))
    due_kind: Mapped[DueKind] = _due_kind_column()
    due_date: Mapped[date | None] = mapped_column(index=True)


class TrackedMixin(VersionedMixin):
    """What progress tracking adds to an action or project: how far along, when last reported, and archiving."""

    percent_complete: Mapped[int | None] = mapped_column(
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_complete_range")
    )
    last_update_on: Mapped[date | None]  # as-of date of the latest progress update
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
