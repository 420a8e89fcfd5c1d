"""Savings by financial year: each project's target, forecast and delivered pence, and the programme's totals."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import lock_rows
from api.errors import InvalidInput, ProblemError
from api.periods import InvalidPeriod, PeriodType, parse_period
from api.projects.models import ProjectSavings, TransformationProject
from api.projects.schemas import ProgrammeSavings, SavingsIn, SavingsRead, SavingsTotals
from api.revisions import service as revisions
from api.revisions.models import PlanKind

FIGURES = ("target_pence", "forecast_pence", "delivered_pence", "note")


def financial_year(text: str, *, where: list[str | int]) -> str:
    """A financial year code from 'FY2016-17' or '2016/17'; anything else is a 422 naming the accepted forms."""
    try:
        period = parse_period(text, year_type=PeriodType.financial_year)
    except InvalidPeriod as error:
        raise InvalidInput(str(error), errors=[ProblemError(loc=where, msg=str(error))]) from error
    if period.type is not PeriodType.financial_year:
        message = f"{period.code} is not a financial year; savings are planned by financial year, e.g. FY2016-17"
        raise InvalidInput(message, errors=[ProblemError(loc=where, msg=message)])
    return period.code


def _gap(target: int, other: int | None) -> int | None:
    return None if other is None else target - other


def read(row: ProjectSavings, project_key: str) -> SavingsRead:
    return SavingsRead(
        project=project_key,
        financial_year=row.financial_year,
        target_pence=row.target_pence,
        forecast_pence=row.forecast_pence,
        delivered_pence=row.delivered_pence,
        forecast_gap_pence=_gap(row.target_pence, row.forecast_pence),
        delivered_gap_pence=_gap(row.target_pence, row.delivered_pence),
        note=row.note,
        updated_at=row.updated_at,
    )


async def for_project(
    session: AsyncSession, project: TransformationProject, updated_since: datetime | None = None
) -> Sequence[ProjectSavings]:
    statement = select(ProjectSavings).where(ProjectSavings.project_id == project.id)
    if updated_since is not None:
        statement = statement.where(ProjectSavings.updated_at >= updated_since)
    return (await session.scalars(statement.order_by(ProjectSavings.financial_year))).all()


async def set_savings(
    session: AsyncSession, project: TransformationProject, fy: str, data: SavingsIn, *, actor: Actor
) -> tuple[ProjectSavings, bool]:
    """Upsert one year's figures; returns the row and whether it was created. Writers of one project queue on its
    row, so two first writes for a year cannot both insert."""
    await lock_rows(session, TransformationProject.__tablename__, [project.id])
    row = await session.scalar(
        select(ProjectSavings).where(ProjectSavings.project_id == project.id, ProjectSavings.financial_year == fy)
    )
    created = row is None
    before = {name: getattr(row, name) for name in FIGURES} if row else {}
    if row is None:
        row = ProjectSavings(project_id=project.id, financial_year=fy)
        session.add(row)
    for name in FIGURES:
        setattr(row, name, getattr(data, name))
    await session.flush()
    await revisions.record_for(session, PlanKind.savings, [row.id], actor)
    was, now = audit.changes(before, {name: getattr(row, name) for name in FIGURES})
    if now:
        await audit.record(
            session,
            actor,
            resource="project_savings",
            key=f"{project.key}/{fy}",
            action="create" if created else "update",
            before=was or None,
            after=now,
        )
    return row, created


async def programme(session: AsyncSession, fy: str) -> ProgrammeSavings:
    """Every live project's savings for a year, and the totals with the gap to target."""
    rows = await session.scalars(
        select(ProjectSavings)
        .join(TransformationProject)
        .where(ProjectSavings.financial_year == fy, TransformationProject.archived_at.is_(None))
        .options(joinedload(ProjectSavings.project))
        .order_by(TransformationProject.key)
    )
    projects = [read(row, row.project.key) for row in rows]
    return ProgrammeSavings(financial_year=fy, projects=projects, totals=SavingsTotals.of(projects))
