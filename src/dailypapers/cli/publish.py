"""Commands that fetch and write: run, backfill, import, render."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dailypapers.cli import cli
from dailypapers.cli.errors import fail_if_any, remember_unreadable
from dailypapers.cli.options import (
    check_range,
    collect_options,
    db_option,
    dry_run_option,
    load_settings,
    parse_day_option,
    settings_options,
    site_option,
)
from dailypapers.cli.output import (
    note,
    progress,
    report_day,
    report_outcomes,
    report_summaries,
    show_file,
    warn,
)
from dailypapers.cli.resources import email, hub_client, locked, notify, writing
from dailypapers.errors import SiteError

if TYPE_CHECKING:
    from dailypapers.site import Site


@cli.command()
@site_option
@click.option("--date", "day", callback=parse_day_option, help="Collect only this day, YYYY-MM-DD.")
@click.option(
    "--days",
    type=click.IntRange(1, 60),
    help="Without --date: refresh this many recent UTC days, ending today (setting run_days, 3).",
)
@collect_options
def run(
    site: Path,
    day: str | None,
    days: int | None,
    top: int | None,
    author: str | None,
    language: str | None,
    db: Path | None,
    concurrency: int | None,
    retry_budget: float | None,
    dry_run: bool,
) -> None:
    """Collect recent days' papers and bring their posts and data files up to date.

    Without --date, the last --days UTC days are fetched again, because listings and upvotes
    keep changing for days. Each file is reported as created, updated or unchanged; an
    unchanged file is not rewritten. A day with no papers writes nothing. Each run also
    fetches, once, every stored day that has become settle_days old (default 7) since its
    last fetch: its post and data file then say its ranking is final.
    """
    from dailypapers.dates import recent_days, utc_now
    from dailypapers.pipeline import collect

    if day and days is not None:  # one of them would be ignored without a word
        raise click.UsageError("give --date or --days, not both")
    settings = load_settings(
        site,
        days=days,
        top=top,
        author=author,
        language=language,
        db=db,
        concurrency=concurrency,
        retry_budget=retry_budget,
    )
    now = utc_now()
    wanted = [day] if day else recent_days(settings.run_days, now.date())
    hub = hub_client(settings)  # a bad HF_ENDPOINT stops here, before the site is locked
    with writing(site, settings, dry_run, model=True) as context:
        settling = _settling(context, now, wanted)
        result = collect(
            context,
            wanted + settling,
            hub,
            concurrency=settings.concurrency,
        )
        mailed = email(context, result)  # under the lock: what it sends is recorded in the site
    for done in result.days:
        report_day(done)
    for file in result.related:  # other days showing a paper that changed
        if file.changed:
            show_file(file)
    for file in result.summaries:
        show_file(file)
    report_summaries(result, settings, dry_run)
    report_outcomes(result)
    notify(settings, result, dry_run, context.interests)
    mailed()
    fail_if_any(result)


def _settling(context: Site, now: dt.datetime, wanted: list[str]) -> list[str]:
    """The days, besides ``wanted``, that have just settled and are fetched once more for
    their final ranking; a previous digest's days are left as they are (each noted)."""
    from dailypapers.placement import foreign_days
    from dailypapers.settle import days_to_settle

    settling = [
        d for d in days_to_settle(context.store, now, context.settings.settle_days) if d not in wanted
    ]
    # Days another digest wrote are not ours to settle: `update-history` fetches them, on request.
    previous = set(foreign_days(context.root))
    if kept := [d for d in settling if d in previous]:
        settling = [d for d in settling if d not in previous]
        note(
            f"{len(kept)} days written by a previous digest are kept as they are: "
            "`dailypapers update-history --dry-run` previews bringing them up to date"
        )
    if settling:
        note(f"Fetching settled days once more for their final ranking: {', '.join(settling)}")
    return settling


@cli.command()
@site_option
@click.option("--since", required=True, callback=parse_day_option, help="First day, YYYY-MM-DD.")
@click.option("--until", required=True, callback=parse_day_option, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--refresh", is_flag=True, help="Fetch days already in the archive again.")
@collect_options
def backfill(
    site: Path,
    since: str,
    until: str,
    refresh: bool,
    top: int | None,
    author: str | None,
    language: str | None,
    db: Path | None,
    concurrency: int | None,
    retry_budget: float | None,
    dry_run: bool,
) -> None:
    """Fetch a range of past days into the archive and write their posts.

    Days already stored are skipped unless --refresh (their files are still checked), so
    rerunning after an interruption completes the job. One failing day does not stop the
    others; the exit status is non-zero if any day failed.
    """
    from dailypapers.dates import day_range
    from dailypapers.pipeline import collect

    settings = load_settings(
        site,
        top=top,
        author=author,
        language=language,
        db=db,
        concurrency=concurrency,
        retry_budget=retry_budget,
    )
    check_range(since, until)
    wanted = day_range(since, until)
    hub = hub_client(settings)  # a bad HF_ENDPOINT stops here, before the site is locked
    with writing(site, settings, dry_run, model=True) as context, progress(len(wanted)) as advance:
        result = collect(
            context,
            wanted,
            hub,
            refresh=refresh,
            concurrency=settings.concurrency,
            progress=advance,
        )
    if dry_run:
        for done in result.days:
            report_day(done, quiet_unchanged=True)
    changed = [f for f in [*result.related, *result.summaries] if f.changed]
    for file in changed if dry_run else []:
        show_file(file)
    verb = "would be written" if dry_run else "written"
    click.echo(
        f"{len(wanted)} days: {result.fetched_days} fetched, {result.stored_days} already stored, "
        f"{len(result.failed)} failed; {result.files_changed} files {verb}"
    )
    report_summaries(result, settings, dry_run)
    report_outcomes(result)
    fail_if_any(result)


@cli.command("import")
@site_option
@db_option
@dry_run_option
def import_(site: Path, db: Path | None, dry_run: bool) -> None:
    """Rebuild the archive from the site's _data/papers/daily-*.json files.

    Reads both this tool's data files and the original crawler's, so a blog made by the
    original migrates in one command. Run `dailypapers render` afterwards to rewrite posts.
    """
    from dailypapers.archive import import_site, open_store
    from dailypapers.store import resolve_db_path

    settings = load_settings(site, db=db)
    path = resolve_db_path(site, settings.database)
    # A damaged archive is kept aside (one line says so) and this import rebuilds it.
    with (
        locked(site, dry_run),
        open_store(site, settings.database, on_import=note, scratch=dry_run, complete=False) as store,
    ):
        result = import_site(site, store, settle_days=settings.settle_days)
    for warning in result.warnings:
        warn(warning)
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {len(result.days)} days, {result.papers} listings into {path}")
    remember_unreadable(
        {
            name: f"skipped {name}: {reason}; restore it (`git checkout`) or fix it, then import again"
            for name, reason in result.skipped.items()
        }
    )


@cli.command()
@site_option
@click.option("--all", "all_days", is_flag=True, help="Every day in the archive.")
@click.option("--date", "day", callback=parse_day_option, help="Only this day, YYYY-MM-DD.")
@settings_options
@db_option
@dry_run_option
def render(
    site: Path,
    all_days: bool,
    day: str | None,
    top: int | None,
    author: str | None,
    language: str | None,
    db: Path | None,
    dry_run: bool,
) -> None:
    """Rewrite posts and data files from the archive, with no network.

    Use it after changing a setting or a template. Unchanged files are not rewritten.
    """
    from dailypapers.dates import utc_now
    from dailypapers.pipeline import publish_stored

    if all_days == bool(day):
        raise click.UsageError("give --all or --date" if not day else "give --all or --date, not both")
    settings = load_settings(site, top=top, author=author, language=language, db=db)
    with writing(site, settings, dry_run) as context:
        days = context.store.stored_days() if all_days or day is None else [day]
        if day and not context.store.has_day(day):
            raise SiteError(
                f"{day} is not in the archive, so there is nothing to render; "
                f"`dailypapers run --date {day}` fetches it"
            )
        changed = 0
        for file in publish_stored(context, days, today=utc_now().date(), every_day=all_days):
            if file.changed:
                changed += 1
                show_file(file)
    verb = "would be written" if dry_run else "written"
    click.echo(f"{len(days)} days rendered, {changed} files {verb}")
