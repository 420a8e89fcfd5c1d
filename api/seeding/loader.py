"""Load a validated seed into the database by key: create what is new, update what changed, touch nothing else.

Everything runs in the caller's transaction, so a failure leaves the database as it was.
"""

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.benchmarks import neighbours
from api.governance.models import GovernanceBody
from api.kpis.models import Scope
from api.owners.models import Owner
from api.revisions import service as revisions
from api.revisions.models import PlanKind
from api.seeding import load_plan
from api.seeding.load_returns import load_returns
from api.seeding.load_routing import load_routing
from api.seeding.reader import SeedBundle
from api.seeding.references import owner_names
from api.seeding.sync import Tally, assign, outcome, replace_children
from api.strategy.models import KeyObjective, Organisation, PolicyPrinciple, Strategy

SEED_AUTHOR = "seed"


async def load_bundle(session: AsyncSession, bundle: SeedBundle) -> Tally:
    tally = Tally()
    strategy = await _load_strategy(session, bundle, tally)
    owners = await _load_owners(session, bundle, tally)
    scopes = await _load_scopes(session, bundle, owners, tally)
    await _load_bodies(session, bundle, owners, tally)
    areas = await load_plan.load_focus_areas(session, bundle, strategy, owners, tally)
    await load_plan.load_projects(session, bundle, areas, owners, tally)
    await load_plan.load_kpis(session, bundle, areas, scopes, tally)
    await load_routing(session, bundle, areas, owners, tally)
    await load_returns(session, bundle, owners, tally)
    await _load_neighbours(session, bundle, tally)
    await session.flush()
    for kind in PlanKind:  # what the seed made or changed, as revisions of the plan
        await revisions.record(session, kind, None, by=SEED_AUTHOR)
    return tally


async def _load_strategy(session: AsyncSession, bundle: SeedBundle, tally: Tally) -> Strategy:
    source = bundle.strategy
    organisation = await session.scalar(
        select(Organisation).where(Organisation.gss_code == source.organisation.gss_code)
    )
    values = {
        "name": source.organisation.name,
        "gss_code": source.organisation.gss_code,
        "la_number": source.organisation.la_number,
    }
    created = organisation is None
    if organisation is None:
        organisation = Organisation(key=_slug(source.organisation.name), **values)
        session.add(organisation)
        await session.flush()
    tally.record("organisations", outcome(created, assign(organisation, values)))

    info = source.strategy
    strategy = await session.scalar(
        select(Strategy)
        .where(Strategy.key == info.key)
        .options(selectinload(Strategy.key_objectives), selectinload(Strategy.policy_principles))
    )
    values = {
        "organisation_id": organisation.id,
        "title": info.title,
        "period_start_date": info.period_start,
        "period_end_date": info.period_end,
        "foreword": info.foreword,
        "vision": info.vision,
        "key_outcome": info.key_outcome,
        "culture_statement": info.culture_statement,
        "borough_profile": info.borough_profile,
        "additional_text": info.additional_text,
    }
    objectives = [KeyObjective(key=o.key, position=i, text=o.text) for i, o in enumerate(source.key_objectives, 1)]
    principles = [
        PolicyPrinciple(key=p.key, position=i, text=p.text) for i, p in enumerate(source.policy_principles, 1)
    ]
    if strategy is None:
        strategy = Strategy(key=info.key, key_objectives=objectives, policy_principles=principles, **values)
        session.add(strategy)
        await session.flush()
        tally.record("strategies", "created")
        return strategy
    fields = ("key", "position", "text")
    changed = assign(strategy, values)
    changed |= await replace_children(session, strategy.key_objectives, objectives, fields)
    changed |= await replace_children(session, strategy.policy_principles, principles, fields)
    tally.record("strategies", outcome(False, changed))
    return strategy


async def _load_scopes(
    session: AsyncSession, bundle: SeedBundle, owners: dict[str, Owner], tally: Tally
) -> dict[str, Scope]:
    """Places, teams and localities; a team's parent is set once every scope exists (it may come later in the file)."""
    existing = {scope.key: scope for scope in await session.scalars(select(Scope))}
    outcomes: dict[str, tuple[bool, bool]] = {}  # key -> (created, changed)
    for source in bundle.strategy.scopes:
        values = source.model_dump(exclude={"key", "parent", "service_owner"})
        values["service_owner_id"] = owners[source.service_owner].id if source.service_owner else None
        scope = existing.get(source.key)
        if scope is None:
            existing[source.key] = scope = Scope(key=source.key, **values)
            session.add(scope)
            outcomes[source.key] = (True, False)
        else:
            outcomes[source.key] = (False, assign(scope, values))
    await session.flush()
    for source in bundle.strategy.scopes:
        parent = existing[source.parent].id if source.parent else None
        created, changed = outcomes[source.key]
        outcomes[source.key] = (created, assign(existing[source.key], {"parent_id": parent}) or changed)
    await session.flush()
    for created, changed in outcomes.values():
        tally.record("scopes", outcome(created, changed))
    return existing


async def _load_owners(session: AsyncSession, bundle: SeedBundle, tally: Tally) -> dict[str, Owner]:
    """Owners by every name the seed uses for them (code and aliases)."""
    existing = {owner.code: owner for owner in await session.scalars(select(Owner))}
    changed: dict[str, bool] = {}
    for source in bundle.owners:
        values = {
            "key": source.key,
            "full_name": source.full_name,
            "kind": source.kind,
            "aliases": source.aliases,
            "name_inferred": source.inferred,
            "note": source.note,
        }
        owner = existing.get(source.code)
        if owner is None:
            existing[source.code] = Owner(code=source.code, **values)
            session.add(existing[source.code])
        else:
            changed[source.code] = assign(owner, values)
    await session.flush()
    names = owner_names(bundle)
    for source in bundle.owners:
        parent = existing[names[source.parent]] if source.parent else None
        moved = assign(existing[source.code], {"parent_id": parent.id if parent else None})
        created = source.code not in changed
        tally.record("owners", outcome(created, changed.get(source.code, False) or moved))
    _not_in_seed(tally, "owners", existing, {source.code for source in bundle.owners})
    await session.flush()
    return {name: existing[code] for name, code in names.items()}


async def _load_bodies(session: AsyncSession, bundle: SeedBundle, owners: dict[str, Owner], tally: Tally) -> None:
    existing = {body.key: body for body in await session.scalars(select(GovernanceBody))}
    for source in bundle.bodies:
        values = {
            "code": source.code,
            "name": source.name,
            "cadence": source.cadence,
            "cadence_inferred": source.cadence_inferred,
            "status": source.status,
            "owner_id": owners[source.owner].id if source.owner else None,
            "description": source.description,
            "aliases": source.aliases or [],
            "requires_sign_off": source.requires_sign_off,
        }
        body = existing.get(source.key)
        if body is None:
            session.add(GovernanceBody(key=source.key, **values))
            tally.record("governance_bodies", "created")
        else:
            tally.record("governance_bodies", outcome(False, assign(body, values)))
    _not_in_seed(tally, "governance_bodies", existing, {source.key for source in bundle.bodies})
    await session.flush()


async def _load_neighbours(session: AsyncSession, bundle: SeedBundle, tally: Tally) -> None:
    """DfE's statistical neighbour lists, counted per authority under each model ("statistical_neighbours_2021")."""
    for model, lists in bundle.neighbours.items():
        for outcome_of_list in (await neighbours.store(session, model, lists)).values():
            tally.record(f"statistical_neighbours_{model}", outcome_of_list)


def _not_in_seed(tally: Tally, kind: str, existing: Mapping[str, object], seeded: set[str]) -> None:
    """Items the database holds that the seed no longer lists are kept (never hard-deleted), and reported."""
    missing = sorted(set(existing) - seeded)
    if missing:
        tally.not_in_seed[kind] = missing


def _slug(name: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    return "-".join(word for word in words if word not in {"borough", "council"})[:80]
