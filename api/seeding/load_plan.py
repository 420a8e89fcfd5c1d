"""Loading the plan itself: focus areas with their actions, transformation projects and KPIs."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.actions.models import ActionMilestone, ActionOwner, BusinessImprovementAction
from api.delivery import parse_due
from api.kpis.models import Kpi, KpiTarget, KpiValue, Scope
from api.owners.models import Owner
from api.periods import Period, PeriodType, parse_period, year_type_for
from api.projects.models import ProjectFocusArea, ProjectSavings, TransformationProject
from api.seeding.files import ActionFile, KpiFile, ValueFile
from api.seeding.reader import SeedBundle
from api.seeding.sync import Tally, assign, outcome, replace_children
from api.strategy.models import FocusArea, KeyAction, Priority, Strategy

SEED_AUTHOR = "seed"


async def load_focus_areas(
    session: AsyncSession, bundle: SeedBundle, strategy: Strategy, owners: dict[str, Owner], tally: Tally
) -> dict[str, FocusArea]:
    existing = {
        area.key: area
        for area in await session.scalars(
            select(FocusArea).options(selectinload(FocusArea.priorities), selectinload(FocusArea.key_actions))
        )
    }
    for source in bundle.focus_areas.values():
        values = {
            "strategy_id": strategy.id,
            "position": source.position,
            "title": source.title,
            "heading": source.heading,
            "story": source.story,
            "improvement_agenda": source.improvement_agenda,
            "overview": source.overview.model_dump() if source.overview else None,
        }
        priorities = [Priority(position=i, text=text) for i, text in enumerate(source.priorities, 1)]
        key_actions = [KeyAction(number=item.number, text=item.text) for item in source.key_actions]
        area = existing.get(source.key)
        if area is None:
            existing[source.key] = FocusArea(key=source.key, priorities=priorities, key_actions=key_actions, **values)
            session.add(existing[source.key])
            tally.record("focus_areas", "created")
            continue
        changed = assign(area, values)
        changed |= await replace_children(session, area.priorities, priorities, ("position", "text"))
        changed |= await replace_children(session, area.key_actions, key_actions, ("number", "text"))
        tally.record("focus_areas", outcome(False, changed))
    await session.flush()
    await _load_actions(session, bundle, existing, owners, tally)
    return existing


async def _load_actions(
    session: AsyncSession, bundle: SeedBundle, areas: dict[str, FocusArea], owners: dict[str, Owner], tally: Tally
) -> None:
    existing = {
        action.key: action
        for action in await session.scalars(
            select(BusinessImprovementAction).options(
                selectinload(BusinessImprovementAction.owner_links), selectinload(BusinessImprovementAction.milestones)
            )
        )
    }
    for source_area in bundle.focus_areas.values():
        for position, source in enumerate(source_area.actions, 1):
            values = _action_values(source, areas[source_area.key].id, position)
            links = [ActionOwner(owner_id=owners[code].id, position=i) for i, code in enumerate(source.who)]
            milestones = [_milestone(i, m.title, m.when) for i, m in enumerate(source.milestones, 1)]
            action = existing.get(source.key)
            if action is None:
                session.add(
                    BusinessImprovementAction(key=source.key, owner_links=links, milestones=milestones, **values)
                )
                tally.record("actions", "created")
                continue
            changed = assign(action, values)
            changed |= await replace_children(session, action.owner_links, links, ("owner_id", "position"))
            changed |= await replace_children(
                session, action.milestones, milestones, ("position", "title", "due_text", "due_date")
            )
            tally.record("actions", outcome(False, changed))
    seeded = {action.key for area in bundle.focus_areas.values() for action in area.actions}
    if missing := sorted(set(existing) - seeded):
        tally.not_in_seed["actions"] = missing
    await session.flush()


def _action_values(source: ActionFile, focus_area_id: int, position: int) -> dict[str, object]:
    due = parse_due(source.when)
    values: dict[str, object] = {
        "focus_area_id": focus_area_id,
        "position": position,
        "theme": source.theme,
        "what": source.what,
        "detail": source.detail,
        "due_text": source.when,
        "due_kind": due.kind,
        "due_date": due.due_date,
        "comments": source.comments,
        "note": source.note,
    }
    # Status and RAG come from progress updates; a seed sets them only where it says so explicitly.
    values.update({name: getattr(source, name) for name in ("status", "rag") if name in source.model_fields_set})
    return values


def _milestone(position: int, title: str, when: str | None) -> ActionMilestone:
    due = parse_due(when)
    return ActionMilestone(position=position, title=title, due_text=when, due_kind=due.kind, due_date=due.due_date)


async def load_projects(
    session: AsyncSession, bundle: SeedBundle, areas: dict[str, FocusArea], owners: dict[str, Owner], tally: Tally
) -> None:
    existing = {
        project.key: project
        for project in await session.scalars(
            select(TransformationProject).options(selectinload(TransformationProject.focus_area_links))
        )
    }
    for source in bundle.projects:
        deadline, savings_by = parse_due(source.deadline), parse_due(source.savings_target_when)
        values: dict[str, object] = {
            "title": source.title,
            "description": source.description,
            "lead_owner_id": owners[source.lead].id if source.lead else None,
            "deadline_text": source.deadline,
            "deadline_kind": deadline.kind,
            "deadline_date": deadline.due_date,
            "savings_target_pence": source.savings_target_pence,
            "savings_target_text": source.savings_target_when,
            "savings_target_date": savings_by.due_date,
            "note": source.note,
        }
        values.update({name: getattr(source, name) for name in ("status", "rag") if name in source.model_fields_set})
        links = [ProjectFocusArea(focus_area_id=areas[key].id, position=i) for i, key in enumerate(source.focus_areas)]
        project = existing.get(source.key)
        if project is None:
            project = TransformationProject(key=source.key, focus_area_links=links, **values)
            session.add(project)
            await session.flush()
            await _load_savings_target(session, project, tally)
            tally.record("projects", "created")
            continue
        changed = assign(project, values)
        changed |= await replace_children(session, project.focus_area_links, links, ("focus_area_id", "position"))
        await _load_savings_target(session, project, tally)
        tally.record("projects", outcome(False, changed))
    if missing := sorted(set(existing) - {source.key for source in bundle.projects}):
        tally.not_in_seed["projects"] = missing
    await session.flush()


async def _load_savings_target(session: AsyncSession, project: TransformationProject, tally: Tally) -> None:
    """The document's savings target becomes the target of the financial year it is due in."""
    if project.savings_target_pence is None or project.savings_target_date is None:
        return
    year = Period.containing(project.savings_target_date, PeriodType.financial_year).code
    row = await session.scalar(
        select(ProjectSavings).where(ProjectSavings.project_id == project.id, ProjectSavings.financial_year == year)
    )
    if row is None:
        session.add(
            ProjectSavings(project_id=project.id, financial_year=year, target_pence=project.savings_target_pence)
        )
        tally.record("project_savings", "created")
    elif row.target_pence != project.savings_target_pence:
        row.target_pence = project.savings_target_pence
        tally.record("project_savings", "updated")
    else:
        tally.record("project_savings", "unchanged")


def _period_code(kpi: KpiFile, text: str) -> str:
    return parse_period(text, year_type=year_type_for(kpi.period_type)).code


async def load_kpis(
    session: AsyncSession, bundle: SeedBundle, areas: dict[str, FocusArea], scopes: dict[str, Scope], tally: Tally
) -> None:
    existing = {kpi.code: kpi for kpi in await session.scalars(select(Kpi).options(selectinload(Kpi.targets)))}
    for position, source in enumerate(bundle.kpis, 1):
        values: dict[str, object] = {
            "title": source.title,
            "description": source.description,
            "tier": source.tier,
            "position": position,
            "unit": source.unit,
            "decimal_places": source.decimal_places,
            "polarity": source.polarity,
            "period_type": source.period_type,
            "combine": source.combine,
            "focus_area_id": areas[source.focus_area].id if source.focus_area else None,
            "national_code": source.national_code,
            "national_indicator": source.national_indicator,
            "baseline_period": _period_code(source, source.baseline.period) if source.baseline else None,
            "baseline_value": source.baseline.value if source.baseline else None,
            "baseline_note": source.baseline.note if source.baseline else None,
            "note": source.note,
        }
        targets = [
            KpiTarget(
                period=_period_code(source, t.period),
                period_start_date=parse_period(_period_code(source, t.period)).start,
                kind=t.kind,
                value=t.value,
                amber_tolerance=t.amber_tolerance,
                note=t.note,
            )
            for t in source.targets
        ]
        kpi = existing.get(source.code)
        if kpi is None:
            existing[source.code] = kpi = Kpi(code=source.code, targets=targets, **values)
            session.add(kpi)
            await session.flush()
            tally.record("kpis", "created")
        else:
            fields = ("period", "kind", "value", "amber_tolerance", "note")
            changed = assign(kpi, values) | await replace_children(session, kpi.targets, targets, fields)
            tally.record("kpis", outcome(False, changed))
        for value in source.values:
            await _load_value(session, kpi, scopes[value.scope], _period_code(source, value.period), value, tally)
    if missing := sorted(set(existing) - {source.code for source in bundle.kpis}):
        tally.not_in_seed["kpis"] = missing
    await session.flush()


async def _load_value(
    session: AsyncSession, kpi: Kpi, scope: Scope, period: str, source: ValueFile, tally: Tally
) -> None:
    """A seed value is revision 1; a changed seed value adds a revision, as any correction does."""
    latest = await session.scalar(
        select(KpiValue)
        .where(KpiValue.kpi_id == kpi.id, KpiValue.scope_id == scope.id, KpiValue.period == period)
        .order_by(KpiValue.revision.desc())
        .limit(1)
    )
    figures: dict[str, object] = {
        "value": source.value,
        "numerator": source.numerator,
        "denominator": source.denominator,
        "status_symbol": source.status_symbol,
        "provisional": source.provisional,
        "source": source.source,
        "note": source.note,
    }
    if latest is not None and all(_same(getattr(latest, k), v) for k, v in figures.items()):
        tally.record("kpi_values", "unchanged")
        return
    parsed = parse_period(period)
    session.add(
        KpiValue(
            kpi_id=kpi.id,
            scope_id=scope.id,
            period=period,
            period_type=parsed.type,
            period_start_date=parsed.start,
            period_end_date=parsed.end,
            revision=(latest.revision + 1) if latest else 1,
            submitted_by=SEED_AUTHOR,
            reason=None if latest is None else "seed file changed",
            **figures,
        )
    )
    tally.record("kpi_values", "created" if latest is None else "updated")


def _same(stored: object, wanted: object) -> bool:
    if isinstance(stored, Decimal) and isinstance(wanted, Decimal):
        return stored.compare(wanted) == 0
    return stored == wanted
