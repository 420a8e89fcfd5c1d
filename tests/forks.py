"""Processes forked from a server that has already imported the app (multiprocessing's forkserver, its modules
preloaded by tests/live_preload.py), for the tests that start workers or run the command line. Importing the app is
about 2.5 s of CPU on the two-core machine, and the suite starts dozens of workers and commands: forked, a worker is
ready in about 0.5 s rather than 2.6. Each is still a process of its own with the environment the test gives it,
serving over a real socket or writing its exit code and output as `python -m api` does.

The fork server runs the main module's guarded code again, as multiprocessing does; pytest's is guarded."""

import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

FORKS = multiprocessing.get_context("forkserver")
FORKS.set_forkserver_preload(["tests.live_preload"])  # loaded once, in the fork server, when it first starts


def fresh(environment: dict[str, str]) -> None:
    """In a forked child: the test's environment, and nothing the fork server cached standing for its settings."""
    os.environ.clear()
    os.environ.update(environment)
    from api import db, settings

    settings.get_settings.cache_clear()
    db.forget_engines()


def _command(args: list[str], environment: dict[str, str], out: str, err: str) -> None:
    """A forked child's body: `python -m api <args>`, its stdout and stderr written to the files named."""
    for descriptor, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, descriptor)
        os.close(target)
    fresh(environment)
    sys.argv = ["python -m api", *args]
    runpy.run_module("api", run_name="__main__", alter_sys=True)


def run_api(
    *args: str, env: dict[str, str], timeout: float = 120, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """`python -m api <args>` in ``env``, as subprocess.run(capture_output=True, text=True) would answer it (with
    ``check``, a CalledProcessError for a non-zero exit)."""
    command = [sys.executable, "-m", "api", *args]
    with tempfile.TemporaryDirectory() as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        process = FORKS.Process(target=_command, args=(list(args), env, str(out), str(err)))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(command, timeout)
        done = subprocess.CompletedProcess(command, process.exitcode, out.read_text(), err.read_text())
    if check:
        done.check_returncode()
    return done
