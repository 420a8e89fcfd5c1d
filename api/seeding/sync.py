"""Idempotent writes: assign only what differs, replace child lists only when they differ, count what happened."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

Outcome = Literal["created", "updated", "unchanged"]


@dataclass
class Tally:
    """What a load did, per kind of item."""

    counts: dict[str, dict[Outcome, int]] = field(
        default_factory=lambda: defaultdict(lambda: {"created": 0, "updated": 0, "unchanged": 0})
    )
    not_in_seed: dict[str, list[str]] = field(default_factory=dict)

    def record(self, kind: str, outcome: Outcome) -> None:
        self.counts[kind][outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())


def assign(item: object, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    return changed


async def replace_children(
    session: AsyncSession, children: list[Any], wanted: Sequence[Any], fields: Sequence[str]
) -> bool:
    """Make a child collection hold ``wanted`` when its ``fields`` differ; True when it had to.

    Old rows are deleted and flushed before new ones go in, so per-parent unique positions never clash.
    """

    def shape(rows: Sequence[Any]) -> list[tuple[Any, ...]]:
        return [tuple(getattr(row, name) for name in fields) for row in rows]

    if shape(children) == shape(wanted):
        return False
    children.clear()
    await session.flush()
    children.extend(wanted)
    return True


def outcome(created: bool, changed: bool) -> Outcome:
    return "created" if created else "updated" if changed else "unchanged"
