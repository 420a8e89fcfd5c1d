"""Comparator groups: the places a council compares itself with, for a subject local authority.

Built-in groups are worked out when read, never stored, from the scopes' DfE geography and the statistical
neighbour lists (api/benchmarks/neighbours.py), for a subject: the borough unless another local authority is named.
So an import that adds places, or a neighbour model loaded with the seed, changes them at once, and any local
authority can be benchmarked as the borough is:

- `england`: the country scope, whose figure is DfE's published national figure;
- `region`: the local authorities of the subject's region, the subject among them; the region's own scope holds
  DfE's published regional figure;
- `statistical-neighbours-2021`, `statistical-neighbours-2025`: the subject's ten neighbours under that DfE model
  (found by old LA number), nearest first, with DfE's closeness words; a neighbour no scope is yet is listed as
  unmatched rather than dropped without a word;
- `all-local-authorities`: every local-authority scope.

A council's own groups are stored (comparator_group and its members) and written in api/benchmarks/group_writes.py;
their keys cannot be a built-in's. Every group for a subject is read in four queries whatever their number: the
scopes, the subject's neighbour lists, the stored groups, and their members with their scopes.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.benchmarks.group_schemas import ComparatorGroupDetail, ComparatorGroupRead, GroupMemberRead
from api.benchmarks.models import ComparatorGroup, ComparatorGroupMember, StatisticalNeighbour
from api.benchmarks.neighbours import MODELS, Neighbour
from api.errors import InvalidInput, NotFound, ProblemError
from api.kpis.models import GeographyLevel, Scope
from api.kpis.scopes import pick
from api.kpis.status import Scopes, load_scopes

ENGLAND = "england"
REGION = "region"
ALL_LOCAL_AUTHORITIES = "all-local-authorities"
NEIGHBOURS = {model: f"statistical-neighbours-{model}" for model in MODELS}
BUILT_IN = (ENGLAND, REGION, *NEIGHBOURS.values(), ALL_LOCAL_AUTHORITIES)
MODEL_NAMES = {"2021": "DfE's 2021 groupings", "2025": "DfE's 2025 model"}


@dataclass(frozen=True)
class Member:
    scope: Scope
    closeness: str | None = None  # a statistical neighbour's, in DfE's words


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    description: str | None
    members: tuple[Member, ...]
    published: Scope | None = None  # the scope of DfE's published figure for the group as a whole
    unmatched: tuple[str, ...] = ()  # neighbours' old LA numbers that no scope has
    stored: ComparatorGroup | None = None  # a council's own group; None for a built-in

    @property
    def built_in(self) -> bool:
        return self.stored is None


@dataclass(frozen=True)
class Places:
    """What the built-in groups are worked out from, read once."""

    scopes: Scopes
    subject: Scope
    neighbours: dict[str, list[Neighbour]]  # the subject's, by DfE model


async def places_for(session: AsyncSession, name: str | None) -> Places:
    """Every scope, the subject (``name`` by key, GSS code, LA number or name; default the borough) and its
    neighbours. 404 for no such scope, 422 for one that is not a local authority."""
    scopes = await load_scopes(session)
    subject = subject_of(scopes, name)
    rows = await session.execute(
        select(StatisticalNeighbour.model, StatisticalNeighbour.neighbour_code, StatisticalNeighbour.closeness)
        .where(StatisticalNeighbour.la_code == subject.old_la_code)
        .order_by(StatisticalNeighbour.model, StatisticalNeighbour.position)
    )
    neighbours: dict[str, list[Neighbour]] = {}
    for model, code, closeness in rows:
        neighbours.setdefault(model, []).append(Neighbour(code, closeness))
    return Places(scopes, subject, neighbours)


def subject_of(scopes: Scopes, name: str | None) -> Scope:
    subject = scopes.borough if name is None else pick(name, scopes.all)
    if subject is None:
        raise NotFound("scope", name or "(the borough)")
    if subject.level is not GeographyLevel.local_authority:
        message = "not a local authority in DfE's geography"
        raise InvalidInput(
            f"'{subject.name}' is {message}, so it has no region or statistical neighbours to compare with: name a "
            "local authority with scope (its key, GSS code, old LA number or name).",
            errors=[ProblemError(loc=["query", "scope"], msg=message)],
        )
    return subject


def built_ins(places: Places) -> list[Group]:
    """The built-in groups for the subject, in the order they are listed."""
    subject, scopes = places.subject, places.scopes
    authorities = sorted((s for s in scopes.all if s.level is GeographyLevel.local_authority), key=lambda s: s.name)
    region = next((s for s in scopes.all if subject.region_code and s.gss_code == subject.region_code), None)
    region_name = region.name if region else subject.region_code or "not known"
    england = scopes.england
    return [
        Group(
            ENGLAND,
            "England",
            "England as a whole: DfE's published national figure.",
            (Member(england),) if england else (),
            published=england,
        ),
        Group(
            REGION,
            f"{region_name} region",
            f"The local authorities of {subject.name}'s region ({region_name}), with DfE's published regional figure.",
            tuple(Member(s) for s in authorities if subject.region_code and s.region_code == subject.region_code),
            published=region,
        ),
        *(_neighbours(places, model) for model in MODELS),
        Group(
            ALL_LOCAL_AUTHORITIES,
            "All English local authorities",
            "Every local authority in DfE's geography.",
            tuple(Member(s) for s in authorities),
        ),
    ]


def _neighbours(places: Places, model: str) -> Group:
    by_number = {scope.old_la_code: scope for scope in places.scopes.all if scope.old_la_code}
    listed = places.neighbours.get(model, [])
    return Group(
        NEIGHBOURS[model],
        f"Statistical neighbours ({MODEL_NAMES.get(model, model)})",
        f"{places.subject.name}'s ten statistical neighbours under DfE's {model} model, nearest first.",
        tuple(Member(by_number[n.code], n.closeness) for n in listed if n.code in by_number),
        unmatched=tuple(n.code for n in listed if n.code not in by_number),
    )


async def stored_groups(session: AsyncSession, keys: Collection[str] | None = None) -> list[Group]:
    """A council's own groups (those with ``keys``, or all), by key."""
    statement = (
        select(ComparatorGroup)
        .options(selectinload(ComparatorGroup.members).joinedload(ComparatorGroupMember.scope))
        .order_by(ComparatorGroup.key)
    )
    if keys is not None:
        statement = statement.where(ComparatorGroup.key.in_(keys))
    return [own(group) for group in await session.scalars(statement)]


def own(group: ComparatorGroup) -> Group:
    """A council's own group, its members (and their scopes) loaded."""
    members = tuple(Member(member.scope) for member in group.members)
    return Group(group.key, group.name, group.description, members, stored=group)


async def groups_for(session: AsyncSession, places: Places, keys: Sequence[str] = ()) -> list[Group]:
    """The groups with ``keys`` (default: every group), built-ins first; 404 naming a key that is no group."""
    wanted = set(keys)
    found = [group for group in built_ins(places) if not wanted or group.key in wanted]
    councils = wanted - set(BUILT_IN)
    if councils or not wanted:
        found += await stored_groups(session, councils or None)
    if missing := sorted(wanted - {group.key for group in found}):
        raise NotFound("comparator group", missing[0])
    return found


async def find_group(session: AsyncSession, key: str, name: str | None) -> tuple[Group, Scope | None]:
    """One group and the subject it was worked out for (None for a council's own group, which has none); 404."""
    if key in BUILT_IN:
        places = await places_for(session, name)
        [group] = [group for group in built_ins(places) if group.key == key]
        return group, places.subject
    found = await stored_groups(session, [key])
    if not found:
        raise NotFound("comparator group", key)
    return found[0], None


def read(group: Group, subject: Scope | None) -> ComparatorGroupRead:
    return ComparatorGroupRead(
        key=group.key,
        name=group.name,
        description=group.description,
        built_in=group.built_in,
        subject=subject.key if subject and group.built_in else None,
        member_count=len(group.members),
        version=group.stored.version if group.stored else None,
    )


def detail(group: Group, subject: Scope | None) -> ComparatorGroupDetail:
    stored = group.stored
    return ComparatorGroupDetail(
        **read(group, subject).model_dump(),
        members=[
            GroupMemberRead(
                key=member.scope.key,
                name=member.scope.name,
                gss_code=member.scope.gss_code,
                old_la_code=member.scope.old_la_code,
                closeness=member.closeness,
            )
            for member in group.members
        ],
        published=group.published.key if group.published else None,
        unmatched=list(group.unmatched),
        created_by=stored.created_by if stored else None,
        created_at=stored.created_at if stored else None,
        updated_at=stored.updated_at if stored else None,
    )
