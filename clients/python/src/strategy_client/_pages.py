"""The shape of a page every list answers with, and the filters each list takes (shared by both clients)."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, TypedDict, TypeVar

ItemT_co = TypeVar("ItemT_co", covariant=True)


class PageOf(Protocol[ItemT_co]):
    """A page: its items, its number, the page size asked for and the total across all pages."""

    @property
    def items(self) -> Sequence[ItemT_co]: ...
    @property
    def page(self) -> int: ...
    @property
    def limit(self) -> int: ...
    @property
    def total(self) -> int: ...


def is_last(page: PageOf[object]) -> bool:
    return not page.items or page.page * page.limit >= page.total


class Changed(TypedDict, total=False):
    updated_since: datetime | str


class FocusAreaFilters(Changed, total=False):
    strategy: str


class OwnerFilters(Changed, total=False):
    kind: str
    parent: str
    q: str
    include_archived: bool


class TeamFilters(Changed, total=False):
    kind: str
    parent: str
    service_owner: str


class Dated(TypedDict, total=False):
    from_: date | str  # sent as `from`
    to: date | str


class AssuranceFilters(Changed, Dated, total=False):
    kind: str
    team: str
    grading: str
    theme: str
    action: str
    include_archived: bool


class MeetingFilters(Changed, Dated, total=False):
    body: str
    status: str


class DecisionFilters(Changed, total=False):
    item: str
    action: str
    body: str


class ProcedureChangeFilters(Changed, total=False):
    status: str
    focus_area: str


class GradingFilters(Dated, total=False):
    kind: str


class ThemeFilters(Dated, total=False):
    kind: str
    min_count: int


class ActionReportFilters(Dated, total=False):
    relation: str


class GovernanceBodyFilters(Changed, total=False):
    status: str
    cadence: str


class ActionFilters(Changed, total=False):
    focus_area: str
    owner: str
    status: str
    rag: str
    due_kind: str
    due_before: date | str
    due_after: date | str
    theme: str
    q: str
    overdue: bool
    stale: bool
    as_of: date | str
    include_archived: bool


class ProjectFilters(Changed, total=False):
    focus_area: str
    lead: str
    status: str
    rag: str
    pid_status: str
    has_savings_target: bool
    overdue: bool
    stale: bool
    as_of: date | str
    include_archived: bool


class KpiFilters(Changed, total=False):
    tier: str
    focus_area: str
    unit: str
    polarity: str
    period_type: str
    q: str
    include_archived: bool


class ValueFilters(Changed, total=False):
    scope: str
    period: str
    period_from: str
    period_to: str
    history: bool
    period_type: str


class ScopeFilters(Changed, total=False):
    kind: str
    level: str
    region_code: str


class NationalIndicatorFilters(TypedDict, total=False):
    topic: str
    q: str


class ComparatorGroupFilters(TypedDict, total=False):
    scope: str


class AuditFilters(TypedDict, total=False):
    resource: str
    id: str
    actor: str
    since: datetime | str


class ApiKeyFilters(Changed, total=False):
    active: bool


class CommentaryFilters(Changed, total=False):
    include_withdrawn: bool


class KpiCommentaryFilters(CommentaryFilters, total=False):
    period: str


class SignOffFilters(TypedDict, total=False):
    state: str  # awaiting_sign_off (the default), approved or returned
    owner: str
    kpi: str
    scope: str
    updated_since: datetime | str


class ReturnFilters(TypedDict, total=False):
    status: str  # one status or several, comma-separated: "late,missing"
    owner: str
    due_before: date | str
    kpi: str
    period: str
    as_at: date | str
    known_at: datetime | str


class SubscriptionFilters(TypedDict, total=False):
    status: str  # active, paused or disabled
    updated_since: datetime | str


class DeliveryFilters(TypedDict, total=False):
    status: str  # pending, succeeded or failed
    updated_since: datetime | str
