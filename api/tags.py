"""The OpenAPI tags: one per resource, each operation under exactly one. A generated client makes a module of each
(openapi-python-client snake-cases the name: "KPI values" becomes `kpi_values`), so a name must read well that way
too: "KPI definitions", not "KPIs" (which would become `kp_is`)."""

from enum import StrEnum
from typing import Any


class Tag(StrEnum):
    health = "Health"
    problem_types = "Problem types"
    organisations = "Organisations"
    strategies = "Strategies"
    focus_areas = "Focus areas"
    actions = "Actions"
    projects = "Projects"
    savings = "Savings"
    owners = "Owners"
    governance_bodies = "Governance bodies"
    routing_rules = "Routing rules"
    exception_rules = "Exception rules"
    packs = "Packs"
    pack_shares = "Pack shares"
    meetings = "Meetings"
    procedure_changes = "Procedure changes"
    kpi_definitions = "KPI definitions"
    kpi_values = "KPI values"
    kpi_status = "KPI status"
    kpi_submissions = "KPI submissions"
    sign_offs = "Sign-offs"
    open_data = "Open data"
    kpi_in_year = "KPI in-year"
    kpi_target_profiles = "KPI target profiles"
    kpi_teams = "KPI teams"
    commentaries = "Commentaries"
    returns = "Returns"
    assurance = "Assurance"
    scopes = "Scopes"
    teams = "Teams"
    national_indicators = "National indicators"
    comparator_groups = "Comparator groups"
    benchmarks = "Benchmarks"
    benchmark_imports = "Benchmark imports"
    data_quality = "Data quality"
    api_keys = "API keys"
    audit = "Audit trail"
    change_feed = "Change feed"
    webhook_subscriptions = "Webhook subscriptions"
    webhook_deliveries = "Webhook deliveries"


DESCRIPTIONS: dict[Tag, str] = {
    Tag.health: "Liveness and readiness probes for load balancers and orchestrators (no key needed).",
    Tag.problem_types: "What each problem `type` in an error body means: the pages its URIs lead to (no key needed).",
    Tag.organisations: "The council the strategy belongs to (ONS GSS code, DfE local authority number).",
    Tag.strategies: "The strategy document: vision, key outcome, key objectives, Council Plan policy principles.",
    Tag.focus_areas: "The strategy's seven focus areas: priorities, story, improvement agenda and Part 1 overview.",
    Tag.actions: "Business improvement actions (reported to CSMT), their owners, due dates and progress updates.",
    Tag.projects: "Transformation projects (reported to the Children's Programme Board) and their progress updates.",
    Tag.savings: "Transformation projects' savings by financial year, in pence, and the programme's totals.",
    Tag.owners: "Who is accountable: assistant directors, teams, boards and partnerships, by code and alias.",
    Tag.governance_bodies: "The boards and meetings the strategy reports to (CSMT, Children's Programme Board ...).",
    Tag.routing_rules: "Which governance body sees which actions, projects and KPIs; what no rule routes anywhere.",
    Tag.exception_rules: "The performance-challenge rules and the exceptions they raise on KPIs.",
    Tag.packs: "A governance body's pack (JSON, CSV or printable HTML), and packs issued to its meetings.",
    Tag.pack_shares: "Links to an issued pack that open without a key, for councillors reading the meeting's "
    "papers: made, listed and revoked under /api/v1; GET /shared-packs/{token} needs no key.",
    Tag.meetings: "Governance bodies' meetings: the packs issued for the date as the agenda, other agenda items, and "
    "the decisions log (reasons, the items each decision concerns, actions arising with owners and due dates).",
    Tag.procedure_changes: "Immediate changes to procedures and processes (delivery plan 5a), moved by meetings' "
    "decisions along the route the routing rules' steps give: tested with the ODG, then approved at CSMT.",
    Tag.kpi_definitions: "KPIs: what each measures, its unit, polarity, period type, baseline and targets.",
    Tag.kpi_values: "KPI figures by period and scope; every correction is kept as a revision.",
    Tag.kpi_status: "How KPIs stand for a period: rating, direction of travel, comparators; the scorecard.",
    Tag.kpi_submissions: "KPI figures submitted in batches (JSON or CSV), and what each batch did.",
    Tag.sign_offs: "An accountable officer's approval of a KPI figure before it is published (or its return with "
    "reasons), by a key with the `approve` scope for the KPI's owner and never the key that submitted it; the "
    "approvers' queue. Only approved figures are final in Cabinet's and the CYP Select Committee's packs.",
    Tag.open_data: "Approved Council Plan KPI figures for the borough, published under the Open Government Licence "
    "v3.0 at /open-data/v1 (JSON and CSV, no key needed; ETag and Cache-Control for cheap polling).",
    Tag.kpi_in_year: "An annual KPI's months and quarters: each period's figure, the year to date and the rolling "
    "twelve months, combined by the KPI's rule (sum, latest or ratio) and rated against the year's target profile.",
    Tag.kpi_target_profiles: "A KPI's trajectory toward its target through a year, a point a month or quarter.",
    Tag.kpi_teams: "A KPI's figures by team for a period, combined and set beside the borough's own figure.",
    Tag.commentaries: "Owners' commentary on a KPI's figure for a period or on a progress update (why, and what "
    "is being done about it): edited and withdrawn as revisions, shown in packs with its author.",
    Tag.returns: "The KPI returns calendar: who returns each KPI's figures, how often and by when (working days skip "
    "England's bank holidays), and which returns are due, received, late or missing.",
    Tag.assurance: "The assurance programme (6d-6h): case file audits, practice observations, team performance "
    "reviews, multi-agency audits and thematic reviews, members' visits; gradings, recurring themes and the actions "
    "they raise. No child-level data: free text that looks like an identifier is refused.",
    Tag.scopes: "What figures can be about: the borough, teams, England, regions and local authorities.",
    Tag.teams: "Teams and localities: the service each answers to, its manager's role, and where its figures roll up.",
    Tag.national_indicators: "DfE's LAIT indicator definitions, and adopting one as a KPI.",
    Tag.comparator_groups: "Groups a KPI is compared with: built-in (England, region, statistical neighbours) or own.",
    Tag.benchmarks: "A KPI against every English local authority: rank, quartile, group means and gaps.",
    Tag.benchmark_imports: "DfE's published statistics imported as KPI values, and the mappings that read them.",
    Tag.data_quality: "What the strategy document gets wrong or leaves out.",
    Tag.api_keys: "API keys, their scopes and limits (admin only, except a key's own record).",
    Tag.audit: "Every write: who, when, and the fields before and after.",
    Tag.change_feed: "Changes in commit order, gap-free, to resume from a cursor.",
    Tag.webhook_subscriptions: "Where a key wants events sent (a figure approved or published, a rating changed, an "
    "action overdue, an exception raised, a pack issued, a return late), signed the Standard Webhooks way with a "
    "secret shown once; paused, with the reason, after failing repeatedly (`webhooks:manage`).",
    Tag.webhook_deliveries: "Each event sent to a subscription, with every attempt (status, duration, error); "
    "replays (same `webhook-id`) and test pings.",
}


def openapi_tags() -> list[dict[str, Any]]:
    """The document's `tags` list, in this order (Swagger UI shows the groups in it)."""
    return [{"name": tag.value, "description": DESCRIPTIONS[tag]} for tag in Tag]
