"""Checks across seed files: every code, key and period a file refers to must exist and fit."""

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from api.kpis.combining import IN_YEAR
from api.kpis.models import ScopeKind
from api.periods import InvalidPeriod, parse_period, year_type_for
from api.returns.due import FREQUENCIES
from api.seeding.files import KpiFile, TargetFile

if TYPE_CHECKING:
    from api.seeding.reader import SeedBundle

Found = tuple[str, str | None, str]


def _repeated(keys: Iterable[str]) -> list[str]:
    return sorted(key for key, seen in Counter(keys).items() if seen > 1)


def owner_names(bundle: "SeedBundle") -> dict[str, str]:
    """Every way the seed writes an owner (code or alias) -> the owner's code."""
    names = {owner.code: owner.code for owner in bundle.owners}
    for owner in bundle.owners:
        names.update({alias: owner.code for alias in owner.aliases})
    return names


def check_references(bundle: "SeedBundle") -> list[Found]:
    return [
        *_unique_keys(bundle),
        *_owner_references(bundle),
        *_team_references(bundle),
        *_focus_area_references(bundle),
        *_kpi_references(bundle),
        *_routing_references(bundle),
        *_return_references(bundle),
    ]


def _unique_keys(bundle: "SeedBundle") -> Iterator[Found]:
    actions = [action.key for area in bundle.focus_areas.values() for action in area.actions]
    names = [owner.code for owner in bundle.owners] + [alias for owner in bundle.owners for alias in owner.aliases]
    checks = [
        ("owners.yaml", "owner key", [owner.key for owner in bundle.owners]),
        ("owners.yaml", "owner code or alias", names),
        ("governance-bodies.yaml", "body key", [body.key for body in bundle.bodies]),
        ("focus-areas", "focus area key", [area.key for area in bundle.focus_areas.values()]),
        ("focus-areas", "focus area position", [str(area.position) for area in bundle.focus_areas.values()]),
        ("focus-areas", "action key", actions),
        ("projects.yaml", "project key", [project.key for project in bundle.projects]),
        ("kpis.yaml", "KPI code", [kpi.code for kpi in bundle.kpis]),
        ("kpis.yaml", "national indicator", [kpi.national_indicator for kpi in bundle.kpis if kpi.national_indicator]),
        ("strategy.yaml", "scope key", [scope.key for scope in bundle.strategy.scopes]),
    ]
    for file, what, keys in checks:
        for key in _repeated(keys):
            yield file, key, f"{what} '{key}' is used more than once"


def _owner_references(bundle: "SeedBundle") -> Iterator[Found]:
    names = owner_names(bundle)
    for owner in bundle.owners:
        if owner.parent is not None and owner.parent not in names:
            yield "owners.yaml", owner.key, f"parent '{owner.parent}' is not an owner code"
    for body in bundle.bodies:
        if body.owner is not None and body.owner not in names:
            yield "governance-bodies.yaml", body.key, f"owner '{body.owner}' is not an owner code"
    for file, area in bundle.focus_areas.items():
        for action in area.actions:
            for code in action.who:
                if code not in names:
                    yield file, action.key, f"who '{code}' is not an owner code or alias in owners.yaml"
    for project in bundle.projects:
        if project.lead is not None and project.lead not in names:
            yield "projects.yaml", project.key, f"lead '{project.lead}' is not an owner code or alias"
    for scope in bundle.strategy.scopes:
        if scope.service_owner is not None and scope.service_owner not in names:
            yield "strategy.yaml", scope.key, f"service_owner '{scope.service_owner}' is not an owner code or alias"


def _team_references(bundle: "SeedBundle") -> Iterator[Found]:
    """A team rolls up to the borough or a locality named among the scopes; a team's links are for teams only."""
    kinds = {scope.key: scope.kind for scope in bundle.strategy.scopes}
    for scope in bundle.strategy.scopes:
        linked = scope.parent or scope.service_owner or scope.manager_role
        if linked and scope.kind not in (ScopeKind.team, ScopeKind.locality):
            yield "strategy.yaml", scope.key, "only a team or locality has a parent, service_owner or manager_role"
        if scope.parent is None:
            continue
        if scope.parent not in kinds:
            yield "strategy.yaml", scope.key, f"parent '{scope.parent}' is not a scope key"
        elif kinds[scope.parent] not in (ScopeKind.borough, ScopeKind.locality) or scope.parent == scope.key:
            yield "strategy.yaml", scope.key, f"parent '{scope.parent}' is not the borough or a locality"


def _focus_area_references(bundle: "SeedBundle") -> Iterator[Found]:
    areas = {area.key for area in bundle.focus_areas.values()}
    for project in bundle.projects:
        for key in project.focus_areas:
            if key not in areas:
                yield "projects.yaml", project.key, f"focus area '{key}' does not exist"
        for key in _repeated(project.focus_areas):
            yield "projects.yaml", project.key, f"focus area '{key}' is listed twice"
    for kpi in bundle.kpis:
        if kpi.focus_area is not None and kpi.focus_area not in areas:
            yield "kpis.yaml", kpi.code, f"focus area '{kpi.focus_area}' does not exist"


def _kpi_references(bundle: "SeedBundle") -> Iterator[Found]:
    scopes = {scope.key for scope in bundle.strategy.scopes}
    for kpi in bundle.kpis:
        periods = [("baseline", kpi.baseline.period)] if kpi.baseline else []
        periods += [("target", target.period) for target in kpi.targets]
        periods += [("value", value.period) for value in kpi.values]
        for what, text in periods:
            if problem := period_problem(kpi, text, in_year=what == "value"):
                yield "kpis.yaml", kpi.code, f"{what} period {problem}"
        for target in kpi.targets:
            if problem := _target_problem(target):
                yield "kpis.yaml", kpi.code, f"target {target.period}: {problem}"
        for value in kpi.values:
            if value.scope not in scopes:
                yield "kpis.yaml", kpi.code, f"value {value.period}: scope '{value.scope}' is not in strategy.yaml"
            if (value.value is None) == (value.status_symbol is None):
                yield "kpis.yaml", kpi.code, f"value {value.period}: give a value or a status symbol, not both"


def period_problem(kpi: KpiFile, text: str, *, in_year: bool = False) -> str | None:
    """Why ``text`` is not a period of the KPI's type, or None when it is. ``in_year``: a month or quarter within
    the KPI's own period will do (a figure's, api/kpis/combining.py IN_YEAR)."""
    try:
        period = parse_period(text, year_type=year_type_for(kpi.period_type))
    except InvalidPeriod as error:
        return str(error)
    return (
        None
        if period.type is kpi.period_type
        or kpi.tier == "context"
        or (in_year and period.type in IN_YEAR.get(kpi.period_type, ()))
        else (f"'{text}' is a {period.type.value}, but the KPI is measured by {kpi.period_type.value}")
    )


def _target_problem(target: TargetFile) -> str | None:
    if target.kind == "numeric" and target.value is None:
        return "a numeric target needs a value"
    if target.kind != "numeric" and target.value is not None:
        return f"a {target.kind.value} target has no value"
    return None


def _routing_references(bundle: "SeedBundle") -> Iterator[Found]:
    bodies = {body.key for body in bundle.bodies}
    areas = {area.key for area in bundle.focus_areas.values()}
    names = owner_names(bundle)
    for rule in bundle.routing.routing_rules:
        if rule.body not in bodies:
            yield "routing.yaml", rule.key, f"body '{rule.body}' is not in governance-bodies.yaml"
        if rule.focus_area is not None and rule.focus_area not in areas:
            yield "routing.yaml", rule.key, f"focus area '{rule.focus_area}' does not exist"
        if rule.owner is not None and rule.owner not in names:
            yield "routing.yaml", rule.key, f"owner '{rule.owner}' is not an owner code or alias"
        if rule.kpi_tier is not None and rule.item_kind != "kpi":
            yield "routing.yaml", rule.key, "kpi_tier applies only to rules for KPIs"
    for what, keys in (
        ("routing rule", [rule.key for rule in bundle.routing.routing_rules]),
        ("exception rule", [rule.key for rule in bundle.routing.exception_rules]),
    ):
        for key in _repeated(keys):
            yield "routing.yaml", key, f"{what} key '{key}' is used more than once"


def _return_references(bundle: "SeedBundle") -> Iterator[Found]:
    kpis = {kpi.code: kpi for kpi in bundle.kpis}
    names = owner_names(bundle)
    for schedule in bundle.return_schedules:
        kpi = kpis.get(schedule.kpi)
        if kpi is None:
            yield "returns.yaml", schedule.kpi, "is not a KPI code in kpis.yaml"
            continue
        for what, name in (
            ("accountable_owner", schedule.accountable_owner),
            ("submitting_owner", schedule.submitting_owner),
        ):
            if name is not None and name not in names:
                yield "returns.yaml", schedule.kpi, f"{what} '{name}' is not an owner code or alias"
        frequency = schedule.frequency or kpi.period_type
        if frequency not in FREQUENCIES[kpi.period_type]:
            yield "returns.yaml", schedule.kpi, f"a {kpi.period_type.value} KPI cannot be returned by {frequency.value}"
        for name, text in (("first_period", schedule.first_period), ("last_period", schedule.last_period)):
            if text is None:
                continue
            try:
                given = parse_period(text, year_type=year_type_for(frequency))
            except InvalidPeriod as error:
                yield "returns.yaml", schedule.kpi, f"{name} {error}"
                continue
            if given.type is not frequency:
                yield "returns.yaml", schedule.kpi, f"{name} '{text}' is not a {frequency.value}"
    for code in _repeated(schedule.kpi for schedule in bundle.return_schedules):
        yield "returns.yaml", code, "the KPI has more than one return schedule"
