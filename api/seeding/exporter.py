"""Write the database back out in the seed format, so the seed can be reviewed and re-loaded."""

from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from api.actions.models import ActionOwner, BusinessImprovementAction
from api.governance.models import ExceptionRule, GovernanceBody, RoutingRule
from api.kpis.models import Kpi, KpiValue, Scope
from api.owners.models import Owner
from api.projects.models import ProjectFocusArea, TransformationProject
from api.returns.models import KpiReturnSchedule
from api.seeding import files
from api.seeding.reader import (
    BODIES_FILE,
    FOCUS_AREAS_DIR,
    KPIS_FILE,
    OWNERS_FILE,
    PROJECTS_FILE,
    RETURNS_FILE,
    ROUTING_FILE,
    STRATEGY_FILE,
    SeedBundle,
)
from api.strategy.models import FocusArea, Organisation, Strategy

# Progress fields are written only when they differ from a fresh item's, so an export reads like the seed.
PROGRESS_DEFAULTS = {"status": "not_started", "rag": None}


async def export_bundle(session: AsyncSession) -> SeedBundle:
    strategy = await session.scalar(
        select(Strategy)
        .options(selectinload(Strategy.key_objectives), selectinload(Strategy.policy_principles))
        .order_by(Strategy.period_start_date.desc())
        .limit(1)
    )
    if strategy is None:
        raise LookupError("the database holds no strategy to export")
    organisation = await session.get_one(Organisation, strategy.organisation_id)
    scopes = (await session.scalars(select(Scope).order_by(Scope.id))).all()
    keys = {scope.id: scope.key for scope in scopes}
    owner_codes = {row.id: row.code for row in await session.execute(select(Owner.id, Owner.code))}
    return SeedBundle(
        strategy=files.StrategyFile(
            organisation=files.OrganisationFile(
                name=organisation.name, gss_code=organisation.gss_code, la_number=organisation.la_number
            ),
            scopes=[
                files.ScopeFile(
                    key=s.key,
                    name=s.name,
                    kind=s.kind,
                    gss_code=s.gss_code,
                    level=s.level,
                    old_la_code=s.old_la_code,
                    region_code=s.region_code,
                    parent=keys.get(s.parent_id) if s.parent_id else None,
                    service_owner=owner_codes.get(s.service_owner_id) if s.service_owner_id else None,
                    manager_role=s.manager_role,
                    description=s.description,
                )
                for s in scopes
            ],
            strategy=files.StrategyInfo(
                key=strategy.key,
                title=strategy.title,
                period_start=strategy.period_start_date,
                period_end=strategy.period_end_date,
                foreword=strategy.foreword,
                vision=strategy.vision,
                key_outcome=strategy.key_outcome,
                culture_statement=strategy.culture_statement,
                borough_profile=strategy.borough_profile,
                additional_text=strategy.additional_text,
            ),
            key_objectives=[files.TextItemFile(key=o.key, text=o.text) for o in strategy.key_objectives],
            policy_principles=[files.TextItemFile(key=p.key, text=p.text) for p in strategy.policy_principles],
        ),
        owners=await _owners(session),
        bodies=await _bodies(session),
        focus_areas=await _focus_areas(session),
        projects=await _projects(session),
        kpis=await _kpis(session),
        routing=await _routing(session),
        return_schedules=await _return_schedules(session),
    )


async def _return_schedules(session: AsyncSession) -> list[files.ReturnScheduleFile]:
    """The KPI return schedules in force (a withdrawn one is not part of the plan), in the KPIs' order."""
    schedule = KpiReturnSchedule
    rows = await session.scalars(
        select(schedule)
        .join(schedule.kpi)
        .where(schedule.archived_at.is_(None))
        .options(
            joinedload(schedule.kpi), joinedload(schedule.accountable_owner), joinedload(schedule.submitting_owner)
        )
        .order_by(Kpi.tier, Kpi.position, Kpi.code)
    )
    return [
        files.ReturnScheduleFile(
            kpi=row.kpi.code,
            accountable_owner=row.accountable_owner.code,
            submitting_owner=row.submitting_owner.code,
            frequency=row.frequency,
            due_basis=row.due_basis,
            due_days=row.due_days,
            first_period=row.first_period,
            last_period=row.last_period,
        )
        for row in rows
    ]


async def _owners(session: AsyncSession) -> list[files.OwnerFile]:
    owners = await session.scalars(select(Owner).options(selectinload(Owner.parent)).order_by(Owner.id))
    return [
        files.OwnerFile(
            key=o.key,
            code=o.code,
            full_name=o.full_name,
            kind=o.kind,
            parent=o.parent.code if o.parent else None,
            aliases=o.aliases,
            inferred=o.name_inferred,
            note=o.note,
        )
        for o in owners
    ]


async def _bodies(session: AsyncSession) -> list[files.GovernanceBodyFile]:
    bodies = await session.scalars(
        select(GovernanceBody).options(selectinload(GovernanceBody.owner)).order_by(GovernanceBody.id)
    )
    return [
        files.GovernanceBodyFile(
            key=b.key,
            code=b.code,
            name=b.name,
            cadence=b.cadence,
            cadence_inferred=b.cadence_inferred,
            status=b.status,
            owner=b.owner.code if b.owner else None,
            description=b.description,
            aliases=b.aliases or None,
            requires_sign_off=b.requires_sign_off,
        )
        for b in bodies
    ]


async def _focus_areas(session: AsyncSession) -> dict[str, files.FocusAreaFile]:
    areas = await session.scalars(
        select(FocusArea)
        .options(selectinload(FocusArea.priorities), selectinload(FocusArea.key_actions))
        .order_by(FocusArea.position)
    )
    actions = await session.scalars(
        select(BusinessImprovementAction)
        .options(
            selectinload(BusinessImprovementAction.owner_links).selectinload(ActionOwner.owner),
            selectinload(BusinessImprovementAction.milestones),
        )
        .order_by(BusinessImprovementAction.position, BusinessImprovementAction.id)
    )
    by_area: dict[int, list[files.ActionFile]] = {}
    for action in actions:
        by_area.setdefault(action.focus_area_id, []).append(
            files.ActionFile(
                key=action.key,
                theme=action.theme,
                what=action.what,
                detail=action.detail,
                when=action.due_text,
                who=[owner.code for owner in action.owners],
                comments=action.comments,
                milestones=[files.MilestoneFile(title=m.title, when=m.due_text) for m in action.milestones],
                status=action.status,
                rag=action.rag,
                note=action.note,
            )
        )
    return {
        f"{FOCUS_AREAS_DIR}/{area.position:02d}-{area.key}.yaml": files.FocusAreaFile(
            key=area.key,
            position=area.position,
            title=area.title,
            heading=area.heading,
            priorities=[p.text for p in area.priorities],
            story=area.story,
            improvement_agenda=area.improvement_agenda,
            overview=files.OverviewFile.model_validate(area.overview) if area.overview else None,
            key_actions=[files.KeyActionFile(number=k.number, text=k.text) for k in area.key_actions],
            actions=by_area.get(area.id, []),
        )
        for area in areas
    }


async def _projects(session: AsyncSession) -> list[files.ProjectFile]:
    projects = await session.scalars(
        select(TransformationProject)
        .options(
            selectinload(TransformationProject.lead),
            selectinload(TransformationProject.focus_area_links).selectinload(ProjectFocusArea.focus_area),
        )
        .order_by(TransformationProject.id)
    )
    return [
        files.ProjectFile(
            key=p.key,
            title=p.title,
            description=p.description,
            focus_areas=p.focus_areas,
            lead=p.lead.code if p.lead else None,
            deadline=p.deadline_text,
            savings_target_pence=p.savings_target_pence,
            savings_target_when=p.savings_target_text,
            status=p.status,
            rag=p.rag,
            note=p.note,
        )
        for p in projects
    ]


async def _kpis(session: AsyncSession) -> list[files.KpiFile]:
    kpis = (
        await session.scalars(
            select(Kpi).options(selectinload(Kpi.focus_area), selectinload(Kpi.targets)).order_by(Kpi.position, Kpi.id)
        )
    ).all()
    latest = (
        select(KpiValue.kpi_id, KpiValue.scope_id, KpiValue.period, func.max(KpiValue.revision).label("revision"))
        .group_by(KpiValue.kpi_id, KpiValue.scope_id, KpiValue.period)
        .subquery()
    )
    values = await session.scalars(
        select(KpiValue)
        .join(
            latest,
            (KpiValue.kpi_id == latest.c.kpi_id)
            & (KpiValue.scope_id == latest.c.scope_id)
            & (KpiValue.period == latest.c.period)
            & (KpiValue.revision == latest.c.revision),
        )
        .options(selectinload(KpiValue.scope))
        .order_by(KpiValue.id)
    )
    by_kpi: dict[int, list[files.ValueFile]] = {}
    for v in values:
        by_kpi.setdefault(v.kpi_id, []).append(
            files.ValueFile(
                period=v.period,
                scope=v.scope.key,
                value=v.value,
                numerator=v.numerator,
                denominator=v.denominator,
                status_symbol=v.status_symbol,
                provisional=v.provisional,
                source=v.source,
                note=v.note,
            )
        )
    return [
        files.KpiFile(
            code=k.code,
            title=k.title,
            description=k.description,
            tier=k.tier,
            unit=k.unit,
            decimal_places=k.decimal_places,
            polarity=k.polarity,
            period_type=k.period_type,
            combine=k.combine,
            focus_area=k.focus_area.key if k.focus_area else None,
            national_code=k.national_code,
            national_indicator=k.national_indicator,
            baseline=files.BaselineFile(period=k.baseline_period, value=k.baseline_value, note=k.baseline_note)
            if k.baseline_period is not None and k.baseline_value is not None
            else None,
            targets=[
                files.TargetFile(
                    period=t.period, kind=t.kind, value=t.value, amber_tolerance=t.amber_tolerance, note=t.note
                )
                for t in k.targets
            ],
            values=by_kpi.get(k.id, []),
            note=k.note,
        )
        for k in kpis
    ]


async def _routing(session: AsyncSession) -> files.RoutingFile:
    rules = await session.scalars(
        select(RoutingRule)
        .options(joinedload(RoutingRule.body), joinedload(RoutingRule.focus_area), joinedload(RoutingRule.owner))
        .where(RoutingRule.archived_at.is_(None))
        .order_by(RoutingRule.id)
    )
    exceptions = await session.scalars(select(ExceptionRule).order_by(ExceptionRule.id))
    return files.RoutingFile(
        routing_rules=[
            files.RoutingRuleFile(
                key=r.key,
                item_kind=r.item_kind,
                kpi_tier=r.kpi_tier,
                body=r.body.key,
                report=r.report,
                step=r.step,
                note=r.note,
                focus_area=r.focus_area.key if r.focus_area else None,
                owner=r.owner.code if r.owner else None,
            )
            for r in rules
        ],
        exception_rules=[
            files.ExceptionRuleFile(
                key=e.key, kind=e.kind, threshold=e.threshold, enabled=e.enabled, description=e.description
            )
            for e in exceptions
        ],
    )


def _plain(value: Any) -> Any:
    """Python values YAML writes cleanly: enums as their values, whole decimals as integers."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value.normalize())
    return value


def _document(model: BaseModel) -> Any:
    data = _plain(model.model_dump())
    for item in [*data.get("actions", []), *data.get("projects", [])]:
        for name, default in PROGRESS_DEFAULTS.items():
            if item.get(name) == default:
                del item[name]
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(
    date, lambda dumper, day: dumper.represent_scalar("tag:yaml.org,2002:timestamp", day.isoformat())
)


def write_bundle(bundle: SeedBundle, directory: Path) -> int:
    documents: dict[str, BaseModel] = {
        STRATEGY_FILE: bundle.strategy,
        OWNERS_FILE: files.OwnersFile(owners=bundle.owners),
        BODIES_FILE: files.GovernanceBodiesFile(governance_bodies=bundle.bodies),
        PROJECTS_FILE: files.ProjectsFile(projects=bundle.projects),
        KPIS_FILE: files.KpisFile(kpis=bundle.kpis),
        ROUTING_FILE: bundle.routing,
        RETURNS_FILE: files.ReturnsFile(return_schedules=bundle.return_schedules),
        **bundle.focus_areas,
    }
    for name, model in documents.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(_document(model), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
        path.write_text(text, encoding="utf-8")
    return len(documents)
