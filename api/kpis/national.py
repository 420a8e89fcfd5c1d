"""National indicator definitions: DfE's LAIT data dictionary (seed/national/lait_data_dictionary.csv) read as KPI
definitions, and a council adopting one as a KPI of its own in one step.

The dictionary's Measure_code is not a key: 412 of its 448 rows have one, but only 150 distinct codes, and 68 of
those are shared by a table of measures (361 names 30 Key Stage 4 breakdowns). So every row is offered under a key
of its own, made from its short name (`Measure_short`, else `Measure`) as a slug, numbered where two rows share one;
an adopted KPI keeps DfE's code in national_code and the row's key in national_indicator (unique: an indicator is
adopted once)."""

import csv
import re
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
    key: str
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


def slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "measure"


def definition(row: dict[str, str], key: str) -> Definition:
    """One dictionary row as a KPI definition (a year type other than the three the service knows: financial)."""
    unit, places = unit_of(row["y_axis_name"])
    code = row["Measure_code"].strip()
    return Definition(
        key=key,
        national_code=None if code in NO_CODE else code[:20],
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
    """Every row of a LAIT data dictionary file, in its order, each under a key of its own (the second of two rows
    with the same short name gets -2, and so on)."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    seen: dict[str, int] = {}
    found = []
    for row in rows:
        base = slug(row["Measure_short"].strip() or row["Measure"])
        seen[base] = seen.get(base, 0) + 1
        found.append(definition(row, base if seen[base] == 1 else f"{base}-{seen[base]}"))
    return found


@cache
def catalogue() -> dict[str, Definition]:
    """The national indicators a KPI can adopt, by key: read once, from the configured seed directory."""
    return {row.key: row for row in read_dictionary(get_settings().seed_path / DICTIONARY)}


def get_definition(key: str) -> Definition:
    found = catalogue().get(key)
    if found is None:
        raise NotFound("national indicator", key)
    return found


async def adopted(session: AsyncSession, keys: list[str]) -> dict[str, str]:
    """The KPI (its code) that adopted each of these national indicators, where one has."""
    rows = await session.execute(select(Kpi.national_indicator, Kpi.code).where(Kpi.national_indicator.in_(keys)))
    return {key: code for key, code in rows if key is not None}


async def as_read(session: AsyncSession, rows: list[Definition]) -> list[dict[str, Any]]:
    adoptions = await adopted(session, [row.key for row in rows])
    return [asdict(row) | {"adopted_as": adoptions.get(row.key)} for row in rows]


def search(query: NationalIndicatorQuery) -> list[Definition]:
    """The catalogue filtered by topic (exact, any case) and text in the measure or title, in the dictionary's
    order."""
    topic, text = (query.topic or "").casefold(), (query.q or "").casefold()
    return [
        row
        for row in catalogue().values()
        if (not topic or row.topic.casefold() == topic)
        and (not text or text in row.measure.casefold() or text in row.title.casefold())
    ]


async def adopt(session: AsyncSession, key: str, data: NationalAdoption, *, actor: Actor) -> Kpi:
    """Define a KPI from a national indicator, as POST /kpis would (audited the same way)."""
    found = get_definition(key)
    already = await adopted(session, [key])
    if already:
        raise Conflict(f"National indicator '{key}' is already adopted as KPI '{already[key]}'.")
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
        national_code=found.national_code,
    )
    return await definitions.create_kpi(session, kpi, actor=actor, national_indicator=key)
