from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.db import SessionDep
from api.errors import problem_responses
from api.pagination import Page, page_of
from api.projects import service
from api.projects.schemas import ProjectRead
from api.projects.service import ProjectQuery

router = APIRouter(tags=["transformation projects"])


@router.get("/projects", response_model=Page[ProjectRead])
async def list_projects(session: SessionDep, query: Annotated[ProjectQuery, Query()]) -> Page[ProjectRead]:
    """Major change and transformation projects (reported to the Children's Programme Board)."""
    rows, total = await service.list_projects(session, query)
    return page_of(rows, total, query, ProjectRead)


@router.get("/projects/{key}", response_model=ProjectRead, responses=problem_responses(404))
async def get_project(session: SessionDep, key: Annotated[str, Path(max_length=80)]) -> ProjectRead:
    """One transformation project."""
    return ProjectRead.model_validate(await service.get_project(session, key))
