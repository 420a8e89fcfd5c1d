from typing import Annotated

from fastapi import Query, Request

from api.auth.deps import tag_weakly
from api.db import SessionDep
from api.quality import service
from api.quality.schemas import QualityReport
from api.quality.service import QualityQuery
from api.routing import domain_router
from api.tags import Tag

router = domain_router()


@router.get("/data-quality", operation_id="data_quality_get", tags=[Tag.data_quality], response_model=QualityReport)
async def get_data_quality(
    request: Request, session: SessionDep, query: Annotated[QualityQuery, Query()]
) -> QualityReport:
    """Problems in the held strategy: unreadable or implausible dates, placeholders, missing owners and targets."""
    report = await service.build_report(session, query)
    tag_weakly(request, report.model_dump_json(exclude={"generated_at"}).encode())  # the same issues, the same tag
    return report
