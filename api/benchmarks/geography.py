"""Places in DfE's geography as scopes: England, its regions and every local authority, found by GSS code.

An import names places as DfE's files do (`country_code`, `region_code`, `new_la_code`, `old_la_code`, `la_name`);
each becomes a scope the first time it is seen, keyed by its name (`north-east`, `hartlepool`), and is found again
by its GSS code, so that a re-import adds nothing. A scope the council already has for the place (the borough, or
England from the seed) is the place's scope: it gains the level, LA number and region it lacked and keeps its key.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.kpis.models import GeographyLevel, Scope, ScopeKind
from api.kpis.national import slug

ENGLAND = "E92000001"


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


async def ensure_places(session: AsyncSession, places: Iterable[Place], actor: Actor) -> tuple[dict[str, Scope], int]:
    """The scope of every place (by GSS code), creating those not yet known; returns them and how many were new.

    Runs in the caller's transaction; every scope created or given its geography is audited as the caller's."""
    wanted = {place.gss_code: place for place in places}
    if not wanted:
        return {}, 0
    numbers = {place.old_la_code for place in wanted.values() if place.old_la_code}
    found = (
        await session.scalars(select(Scope).where(or_(Scope.gss_code.in_(wanted), Scope.old_la_code.in_(numbers))))
    ).all()
    by_code = {scope.gss_code: scope for scope in found if scope.gss_code}
    by_number = {scope.old_la_code: scope for scope in found if scope.old_la_code}
    keys: set[str] = set()
    created = 0
    scopes: dict[str, Scope] = {}
    for code, place in wanted.items():
        scope = by_code.get(code) or (by_number.get(place.old_la_code) if place.old_la_code else None)
        if scope is None:
            scope = Scope(
                key=await _free_key(session, place, keys),
                name=place.name[:200],
                kind=ScopeKind.comparator,
                gss_code=code,
                level=place.level,
                old_la_code=place.old_la_code,
                region_code=place.region_code,
            )
            session.add(scope)
            created += 1
            await session.flush()
            after = _described(scope)
            await audit.record(session, actor, resource="scope", key=scope.key, action="create", after=after)
        else:
            before = _described(scope)
            for name in ("gss_code", "level", "old_la_code", "region_code"):
                if getattr(scope, name) is None and getattr(place, name) is not None:
                    setattr(scope, name, getattr(place, name))
            if (after := _described(scope)) != before:
                await audit.record(
                    session, actor, resource="scope", key=scope.key, action="update", before=before, after=after
                )
        scopes[code] = scope
    await session.flush()
    return scopes, created


async def _free_key(session: AsyncSession, place: Place, taken: set[str]) -> str:
    """The place's name as a key (`north-east`), or with its GSS code where a team or locality has that key."""
    for key in (slug(place.name, 80), f"{slug(place.name, 70)}-{place.gss_code.lower()}"):
        if key not in taken and await session.scalar(select(Scope.id).where(Scope.key == key)) is None:
            taken.add(key)
            return key
    raise AssertionError(f"no free key for {place.gss_code}")  # the GSS code is unique, so the second is free
