"""Read and validate a seed directory; every problem names its file, the item's key and what is wrong."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from api.benchmarks.neighbours import LAYOUTS, Lists, NeighbourFileInvalid, read_neighbours
from api.seeding.files import (
    FocusAreaFile,
    GovernanceBodiesFile,
    GovernanceBodyFile,
    KpiFile,
    KpisFile,
    OwnerFile,
    OwnersFile,
    ProjectFile,
    ProjectsFile,
    ReturnScheduleFile,
    ReturnsFile,
    RoutingFile,
    StrategyFile,
)
from api.seeding.references import check_references

STRATEGY_FILE = "strategy.yaml"
OWNERS_FILE = "owners.yaml"
BODIES_FILE = "governance-bodies.yaml"
PROJECTS_FILE = "projects.yaml"
KPIS_FILE = "kpis.yaml"
ROUTING_FILE = "routing.yaml"
RETURNS_FILE = "returns.yaml"
FOCUS_AREAS_DIR = "focus-areas"
NATIONAL_DIR = "national"  # DfE's statistics, of which the statistical neighbour lists are loaded

FileT = TypeVar("FileT", bound=BaseModel)


@dataclass(frozen=True)
class SeedProblem:
    file: str
    key: str | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.file} [{self.key}]" if self.key else self.file
        return f"{where}: {self.problem}"


class SeedInvalid(Exception):
    def __init__(self, problems: list[SeedProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class SeedBundle:
    strategy: StrategyFile
    owners: list[OwnerFile] = field(default_factory=list)
    bodies: list[GovernanceBodyFile] = field(default_factory=list)
    focus_areas: dict[str, FocusAreaFile] = field(default_factory=dict)  # file name -> focus area
    projects: list[ProjectFile] = field(default_factory=list)
    kpis: list[KpiFile] = field(default_factory=list)
    routing: RoutingFile = field(default_factory=RoutingFile)
    return_schedules: list[ReturnScheduleFile] = field(default_factory=list)
    neighbours: dict[str, Lists] = field(default_factory=dict)  # by DfE model: "2021", "2025"


def _item_key(raw: Any, loc: tuple[int | str, ...]) -> str | None:
    """The key of the innermost keyed item on a validation error's path, for the message."""
    found = None
    node = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            found = node.get("key") or node.get("code") or found
    return str(found) if found is not None else None


def _read(path: Path, model: type[FileT], name: str, problems: list[SeedProblem]) -> FileT | None:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        problems.append(SeedProblem(name, None, f"cannot read: {error.strerror}"))
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        problems.append(SeedProblem(name, None, f"not valid YAML{line}: {getattr(error, 'problem', error)}"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        for detail in error.errors():
            field_path = ".".join(str(part) for part in detail["loc"])
            problems.append(SeedProblem(name, _item_key(raw, detail["loc"]), f"{field_path}: {detail['msg']}"))
        return None


def read_seed(directory: Path) -> SeedBundle:
    """Read every seed file under ``directory``; raise SeedInvalid listing every problem found."""
    problems: list[SeedProblem] = []
    if not (directory / STRATEGY_FILE).is_file():
        raise SeedInvalid([SeedProblem(str(directory / STRATEGY_FILE), None, "missing: the seed needs a strategy")])
    strategy = _read(directory / STRATEGY_FILE, StrategyFile, STRATEGY_FILE, problems)
    owners = _read_optional(directory, OWNERS_FILE, OwnersFile, problems)
    bodies = _read_optional(directory, BODIES_FILE, GovernanceBodiesFile, problems)
    projects = _read_optional(directory, PROJECTS_FILE, ProjectsFile, problems)
    kpis = _read_optional(directory, KPIS_FILE, KpisFile, problems)
    routing = _read_optional(directory, ROUTING_FILE, RoutingFile, problems)
    returns = _read_optional(directory, RETURNS_FILE, ReturnsFile, problems)
    focus_areas: dict[str, FocusAreaFile] = {}
    for path in sorted((directory / FOCUS_AREAS_DIR).glob("*.yaml")):
        name = f"{FOCUS_AREAS_DIR}/{path.name}"
        if (area := _read(path, FocusAreaFile, name, problems)) is not None:
            focus_areas[name] = area
    found_neighbours = _read_neighbours(directory / NATIONAL_DIR, problems)
    if problems or strategy is None:
        raise SeedInvalid(problems)
    bundle = SeedBundle(
        strategy=strategy,
        owners=owners.owners if owners else [],
        bodies=bodies.governance_bodies if bodies else [],
        focus_areas=focus_areas,
        projects=projects.projects if projects else [],
        kpis=kpis.kpis if kpis else [],
        routing=routing or RoutingFile(),
        return_schedules=returns.return_schedules if returns else [],
        neighbours=found_neighbours,
    )
    problems.extend(SeedProblem(*found) for found in check_references(bundle))
    if problems:
        raise SeedInvalid(problems)
    return bundle


def _read_optional(directory: Path, name: str, model: type[FileT], problems: list[SeedProblem]) -> FileT | None:
    path = directory / name
    return _read(path, model, name, problems) if path.is_file() else None


def _read_neighbours(directory: Path, problems: list[SeedProblem]) -> dict[str, Lists]:
    """DfE's statistical neighbour lists, by model, from the files that are there (api/benchmarks/neighbours.py)."""
    found: dict[str, Lists] = {}
    for layout in LAYOUTS:
        path = directory / layout.file_name
        if not path.is_file():
            continue
        name = f"{NATIONAL_DIR}/{layout.file_name}"
        try:
            found[layout.model] = read_neighbours(path.read_text(encoding="utf-8-sig"), layout)
        except (OSError, UnicodeDecodeError) as error:
            problems.append(SeedProblem(name, None, f"cannot read: {error}"))
        except NeighbourFileInvalid as error:
            problems.append(SeedProblem(name, None, str(error)))
    return found
