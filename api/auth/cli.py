"""`python -m api keys ...`: mint, list and revoke API keys from the command line."""

import asyncio
import getpass
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.auth import service
from api.auth.models import ApiKey, Scope
from api.auth.notified import listening
from api.auth.principal import system_actor
from api.auth.schemas import ApiKeyCreate, ApiKeyRead
from api.auth.service import ApiKeyQuery
from api.db import get_sessionmaker
from api.errors import AppError
from api.settings import get_settings

cli = typer.Typer(help="Mint, list and revoke API keys.", no_args_is_help=True, pretty_exceptions_show_locals=False)
console = Console()
LOCAL_ADMIN_NAME = "local admin (make run)"
LOCAL_READER_NAME = "dashboard (make run)"


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


async def _create(data: ApiKeyCreate) -> tuple[ApiKey, str]:
    async with get_sessionmaker()() as session, session.begin():
        return await service.create_key(session, data, actor=system_actor(_actor()))


@cli.command("create")
def create(
    name: Annotated[str, typer.Option(help="Who or what the key is for.")],
    scope: Annotated[list[Scope], typer.Option(help="A scope; repeat for several.")],
    kpi: Annotated[list[str] | None, typer.Option(help="Limit KPI submissions to this code; repeatable.")] = None,
    owner: Annotated[list[str] | None, typer.Option(help="Limit writes to this owner's items; repeatable.")] = None,
    expires: Annotated[datetime | None, typer.Option(help="Expiry, ISO 8601 (UTC if no offset).")] = None,
    note: Annotated[str | None, typer.Option(help="Free text for administrators.")] = None,
) -> None:
    """Mint a key and print its token once."""
    if expires is not None and expires.tzinfo is None:
        expires = expires.astimezone()
    try:
        data = ApiKeyCreate(name=name, scopes=scope, kpi_codes=kpi, owner_codes=owner, expires_at=expires, note=note)
        key, token = asyncio.run(_create(data))
    except (AppError, ValueError) as error:
        console.print(f"[red]not created[/]: {error}")
        raise typer.Exit(1) from error
    console.print(f"created key {key.key_id} ({key.name}) with scopes {', '.join(key.scopes)}")
    console.print("token (shown once, store it now):")
    print(token)


async def _list() -> list[ApiKeyRead]:
    async with get_sessionmaker()() as session:
        return [await service.describe(session, key) for key in await service.list_keys(session, ApiKeyQuery())]


@cli.command("list")
def list_keys() -> None:
    """Every key, without secrets."""
    table = Table("id", "name", "scopes", "limited to", "expires", "revoked", "last used")
    for key in asyncio.run(_list()):
        limits = [f"KPIs {', '.join(key.kpi_codes)}"] if key.kpi_codes is not None else []
        limits += [f"owners {', '.join(key.owner_codes)}"] if key.owner_codes is not None else []
        table.add_row(
            key.id,
            key.name,
            " ".join(key.scopes),
            "; ".join(limits) or "-",
            f"{key.expires_at:%Y-%m-%d}" if key.expires_at else "-",
            f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "-",
            f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "-",
        )
    console.print(table)


async def _revoke(key_id: str) -> None:
    async with get_sessionmaker()() as session, session.begin():
        await service.revoke_key(session, key_id, actor=system_actor(_actor()))
    if (url := get_settings().listen_url) is not None:  # as the API's writes are: every worker has seen it
        async with listening(url) as notified:
            await notified.fence()


@cli.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's public id, e.g. k3f9a2b1c0.")]) -> None:
    """Revoke a key at once."""
    try:
        asyncio.run(_revoke(key_id))
    except AppError as error:
        console.print(f"[red]not revoked[/]: {error.detail}")
        raise typer.Exit(1) from error
    console.print(f"revoked {key_id}")


async def _still_valid(token: str, scope: Scope) -> bool:
    try:
        identity = await service.authenticate_token(token, rate_limit=0)
    except AppError:
        return False
    return scope in identity.principal.scopes


async def _local_key(path: Path, name: str, scope: Scope) -> str:
    """The token kept in ``path`` while it still works and has ``scope``; else a new one, kept there privately."""
    token = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    if not token or not await _still_valid(token, scope):
        data = ApiKeyCreate(name=name, scopes=[scope], note="minted by make run for local use")
        _key, token = await _create(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        os.chmod(path, 0o600)
        path.write_text(token + "\n", encoding="utf-8")
    return token


@cli.command("local-admin")
def local_admin(
    path: Annotated[Path | None, typer.Option(help="Where to keep the key (default: ADMIN_KEY_FILE).")] = None,
) -> None:
    """Make sure this machine has a working admin key in a private file, and print it (used by `make run`)."""
    path = path or get_settings().admin_key_file
    token = asyncio.run(_local_key(path, LOCAL_ADMIN_NAME, Scope.admin))  # one loop: the engine is bound to it
    console.print(f"local admin key (kept in {path}):")
    print(token)
    console.print(
        "use it as: curl -H 'Authorization: Bearer <key>' http://127.0.0.1:8000/api/v1/focus-areas\n"
        "mint narrower keys with: .venv/bin/python -m api keys create --name NAME --scope read"
    )


@cli.command("local-reader")
def local_reader(
    path: Annotated[Path | None, typer.Option(help="Where to keep the key (default: DASHBOARD_KEY_FILE).")] = None,
) -> None:
    """Make sure this machine has a working read-only key for the dashboard in a private file (used by `make run`)."""
    path = path or get_settings().dashboard_key_file
    asyncio.run(_local_key(path, LOCAL_READER_NAME, Scope.read))
    console.print(f"dashboard's read key kept in {path}")
