"""Builders for arranging data in tests: each adds, flushes and returns one model with sensible defaults."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import partial
from itertools import count
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import JSON, Dialect, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.actions.models import ActionMilestone, ActionOwner, BusinessImprovementAction
from api.commentary.models import CommentaryRevision
from api.delivery import parse_due
from api.governance.models import Cadence, ExceptionRule, GovernanceBody, RoutingRule
from api.kpis.models import (
    GeographyLevel,
    Kpi,
    KpiTarget,
    KpiValue,
    Polarity,
    Scope,
    ScopeKind,
    TargetKind,
    Tier,
    Unit,
)
from api.models import Base
from api.owners.models import Owner, OwnerKind
from api.periods import PeriodType, parse_period
from api.progress.models import ProgressUpdate
from api.projects.models import ProjectFocusArea, TransformationProject
from api.returns.models import KpiReturnSchedule
from api.revisions import service as revisions
from api.revisions.models import PlanKind, PlanRevision
from api.seeding.sync import Tally
from api.strategy.models import FocusArea, KeyObjective, Organisation, PolicyPrinciple, Priority, Strategy
from tests import dfe

SEED_DIR = Path(__file__).resolve().parents[1] / "seed"
_serial = count(1)


def kpis_in_plan_order(seed: Path = SEED_DIR, tier: Tier | None = None) -> list[str]:
    """The codes of a seed's KPIs as every list of KPIs gives them: tier by tier (Council Plan first, as `Tier` lists
    them), each tier in kpis.yaml's order."""
    listed = yaml.safe_load((seed / "kpis.yaml").read_text(encoding="utf-8"))["kpis"]
    rank = {tier.value: number for number, tier in enumerate(Tier)}
    ordered = sorted(enumerate(listed), key=lambda pair: (rank[pair[1]["tier"]], pair[0]))
    return [kpi["code"] for _, kpi in ordered if tier is None or kpi["tier"] == tier]


ModelT = TypeVar("ModelT")


Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class SeedSnapshot:
    tally: Tally
    rows: Rows


async def take_snapshot() -> Rows:
    """Every row of every table, as the database holds it now."""
    async with db.get_engine().connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in await connection.execute(select(table))]
            for table in Base.metadata.sorted_tables
        }


def _copied(value: Any, as_json: bool) -> Any:
    """A value as COPY takes it: JSON as its text, an enumeration as its value."""
    if value is None:
        return None
    if as_json:
        return json.dumps(value)
    return value.value if isinstance(value, Enum) else value


Records = list[tuple[str, list[str], list[tuple[Any, ...]]]]  # table, columns, rows as the driver takes them
_prepared: dict[int, tuple[Rows, Records]] = {}  # a snapshot's records, by the snapshot (kept, so its id is its own)


def _records(rows: Rows, dialect: Dialect) -> Records:
    """A snapshot's rows as the driver takes them, worked out once a run: COPY's values on PostgreSQL, the values
    SQLAlchemy's types bind on SQLite (dates as text, enumerations by name, JSON as text)."""
    found = _prepared.get(id(rows))
    if found is not None and found[0] is rows:
        return found[1]
    records: Records = []
    for table in Base.metadata.sorted_tables:
        if not rows[table.name]:
            continue
        columns = [column.name for column in table.columns]
        convert: list[Callable[[Any], Any]]
        if dialect.name == "postgresql":
            as_json = {column.name for column in table.columns if isinstance(column.type, JSON)}
            convert = [partial(_copied, as_json=name in as_json) for name in columns]
        else:
            processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in table.columns]
            convert = [processor or _same for processor in processors]
        listed = [tuple(to(row[name]) for to, name in zip(convert, columns, strict=True)) for row in rows[table.name]]
        records.append((table.name, columns, listed))
    _prepared[id(rows)] = (rows, records)
    return records


def _same(value: Any) -> Any:
    return value


COPIES = "test_snapshot_"  # on PostgreSQL, a restored snapshot's copy is kept in the schema test_snapshot_<n>
_copies: dict[int, tuple[Rows, str]] = {}  # a snapshot (by id, kept) -> the script restoring it from its copy


async def restore_snapshot(rows: Rows) -> None:
    """Put a snapshot's rows back into the (empty) tables, parents first, keeping their ids. Most tests start from
    the seed's snapshot, so this runs before each, with values converted once a run.

    On PostgreSQL a snapshot's rows are sent once, by COPY, into tables of a schema of the test database's own
    (`test_snapshot_<n>`, beside `public`, which Alembic and the drift test do not look at), and each restore is then
    one script of `INSERT ... SELECT` from them, run inside the server: 16 ms for the seed's 3,535 rows in 53 tables
    on the two-core machine, where a COPY a table took 32 ms (and the first restore 102). On SQLite, one
    executemany a table."""
    async with db.get_engine().begin() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        records = _records(rows, connection.dialect)
        if connection.dialect.name != "postgresql":
            for name, columns, values in records:
                listed = ", ".join(f'"{column}"' for column in columns)
                marks = ", ".join("?" * len(columns))
                await raw.executemany(f'INSERT INTO "{name}" ({listed}) VALUES ({marks})', values)  # type: ignore[union-attr]
            return
        copied = _copies.get(id(rows))
        if copied is not None and copied[0] is rows:
            script = copied[1]
        else:
            script = await _keep(raw, records, f"{COPIES}{len(_copies)}")
        await raw.execute(script)  # type: ignore[union-attr]
    _copies[id(rows)] = (rows, script)  # once committed: a copy rolled back with a failed restore is not there


async def _keep(raw: Any, records: Records, schema: str) -> str:
    """Keep a snapshot's rows in tables of their own, in ``schema`` (by COPY, once); returns the script restoring
    them."""
    await raw.execute(f'CREATE SCHEMA "{schema}"')
    restore = []
    for name, columns, values in records:
        await raw.execute(f'CREATE TABLE "{schema}"."{name}" (LIKE public."{name}")')
        await raw.copy_records_to_table(name, schema_name=schema, records=values, columns=columns)
        listed = ", ".join(f'"{column}"' for column in columns)
        restore.append(f'INSERT INTO public."{name}" ({listed}) SELECT {listed} FROM "{schema}"."{name}"')
    return "; ".join(restore)


DROP_COPIES = f"""
DO $$
DECLARE found text;
BEGIN
    FOR found IN SELECT nspname FROM pg_namespace WHERE starts_with(nspname, '{COPIES}') LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', found);
    END LOOP;
END $$"""  # the copies an earlier run left: they hold columns of public's enumeration types


async def empty_database() -> None:
    """Delete every row (children first); the schema stays. One round trip: a script of DELETEs (on PostgreSQL,
    TRUNCATE is slower on small tables)."""
    script = "; ".join(f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables))
    async with db.get_engine().begin() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        if connection.dialect.name == "postgresql":
            await raw.execute(script)  # type: ignore[union-attr]
        else:  # executescript commits what is pending first, so the script is its own transaction
            await raw.executescript(f"BEGIN; {script}; COMMIT;")  # type: ignore[union-attr]


def _slug(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


async def _saved(session: AsyncSession, item: ModelT) -> ModelT:
    session.add(item)
    await session.flush()
    return item


async def make_organisation(session: AsyncSession, **fields: Any) -> Organisation:
    values: dict[str, Any] = {
        "key": "stockton-on-tees",
        "name": "Stockton-on-Tees Borough Council",
        "gss_code": "E06000004",
        "la_number": 808,
    }
    return await _saved(session, Organisation(**(values | fields)))


async def make_strategy(session: AsyncSession, organisation: Organisation | None = None, **fields: Any) -> Strategy:
    organisation = organisation or await make_organisation(session)
    values: dict[str, Any] = {
        "key": "childrens-services-strategy-2016-18",
        "organisation_id": organisation.id,
        "title": "Children's Services Strategy for Change and Improvement 2016-18",
        "period_start_date": date(2016, 4, 1),
        "period_end_date": date(2018, 3, 31),
        "vision": "We have big plans for the young people of our Borough.",
        "key_outcome": "To improve life chances for children and young people.",
    }
    strategy = await _saved(session, Strategy(**(values | fields)))
    session.add(KeyObjective(strategy_id=strategy.id, key="safe", position=1, text="Ensure children are safe"))
    session.add(PolicyPrinciple(strategy_id=strategy.id, key="protect", position=1, text="Protecting the vulnerable"))
    await session.flush()
    return strategy


async def make_focus_area(session: AsyncSession, strategy: Strategy | None = None, **fields: Any) -> FocusArea:
    strategy = strategy or await make_strategy(session)
    values: dict[str, Any] = {
        "key": _slug("focus-area"),
        "strategy_id": strategy.id,
        "position": next(_serial),
        "title": "Children in need of help and protection",
        "story": "High rates of referrals into social care.",
        "improvement_agenda": "Be clear on stepping up and stepping down.",
        "overview": {"where_we_want_to_be": ["Clear thresholds for referral"]},
    }
    area = await _saved(session, FocusArea(**(values | fields)))
    session.add(Priority(focus_area_id=area.id, position=1, text="Thresholds are clear and understood by partners"))
    await session.flush()
    return area


async def make_owner(session: AsyncSession, code: str = "AD SLAC", **fields: Any) -> Owner:
    values: dict[str, Any] = {
        "key": code.lower().replace(" ", "-"),
        "code": code,
        "full_name": f"Full name of {code}",
        "kind": OwnerKind.role,
        "aliases": [],
    }
    return await _saved(session, Owner(**(values | fields)))


async def make_body(session: AsyncSession, code: str = "CSMT", **fields: Any) -> GovernanceBody:
    values: dict[str, Any] = {
        "key": code.lower().replace(" ", "-"),
        "code": code,
        "name": "Children's Services Management Team",
        "cadence": Cadence.monthly,
        "aliases": [],
    }
    return await _saved(session, GovernanceBody(**(values | fields)))


async def make_action(
    session: AsyncSession,
    focus_area: FocusArea,
    owners: list[Owner] | None = None,
    *,
    when: str | None = "Sep 2016",
    milestones: list[tuple[str, str]] | None = None,
    **fields: Any,
) -> BusinessImprovementAction:
    due = parse_due(when)
    values: dict[str, Any] = {
        "key": _slug("action"),
        "focus_area_id": focus_area.id,
        "position": next(_serial),
        "what": "Implement Graded care Profile 2 to assist in identifying early signs of neglect",
        "detail": "To respond to our Neglect Strategy",
        "due_text": due.text,
        "due_kind": due.kind,
        "due_date": due.due_date,
    }
    action = await _saved(session, BusinessImprovementAction(**(values | fields)))
    for position, owner in enumerate(owners or []):
        session.add(ActionOwner(action_id=action.id, owner_id=owner.id, position=position))
    for position, (title, text) in enumerate(milestones or []):
        milestone_due = parse_due(text)
        session.add(
            ActionMilestone(
                action_id=action.id,
                position=position,
                title=title,
                due_text=milestone_due.text,
                due_kind=milestone_due.kind,
                due_date=milestone_due.due_date,
            )
        )
    await session.flush()
    return action


async def make_project(
    session: AsyncSession, focus_areas: list[FocusArea], lead: Owner | None = None, **fields: Any
) -> TransformationProject:
    values: dict[str, Any] = {
        "key": _slug("project"),
        "title": "LEAN review",
        "description": "Implement review of working practices (£800K savings) by March 2017",
        "lead_owner_id": lead.id if lead else None,
        "savings_target_pence": 80_000_000,
        "savings_target_text": "March 2017",
        "savings_target_date": date(2017, 3, 31),
    }
    project = await _saved(session, TransformationProject(**(values | fields)))
    for position, area in enumerate(focus_areas):
        session.add(ProjectFocusArea(project_id=project.id, focus_area_id=area.id, position=position))
    await session.flush()
    return project


async def make_scope(session: AsyncSession, key: str = "stockton-on-tees", **fields: Any) -> Scope:
    defaults = {
        "stockton-on-tees": ("Stockton-on-Tees", ScopeKind.borough, "E06000004"),
        "england": ("England", ScopeKind.comparator, "E92000001"),
        "north-east": ("North East", ScopeKind.comparator, "E12000001"),
    }
    geography: dict[str, dict[str, Any]] = {  # as the seed has them (seed/strategy.yaml)
        "stockton-on-tees": {"level": GeographyLevel.local_authority, "old_la_code": "808", "region_code": "E12000001"},
        "england": {"level": GeographyLevel.country},
        "north-east": {"level": GeographyLevel.region},
    }
    name, kind, gss = defaults.get(key, (key.title(), ScopeKind.team, None))
    values: dict[str, Any] = {"key": key, "name": name, "kind": kind, "gss_code": gss, **geography.get(key, {})}
    return await _saved(session, Scope(**(values | fields)))


async def make_kpi(
    session: AsyncSession,
    code: str = "cp-repeat-plans",
    *,
    focus_area: FocusArea | None = None,
    unit: Unit = Unit.percent,
    targets: list[tuple[str, TargetKind, Decimal | None]] | None = None,
    **fields: Any,
) -> Kpi:
    values: dict[str, Any] = {
        "code": code,
        "title": "Child protection plans starting in the year which were a second or subsequent plan",
        "tier": Tier.council_plan,
        "position": next(_serial),  # each KPI after the ones made before it, as POST /kpis places them
        "unit": unit,
        "decimal_places": 1,
        "polarity": Polarity.lower_better,
        "period_type": PeriodType.financial_year,
        "focus_area_id": focus_area.id if focus_area else None,
        "baseline_period": "FY2015-16",
        "baseline_value": Decimal("8"),
    }
    kpi = await _saved(session, Kpi(**(values | fields)))
    for period, kind, value in targets or []:
        start = parse_period(period).start
        session.add(KpiTarget(kpi_id=kpi.id, period=period, period_start_date=start, kind=kind, value=value))
    await session.flush()
    return kpi


async def make_value(
    session: AsyncSession, kpi: Kpi, scope: Scope, period: str, value: Decimal | None, **fields: Any
) -> KpiValue:
    parsed = parse_period(period)
    values: dict[str, Any] = {
        "kpi_id": kpi.id,
        "scope_id": scope.id,
        "period": parsed.code,
        "period_type": parsed.type,
        "period_start_date": parsed.start,
        "period_end_date": parsed.end,
        "revision": 1,
        "value": value,
        "source": "DfE: Characteristics of children in need",
        "submitted_by": "test",
    }
    return await _saved(session, KpiValue(**(values | fields)))


@dataclass
class Scenario:
    """A small slice of the real strategy: two focus areas, owners, actions, a shared project and a KPI."""

    strategy: Strategy
    cin: FocusArea
    cic: FocusArea
    dcs: Owner
    ad_slac: Owner
    ad_ehpp: Owner
    lscb: Owner
    graded_care: BusinessImprovementAction
    step_down: BusinessImprovementAction
    lac_strategy: BusinessImprovementAction
    lac_review: TransformationProject
    cp_repeat: Kpi
    stockton: Scope
    england: Scope


async def make_scenario(session: AsyncSession) -> Scenario:
    strategy = await make_strategy(session)
    cin = await make_focus_area(
        session, strategy, key="children-in-need", position=6, title="Children in need of help and protection"
    )
    cic = await make_focus_area(
        session, strategy, key="children-in-care", position=7, title="Children in care and care leavers"
    )
    dcs = await make_owner(session, "DCS", full_name="Director of Children's Services")
    ad_slac = await make_owner(session, "AD SLAC", parent_id=dcs.id)
    ad_ehpp = await make_owner(session, "AD EHPP", parent_id=dcs.id, aliases=["Ad EHPP"])
    lscb = await make_owner(session, "LSCB", full_name="Local Safeguarding Children Board", kind=OwnerKind.partnership)
    graded_care = await make_action(session, cin, [lscb], key="cin-graded-care-profile-2", when="Ongoing")
    step_down = await make_action(
        session,
        cin,
        [ad_ehpp, ad_slac],
        key="cin-step-down",
        what="Child in need - review effectiveness of care planning and step down",
        when="Dec 2016",
    )
    lac_strategy = await make_action(
        session,
        cic,
        [ad_ehpp],
        key="cic-lac-strategy",
        what="Delivering the new LAC and care Leavers Strategy",
        when=None,
        milestones=[("Strategy", "April 2016"), ("Profile", "April 2016"), ("Sufficiency", "May 2016")],
    )
    lac_review = await make_project(
        session,
        [cic, cin],
        lead=ad_slac,
        key="review-of-approach-to-lac",
        title="Review of approach to LAC",
        savings_target_pence=None,
        savings_target_text=None,
        savings_target_date=None,
    )
    stockton = await make_scope(session, "stockton-on-tees")
    england = await make_scope(session, "england")
    cp_repeat = await make_kpi(session, focus_area=cin, targets=[("FY2016-17", TargetKind.monitor, None)])
    for figure in dfe.repeat_child_protection_plans():
        scope = stockton if figure.gss_code == dfe.STOCKTON_GSS else england
        await make_value(
            session,
            cp_repeat,
            scope,
            figure.period,
            figure.percent,
            numerator=figure.numerator,
            denominator=figure.denominator,
        )
    await session.commit()
    return Scenario(
        strategy,
        cin,
        cic,
        dcs,
        ad_slac,
        ad_ehpp,
        lscb,
        graded_care,
        step_down,
        lac_strategy,
        lac_review,
        cp_repeat,
        stockton,
        england,
    )


async def entered_at(when: datetime) -> None:
    """As if everything in the database so far had been entered at ``when``: figures submitted, progress reported,
    plans revised, commentary written and rules made then (what packs built as known at a past moment read)."""
    async with db.get_sessionmaker()() as session:
        for kind in PlanKind:  # items made by the factories here have no revision yet
            await revisions.record(session, kind, None, by="factory")
        await session.execute(update(KpiValue).values(submitted_at=when))
        await session.execute(update(ProgressUpdate).values(created_at=when))
        await session.execute(update(PlanRevision).values(recorded_at=when))
        await session.execute(update(CommentaryRevision).values(recorded_at=when))
        await session.execute(update(RoutingRule).values(created_at=when))
        await session.execute(update(ExceptionRule).values(created_at=when))
        await session.execute(update(KpiReturnSchedule).values(created_at=when))
        await session.commit()
