"""Authentication and authorisation as FastAPI dependencies.

Every route under /api/v1 authenticates (router-level dependency `access_control`); safe methods also need the
`read` scope. A route that writes declares the scope it needs with `Depends(require(Scope.x))` (or, where the item
decides, the scopes it may need with `require_one_of`); a test checks that none forgets to.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import service
from api.auth.models import Scope
from api.auth.principal import Actor, Principal
from api.errors import Forbidden, Unauthenticated
from api.settings import get_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Declared so the OpenAPI document and the docs page know the scheme; the header is parsed below, so that a
# missing and a malformed header get different messages.
bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer csk_<id>_<secret>`.")


def address(client: str) -> str:
    """The rate limit's subject for a caller without a key: its address (api/auth/rate_limit.py)."""
    return f"ip:{client}"


async def identify(authorization: str | None, method: str, client: str) -> service.Identity:
    """Who is calling: the key in the Authorization header, or an anonymous reader where that is allowed."""
    settings = get_settings()
    if authorization is None:
        if settings.allow_anonymous_read and method in SAFE_METHODS:
            return await service.anonymous(address(client), settings.rate_limit_per_minute)
        raise Unauthenticated("This endpoint needs an API key: send the header 'Authorization: Bearer <key>'.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("The Authorization header is malformed: use 'Authorization: Bearer <key>'.")
    return await service.authenticate_token(token.strip(), rate_limit=settings.rate_limit_per_minute)


async def authenticate(
    request: Request, _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """The caller, as the access middleware identified it (api/auth/middleware.py); identified here otherwise."""
    identity: service.Identity | None = getattr(request.state, "identity", None)
    if identity is None:
        client = request.client.host if request.client else "unknown"
        identity = await identify(request.headers.get("authorization"), request.method, client)
        request.state.identity = identity
    request.state.principal = identity.principal
    return identity.principal


AuthenticatedPrincipal = Annotated[Principal, Depends(authenticate)]


async def limit_address(request: Request) -> None:
    """For a route that needs no key (outside /api/v1): the caller's address is counted against RATE_LIMIT_PER_MINUTE
    as an anonymous reader's is, in the same count, so a flood of guesses meets the same 429."""
    client = request.client.host if request.client else "unknown"
    await service.count_anonymous(address(client), get_settings().rate_limit_per_minute)


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


# Set in a request's state by a route whose answer depends on the key that asked (its scopes beyond `read`, the
# subscriptions it owns): the read cache (api/auth/middleware.py) never keeps such an answer for another caller.
PER_CALLER = "answer_per_caller"

# Set by a route whose answer states the moment it was made (a pack's `generated_at`, its `known_at` when none was
# asked for; a PDF's or workbook's own creation date): two computations of the same content differ only there, so
# its ETag is weak and made from this basis (the content without those moments) rather than from its bytes, and every
# worker gives the same one for the same content (api/auth/middleware.py).
WEAK_TAG_BASIS = "answer_weak_tag_basis"


def tag_weakly(request: Request, basis: bytes) -> None:
    """The answer's ETag is to be weak, made from ``basis``: what it says, without the moment it was made."""
    setattr(request.state, WEAK_TAG_BASIS, basis)


def decided_by_caller(dependant: Dependant) -> bool:
    """Whether a route depends on require() or require_one_of(), so that its answer is the caller's (PER_CALLER)."""
    return any(
        hasattr(dependency.call, "required_scope")
        or hasattr(dependency.call, "required_scopes")
        or decided_by_caller(dependency)
        for dependency in dependant.dependencies
    )


def _caller(request: Request, principal: Principal) -> Actor:
    setattr(request.state, PER_CALLER, True)
    return Actor(principal, _request_id(request))


def ensure(principal: Principal, scope: Scope) -> None:
    """403 unless the key holds ``scope`` (admin has every scope)."""
    if not principal.has(scope):
        raise Forbidden(f"This key ({principal.name}) lacks the '{scope.value}' scope this request needs.")


def require(scope: Scope) -> Callable[..., Awaitable[Actor]]:
    """A dependency that lets the request through only for a key with ``scope`` (admin has every scope)."""

    async def dependency(request: Request, principal: AuthenticatedPrincipal) -> Actor:
        ensure(principal, scope)
        return _caller(request, principal)

    dependency.required_scope = scope  # type: ignore[attr-defined]
    return dependency


def require_one_of(*scopes: Scope) -> Callable[..., Awaitable[Actor]]:
    """For a route whose item decides which scope a write needs (a commentary: its KPI's `kpi:submit`, or its action's
    or project's write scope): lets through a key with at least one of ``scopes``. The route then calls `ensure` with
    the item's own scope once it has found the item."""

    async def dependency(request: Request, principal: AuthenticatedPrincipal) -> Actor:
        if not any(principal.has(scope) for scope in scopes):
            *first, last = (f"'{scope.value}'" for scope in scopes)
            raise Forbidden(
                f"This key ({principal.name}) lacks the scope this request needs: {', '.join(first)} or {last}, "
                "as the item written decides."
            )
        return _caller(request, principal)

    dependency.required_scopes = scopes  # type: ignore[attr-defined]
    return dependency


async def access_control(request: Request, principal: AuthenticatedPrincipal) -> None:
    """Router-wide: everyone must authenticate; reading needs the read scope."""
    if request.method in SAFE_METHODS and not principal.has(Scope.read):
        raise Forbidden(f"This key ({principal.name}) lacks the 'read' scope.")
