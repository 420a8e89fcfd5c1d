"""Progress of a long upload on stderr: a Rich bar on a terminal, one line per chunk in a log, or nothing."""

from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class Tracker(Protocol):
    def phase(self, name: str, total: int) -> None: ...
    def advance(self, rows: int) -> None: ...
    def __enter__(self) -> "Tracker": ...
    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class Quiet:
    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass

    def __enter__(self) -> "Quiet":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        pass


class Lines(Quiet):
    """For a log: `checking: 2,000 of 5,000 rows`, a line each chunk."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.name, self.total, self.done = "", 0, 0

    def phase(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0

    def advance(self, rows: int) -> None:
        self.done += rows
        self.console.print(f"{self.name}: {self.done:,} of {self.total:,} rows", highlight=False)


class Bar(Quiet):
    """A Rich progress bar per phase (checking, then submitting), counting rows."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            TimeElapsedColumn(),
            console=console,
        )
        self.task: TaskID | None = None

    def phase(self, name: str, total: int) -> None:
        self.task = self.progress.add_task(name, total=total)

    def advance(self, rows: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, rows)

    def __enter__(self) -> "Bar":
        self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.progress.stop()


def tracker(console: Console, wanted: bool | None) -> Tracker:
    """``wanted``: --progress / --no-progress, or None to choose by whether stderr is a terminal."""
    if wanted is False:
        return Quiet()
    return Bar(console) if console.is_terminal else Lines(console)
