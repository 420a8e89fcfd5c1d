"""Open data: the Council Plan KPIs' approved figures for the borough, the same figures Cabinet's pack shows as final
(published = an approved Council Plan figure, api/signoffs/). The KPI's own periods only, never a team's figures."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.errors import NotFound
from api.kpis import rating
from api.kpis import service as kpi_service
from api.kpis.models import Kpi, Scope, Tier
from api.opendata.schemas import LICENCE_NAME, LICENCE_URL, Licence, OpenFigure, OpenKpi, Publication
from api.periods import parse_period
from api.signoffs import book
from api.strategy.models import Organisation

CSV_COLUMNS = (
    "kpi",
    "kpi_title",
    "unit",
    "period",
    "period_label",
    "period_start_date",
    "period_end_date",
    "value",
    "display",
    "numerator",
    "denominator",
    "status_symbol",
    "provisional",
    "revision",
    "approved_at",
    "area_code",
    "licence",
)


async def publication(session: AsyncSession, borough: Scope) -> Publication:
    publisher = await session.scalar(select(Organisation.name).order_by(Organisation.id).limit(1))
    publisher = publisher or f"{borough.name} Council"
    return Publication(
        publisher=publisher,
        area=borough.name,
        area_code=borough.gss_code,
        licence=Licence(
            name=LICENCE_NAME,
            url=LICENCE_URL,
            attribution=f"Contains public sector information licensed under the {LICENCE_NAME}. © {publisher}.",
        ),
    )


async def council_plan_kpis(session: AsyncSession, borough: Scope, code: str | None = None) -> list[OpenKpi]:
    """Every live Council Plan KPI (or the one with ``code``: 404 if it is none) with its approved figures."""
    statement = (
        select(Kpi)
        .where(Kpi.tier == Tier.council_plan, Kpi.archived_at.is_(None))
        .options(joinedload(Kpi.focus_area))
        .order_by(*kpi_service.PLAN_ORDER)
    )
    if code is not None:
        statement = statement.where(Kpi.code == code)
    kpis = (await session.scalars(statement)).all()
    if code is not None and not kpis:
        raise NotFound("Council Plan KPI", code)
    figures = await book.approved_figures(session, borough.id, [kpi.id for kpi in kpis])
    return [_kpi(kpi, figures.get(kpi.id, [])) for kpi in kpis]


def _kpi(kpi: Kpi, figures: list[book.Published]) -> OpenKpi:
    return OpenKpi(
        code=kpi.code,
        title=kpi.title,
        description=kpi.description,
        unit=kpi.unit,
        decimal_places=kpi.decimal_places,
        polarity=kpi.polarity,
        period_type=kpi.period_type,
        focus_area=kpi.focus_area.key if kpi.focus_area else None,
        figures=[_figure(kpi, figure) for figure in figures],
    )


def _figure(kpi: Kpi, figure: book.Published) -> OpenFigure:
    return OpenFigure(
        period=figure.period,
        period_label=parse_period(figure.period).label,
        period_start_date=figure.period_start_date,
        period_end_date=figure.period_end_date,
        value=figure.value,
        display=rating.display(figure.value, kpi),
        numerator=figure.numerator,
        denominator=figure.denominator,
        status_symbol=figure.status_symbol,
        provisional=figure.provisional,
        revision=figure.revision,
        approved_at=figure.approved_at,
    )


def csv_rows(kpis: list[OpenKpi], area_code: str | None) -> list[dict[str, str]]:
    rows = []
    for kpi in kpis:
        for figure in kpi.figures:
            shown = figure.model_dump(mode="json")
            rows.append(
                {
                    **{
                        name: "" if shown.get(name) is None else str(shown[name])
                        for name in CSV_COLUMNS
                        if name in shown
                    },
                    "kpi": kpi.code,
                    "kpi_title": kpi.title,
                    "unit": kpi.unit.value,
                    "provisional": "true" if figure.provisional else "false",
                    "area_code": area_code or "",
                    "licence": LICENCE_URL,
                }
            )
    return rows
