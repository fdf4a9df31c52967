"""What the commands share: options, settings, the archive, and how results are printed."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from dailypapers.errors import DailyPapersError

F = TypeVar("F", bound=Callable[..., Any])


TRACEBACK_ENV = "DAILYPAPERS_TRACEBACK"  # set: an unexpected error shows its traceback


def reports_errors(command: F) -> F:
    """Turn whatever escapes the library into one line on stderr and exit status 1.

    The command group applies this to every command (see ``dailypapers.cli.Commands``), so it
    is the one place where errors become lines. Usage errors (click's) keep their exit status
    2; a library error (:class:`DailyPapersError`) says its cause and what to do; a file
    system, archive or template failure is explained (:func:`failure_line`).
    """

    from dailypapers.cli import interrupt

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
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

    return wrapper  # type: ignore[return-value]


# Where a command keeps the data files it could not read (see ``open_store``), to be named
# once it is done: it did what it could, and the exit status says the rest was left alone.
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
    result = getattr(stop, "result", None)  # pipeline.Interrupted: a collect stopped midway
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


def check_range(since: str | None, until: str | None) -> None:
    """A reversed range is a usage error (exit status 2) in every command that takes one."""
    if since and until and until < since:
        raise click.UsageError(f"--until {until} is before --since {since}")


def period_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--month YYYY-MM`` or ``--week YYYY-Www``, checked: a bad one is a usage error."""
    from dailypapers.dates import month_period, week_period

    if value is None:
        return None
    try:
        (week_period if param.name == "week" else month_period)(value)
    except DailyPapersError as error:
        raise click.BadParameter(str(error)) from None
    return value


def parse_day_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from dailypapers.dates import parse_day

    if value is None:
        return None
    try:
        return parse_day(value)
    except DailyPapersError as error:
        raise click.BadParameter(str(error)) from None


site_option = click.option(
    "--site",
    # A typo must not quietly start a new site: only `init` and `demo` create one.
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The Jekyll site directory (posts go to SITE/_posts, data to SITE/_data/papers).",
)
top_option = click.option(
    "--top", type=click.IntRange(1, 100), help="Papers shown in a daily post (setting daily.top, 10)."
)
author_option = click.option(
    "--author", help="Value of the posts' `author:` line; left out when empty (setting author)."
)
language_option = click.option(
    "--language",
    type=click.Choice(["ko", "en", "ja", "zh"]),
    help="Language of the posts (setting language, ko).",
)


def settings_options(command: F) -> F:
    """--top, --author and --language: the settings every writing command takes."""
    return top_option(author_option(language_option(command)))


# Options named otherwise than the setting they set.
OPTION_SETTINGS = {"top": "daily.top", "days": "run_days", "db": "database"}


def load_settings(site: Path, **options: Any) -> Any:
    """The site's settings with the command's options on top (None: the option was not given)."""
    from dailypapers import config

    if options.get("db") is not None:
        options["db"] = options["db"].absolute()  # an option's path is relative to here
    flags = {OPTION_SETTINGS.get(name, name): value for name, value in options.items()}
    settings = config.load_settings(site, flags)
    for line in unsaved_settings(site, flags):
        note(line)
    return settings


# Settings that change what is written, that a writing command takes as an option; the
# ones `init` takes too are kept with it.
WRITTEN_SETTINGS = ("author", "language", "daily.top")
INIT_OPTIONS = ("author", "language", "timezone")


def unsaved_settings(site: Path, flags: dict[str, Any]) -> list[str]:
    """One line for each option given here that the site's file does not keep: the
    scheduled run (which reads the file) would write otherwise."""
    import shlex

    from dailypapers import config
    from dailypapers.init import toml_value

    given = {name: flags[name] for name in WRITTEN_SETTINGS if flags.get(name) is not None}
    if not given:
        return []
    saved = config.load_settings(site, {}, environ={})
    lines = []
    for name, value in given.items():
        field = config.FIELD.get(name, name)
        current = saved.daily.top if name == "daily.top" else getattr(saved, field)
        if current == value:
            continue
        option = "--" + {"daily.top": "top"}.get(name, name)
        section, _, key = name.rpartition(".")
        entry = f"`{key} = {toml_value(value)}`"
        entry += f" under `[{section}]`" if section else ""  # "[daily] top = 5" is not TOML
        where = "" if site == Path(".") else f" {shlex.quote(str(site))}"
        command = f"dailypapers init{where} {option} {shlex.quote(str(value))}"
        keep = f"`{command}` or " if name in INIT_OPTIONS else ""
        lines.append(
            f"Note: {option} {shlex.quote(str(value))} is not in {config.CONFIG_FILE}, so the scheduled "
            f"run will not use it; keep it with {keep}{entry} in {config.CONFIG_FILE}."
        )
    return lines


db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The archive database (setting database; default SITE/.dailypapers/papers.db).",
)
retry_budget_option = click.option(
    "--retry-budget",
    type=click.FloatRange(min=0),
    help="Seconds a day may spend retrying a failing Hub before it fails (setting retry_budget, 60).",
)
concurrency_option = click.option(
    "--concurrency", type=click.IntRange(1, 64), help="Days fetched at once (setting concurrency, 8)."
)


dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Show what would be written (a diff for changed files); write nothing."
)


def collect_options(command: F) -> F:
    """The options of the commands that fetch (run, backfill): settings, archive, how many
    days at once, the retry budget, --dry-run."""
    return settings_options(db_option(concurrency_option(retry_budget_option(dry_run_option(command)))))


def hub_client(settings: Any) -> Any:
    from dailypapers.http import MB
    from dailypapers.hub import HubClient, RetryPolicy

    return HubClient(
        retry=RetryPolicy(budget=settings.retry_budget),
        deadline=settings.request_deadline,
        max_bytes=settings.max_response_mb * MB,
        notice=lambda line: click.echo(printable(line), err=True),
    )


def model_client(settings: Any, dry_run: bool) -> Any:
    """The language model for summaries, when one is set up (a dry run asks none: it costs)."""
    from dailypapers.llm import ModelClient, enabled

    if dry_run or not enabled(settings):
        return None
    return ModelClient.from_settings(settings)


def report_summaries(result: Any, settings: Any, dry_run: bool) -> None:
    """How many summaries were made, reused and failed; a failure is a warning, not an error."""
    from dailypapers.llm import FAILURES_IN_A_ROW, enabled

    if not enabled(settings):
        return
    report = result.model
    if report is None:
        if dry_run:
            click.echo("Summaries: none asked for in a dry run")
        return
    click.echo(report.line())
    for error in report.errors:
        click.echo(f"Warning: {printable(error)}", err=True)
    if report.failed:
        stopped = f"stopped after {FAILURES_IN_A_ROW} failures in a row; " if report.stopped else ""
        click.echo(
            f"Warning: {stopped}the posts are written without the missing summaries; "
            "the next run asks for them again",
            err=True,
        )


def report_outcomes(result: Any) -> None:
    """What came of the settled days' papers (setting paper_info): how many were asked, and
    each failure as a warning (that paper's counts only; it is not asked again)."""
    report = result.outcomes
    if report is None or not report.asked:
        return
    failed = f", {len(report.failed)} failed" if report.failed else ""
    click.echo(f"Paper info: {report.observed} papers observed{failed}")
    for error in report.failed.values():
        click.echo(f"Warning: {printable(error)}", err=True)


def open_store(site: Path, settings: Any, *, scratch: bool = False) -> Any:
    """The site's archive, completed from the data files; those that cannot be read are named
    when the command ends, with exit status 1 (:func:`report_unreadable`)."""
    from dailypapers.archive import open_store

    store = open_store(site, settings.database, on_import=note, scratch=scratch)
    remember_unreadable(store.unreadable)
    return store


def report_day(result: Any, *, quiet_unchanged: bool = False) -> None:
    for warning in result.warnings:
        click.echo(f"Warning: {result.day}: {printable(warning)}", err=True)
    if not result.papers:
        click.echo(f"{result.day}: the Hub lists no papers for this day; nothing written")
        return
    for file in result.files:
        if file.changed or not quiet_unchanged:
            show_file(file)


def show_file(file: Any) -> None:
    """One line per file; in a dry run, "would create/update" and the diff of a changed file."""
    if file.dry_run and file.changed:
        click.echo(f"would {file.status.value[:-1]}  {file.path}")
        if file.diff:
            click.echo(printable(file.diff, lines=True), nl=False)
    else:
        click.echo(f"{file.status.value:>9}  {file.path}")


@contextlib.contextmanager
def writing(root: Path, settings: Any, dry_run: bool, *, model: bool = False) -> Any:
    """The :class:`~dailypapers.site.Site` of a writing command, its archive open and the site
    locked; in a dry run, a scratch copy of the archive and a writer that writes nothing.
    ``model``: with the language model the settings set up (:func:`model_client`)."""
    from dailypapers.site import Site
    from dailypapers.write import writer_for

    writer = writer_for(root, dry_run=dry_run)
    client = model_client(settings, dry_run) if model else None
    if not dry_run:
        with locked(root), open_store(root, settings) as store:
            yield Site(root, settings, store, writer, client)
        return
    with open_store(root, settings, scratch=True) as store:
        yield Site(root, settings, store, writer, client)


def locked(site: Path, dry_run: bool = False) -> Any:
    """The site lock every writing command holds (a dry run writes nothing: no lock)."""
    from dailypapers.lock import writing_site

    return contextlib.nullcontext() if dry_run else writing_site(site, on_message=note)


def note(message: str) -> None:
    click.echo(printable(message), err=True)


def notify(settings: Any, result: Any, dry_run: bool, interests: Any = None) -> None:
    if not settings.notify_webhook or dry_run:
        return
    from dailypapers.errors import NotifyError
    from dailypapers.notify import notify_run

    # A failed message is a warning: the posts are written and the schedule must still commit.
    try:
        sent = notify_run(settings, result, interests)
    except NotifyError as error:
        click.echo(f"Warning: {printable(str(error))}", err=True)
        return
    if sent:
        click.echo(f"Notified {sent}", err=True)


def email(context: Any, result: Any) -> Callable[[], None]:
    """Email the run's new papers when ``[email]`` is set up; returns what prints the outcome
    once the files are reported. A failed email is a warning: the posts are written."""
    from dailypapers.errors import NotifyError
    from dailypapers.mail import enabled, mail_run
    from dailypapers.pipeline import stored_summaries

    if not enabled(context.settings) or context.dry_run:
        return lambda: None
    days = [done.day for done in result.days if done.papers]
    try:
        sent = mail_run(context, days, stored_summaries(context))
    except NotifyError as error:
        line = f"Warning: {printable(str(error))}"
    else:
        line = f"Emailed {printable(sent)}" if sent else "Email: no new papers"
    return lambda: click.echo(line, err=True)


def fail_if_any(result: Any) -> None:
    for _, error in sorted(result.failed.items()):
        click.echo(f"Error: {printable(str(error))}", err=True)
    if result.failed:
        sys.exit(1)


@contextlib.contextmanager
def progress(total: int) -> Any:
    """A progress bar on a terminal; one plain line per day otherwise (logs, CI)."""
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="Collecting", file=sys.stderr) as bar:
            yield lambda day, outcome: bar.update(1)
        return
    count = 0

    def line(day: str, outcome: Any) -> None:
        nonlocal count
        count += 1
        state = "failed" if isinstance(outcome, Exception) else f"{len(outcome.papers)} papers"
        click.echo(f"[{count}/{total}] {day}: {state}", err=True)

    yield line


def printable(text: str | None, *, lines: bool = False) -> str:
    """Text for a terminal (Hub text above all): :func:`dailypapers.text.clean` (each control
    character a space, line breaks included unless ``lines``; no bidirectional control) and
    no secret (:func:`dailypapers.redact.hide`)."""
    from dailypapers.redact import hide
    from dailypapers.text import clean

    return hide(clean(text or "", lines=lines))


def terminal_json(data: Any) -> str:
    """``--json`` output: JSON as ``json.dumps`` writes it (which escapes only C0 controls), with
    DEL, the C1 controls, bidirectional controls and U+FFFE/U+FFFF escaped too, so that
    nothing reaches a terminal that acts on it; no secret."""
    import json

    from dailypapers.redact import hide
    from dailypapers.text import escape_json

    return hide(escape_json(json.dumps(data, ensure_ascii=False, indent=2)))
