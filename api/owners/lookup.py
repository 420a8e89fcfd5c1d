"""Finding owners by any name the strategy uses for them (code or alias), for writes that name owners."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput, ProblemError
from api.owners.models import Owner


async def owners_named(session: AsyncSession, names: Sequence[str], *, field: str) -> list[Owner]:
    """The owners called ``names``, in order; 422 naming each name that is no owner's code or alias."""
    if not names:
        return []
    owners = (await session.scalars(select(Owner).where(Owner.archived_at.is_(None)))).all()
    by_name = {owner.code: owner for owner in owners} | {alias: owner for owner in owners for alias in owner.aliases}
    unknown = [
        ProblemError(loc=["body", field, i], msg=f"'{name}' is not an owner code or alias")
        for i, name in enumerate(names)
        if name not in by_name
    ]
    if unknown:
        raise InvalidInput("Some owners named do not exist.", errors=unknown)
    found = [by_name[name] for name in names]
    if len({owner.id for owner in found}) != len(found):
        raise InvalidInput(
            "An owner is named twice.", errors=[ProblemError(loc=["body", field], msg="duplicate owner")]
        )
    return found
