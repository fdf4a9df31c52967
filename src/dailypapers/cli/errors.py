"""The one place where what escapes the library becomes one line on stderr and an exit status."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import click

from dailypapers.cli.output import printable
from dailypapers.errors import DailyPapersError

if TYPE_CHECKING:  # imported where used: `--help` stays light
    from dailypapers.pipeline import CollectResult

P = ParamSpec("P")
R = TypeVar("R")

TRACEBACK_ENV = "DAILYPAPERS_TRACEBACK"  # set: an unexpected error shows its traceback


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn whatever escapes the library into one line on stderr and exit status 1.

    The command group applies this to every command (see ``dailypapers.cli.Commands``), so it
    is the one place where errors become lines. Usage errors (click's) keep their exit status
    2; a library error (:class:`DailyPapersError`) says its cause and what to do; a file
    system, archive or template failure is explained (:func:`failure_line`).
    """

    from dailypapers.cli import interrupt

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            try:
                with interrupt.handled():
                    outcome = command(*args, **kwargs)
            finally:  # a closed pipe shows here, not at exit after the command has returned
                sys.stdout.flush()
        except SystemExit:
            report_unreadable()
            raise
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt as stop:
            interrupt.exit_now(interrupted(stop))
        except Exception as error:
            if isinstance(error, BrokenPipeError) and reader_gone():
                raise  # `dailypapers search | head`: click ends the command quietly, status 1
            if os.environ.get(TRACEBACK_ENV) and not isinstance(error, DailyPapersError):
                raise
            click.echo(f"Error: {printable(failure_line(error))}", err=True)
            report_unreadable()
            sys.exit(1)
        if report_unreadable():
            sys.exit(1)
        return outcome

    return wrapper


# Where a command keeps the data files it could not read (see ``resources.open_store``), to be
# named once it is done: it did what it could, and the exit status says the rest was left alone.
_UNREADABLE = "dailypapers.unreadable"


def remember_unreadable(lines: dict[str, str]) -> None:
    context = click.get_current_context(silent=True)
    if context is not None and lines:
        context.meta.setdefault(_UNREADABLE, {}).update(lines)


def report_unreadable() -> bool:
    """One error line per data file the command could not read; whether there was one."""
    context = click.get_current_context(silent=True)
    lines: dict[str, str] = context.meta.pop(_UNREADABLE, {}) if context is not None else {}
    for _, line in sorted(lines.items()):
        click.echo(f"Error: {printable(line)}", err=True)
    return bool(lines)


def fail_if_any(result: CollectResult) -> None:
    """One error line per day that failed, in date order; then exit status 1 (the other days
    are done: a failed day does not stop a backfill)."""
    for _, error in sorted(result.failed.items()):
        click.echo(f"Error: {printable(failure_line(error))}", err=True)
    if result.failed:
        sys.exit(1)


def reader_gone() -> bool:
    """Whether standard output is a pipe whose reader has closed it (poll reports an error)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # not a real file (tests), or no poll here
        return False


def interrupted(stop: KeyboardInterrupt) -> str:
    """The line for Ctrl-C: what was written before it, and how to complete the rest."""
    # pipeline.Interrupted: a collect stopped midway (not imported here: Ctrl-C may come
    # during start-up, before the pipeline is loaded)
    result = getattr(stop, "result", None)
    written = [done.day for done in result.days if done.papers] if result is not None else []
    if not written:
        return "Interrupted; files already written are complete."
    days = written[0] if len(written) == 1 else f"{len(written)} days, {written[0]} to {written[-1]}"
    return f"Interrupted; {days} written; run the same command again to complete the others."


def failure_line(error: Exception) -> str:
    """What the user reads for ``error``: its cause and what to do, on one line."""
    import sqlite3

    import jinja2

    from dailypapers.errors import explain_os_error

    if isinstance(error, DailyPapersError):
        return str(error)
    if isinstance(error, OSError):
        return explain_os_error(error)
    if isinstance(error, sqlite3.Error):
        if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
            return "the disk is full (writing the archive); free some space and run again (nothing was lost)"
        return f"the archive failed: {error}; `dailypapers doctor` checks it"
    if isinstance(error, jinja2.TemplateError):
        return f"a template failed: {error}; fix the site's template (or delete it to use the package's)"
    return (
        f"unexpected {type(error).__name__}: {error}; this is a bug, please report it "
        f"(with {TRACEBACK_ENV}=1 the command shows where it happened)"
    )
