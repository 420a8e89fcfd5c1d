"""The API's words a command line option offers as choices (shown in --help, checked before any request). They are
the SDK models' literals, written out because Typer needs an Enum; tests/clients/cli/test_offline.py checks that
they stay the same."""

from enum import StrEnum


class Tier(StrEnum):
    council_plan = "council_plan"
    service_indicator = "service_indicator"
    management_information = "management_information"
    context = "context"


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


class Scope(StrEnum):
    read = "read"
    kpi_submit = "kpi:submit"
    actions_write = "actions:write"
    projects_write = "projects:write"
    governance_write = "governance:write"
    assurance_write = "assurance:write"
    approve = "approve"
    webhooks_manage = "webhooks:manage"
    admin = "admin"
