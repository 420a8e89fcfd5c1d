"""The application factory: routers, middleware and error handlers, nothing else."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import access_log, compression, docs, openapi
from api.actions.router import router as actions_router
from api.assurance.router import router as assurance_router
from api.audit.router import router as audit_router
from api.auth.checks import key_checks
from api.auth.middleware import AccessMiddleware, coded_reads, validated_reads
from api.auth.notified import Notified
from api.auth.router import router as auth_router
from api.benchmarks.benchmark_router import router as benchmark_router
from api.benchmarks.groups_router import router as comparator_groups_router
from api.benchmarks.router import router as benchmarks_router
from api.body_limit import BodyLimitMiddleware
from api.commentary.router import router as commentary_router
from api.db import dispose_engines
from api.errors import install_problem_handlers
from api.governance.router import router as governance_router
from api.health.router import router as health_router
from api.kpis.figure_lane import FigureLane
from api.kpis.in_year_router import router as kpi_in_year_router
from api.kpis.national_router import router as national_router
from api.kpis.router import router as kpis_router
from api.kpis.submission_router import router as kpi_submissions_router
from api.meetings.router import router as meetings_router
from api.methods import remember_literal_paths
from api.opendata.router import router as open_data_router
from api.owners.router import router as owners_router
from api.packs.router import router as packs_router
from api.packs.share_router import public_router as shared_packs_router
from api.packs.share_router import router as pack_shares_router
from api.problem_types import router as problem_types_router
from api.procedures.router import router as procedures_router
from api.projects.router import router as projects_router
from api.quality.router import router as quality_router
from api.request_id import RequestIdMiddleware
from api.returns.router import router as returns_router
from api.revisions.router import router as revisions_router
from api.routing import API_PREFIX, add_routes
from api.settings import get_settings
from api.signoffs.router import router as signoffs_router
from api.strategy.router import router as strategy_router
from api.strict import MethodsMiddleware, require_strict_routes
from api.tags import openapi_tags
from api.teams.router import router as teams_router
from api.webhooks.router import router as webhooks_router

DESCRIPTION = """
Stockton-on-Tees Borough Council's *Children's Services Strategy for Change and Improvement 2016-18* as live,
accountable data: focus areas, business improvement actions (reported to CSMT), transformation projects (reported to
the Children's Programme Board), owners, governance bodies and KPIs (Council Plan KPIs report to Cabinet and the CYP
Select Committee).

Every request under `/api/v1` needs `Authorization: Bearer <key>`; keys carry scopes (`read`, `kpi:submit`,
`actions:write`, `projects:write`, `governance:write`, `assurance:write`, `approve`, `webhooks:manage`, `admin`)
and may be limited to some KPI codes or owners. Approved Council Plan KPI figures are open data at `/open-data/v1`
(no key needed).
Every error is an RFC 9457 `application/problem+json` body. Lists return `{items, page, limit, total}`.
Periods use URL-safe codes: `2016-07`, `FY2016-17-Q1`, `FY2016-17`, `AY2015-16`, `CY2016`.
"""

DOMAIN_ROUTERS = (
    strategy_router,
    owners_router,
    teams_router,
    governance_router,
    actions_router,
    projects_router,
    revisions_router,
    kpis_router,
    kpi_submissions_router,
    signoffs_router,
    kpi_in_year_router,
    commentary_router,
    returns_router,
    assurance_router,
    national_router,
    comparator_groups_router,
    benchmark_router,
    benchmarks_router,
    quality_router,
    auth_router,
    audit_router,
    packs_router,
    pack_shares_router,
    webhooks_router,
    meetings_router,
    procedures_router,
)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # The ~170,000 objects the app holds once started (modules, routes, schemas) live as long as the process: moved
    # out of the collector's reach, a full collection no longer walks them all in the middle of a request (70-90 ms
    # on the 2-core benchmark machine, landing in two large packs out of three).
    gc.collect()
    gc.freeze()  # (the young collection's threshold is set when the package loads: api/__init__.py)
    settings = get_settings()
    checks = key_checks()
    if settings.listen_url is not None:
        await checks.listen(
            Notified(
                settings.listen_url,
                connect_timeout=settings.db_connect_timeout,
                keepalive=settings.listen_keepalive_seconds,
            )
        )
    yield
    await checks.unlisten()
    await dispose_engines()


def create_app() -> FastAPI:
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper())
    # /readyz asks Alembic for the schema revision on every call; its per-call INFO lines are noise.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    access_log.install()
    app = FastAPI(
        title="Children's Services Strategy API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=openapi_tags(),
        docs_url=None,  # served by api/docs.py, without a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    openapi.install(
        app,
        conditional=lambda: validated_reads(app.routes, API_PREFIX),
        coded=lambda: coded_reads(app.routes, API_PREFIX),
    )
    docs.install(app)
    app.add_middleware(FigureLane, prefix=API_PREFIX)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(AccessMiddleware, prefix=API_PREFIX, cache_entries=settings.read_cache_entries)
    app.add_middleware(MethodsMiddleware)
    app.add_middleware(compression.GzipOutsideApi)
    app.add_middleware(RequestIdMiddleware)
    if settings.cors_origins:  # none by default: browsers on other origins are refused, and no layer is needed
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=[
                "ETag",
                "Location",
                "Retry-After",
                "X-Request-ID",
                "Idempotent-Replayed",
                "Content-Disposition",
            ],
        )
    routers = [health_router, problem_types_router, shared_packs_router, open_data_router, *DOMAIN_ROUTERS]
    require_strict_routes(routers)
    remember_literal_paths(app, add_routes(app, routers))
    return app
