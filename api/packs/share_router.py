"""Share links to an issued pack: made, listed and revoked under /api/v1/packs/{pack_id}/shares, and opened at
/shared-packs/{token} with no API key. That path is outside /api/v1, so the access middleware asks for no key; each
address is counted against the rate limit there as anonymous readers are."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from api.auth.deps import limit_address, require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.openapi import CODED, HEADERS, sends
from api.packs import issued as issued_service
from api.packs import shares
from api.packs.router import FORMAT_WORDS, PACK_MEDIA_TYPES, PackFormat, stored_response
from api.packs.schemas import Pack, PackShareCreate, PackShareCreated, PackShareRead
from api.pagination import Page, UpdatedSince
from api.params import IdPath
from api.routing import domain_router, unnamed
from api.schemas import Id
from api.strict import StrictRoute
from api.tags import Tag

router = domain_router()
public_router = APIRouter(
    route_class=StrictRoute, responses=problem_responses(500), generate_unique_id_function=unnamed
)

Writer = Annotated[Actor, Depends(require(Scope.governance_write))]
ShareIdPath = Annotated[Id, Path(description="The share link's numeric id.")]
TokenPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The link's token, as the link gives it.",
    ),
]
NO_STORE = sends(200, "Cache-Control")
# A dead link's 404 carries the page's headers too (api/packs/shares.py).
GONE = problem_responses(404)
GONE[404]["headers"] |= {name: HEADERS[name] for name in shares.PRIVATE}

SHARED_FORMATS = sends(
    200,
    *shares.PRIVATE,
    sometimes=("Content-Disposition",),
    description=f"The pack exactly as issued: printable HTML (the default), JSON (format=json), {FORMAT_WORDS}.",
    content=PACK_MEDIA_TYPES,
)
SHARED_FORMATS[200]["headers"] |= CODED  # gzipped for a browser that asks (api/compression.py)


@router.post(
    "/packs/{pack_id}/shares",
    operation_id="pack_share_create",
    tags=[Tag.pack_shares],
    status_code=status.HTTP_201_CREATED,
    response_model=PackShareCreated,
    responses={**sends(201, "Location"), **problem_responses(404)},
)
@idempotent(redact=("token", "url"))
async def create_share(
    session: SessionDep, actor: Writer, pack_id: IdPath, data: PackShareCreate, response: Response
) -> PackShareCreated:
    """Make a link to this issued pack that opens without a key until it expires (30 days unless said, a year at
    most) or is revoked. The token is in this response only: send the link now."""
    issued = await issued_service.get_issued(session, pack_id)
    share, token = await shares.create(session, issued, data, actor=actor)
    response.headers["Location"] = f"/api/v1/packs/{pack_id}/shares/{share.id}"
    return PackShareCreated(**shares.read(share).model_dump(), url=shares.public_path(token), token=token)


@router.get(
    "/packs/{pack_id}/shares",
    operation_id="pack_shares_list",
    tags=[Tag.pack_shares],
    response_model=Page[PackShareRead],
    responses=NO_STORE | problem_responses(404),
)
async def list_shares(
    session: SessionDep, pack_id: IdPath, response: Response, updated_since: UpdatedSince = None
) -> Page[PackShareRead]:
    """The links to this issued pack, newest first, with how often each was opened (never their tokens);
    updated_since: made, revoked or opened since."""
    issued = await issued_service.get_issued(session, pack_id)
    items = [shares.read(share) for share in await shares.list_shares(session, issued, updated_since)]
    # Views change without the data's version moving, so no cache (the read cache included) may keep this.
    response.headers["Cache-Control"] = "no-store"
    return Page[PackShareRead].whole(items)


@router.get(
    "/packs/{pack_id}/shares/{share_id}",
    operation_id="pack_share_get",
    tags=[Tag.pack_shares],
    response_model=PackShareRead,
    responses=NO_STORE | problem_responses(404),
)
async def get_share(session: SessionDep, pack_id: IdPath, share_id: ShareIdPath, response: Response) -> PackShareRead:
    """One link to this issued pack, with how often it was opened (never its token)."""
    issued = await issued_service.get_issued(session, pack_id)
    share = await shares.get_share(session, issued, share_id)
    response.headers["Cache-Control"] = "no-store"
    return shares.read(share)


@router.delete(
    "/packs/{pack_id}/shares/{share_id}",
    operation_id="pack_share_delete",
    tags=[Tag.pack_shares],
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(404),
)
async def revoke_share(session: SessionDep, actor: Writer, pack_id: IdPath, share_id: ShareIdPath) -> Response:
    """Revoke a link at once: it answers 404 from now on. Revoking twice changes nothing; the record stays, with
    its views."""
    issued = await issued_service.get_issued(session, pack_id)
    await shares.revoke(session, await shares.get_share(session, issued, share_id), actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@public_router.get(
    shares.PUBLIC_PATH + "/{token}",
    operation_id="shared_pack_get",
    tags=[Tag.pack_shares],
    response_model=Pack,
    responses=SHARED_FORMATS | GONE | problem_responses(422, 429, 503),
    dependencies=[Depends(limit_address)],
)
async def get_shared_pack(
    session: SessionDep,
    token: TokenPath,
    format: Annotated[
        PackFormat, Query(description="html (printable), json, csv, pdf or xlsx, exactly as issued.")
    ] = PackFormat.html,
) -> Response:
    """An issued pack through a share link, no API key needed: exactly as issued, whatever was issued after it. An
    unknown, expired or revoked link is the same 404."""
    response = stored_response(await shares.open_shared(session, token), format)
    response.headers.update(shares.PRIVATE)
    return response  # gzipped for a browser that asks (api/compression.py GzipOutsideApi)
