"""Commands that read the archive: search, stats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dailypapers.cli import cli
from dailypapers.cli.options import (
    check_range,
    db_option,
    load_settings,
    parse_day_option,
    period_option,
    site_option,
)
from dailypapers.cli.output import printable, terminal_json
from dailypapers.cli.resources import open_store
from dailypapers.models import MAX_COUNT

if TYPE_CHECKING:
    from dailypapers.config import Settings
    from dailypapers.store import SearchHit


def _query_or_filter(query: str, *filters: object) -> None:
    """A search names words or filters (``filters``: each one's value, set or not)."""
    if not query.split() and not any(filters):
        raise click.UsageError(
            "give a QUERY or a filter "
            "(--since, --until, --org, --min-upvotes, --starred, --has-models, --has-code)"
        )


@cli.command()
@click.argument("query", default="")
@site_option
@db_option
@click.option("--since", callback=parse_day_option, help="Only papers listed on this day or later.")
@click.option("--until", callback=parse_day_option, help="Only papers listed on this day or earlier.")
@click.option("--org", help="Only papers of an organization whose name contains this (any case).")
@click.option("--min-upvotes", type=click.IntRange(min=0), help="Only papers with this many upvotes or more.")
@click.option("--starred", is_flag=True, help="Only papers matching the site's [interests] (marked ⭐).")
@click.option("--has-models", is_flag=True, help="Only papers the Hub links a model to (when observed).")
@click.option("--has-code", is_flag=True, help="Only papers with a code repository.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Most results.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
def search(
    query: str,
    site: Path,
    db: Path | None,
    since: str | None,
    until: str | None,
    org: str | None,
    min_upvotes: int | None,
    starred: bool,
    has_models: bool,
    has_code: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Find papers in the archive by words of their title, abstract, keywords or organization.

    Every word must match; results are ranked by relevance (title matches weigh most). The
    filters narrow the results; with filters and no QUERY, every paper passing them is
    listed, most upvoted first. Muted papers are found too.
    """
    check_range(since, until)
    _query_or_filter(query, since, until, org, min_upvotes is not None, starred, has_models, has_code)
    # SQLite takes 64-bit integers only; no count is above MAX_COUNT, so the meaning stays.
    limit = min(limit, MAX_COUNT)
    min_upvotes = None if min_upvotes is None else min(min_upvotes, MAX_COUNT + 1)
    settings = load_settings(site, db=db)
    if starred and not (settings.interest_keywords or settings.interest_organizations):
        # Not "no paper passes": nothing could, with no interests to match.
        raise click.UsageError(
            "--starred lists papers matching [interests] keywords or organizations, "
            f"and {site / 'dailypapers.toml'} sets none"
        )
    with open_store(site, settings) as store:
        hits = store.search(
            query,
            None if starred else limit,
            since=since,
            until=until,
            organization=org,
            min_upvotes=min_upvotes,
            has_models=has_models,
            has_code=has_code,
        )
    if starred:
        hits = _starred(hits, settings)[:limit]
    _show_hits(hits, query, as_json)


def _starred(hits: list[SearchHit], settings: Settings) -> list[SearchHit]:
    """The hits matching the site's [interests] (marked ⭐)."""
    from dailypapers.interests import Interests

    interests = Interests.from_settings(settings)
    return [hit for hit in hits if interests.starred(hit.paper)]


def _show_hits(hits: list[SearchHit], query: str, as_json: bool) -> None:
    """The papers found, a line each (the first day listed, upvotes, title, link), or JSON."""
    if as_json:
        click.echo(terminal_json([hit.as_json() for hit in hits]))
        return
    if not hits:
        click.echo(f"No paper matches {query!r}." if query.split() else "No paper passes these filters.")
    for hit in hits:
        first = hit.days[0] if hit.days else "?"
        title = printable(hit.paper.title)
        click.echo(f"{first}  👍 {hit.paper.upvotes:<4} {title}  {hit.paper.hf_url}")


@cli.command()
@site_option
@db_option
@click.option("--since", callback=parse_day_option, help="First day listed, YYYY-MM-DD.")
@click.option("--until", callback=parse_day_option, help="Last day listed, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
def days(site: Path, db: Path | None, since: str | None, until: str | None, as_json: bool) -> None:
    """List the stored days: papers, top paper, last fetch, and whether the ranking is final.

    A day is final once it was fetched again settle_days (default 7) after it began; `run`
    does that by itself.
    """
    from dailypapers.settle import is_final

    check_range(since, until)
    settings = load_settings(site, db=db)
    with open_store(site, settings) as store:
        stored = store.overview(since, until)
    rows = [
        {
            "date": day.day,
            "papers": day.papers,
            "top": None
            if day.top_id is None
            else {"id": day.top_id, "title": day.top_title, "upvotes": day.top_upvotes},
            "crawled_at": day.crawled_at,
            "fetched_at": day.fetched_at,
            "final": is_final(day.day, day.fetched_at, settings.settle_days),
        }
        for day in stored
    ]
    if as_json:
        click.echo(terminal_json(rows))
        return
    if not rows:
        click.echo("No stored day." if not (since or until) else "No stored day in this range.")
    for day, row in zip(stored, rows, strict=True):
        best = f"👍 {day.top_upvotes:<4} {printable(day.top_title)}" if day.top_id is not None else "-"
        state = "final" if row["final"] else "open"
        fetched = day.fetched_at or "?"
        click.echo(f"{day.day}  {day.papers:>3} papers  {state:<5}  fetched {fetched}  {best}")


@cli.command()
@site_option
@db_option
@click.option("--month", callback=period_option, help="A month, YYYY-MM.")
@click.option("--week", callback=period_option, help="An ISO week, YYYY-Www.")
@click.option("--since", callback=parse_day_option, help="First day, YYYY-MM-DD (with --until).")
@click.option("--until", callback=parse_day_option, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Length of lists.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(
    site: Path,
    db: Path | None,
    month: str | None,
    week: str | None,
    since: str | None,
    until: str | None,
    top: int,
    as_json: bool,
) -> None:
    """Figures for a month, a week or a range of days (default: the whole archive).

    Paper count, total and average upvotes (each paper once, at its highest observed count),
    top papers, organizations and keywords, and the biggest risers between observations.
    """
    from dailypapers.stats import compute_stats, stats_json, stats_period

    chosen = [name for name, value in (("--month", month), ("--week", week), ("--since", since)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of {', '.join(chosen)}")
    if bool(since) != bool(until):
        raise click.UsageError("--since and --until go together")
    check_range(since, until)
    with open_store(site, load_settings(site, db=db)) as store:
        period = stats_period(store, month=month, week=week, since=since, until=until)
        figures = stats_json(compute_stats(store, period), top)
    if as_json:
        click.echo(terminal_json(figures))
        return
    _print_stats(figures)


def _print_stats(figures: dict[str, object]) -> None:
    from dailypapers.stats import EMPTY_ARCHIVE_DAY

    empty = figures["since"] == EMPTY_ARCHIVE_DAY
    span = "an empty archive" if empty else f"{figures['since']} .. {figures['until']}"
    click.echo(f"Period {figures['period']} ({span})")
    click.echo(
        f"{figures['days']} days, {figures['paper_count']} papers, {figures['total_upvotes']:,} upvotes "
        f"(average {figures['average_upvotes']:.2f})"
    )
    sections: tuple[tuple[str, str, Callable[[dict[str, object]], str]], ...] = (
        ("Top papers", "top_papers", lambda p: f"👍 {p['upvotes']:<5} {p['title']}"),
        (
            "Top organizations",
            "top_organizations",
            lambda o: f"{o['papers']:>2} papers  👍 {o['upvotes']:<5} {o['name']}",
        ),
        ("Top keywords", "top_keywords", lambda k: f"{k['papers']:<3} {k['keyword']}"),
        ("Biggest risers", "risers", lambda r: f"+{r['growth']:<4} ({r['from']} → {r['to']}) {r['title']}"),
    )
    for title, key, line in sections:
        items = figures[key]
        if isinstance(items, list) and items:
            click.echo(f"\n{title}:")
            for number, item in enumerate(items, 1):
                click.echo(f"{number:>3}. {printable(line(item))}")
