"""Real DfE figures as KPI submission batches, for the tests of POST /kpi-submissions."""

from typing import Any

from sqlalchemy import func, select

from api import db
from api.kpis.models import KpiValue
from tests import dfe

KPI = "cp-second-plans"


def dfe_rows() -> list[dict[str, Any]]:
    """Every Stockton-on-Tees and England figure DfE publishes for repeat child protection plans.

    DfE rounds national counts to the nearest 10 but computes the percentage from the exact counts, so England's
    rows carry only the percentage (see test_rounded_national_counts_do_not_match_their_percentage).
    """
    rows = []
    for figure in dfe.repeat_child_protection_plans():
        local = figure.gss_code == dfe.STOCKTON_GSS
        row = {
            "kpi": KPI,
            "period": figure.period,
            "scope": "stockton-on-tees" if local else "england",
            "value": str(figure.percent),
        }
        if local:
            row |= {"numerator": str(figure.numerator), "denominator": str(figure.denominator)}
        rows.append(row)
    return rows


def as_csv(rows: list[dict[str, Any]]) -> str:
    columns = ["kpi", "period", "scope", "value", "numerator", "denominator", "status_symbol", "provisional", "note"]
    lines = [",".join(columns)] + [",".join(str(row.get(c, "")) for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


async def stored_values() -> int:
    async with db.get_sessionmaker()() as session:
        return int(await session.scalar(select(func.count()).select_from(KpiValue)) or 0)
