"""The two dates a report is built for, kept apart (bitemporal).

``as_at`` is the date a report speaks for: a KPI's figures count for periods that had ended by then, progress
updates dated on or before it count, and overdue and stale are judged at its end. ``known_at`` is the moment whose
knowledge it uses: anything recorded after it (a later submission, a correction, a back-dated update entered later,
a plan edit) is left out, so a report can be reproduced exactly as it stood. A back-dated update counts for the
``as_at`` it is dated within; a later correction is excluded by ``known_at``.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

from api.db import utcnow
from api.errors import InvalidInput, ProblemError


def known_by_now(known_at: datetime | None) -> datetime | None:
    """``known_at`` as asked for (a query parameter): a moment to come is refused (422), since what will be known
    then is not known now."""
    if known_at is not None and known_at > utcnow():
        message = "known_at is in the future: a report can only use what is known by now"
        raise InvalidInput(message, errors=[ProblemError(loc=["query", "known_at"], msg=message)])
    return known_at


@dataclass(frozen=True)
class AsAt:
    as_at: date | None = None  # None: every period and every update, whatever its date
    known_at: datetime | None = None  # None: now (everything recorded so far)

    @classmethod
    def now(cls) -> "AsAt":
        return cls()

    def clauses(
        self, *, recorded: InstrumentedAttribute[Any], dated: InstrumentedAttribute[Any] | None = None
    ) -> list[ColumnElement[bool]]:
        """WHERE clauses keeping rows recorded by ``known_at`` and, with ``dated``, dated on or before ``as_at``."""
        found: list[ColumnElement[bool]] = []
        if dated is not None and self.as_at is not None:
            found.append(dated <= self.as_at)
        if self.known_at is not None:
            found.append(recorded <= self.known_at)
        return found
