from datetime import date, datetime

from pydantic import BaseModel, Field

from api.kpis.models import Polarity, StatusSymbol, Unit
from api.periods import PeriodType
from api.schemas import Number

LICENCE_NAME = "Open Government Licence v3.0"
PREFIX = "/open-data/v1"  # outside /api/v1: answered without a key
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class Licence(BaseModel):
    name: str = Field(examples=[LICENCE_NAME])
    url: str = Field(examples=[LICENCE_URL])
    attribution: str = Field(
        description="What a re-user must say: the attribution statement the licence asks for, naming the council."
    )


class OpenFigure(BaseModel):
    """A figure as approved for publication: the period's latest approved revision."""

    period: str = Field(examples=["FY2016-17"])
    period_label: str = Field(examples=["2016/17"])
    period_start_date: date
    period_end_date: date
    value: Number | None
    display: str | None = Field(description="As the council's reports print it, e.g. '9%'.")
    numerator: Number | None
    denominator: Number | None
    status_symbol: StatusSymbol | None = Field(description="c = confidential, x = not available, z = n/a.")
    provisional: bool
    revision: int = Field(description="Corrections add revisions; a correction is published once approved.")
    approved_at: datetime


class OpenKpi(BaseModel):
    code: str
    title: str
    description: str | None
    unit: Unit
    decimal_places: int
    polarity: Polarity
    period_type: PeriodType
    focus_area: str | None
    figures: list[OpenFigure] = Field(description="Approved figures for the borough, oldest period first.")


class Publication(BaseModel):
    publisher: str = Field(examples=["Stockton-on-Tees Borough Council"])
    area: str = Field(description="Where the figures are about: the borough.", examples=["Stockton-on-Tees"])
    area_code: str | None = Field(description="The area's GSS code.", examples=["E06000004"])
    licence: Licence


class OpenKpis(Publication):
    """The Council Plan KPIs for children's services with their approved figures."""

    kpis: list[OpenKpi]


class OpenKpiOne(Publication):
    kpi: OpenKpi
