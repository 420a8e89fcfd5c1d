"""The data-quality report: what in the held strategy is wrong, missing or guessed."""

import re
from collections.abc import Iterator
from datetime import date, timedelta

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.actions.models import BusinessImprovementAction
from api.db import utcnow
from api.delivery import DueKind
from api.kpis import service as kpi_service
from api.kpis.models import Kpi, KpiValue, TargetKind, Tier
from api.owners.models import Owner
from api.projects.models import TransformationProject
from api.quality.schemas import Check, CheckCounts, QualityIssue, QualityReport, Severity, SeverityCounts
from api.schemas import QueryModel
from api.strategy.models import FocusArea, Strategy

PLACEHOLDER = re.compile(r"(?<![A-Za-z])(x{3,}|(19|20)xx)(?![A-Za-z])", re.IGNORECASE)
# A date more than this far outside the strategy's period is taken for a typo (the document has "Sep 2106").
PLAUSIBLE_MARGIN = timedelta(days=3 * 366)


class QualityQuery(QueryModel):
    check: Check | None = Field(None, description="Only issues of this check.")
    severity: Severity | None = Field(None, description="Only issues of this severity.")
    resource: str | None = Field(None, max_length=40, description="Only issues about this kind of item.")

    def keeps(self, issue: QualityIssue) -> bool:
        return all(
            wanted is None or wanted == found
            for wanted, found in (
                (self.check, issue.check),
                (self.severity, issue.severity),
                (self.resource, issue.resource),
            )
        )


def _issue(
    check: Check, severity: Severity, resource: str, key: str, field: str | None, message: str, value: object = None
) -> QualityIssue:
    text = None if value is None else str(value)
    if text is not None and len(text) > 120:
        text = text[:117] + "..."
    return QualityIssue(
        check=check, severity=severity, resource=resource, key=key, field=field, message=message, value=text
    )


def _placeholders(resource: str, key: str, fields: dict[str, str | None]) -> Iterator[QualityIssue]:
    for name, text in fields.items():
        if not text:
            continue
        seen: set[str] = set()
        for match in PLACEHOLDER.finditer(text):
            if match.group(0).lower() in seen:
                continue
            seen.add(match.group(0).lower())
            start = max(match.start() - 40, 0)
            yield _issue(
                Check.placeholder_text,
                Severity.warning,
                resource,
                key,
                name,
                f"placeholder '{match.group(0)}' where a figure or date should be",
                text[start : match.end() + 40],
            )


def _due(
    resource: str, key: str, field: str, kind: DueKind, due: date | None, text: str | None, window: tuple[date, date]
) -> Iterator[QualityIssue]:
    if kind is DueKind.unparsed:
        yield _issue(
            Check.unparsed_due_date,
            Severity.warning,
            resource,
            key,
            field,
            "the date as written cannot be read as a date",
            text,
        )
    if due is not None and not window[0] <= due <= window[1]:
        yield _issue(
            Check.implausible_due_date,
            Severity.error,
            resource,
            key,
            field,
            f"{due.isoformat()} is far outside the strategy period "
            f"{window[0] + PLAUSIBLE_MARGIN:%Y}-{window[1] - PLAUSIBLE_MARGIN:%Y}",
            text,
        )


async def build_report(session: AsyncSession, query: QualityQuery | None = None) -> QualityReport:
    """Run every check; ``query`` narrows the issues listed, never the summary counts."""
    strategies = (await session.scalars(select(Strategy))).all()
    if strategies:
        window = (
            min(s.period_start_date for s in strategies) - PLAUSIBLE_MARGIN,
            max(s.period_end_date for s in strategies) + PLAUSIBLE_MARGIN,
        )
    else:
        window = (date.min, date.max)
    issues: list[QualityIssue] = []
    for strategy in strategies:
        fields = {
            "foreword": strategy.foreword,
            "vision": strategy.vision,
            "culture_statement": strategy.culture_statement,
            "borough_profile": strategy.borough_profile,
        }
        fields |= {f"additional_text.{name}": text for name, text in strategy.additional_text.items()}
        issues += _placeholders("strategy", strategy.key, fields)
    issues += await _focus_area_issues(session)
    issues += await _action_issues(session, window)
    issues += await _project_issues(session, window)
    issues += await _kpi_issues(session)
    issues += await _owner_issues(session)
    return QualityReport(
        generated_at=utcnow(),
        summary=SeverityCounts.of(issue.severity for issue in issues),
        by_check=CheckCounts.of(issue.check for issue in issues),
        issues=[issue for issue in issues if query is None or query.keeps(issue)],
    )


async def _focus_area_issues(session: AsyncSession) -> list[QualityIssue]:
    areas = await session.scalars(
        select(FocusArea)
        .options(selectinload(FocusArea.priorities), selectinload(FocusArea.key_actions))
        .order_by(FocusArea.position)
    )
    issues: list[QualityIssue] = []
    for area in areas:
        fields = {"story": area.story, "improvement_agenda": area.improvement_agenda}
        fields |= {f"priorities[{p.position}]": p.text for p in area.priorities}
        fields |= {f"key_actions[{k.number}]": k.text for k in area.key_actions}
        issues += _placeholders("focus_area", area.key, fields)
    return issues


async def _action_issues(session: AsyncSession, window: tuple[date, date]) -> list[QualityIssue]:
    actions = await session.scalars(
        select(BusinessImprovementAction)
        .options(
            selectinload(BusinessImprovementAction.owner_links), selectinload(BusinessImprovementAction.milestones)
        )
        .join(BusinessImprovementAction.focus_area)
        .order_by(FocusArea.position, BusinessImprovementAction.position)
    )
    issues: list[QualityIssue] = []
    for action in actions:
        if not action.owner_links:
            issues.append(
                _issue(
                    Check.no_owner,
                    Severity.warning,
                    "action",
                    action.key,
                    "who",
                    "no owner is named, so nobody is accountable for it",
                )
            )
        issues += _due("action", action.key, "when", action.due_kind, action.due_date, action.due_text, window)
        for milestone in action.milestones:
            key = f"{action.key}#{milestone.position}"
            issues += _due("milestone", key, "when", milestone.due_kind, milestone.due_date, milestone.due_text, window)
            issues += _placeholders("milestone", key, {"title": milestone.title})
        issues += _placeholders(
            "action",
            action.key,
            {"what": action.what, "detail": action.detail, "comments": action.comments, "when": action.due_text},
        )
    return issues


async def _project_issues(session: AsyncSession, window: tuple[date, date]) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    for project in await session.scalars(select(TransformationProject).order_by(TransformationProject.key)):
        if project.lead_owner_id is None:
            issues.append(
                _issue(
                    Check.no_owner,
                    Severity.warning,
                    "project",
                    project.key,
                    "lead",
                    "no lead is named; the strategy says each project has a lead and a PID",
                )
            )
        issues += _due(
            "project",
            project.key,
            "deadline",
            project.deadline_kind,
            project.deadline_date,
            project.deadline_text,
            window,
        )
        if project.savings_target_date and not window[0] <= project.savings_target_date <= window[1]:
            issues.append(
                _issue(
                    Check.implausible_due_date,
                    Severity.error,
                    "project",
                    project.key,
                    "savings_target_when",
                    "savings date far outside the strategy period",
                    project.savings_target_text,
                )
            )
        issues += _placeholders("project", project.key, {"title": project.title, "description": project.description})
    return issues


async def _kpi_issues(session: AsyncSession) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    for kpi in await session.scalars(select(Kpi).options(selectinload(Kpi.targets)).order_by(*kpi_service.PLAN_ORDER)):
        measured = kpi.tier is not Tier.context
        if measured and kpi.baseline_value is None:
            issues.append(
                _issue(
                    Check.kpi_without_baseline,
                    Severity.warning,
                    "kpi",
                    kpi.code,
                    "baseline",
                    "no baseline to measure progress from",
                )
            )
        if measured and not kpi.targets:
            issues.append(
                _issue(
                    Check.kpi_without_target,
                    Severity.warning,
                    "kpi",
                    kpi.code,
                    "targets",
                    "no target (numeric, monitor or relative to national)",
                )
            )
        for target in kpi.targets:
            if target.kind is TargetKind.numeric and target.amber_tolerance is None:
                issues.append(
                    _issue(
                        Check.target_without_tolerance,
                        Severity.info,
                        "kpi",
                        kpi.code,
                        f"targets[{target.period}]",
                        "numeric target has no amber tolerance: ratings can only be green or red",
                    )
                )
        issues += _placeholders(
            "kpi",
            kpi.code,
            {"title": kpi.title, "description": kpi.description, "note": kpi.note, "baseline_note": kpi.baseline_note},
        )
    notes = await session.execute(
        select(Kpi.code, KpiValue.period, KpiValue.revision, KpiValue.note)
        .join(KpiValue, KpiValue.kpi_id == Kpi.id)
        .where(KpiValue.note.is_not(None))
        .order_by(*kpi_service.PLAN_ORDER, KpiValue.period, KpiValue.revision)
    )
    for code, period, revision, note in notes:
        issues += _placeholders("kpi_value", f"{code}@{period}#{revision}", {"note": note})
    return issues


async def _owner_issues(session: AsyncSession) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    for owner in await session.scalars(select(Owner).order_by(Owner.code)):
        if not owner.full_name:
            issues.append(
                _issue(
                    Check.owner_without_full_name,
                    Severity.warning,
                    "owner",
                    owner.key,
                    "full_name",
                    f"'{owner.code}' has no full name",
                )
            )
        elif owner.name_inferred:
            issues.append(
                _issue(
                    Check.owner_name_inferred,
                    Severity.info,
                    "owner",
                    owner.key,
                    "full_name",
                    f"'{owner.code}' expanded from usage, not read in the document: confirm it",
                    owner.full_name,
                )
            )
    return issues
