"""A scope named as its users name it: by key (`stockton-on-tees`), GSS code (`E06000004`), old LA number (`808`)
or name (`Stockton-on-Tees`, any case). DfE's files and a council's spreadsheets use all four, so every place that
takes a scope (a batch row, a PUT's `scope`, a read's filter) takes any of them and means the same scope.

A key wins over the other readings, then a GSS code, then an LA number; a name is read only when exactly one scope
has it (two teams may share a name; they keep their keys).
"""

from collections.abc import Collection, Iterable

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.kpis.models import Scope


def _folded(name: str) -> str:
    return name.strip().lower()  # as the database's lower() reads it


def named(names: Collection[str]) -> ColumnElement[bool]:
    """Scopes any of ``names`` could mean (a superset: pick() chooses among them)."""
    if not names:
        return false()
    return or_(
        Scope.key.in_(names),
        Scope.gss_code.in_({name.strip().upper() for name in names}),
        Scope.old_la_code.in_({name.strip() for name in names}),
        func.lower(Scope.name).in_({_folded(name) for name in names}),
    )


def pick(name: str, candidates: Iterable[Scope]) -> Scope | None:
    """The scope ``name`` means among ``candidates``, by the order of readings above."""
    candidates = list(candidates)
    code = name.strip()
    for found in (
        [scope for scope in candidates if scope.key == name],
        [scope for scope in candidates if scope.gss_code is not None and scope.gss_code == code.upper()],
        [scope for scope in candidates if scope.old_la_code is not None and scope.old_la_code == code],
    ):
        if found:
            return found[0]
    by_name = [scope for scope in candidates if _folded(scope.name) == _folded(name)]
    return by_name[0] if len(by_name) == 1 else None


async def resolve(session: AsyncSession, names: Collection[str]) -> dict[str, Scope]:
    """Each of ``names`` that means a scope, with that scope."""
    names = set(names)
    if not names:
        return {}
    found = (await session.scalars(select(Scope).where(named(names)))).all()
    return {name: scope for name in names if (scope := pick(name, found)) is not None}
