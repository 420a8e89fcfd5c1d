"""What GET /kpis/{code}/benchmark takes and answers (api/benchmarks/benchmark_router.py)."""

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from api.benchmarks.statistics import Gap, Judgement
from api.kpis.models import Polarity, StatusSymbol, Unit
from api.params import PERIOD_LENGTH, SCOPE_KEY_LENGTH
from api.schemas import Number, QueryModel

QUARTILE_BANDING = (
    "quartile = ceil(4 × rank ÷ n), 1 = best: the fewest quarters of the ranked authorities that reach down to the "
    "rank (of 150, ranks 1-37 are the first quartile, 38-75 the second, 76-112 the third, 113-150 the fourth); a "
    "tie takes the quartile of its shared rank; fewer than four ranked figures make no quartiles"
)
GroupKey = Annotated[str, StringConstraints(min_length=1, max_length=80)]


class BenchmarkQuery(QueryModel):
    period: str | None = Field(
        None,
        max_length=PERIOD_LENGTH,
        description="e.g. 2016/17 or FY2016-17; default: the latest period the subject has a numeric figure for.",
    )
    scope: str | None = Field(
        None,
        max_length=SCOPE_KEY_LENGTH,
        description="The local authority benchmarked, by key, GSS code, old LA number or name (default: the borough).",
    )
    group: list[GroupKey] = Field(
        default_factory=list,
        max_length=50,
        description="Only these comparator groups (repeat it: group=region&group=statistical-neighbours-2025); "
        "default: every group.",
    )


class FigureShown(BaseModel):
    """A figure as published: a number, or the symbol printed in its place."""

    value: Number | None = Field(description="Null where the figure is withheld (see status_symbol).")
    status_symbol: StatusSymbol | None = Field(description="c confidential, x not available, z n/a, k, u.")
    display: str | None = Field(description="The value as a report prints it, e.g. '24.6%'.")


class PlaceFigure(FigureShown):
    scope: str = Field(description="Scope key.")
    name: str


class GapRead(BaseModel):
    difference: Number = Field(description="The subject's figure minus England's, as shown.")
    judgement: Judgement = Field(description="better, worse or same by the KPI's polarity; 'not judged' without one.")
    words: str = Field(examples=["0.8 points worse than England"])

    @classmethod
    def of(cls, gap: Gap | None) -> "GapRead | None":
        return cls(difference=gap.difference, judgement=gap.judgement, words=gap.words) if gap else None


class RankRead(BaseModel):
    position: int = Field(description="1 = best by the KPI's polarity; ties share the best rank (1, 2, 2, 4).")
    of: int = Field(description="English local authorities with a numeric figure for the period.")
    quartile: int | None = Field(description=QUARTILE_BANDING + ".")


class GroupFigures(BaseModel):
    key: str
    name: str
    built_in: bool
    member_count: int
    with_figure: int = Field(description="Members with a numeric figure for the period (withheld figures left out).")
    mean: Number | None = Field(description="Of the members' numeric figures, rounded to the KPI's decimal places.")
    median: Number | None = Field(description="Of the members' numeric figures, rounded to the KPI's decimal places.")
    published: PlaceFigure | None = Field(
        description="DfE's own figure for the group as a whole, where it publishes one (England, the region)."
    )


class NeighbourMean(BaseModel):
    model: str = Field(description="The DfE model the neighbours come from: '2021' or '2025'.")
    mean: Number | None = Field(description="Of the neighbours' numeric figures, rounded to the KPI's decimal places.")
    with_figure: int
    member_count: int


class SeriesPoint(BaseModel):
    period: str
    subject: FigureShown | None
    england: FigureShown | None
    neighbours: list[NeighbourMean] = Field(
        description="The subject's statistical neighbours' mean under each DfE model the subject is listed in."
    )


class Subject(BaseModel):
    key: str
    name: str
    gss_code: str | None
    old_la_code: str | None


class BenchmarkRead(BaseModel):
    kpi: str
    title: str
    unit: Unit
    polarity: Polarity
    decimal_places: int
    period: str
    scope: Subject
    figure: FigureShown | None = Field(description="The subject's figure for the period; null when there is none.")
    england: PlaceFigure | None
    gap_to_england: GapRead | None = Field(description="Null unless both figures are numbers.")
    rank: RankRead | None = Field(
        description="Among every English local authority with a numeric figure; null for a withheld figure or a KPI "
        "without polarity."
    )
    groups: list[GroupFigures]
    series: list[SeriesPoint] = Field(
        description="Every period with a figure for the subject, England or a neighbour, oldest first."
    )
