"""How routes reach the app: every domain router's routes built complete (prefix, access control, the problems every
route can answer) and appended to the app's own route list, so that finding a route is one regular expression per
route and no more.

FastAPI 0.137 and later keep an included router (`app.include_router`) as a node that is searched on every request,
twice for the router that matches, at some 15 microseconds per route of this 2-core machine; a route 70 routes in (a
KPI figure's PUT) paid over a millisecond to be found, and a 404 two. A router that carries the prefix and the
dependencies itself gives each route its full path and dependencies when the route is declared (as
`APIRouter.add_api_route` always has), so the routes can join the app's list as they are.
"""

from collections.abc import Iterable

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute

from api.auth.deps import access_control
from api.errors import problem_responses
from api.strict import StrictRoute

API_PREFIX = "/api/v1"


def unnamed(route: APIRoute) -> str:
    """Every route names its operation (`operation_id="kpi_value_put"`, see README's API overview): FastAPI asks
    this for a route that does not, and the app fails to start rather than serve a name made up from the path."""
    raise TypeError(f"{', '.join(sorted(route.methods or ()))} {route.path}: give the route an operation_id")


def domain_router() -> APIRouter:
    """A router for one part of the API under /api/v1: every route authenticates (and reading needs the read scope),
    refuses unknown query parameters, and documents the problems any route can answer. Each route names its
    operation and its tag (api/tags.py)."""
    return APIRouter(
        prefix=API_PREFIX,
        route_class=StrictRoute,
        dependencies=[Depends(access_control)],
        responses=problem_responses(400, 401, 403, 422, 429, 500, 503),
        generate_unique_id_function=unnamed,
    )


def add_routes(app: FastAPI, routers: Iterable[APIRouter]) -> list[APIRoute]:
    """Append every route of these routers to the app's own list (see the module's docstring); returns them."""
    added = [route for router in routers for route in router.routes if isinstance(route, APIRoute)]
    app.router.routes.extend(added)
    return added
