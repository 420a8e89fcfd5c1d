from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response
from sqlalchemy import select

from api import snapshot
from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.bitemporal import AsAt, known_by_now
from api.db import SessionDep
from api.errors import problem_responses
from api.governance import challenge, routing, service
from api.governance import rules as rules_service
from api.governance.models import ExceptionRule, RoutingRule
from api.governance.schemas import (
    ExceptionRead,
    ExceptionRuleRead,
    ExceptionRuleUpdate,
    GovernanceBodyRead,
    Resolution,
    RouteRead,
    RoutingRuleCreate,
    RoutingRuleRead,
    RoutingRuleUpdate,
    UnroutedItem,
)
from api.governance.service import GovernanceBodyQuery
from api.idempotency.service import idempotent
from api.pagination import ChangedQuery, Page, UpdatedSince, page_of
from api.params import KeyPath
from api.routing import domain_router
from api.schemas import Day, Moment, SafeStr
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()


@router.get(
    "/governance-bodies",
    operation_id="governance_bodies_list",
    tags=[Tag.governance_bodies],
    response_model=Page[GovernanceBodyRead],
)
async def list_governance_bodies(
    session: SessionDep, query: Annotated[GovernanceBodyQuery, Query()]
) -> Page[GovernanceBodyRead]:
    """Boards, teams and committees that items report to, with their meeting cadence."""
    rows, total = await service.list_bodies(session, query)
    return page_of(rows, total, query, GovernanceBodyRead)


@router.get(
    "/governance-bodies/{key}",
    operation_id="governance_body_get",
    tags=[Tag.governance_bodies],
    response_model=GovernanceBodyRead,
    responses=problem_responses(404),
)
async def get_governance_body(session: SessionDep, key: KeyPath) -> GovernanceBodyRead:
    """One governance body."""
    return GovernanceBodyRead.model_validate(await service.get_body(session, key))


Governor = Annotated[Actor, Depends(require(Scope.governance_write))]


def route_read(rule: RoutingRule) -> RouteRead:
    return RouteRead(
        body=rule.body.key,
        body_code=rule.body.code,
        body_name=rule.body.name,
        rule=rule.key,
        report=rule.report,
        step=rule.step,
    )


@router.get(
    "/routing-rules", operation_id="routing_rules_list", tags=[Tag.routing_rules], response_model=Page[RoutingRuleRead]
)
async def list_routing_rules(session: SessionDep, query: Annotated[ChangedQuery, Query()]) -> Page[RoutingRuleRead]:
    """The accountability rules: which body each kind of item (optionally tier, focus area, owner) reports to."""
    rules = [
        rule
        for rule in await routing.live_rules(session)
        if query.updated_since is None or rule.updated_at >= query.updated_since
    ]
    window = rules[query.offset : query.offset + query.limit]
    return Page[RoutingRuleRead](
        items=[RoutingRuleRead.model_validate(r) for r in window], page=query.page, limit=query.limit, total=len(rules)
    )


@router.get(
    "/routing-rules/{key}",
    operation_id="routing_rule_get",
    tags=[Tag.routing_rules],
    response_model=RoutingRuleRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_routing_rule(session: SessionDep, key: KeyPath, response: Response) -> RoutingRuleRead:
    """One routing rule; the ETag header is its version."""
    rule = await rules_service.get_rule(session, key)
    set_etag(response, rule.version)
    return RoutingRuleRead.model_validate(rule)


@router.post(
    "/routing-rules",
    operation_id="routing_rule_create",
    tags=[Tag.routing_rules],
    status_code=201,
    response_model=RoutingRuleRead,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_routing_rule(
    session: SessionDep, actor: Governor, data: RoutingRuleCreate, response: Response
) -> RoutingRuleRead:
    """Add a routing rule."""
    rule = await rules_service.create_rule(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/routing-rules/{rule.key}"
    set_etag(response, rule.version)
    return RoutingRuleRead.model_validate(rule)


@router.patch(
    "/routing-rules/{key}",
    operation_id="routing_rule_update",
    tags=[Tag.routing_rules],
    response_model=RoutingRuleRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_routing_rule(
    session: SessionDep,
    actor: Governor,
    key: KeyPath,
    data: RoutingRuleUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> RoutingRuleRead:
    """Change a routing rule: needs If-Match."""
    rule = await rules_service.change_rule(session, key, data, actor=actor, conditions=conditions)
    set_etag(response, rule.version)
    return RoutingRuleRead.model_validate(rule)


@router.delete(
    "/routing-rules/{key}",
    operation_id="routing_rule_archive",
    tags=[Tag.routing_rules],
    response_model=RoutingRuleRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def archive_routing_rule(
    session: SessionDep, actor: Governor, key: KeyPath, response: Response, conditions: PreconditionsDep
) -> RoutingRuleRead:
    """Archive a routing rule (it stops routing; the record stays). Needs If-Match."""
    rule = await rules_service.change_rule(session, key, None, actor=actor, conditions=conditions)
    set_etag(response, rule.version)
    return RoutingRuleRead.model_validate(rule)


@router.get(
    "/routing/resolve",
    operation_id="routing_resolve",
    tags=[Tag.routing_rules],
    response_model=Resolution,
    responses=problem_responses(404),
)
async def resolve_routing(
    session: SessionDep,
    item: Annotated[
        SafeStr,
        Query(max_length=200, description=routing.ITEMS),
    ],
) -> Resolution:
    """Which bodies an item reports to, and which rule sends it to each."""
    facts = await routing.facts_for(session, item)
    found = routing.routes(await routing.live_rules(session), facts)
    return Resolution(item=facts.ref, kind=facts.kind, title=facts.title, routes=[route_read(r) for r in found])


@router.get(
    "/routing/unrouted", operation_id="unrouted_items_list", tags=[Tag.routing_rules], response_model=Page[UnroutedItem]
)
async def list_unrouted(session: SessionDep) -> Page[UnroutedItem]:
    """Live items no rule sends anywhere: gaps in accountability."""
    items = [UnroutedItem(item=f.ref, kind=f.kind, title=f.title) for f in await routing.unrouted(session)]
    return Page[UnroutedItem].whole(items)


@router.get(
    "/exception-rules",
    operation_id="exception_rules_list",
    tags=[Tag.exception_rules],
    response_model=Page[ExceptionRuleRead],
)
async def list_exception_rules(session: SessionDep, updated_since: UpdatedSince = None) -> Page[ExceptionRuleRead]:
    """The performance-challenge rules and their thresholds."""
    statement = select(ExceptionRule).order_by(ExceptionRule.key)
    if updated_since is not None:
        statement = statement.where(ExceptionRule.updated_at >= updated_since)
    rules = (await session.scalars(statement)).all()
    items = [ExceptionRuleRead.model_validate(rule) for rule in rules]
    return Page[ExceptionRuleRead].whole(items)


@router.get(
    "/exception-rules/{key}",
    operation_id="exception_rule_get",
    tags=[Tag.exception_rules],
    response_model=ExceptionRuleRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_exception_rule(session: SessionDep, key: KeyPath, response: Response) -> ExceptionRuleRead:
    """One performance-challenge rule; the ETag header is its version."""
    rule = await rules_service.get_exception_rule(session, key)
    set_etag(response, rule.version)
    return ExceptionRuleRead.model_validate(rule)


@router.patch(
    "/exception-rules/{key}",
    operation_id="exception_rule_update",
    tags=[Tag.exception_rules],
    response_model=ExceptionRuleRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_exception_rule(
    session: SessionDep,
    actor: Governor,
    key: KeyPath,
    data: ExceptionRuleUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> ExceptionRuleRead:
    """Change an exception rule's threshold, description, or switch it off: needs If-Match."""
    rule = await rules_service.change_exception_rule(session, key, data, actor=actor, conditions=conditions)
    set_etag(response, rule.version)
    return ExceptionRuleRead.model_validate(rule)


@router.get(
    "/performance-exceptions",
    operation_id="performance_exceptions_list",
    tags=[Tag.exception_rules],
    response_model=Page[ExceptionRead],
)
async def list_performance_exceptions(
    session: SessionDep,
    as_at: Annotated[
        Day | None, Query(description="Judged as at the end of this day: overdue, latest figures (default today).")
    ] = None,
    known_at: Annotated[
        Moment | None,
        Query(description="From the data as known at this moment (ISO 8601 with an offset; default now)."),
    ] = None,
) -> Page[ExceptionRead]:
    """Performance challenge: every exception the rules raise, and the bodies each is routed to."""
    await snapshot.read_as_one(session)
    inputs = await snapshot.take(session, AsAt(as_at or date.today(), known_by_now(known_at)))
    rules = inputs.routing_rules
    items = [
        ExceptionRead(
            rule=found.rule.key,
            kind=found.rule.kind,
            item=found.item,
            title=found.title,
            reason=found.reason,
            routes=[route_read(r) for r in routing.routes(rules, challenge.facts(found))],
        )
        for found in challenge.evaluate(inputs)
    ]
    return Page[ExceptionRead].whole(items)
