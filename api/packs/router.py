from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic_core import to_json

from api.auth.deps import require, tag_weakly
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.governance.models import IssuedPack
from api.idempotency.service import idempotent
from api.openapi import sends
from api.packs import issued as issued_service
from api.packs import render, service
from api.packs.schemas import IssuedPackRead, Pack, PackIssue
from api.pagination import Page, UpdatedSince
from api.params import IdPath
from api.routing import domain_router
from api.schemas import Day, Moment, SafeStr
from api.snapshot import read_as_one
from api.spreadsheets import csv_response
from api.tags import Tag

router = domain_router()
BodyKey = Annotated[
    SafeStr, Path(max_length=80, description="Governance body key (csmt, childrens-programme-board) or code (CSMT).")
]
BINARY = {"schema": {"type": "string", "format": "binary"}}
# One response, five media types: `format` chooses (the JSON's schema comes from the route's response_model).
PACK_MEDIA_TYPES = {
    "application/json": {},
    "text/csv": {"schema": {"type": "string"}},
    "text/html": {"schema": {"type": "string"}},
    render.PDF_MEDIA_TYPE: BINARY,
    render.XLSX_MEDIA_TYPE: BINARY,
}
FORMAT_WORDS = (
    "CSV (format=csv: UTF-8 with a byte-order mark, for Excel), printable HTML (format=html), a PDF (format=pdf: A4, "
    "for a meeting's papers) or an Excel workbook (format=xlsx: a sheet for each section, figures as numbers)"
)
FORMATS = sends(
    200,
    sometimes=("Content-Disposition",),
    description=f"The pack as JSON, {FORMAT_WORDS}.",
    content=PACK_MEDIA_TYPES,
)


class PackFormat(StrEnum):
    json = "json"
    csv = "csv"
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"


def _answer(
    wanted: PackFormat,
    filename: str,
    *,
    html: Callable[[], str],
    csv: Callable[[], str],
    document: Callable[[PackFormat], bytes],
    json: Callable[[], str | bytes],
) -> Response:
    """A pack in the format asked for; only that format is made or read."""
    if wanted is PackFormat.html:
        return HTMLResponse(html())
    if wanted is PackFormat.csv:
        return csv_response(csv(), filename)
    if wanted in (PackFormat.pdf, PackFormat.xlsx):
        media_type = render.PDF_MEDIA_TYPE if wanted is PackFormat.pdf else render.XLSX_MEDIA_TYPE
        headers = {"Content-Disposition": f'attachment; filename="{filename}.{wanted.value}"'}
        return Response(document(wanted), media_type=media_type, headers=headers)
    return Response(json(), media_type="application/json")


async def _respond(pack: Pack, wanted: PackFormat, filename: str, data: bytes) -> Response:
    """A pack made now (``data``: its JSON, made once for the ETag's basis too). A PDF or workbook is drawn in a
    worker thread: reportlab and openpyxl are pure Python and take a large pack hundreds of milliseconds, which on the
    event loop would hold up every other request."""
    document = b""
    if wanted in (PackFormat.pdf, PackFormat.xlsx):
        document = await run_in_threadpool(render.render_document, pack, wanted.value)
    return _answer(
        wanted,
        filename,
        html=lambda: render.render_html(pack),
        csv=lambda: render.render_csv(pack),
        document=lambda _format: document,
        json=lambda: data,
    )


def stored_response(issued: IssuedPack, wanted: PackFormat) -> Response:
    """An issued pack in one of its formats exactly as stored when it was issued. Nothing is validated against
    today's Pack model: a pack issued before the model changed (a field added since) is served as it was issued."""
    return _answer(
        wanted,
        f"pack-{issued.id}-v{issued.version}",
        html=lambda: issued.html,
        csv=lambda: issued.csv,
        document=lambda format: issued_service.stored_document(issued, format.value),
        json=lambda: to_json(issued.content),  # pydantic's encoder, as the pack was first served with
    )


@router.get(
    "/bodies/{key}/pack",
    operation_id="body_pack_get",
    tags=[Tag.packs],
    response_model=Pack,
    responses=FORMATS | problem_responses(404),
)
@router.get(
    "/governance-bodies/{key}/pack",
    operation_id="pack_get",
    tags=[Tag.packs],
    response_model=Pack,
    responses=FORMATS | problem_responses(404),
)
async def get_pack(
    request: Request,
    session: SessionDep,
    key: BodyKey,
    period: Annotated[SafeStr | None, Query(max_length=20, description="e.g. 2016/17; default: latest.")] = None,
    as_at: Annotated[
        Day | None,
        Query(description="The date it reports as at (default: the period's end, or today if earlier)."),
    ] = None,
    known_at: Annotated[
        Moment | None,
        Query(description="The data as known at this moment (ISO 8601 with an offset; default now)."),
    ] = None,
    format: Annotated[
        PackFormat, Query(description="json, csv, html (printable), pdf (A4) or xlsx (an Excel workbook).")
    ] = PackFormat.json,
) -> Response:
    """What the body should see, built from the routing rules: actions, KPIs, exceptions, projects, savings."""
    await read_as_one(session)
    body = await service.body_by_key(session, key)
    pack = await service.build_pack(session, body, period, as_at, known_at)
    # The moment it was made, and "now" when no known_at was asked for, are left out of its ETag (a weak one), so the
    # same content has the same tag on every worker; what it says in each format is what the JSON says.
    moments = ("generated_at",) if known_at else ("generated_at", "known_at")
    data = _json(pack)
    tag_weakly(request, format.value.encode() + b"\n" + _without(data, pack, moments))
    return await _respond(pack, format, f"{key}-{pack.as_at}", data)


def _json(pack: Pack) -> bytes:
    """Serialised straight to JSON (pydantic's encoder) rather than through a tree of dicts and the json module: the
    same bytes, except that very small fractions are written out (0.000012, not 1.2e-05)."""
    return pack.__pydantic_serializer__.to_json(pack)


def _without(data: bytes, pack: Pack, fields: Iterable[str]) -> bytes:
    """The pack's JSON with these top-level fields taken out, name and value: the large council's pack is 1.35 MB,
    and this costs a copy of it where serialising it again without them took 7 ms. Each comes before every list in
    the pack (Pack's field order), so its first occurrence is its own."""
    for name in fields:
        pair = pack.__pydantic_serializer__.to_json(pack, include={name})[1:-1]  # '"generated_at":"2016-..."'
        assert pair.startswith(f'"{name}":'.encode())
        data = data.replace(pair, b"", 1)
    return data


@router.post(
    "/governance-bodies/{key}/packs",
    operation_id="pack_issue",
    tags=[Tag.packs],
    status_code=status.HTTP_201_CREATED,
    response_model=IssuedPackRead,
    responses={**sends(201, "Location"), **problem_responses(404)},
)
@idempotent()
async def issue_pack(
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Scope.governance_write))],
    key: BodyKey,
    data: PackIssue,
    response: Response,
) -> IssuedPackRead:
    """Issue the pack for a meeting: stored exactly as presented; issuing again for the meeting adds a version."""
    body = await service.body_by_key(session, key)
    issued = await issued_service.issue(session, body, data, actor=actor)
    response.headers["Location"] = f"/api/v1/packs/{issued.id}"
    return issued_service.read(issued, key)


@router.get(
    "/governance-bodies/{key}/packs",
    operation_id="issued_packs_list",
    tags=[Tag.packs],
    response_model=Page[IssuedPackRead],
    responses=problem_responses(404),
)
async def list_issued_packs(
    session: SessionDep, key: BodyKey, updated_since: UpdatedSince = None
) -> Page[IssuedPackRead]:
    """The packs issued to a body, newest meeting first (updated_since: issued since; issued packs never change)."""
    body = await service.body_by_key(session, key)
    items = [issued_service.read(p, key) for p in await issued_service.list_issued(session, body, updated_since)]
    return Page[IssuedPackRead].whole(items)


@router.get(
    "/packs/{pack_id}",
    operation_id="issued_pack_get",
    tags=[Tag.packs],
    response_model=Pack,
    responses=FORMATS | problem_responses(404),
)
async def get_issued_pack(
    session: SessionDep,
    pack_id: IdPath,
    format: Annotated[
        PackFormat,
        Query(
            description="json, csv, html, pdf or xlsx, exactly as issued (pdf and xlsx: packs issued since those "
            "formats were offered)."
        ),
    ] = PackFormat.json,
) -> Response:
    """An issued pack, exactly as it was presented (a pack issued before a change to the Pack schema keeps the
    shape it was issued with)."""
    return stored_response(await issued_service.get_issued(session, pack_id), format)
