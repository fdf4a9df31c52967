"""How commands print: terminal-safe text and JSON, one line per file, day or failure."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # imported where used: `--help` stays light
    from dailypapers.config import Settings
    from dailypapers.errors import DailyPapersError
    from dailypapers.pipeline import CollectResult, DayResult
    from dailypapers.write import FileResult

    Progress = Callable[[str, DayResult | DailyPapersError], None]


def printable(text: str | None, *, lines: bool = False) -> str:
    """Text for a terminal (Hub text above all): :func:`dailypapers.text.clean` (each control
    character a space, line breaks included unless ``lines``; no bidirectional control) and
    no secret (:func:`dailypapers.redact.hide`)."""
    from dailypapers.redact import hide
    from dailypapers.text import clean

    return hide(clean(text or "", lines=lines))


def terminal_json(data: object) -> str:
    """``--json`` output: JSON as ``json.dumps`` writes it (which escapes only C0 controls), with
    DEL, the C1 controls, bidirectional controls and U+FFFE/U+FFFF escaped too, so that
    nothing reaches a terminal that acts on it; no secret."""
    import json

    from dailypapers.redact import hide
    from dailypapers.text import escape_json

    return hide(escape_json(json.dumps(data, ensure_ascii=False, indent=2)))


def note(message: str) -> None:
    click.echo(printable(message), err=True)


def warn(message: str) -> None:
    click.echo(f"Warning: {printable(message)}", err=True)


def show_file(file: FileResult) -> None:
    """One line per file; in a dry run, "would create/update" and the diff of a changed file."""
    if file.dry_run and file.changed:
        click.echo(f"would {file.status.value[:-1]}  {file.path}")
        if file.diff:
            click.echo(printable(file.diff, lines=True), nl=False)
    else:
        click.echo(f"{file.status.value:>9}  {file.path}")


def report_day(result: DayResult, *, quiet_unchanged: bool = False) -> None:
    for warning in result.warnings:
        click.echo(f"Warning: {result.day}: {printable(warning)}", err=True)
    if not result.papers:
        click.echo(f"{result.day}: the Hub lists no papers for this day; nothing written")
        return
    for file in result.files:
        if file.changed or not quiet_unchanged:
            show_file(file)


def report_summaries(result: CollectResult, settings: Settings, dry_run: bool) -> None:
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
        warn(error)
    if report.failed:
        stopped = f"stopped after {FAILURES_IN_A_ROW} failures in a row; " if report.stopped else ""
        click.echo(
            f"Warning: {stopped}the posts are written without the missing summaries; "
            "the next run asks for them again",
            err=True,
        )


def report_outcomes(result: CollectResult) -> None:
    """What came of the settled days' papers (setting paper_info): how many were asked, and
    each failure as a warning (that paper's counts only; it is not asked again)."""
    report = result.outcomes
    if report is None or not report.asked:
        return
    failed = f", {len(report.failed)} failed" if report.failed else ""
    click.echo(f"Paper info: {report.observed} papers observed{failed}")
    for error in report.failed.values():
        warn(error)


@contextlib.contextmanager
def progress(total: int) -> Iterator[Progress]:
    """A progress bar on a terminal; one plain line per day otherwise (logs, CI)."""
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="Collecting", file=sys.stderr) as bar:
            yield lambda day, outcome: bar.update(1)
        return
    count = 0

    def line(day: str, outcome: DayResult | DailyPapersError) -> None:
        nonlocal count
        count += 1
        state = "failed" if isinstance(outcome, Exception) else f"{len(outcome.papers)} papers"
        click.echo(f"[{count}/{total}] {day}: {state}", err=True)

    yield line
