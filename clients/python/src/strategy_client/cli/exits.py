"""The command line's exit codes, and how a failure becomes one with a message on stderr.

0  done: everything asked for happened (every row landed, the list printed, the file written).
1  refused: the service checked what was sent and refused some or all of it: rejected rows of a submission or an
   import (a dry run too), a row this key may not submit, a change that lost a race with another writer (409, 412).
2  usage: the command line, a file or the configuration is wrong (Typer's own usage errors are 2 as well), or names
   something the service does not hold or takes as invalid (400, 404, 413, 415, 422, 428).
3  failure: the service or the network failed or refused access: no connection, a timeout, 5xx, 401, 403 (scope),
   429 after the retries.
"""

from enum import IntEnum

from rich.console import Console
from rich.markup import escape

from strategy_client import ApiError, StrategyError, TransportError


class Exit(IntEnum):
    ok = 0
    refused = 1
    usage = 2
    failure = 3


REFUSED_STATUSES = frozenset({409, 412})
USAGE_STATUSES = frozenset({400, 404, 405, 413, 415, 422, 428})


class UsageProblem(Exception):
    """The command line, a file or the configuration is wrong: printed as it is, exit 2."""


class Refused(Exception):
    """What was asked was checked and refused on this side (an item changed since the version given): exit 1."""


def exit_for(error: StrategyError) -> Exit:
    if isinstance(error, ApiError):
        if error.status in REFUSED_STATUSES:
            return Exit.refused
        if error.status in USAGE_STATUSES:
            return Exit.usage
    return Exit.failure


def describe(error: StrategyError) -> list[str]:
    """The problem's title and detail, each field error, and the request id to quote to whoever runs the service."""
    if isinstance(error, TransportError):
        lines = [f"Cannot reach the service: {error}"]
    elif isinstance(error, ApiError):
        problem = error.problem
        lines = [f"{error.status} {problem.title or 'Error'}" + (f": {problem.detail}" if problem.detail else "")]
        for item in problem.errors or []:
            where = ".".join(str(part) for part in item.loc)
            lines.append(f"  {where}: {item.msg}" if where else f"  {item.msg}")
    else:
        lines = [str(error)]
    request_id = getattr(error, "request_id", None)
    if request_id and request_id not in lines[0]:
        lines.append(f"request id {request_id}")
    return lines


def report(error: StrategyError, errors: Console) -> Exit:
    """Print a failure to stderr and say which exit code it means."""
    code = exit_for(error)
    first, *rest = describe(error)
    errors.print(f"[bold red]error[/]: {escape(first)}")
    for line in rest:
        errors.print(escape(line))
    if isinstance(error, ApiError) and error.status == 401:
        errors.print("Check the key: --key, STRATEGY_API_KEY or the profile's key (strategy config show).")
    return code
