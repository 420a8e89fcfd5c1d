"""Places in DfE's geography as scopes: England, its regions and every local authority, found by GSS code.

An import names places as DfE's files do (`country_code`, `region_code`, `new_la_code`, `old_la_code`, `la_name`);
each becomes a scope the first time it is seen, keyed by its name (`north-east`, `hartlepool`), and is found again
by its GSS code, so that a re-import adds nothing. A scope the council already has for the place (the borough, or
England from the seed) is the place's scope: it gains the level, LA number and region it lacked and keeps its key.

A local authority is its old LA number: when a reorganisation gives it a new GSS code (North Yorkshire, E10000023
until 2023 and E06000065 since, both 815), the file's two codes are one scope, which keeps the first code it was
given (callers give the newest rows first). Places are looked up and created in a few statements whatever their
number; a place another transaction creates at the same moment is taken as found, not created twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.errors import Conflict
from api.kpis.models import GeographyLevel, Scope, ScopeKind
from api.kpis.national import slug

ENGLAND = "E92000001"
GEOGRAPHY = ("gss_code", "level", "old_la_code", "region_code")


@dataclass(frozen=True)
class Place:
    level: GeographyLevel
    gss_code: str
    name: str
    old_la_code: str | None = None  # local authorities only
    region_code: str | None = None  # local authorities only: the GSS code of their region


def _described(scope: Scope) -> dict[str, str | None]:
    return {
        "name": scope.name,
        "kind": scope.kind.value,
        "gss_code": scope.gss_code,
        "level": scope.level.value if scope.level else None,
        "old_la_code": scope.old_la_code,
        "region_code": scope.region_code,
    }


async def _found(session: AsyncSession, codes: Iterable[str], numbers: Iterable[str]) -> list[Scope]:
    statement = select(Scope).where(or_(Scope.gss_code.in_(set(codes)), Scope.old_la_code.in_(set(numbers))))
    return list((await session.scalars(statement.execution_options(populate_existing=True))).all())


def _match(place: Place, scopes: list[Scope]) -> Scope | None:
    """The scope a place is: by its GSS code, else (a local authority) by its LA number."""
    by_code = [scope for scope in scopes if scope.gss_code == place.gss_code]
    by_number = [scope for scope in scopes if place.old_la_code and scope.old_la_code == place.old_la_code]
    return next(iter(by_code or by_number), None)


async def ensure_places(session: AsyncSession, places: Iterable[Place], actor: Actor) -> tuple[dict[str, Scope], int]:
    """The scope of every place (by GSS code), creating those not yet known; returns them and how many were new.

    Runs in the caller's transaction; every scope created or given its geography is audited as the caller's."""
    wanted: dict[str, Place] = {}
    for place in places:
        wanted.setdefault(place.gss_code, place)
    if not wanted:
        return {}, 0
    numbers = {place.old_la_code for place in wanted.values() if place.old_la_code}
    found = await _found(session, wanted, numbers)
    new: dict[str, Place] = {}  # by GSS code; one per LA number
    for code, place in wanted.items():
        if _match(place, found) is None and not any(
            place.old_la_code and other.old_la_code == place.old_la_code for other in new.values()
        ):
            new[code] = place
    created = await _create(session, list(new.values()), actor) if new else set()
    if new:
        found = await _found(session, wanted, numbers)
    scopes: dict[str, Scope] = {}
    for code, place in wanted.items():
        scope = _match(place, found)
        if scope is None:  # its key was taken at this moment by another place: nothing is half-made
            raise Conflict(f"The scope for {place.name} ({code}) could not be created; retry the request.")
        if scope.gss_code not in created:
            await _complete(session, scope, place, actor)
        scopes[code] = scope
    await session.flush()
    return scopes, len(created)


async def _create(session: AsyncSession, places: list[Place], actor: Actor) -> set[str]:
    """Insert the places' scopes in one statement; returns the GSS codes this transaction created (a place another
    transaction created meanwhile is left to it: ON CONFLICT DO NOTHING waits for that one to commit)."""
    keys = await _free_keys(session, places)
    rows: list[dict[str, Any]] = [
        {
            "key": keys[place.gss_code],
            "name": place.name[:200],
            "kind": ScopeKind.comparator,
            "gss_code": place.gss_code,
            "level": place.level,
            "old_la_code": place.old_la_code,
            "region_code": place.region_code,
        }
        for place in sorted(places, key=lambda place: place.gss_code)  # two imports at once lock rows in one order
    ]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Scope).values(rows).on_conflict_do_nothing().returning(Scope.gss_code)
    created = set((await session.scalars(statement)).all())
    for row in rows:
        if row["gss_code"] in created:
            after = {name: getattr(value, "value", value) for name, value in row.items() if name != "key"}
            await audit.record(session, actor, resource="scope", key=row["key"], action="create", after=after)
    return {code for code in created if code is not None}


async def _free_keys(session: AsyncSession, places: list[Place]) -> dict[str, str]:
    """Each place's name as a key (`north-east`), or with its GSS code where a team, a locality or another place of
    the same name (Dorset, before and after 2019) has that key; one query for them all."""
    choices = {
        place.gss_code: (slug(place.name, 80), f"{slug(place.name, 70)}-{place.gss_code.lower()}") for place in places
    }
    wanted = {key for pair in choices.values() for key in pair}
    taken = set((await session.scalars(select(Scope.key).where(Scope.key.in_(wanted)))).all())
    keys: dict[str, str] = {}
    for code, pair in choices.items():
        key = next(key for key in pair if key not in taken)  # the GSS code is unique, so the second is free
        taken.add(key)
        keys[code] = key
    return keys


async def _complete(session: AsyncSession, scope: Scope, place: Place, actor: Actor) -> None:
    """Give a known scope the geography it lacks (the seed's borough has no region, say); never change what it has."""
    before = _described(scope)
    for name in GEOGRAPHY:
        if getattr(scope, name) is None and getattr(place, name) is not None:
            setattr(scope, name, getattr(place, name))
    if (after := _described(scope)) != before:
        await audit.record(session, actor, resource="scope", key=scope.key, action="update", before=before, after=after)
