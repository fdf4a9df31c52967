"""Bringing the days a previous digest wrote up to date: update-history."""

from __future__ import annotations

from pathlib import Path

import click

from dailypapers.cli import cli
from dailypapers.cli.errors import fail_if_any
from dailypapers.cli.options import (
    check_range,
    collect_options_with,
    load_settings,
    parse_day_option,
    site_option,
)
from dailypapers.cli.output import progress, report_outcomes, report_summaries, show_file
from dailypapers.cli.resources import hub_client, writing

HISTORY_CONCURRENCY = 2  # days fetched at once unless --concurrency: the Hub's limits are shared


@cli.command("update-history")
@site_option
@click.option("--since", callback=parse_day_option, help="Only days from this one, YYYY-MM-DD.")
@click.option("--until", callback=parse_day_option, help="Only days up to this one, YYYY-MM-DD.")
@click.option(
    "--limit", type=click.IntRange(1, 10000), help="At most this many days this time, oldest first."
)
@collect_options_with(
    f"Days fetched at once (default: the setting concurrency, at most {HISTORY_CONCURRENCY})."
)
def update_history(
    site: Path,
    since: str | None,
    until: str | None,
    limit: int | None,
    top: int | None,
    author: str | None,
    language: str | None,
    db: Path | None,
    concurrency: int | None,
    retry_budget: float | None,
    dry_run: bool,
) -> None:
    """Fetch again the days a previous digest wrote, and rewrite their posts as this tool's.

    Scheduled runs leave those days as they are (they update only the days of their window).
    This command fetches each such day once (--concurrency days at once, default 2; an
    answer 429 is waited out as the Hub asks) and updates its post where it is, its URL kept,
    its data file, and the weekly and monthly summaries of those days. --dry-run fetches
    and says what would change, writing nothing. Rerun it after an interruption.
    """
    from dailypapers.adopt import history_lines
    from dailypapers.pipeline import collect

    check_range(since, until)
    settings = load_settings(
        site, top=top, author=author, language=language, db=db, retry_budget=retry_budget
    )
    days, left = _previous_digest_days(site, since, until, limit)
    if not days:
        click.echo("No day of a previous digest is left: every data file is this tool's")
        return
    hub = hub_client(settings)
    with writing(site, settings, dry_run) as context, progress(len(days)) as advance:
        result = collect(
            context,
            days,
            hub,
            refresh=True,
            concurrency=concurrency or min(settings.concurrency, HISTORY_CONCURRENCY),
            progress=advance,
        )
    if dry_run:
        for file in [f for done in result.days for f in done.files] + result.summaries:
            if file.changed:
                show_file(file)
    for line in history_lines(result, dry_run=dry_run, left=len(left)):
        click.echo(line)
    report_summaries(result, settings, dry_run)
    report_outcomes(result)
    fail_if_any(result)


def _previous_digest_days(
    site: Path, since: str | None, until: str | None, limit: int | None
) -> tuple[list[str], list[str]]:
    """The days a previous digest wrote, from ``since`` to ``until``: the first ``limit`` of
    them, to do this time, and those left for a later run."""
    from dailypapers.placement import foreign_days

    days = [d for d in foreign_days(site) if (not since or d >= since) and (not until or d <= until)]
    if not limit:
        return days, []
    return days[:limit], days[limit:]
