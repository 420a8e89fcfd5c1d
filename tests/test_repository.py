"""A clone is self-contained: nothing in it reads a path outside it, and the national data it carries says where
each file came from and under what licence."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "seed" / "national"
OUTSIDE = re.compile(r"\.\./shared|/work/shared|parents\[[2-9]\]|\.\./\.\./")


def _tracked() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in listed.splitlines()]


def test_no_code_reads_outside_the_repository() -> None:
    code = [p for p in _tracked() if p.suffix in (".py", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml")]
    code = [p for p in code if p != Path(__file__).resolve()]  # which names the patterns it looks for
    code += [ROOT / "Makefile", ROOT / ".ci" / "run"]
    offenders = [str(p.relative_to(ROOT)) for p in code if p.is_file() and OUTSIDE.search(p.read_text("utf-8"))]
    assert offenders == []


def test_every_national_file_names_its_source_and_licence() -> None:
    readme = (NATIONAL / "README.md").read_text("utf-8")
    assert "Open Government Licence v3.0" in readme
    files = sorted(p.name for p in NATIONAL.glob("*.csv"))
    assert files, "the DfE files the tests and benchmarks read are in the repository"
    assert [name for name in files if f"`{name}`" not in readme] == []
