"""The benchmarks' large council is the real seed extended in its own format: it must stay a seed the loader takes,
whatever fields the format comes to require (a run of `make bench` is the first to find out otherwise)."""

from pathlib import Path

from api.seeding.reader import read_seed
from bench.generate import Scale, large_seed

SMALL = Scale(kpis=60, comparators=12, actions=80, projects=24)


def test_the_large_councils_seed_reads_as_a_seed(tmp_path: Path) -> None:
    codes = large_seed(tmp_path / "seed", SMALL)
    bundle = read_seed(tmp_path / "seed")
    assert [kpi.code for kpi in bundle.kpis] == codes
    assert len(codes) == SMALL.kpis
    # at least the scale asked for: a focus area the document already gives more actions than its share keeps them
    assert sum(len(area.actions) for area in bundle.focus_areas.values()) >= SMALL.actions
    assert len(bundle.projects) == SMALL.projects
    authorities = [scope for scope in bundle.strategy.scopes if scope.level and scope.level.value == "local_authority"]
    assert len(authorities) == 1 + SMALL.comparators  # the borough and the comparators it adds
