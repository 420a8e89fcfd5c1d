"""National indicator definitions: DfE's LAIT data dictionary (seed/national/lait_data_dictionary.csv) read as KPI
definitions, and a council adopting one as a KPI of its own in one step.

The dictionary's Measure_code is not a key: 412 of its 448 rows have one, but only 150 distinct codes, and 68 of
those are shared by a table of measures (361 names 30 Key Stage 4 breakdowns). A KPI's national_code names one
measure, so the catalogue offers the 82 codes that name exactly one measure."""

import csv
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Actor
from api.errors import Conflict, NotFound
from api.kpis import definitions
from api.kpis.models import Kpi, Polarity, Unit
from api.kpis.schemas import KpiCreate, NationalAdoption, NationalIndicatorQuery
from api.periods import PeriodType
from api.settings import get_settings

DICTIONARY = Path("national") / "lait_data_dictionary.csv"
PERIOD_TYPES = {
    "Academic Year": PeriodType.academic_year,
    "Financial Year": PeriodType.financial_year,
    "Calendar Year": PeriodType.calendar_year,
}
POLARITIES = {"High": Polarity.higher_better, "Low": Polarity.lower_better}
NO_CODE = ("", "NA")


@dataclass(frozen=True)
class Definition:
    national_code: str | None
    topic: str
    title: str
    measure: str
    measure_short: str
    polarity: Polarity
    unit: Unit
    decimal_places: int
    period_type: PeriodType
    description: str | None
    source: str | None


def unit_of(axis: str) -> tuple[Unit, int]:
    """The unit a chart's y-axis name implies, and the decimal places to use when the dictionary gives none."""
    axis = axis.lower()
    if "%" in axis or "percent" in axis:
        return Unit.percent, 1
    if "spend" in axis or "£" in axis:
        return Unit.currency, 0
    if "number" in axis or "count" in axis:
        return Unit.count, 0
    return Unit.rate, 1


def definition(row: dict[str, str]) -> Definition:
    """One dictionary row as a KPI definition (a year type other than the three the service knows: financial)."""
    unit, places = unit_of(row["y_axis_name"])
    code = row["Measure_code"].strip()
    return Definition(
        national_code=None if code in NO_CODE else code,
        topic=row["Topic"].strip(),
        title=(row["Chart_title"] or row["Measure"]).strip()[:1000],
        measure=row["Measure"].strip(),
        measure_short=row["Measure_short"].strip(),
        polarity=POLARITIES.get(row["Polarity"].strip(), Polarity.none),
        unit=unit,
        decimal_places=int(row["dps"]) if row["dps"].strip().isdigit() else places,
        period_type=PERIOD_TYPES.get(row["Year_Type"].strip(), PeriodType.financial_year),
        description=row["Description"].strip()[:4000] or None,
        source=row["Data Owner (DO) /Supplier and Contact Details"].strip() or None,
    )


def read_dictionary(path: Path) -> list[Definition]:
    """Every row of a LAIT data dictionary file, in its order."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        return [definition(row) for row in csv.DictReader(file)]


@cache
def catalogue() -> dict[str, Definition]:
    """The national indicators a KPI can adopt, by code: read once, from the configured seed directory."""
    rows = read_dictionary(get_settings().seed_path / DICTIONARY)
    named: dict[str, list[Definition]] = {}
    for row in rows:
        if row.national_code is not None:
            named.setdefault(row.national_code, []).append(row)
    return {code: found[0] for code, found in named.items() if len(found) == 1}


def get_definition(national_code: str) -> Definition:
    found = catalogue().get(national_code)
    if found is None:
        raise NotFound("national indicator", national_code)
    return found


async def adopted(session: AsyncSession, national_codes: list[str]) -> dict[str, str]:
    """The KPI (its code) that adopted each of these national indicators, where one has."""
    rows = await session.execute(
        select(Kpi.national_code, Kpi.code).where(Kpi.national_code.in_(national_codes)).order_by(Kpi.code.desc())
    )
    return {national: code for national, code in rows if national is not None}


async def as_read(session: AsyncSession, rows: list[Definition]) -> list[dict[str, Any]]:
    adoptions = await adopted(session, [row.national_code for row in rows if row.national_code is not None])
    return [asdict(row) | {"adopted_as": adoptions.get(row.national_code or "")} for row in rows]


def search(query: NationalIndicatorQuery) -> list[Definition]:
    """The catalogue filtered by topic (exact, any case) and text in the measure or title, in code order."""
    topic, text = (query.topic or "").casefold(), (query.q or "").casefold()
    return [
        row
        for row in sorted(catalogue().values(), key=lambda row: (len(row.national_code or ""), row.national_code))
        if (not topic or row.topic.casefold() == topic)
        and (not text or text in row.measure.casefold() or text in row.title.casefold())
    ]


async def adopt(session: AsyncSession, national_code: str, data: NationalAdoption, *, actor: Actor) -> Kpi:
    """Define a KPI from a national indicator, as POST /kpis would (audited the same way)."""
    found = get_definition(national_code)
    already = await adopted(session, [national_code])
    if already:
        raise Conflict(f"National indicator {national_code} is already adopted as KPI '{already[national_code]}'.")
    kpi = KpiCreate(
        code=data.code,
        title=data.title or found.title,
        description=found.description,
        tier=data.tier,
        unit=found.unit,
        decimal_places=found.decimal_places if data.decimal_places is None else data.decimal_places,
        polarity=found.polarity,
        period_type=found.period_type,
        focus_area=data.focus_area,
        national_code=national_code,
    )
    return await definitions.create_kpi(session, kpi, actor=actor)
