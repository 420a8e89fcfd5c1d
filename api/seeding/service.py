"""Seed load and export as whole operations, each in one transaction."""

from pathlib import Path

from api.audit import service as audit
from api.auth.principal import system_actor
from api.db import get_sessionmaker
from api.quality import service as quality_service
from api.quality.schemas import QualityReport
from api.seeding.exporter import export_bundle, write_bundle
from api.seeding.loader import load_bundle
from api.seeding.reader import read_seed
from api.seeding.sync import Tally


async def load_seed(directory: Path) -> tuple[Tally, QualityReport]:
    """Validate every file first, then load all of it in one transaction (a failure leaves the database as it was)."""
    bundle = read_seed(directory)
    async with get_sessionmaker()() as session, session.begin():
        tally = await load_bundle(session, bundle)
        if tally.changed:
            counts = {kind: dict(found) for kind, found in tally.counts.items()}
            await audit.record(
                session,
                system_actor("seed"),
                resource="strategy",
                key=bundle.strategy.strategy.key,
                action="seed-load",
                after=counts,
            )
        report = await quality_service.build_report(session)
    return tally, report


async def export_seed(directory: Path) -> int:
    """Write the database out in the seed format; returns the number of files written."""
    async with get_sessionmaker()() as session:
        bundle = await export_bundle(session)
    return write_bundle(bundle, directory)
