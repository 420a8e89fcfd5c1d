"""/kpis/{code}/benchmark: a KPI's figure against England, the region, statistical neighbours, every English local
authority and the council's own comparator groups (api/benchmarks/benchmark.py)."""

from typing import Annotated

from fastapi import Query

from api.benchmarks import benchmark
from api.benchmarks.benchmark_schemas import QUARTILE_BANDING, BenchmarkQuery, BenchmarkRead
from api.db import SessionDep
from api.errors import problem_responses
from api.params import CodePath
from api.routing import domain_router
from api.tags import Tag

router = domain_router()


@router.get(
    "/kpis/{code}/benchmark",
    operation_id="kpi_benchmark_get",
    tags=[Tag.benchmarks],
    response_model=BenchmarkRead,
    responses=problem_responses(404),
    description=(
        "A local authority's figure (the borough unless `scope` names another) for a period (default: its latest "
        "numeric one) against England's, with the gap in words by the KPI's polarity (better, worse, same; 'not "
        "judged' without polarity); its rank among every English local authority with a numeric figure (1 = best, "
        f"ties share the best rank) and quartile ({QUARTILE_BANDING}); each comparator group's mean and median of "
        "its members' numeric figures (withheld figures left out) with DfE's published figure where the group has "
        "one; and the series over every period of its own, England's and its statistical neighbours' mean under "
        "each DfE model. The latest revision of every figure."
    ),
)
async def get_kpi_benchmark(
    session: SessionDep, code: CodePath, query: Annotated[BenchmarkQuery, Query()]
) -> BenchmarkRead:
    """A KPI benchmarked against England, the region, statistical neighbours and every local authority."""
    return await benchmark.benchmark(session, code, query)
