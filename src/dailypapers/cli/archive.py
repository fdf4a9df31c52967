"""Commands that read the archive: search, stats."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dailypapers.cli import cli
from dailypapers.cli.common import (
    db_option,
    load_settings,
    open_store,
    parse_day_option,
    reports_errors,
    site_option,
)


@cli.command()
@click.argument("query")
@site_option
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Most results.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@reports_errors
def search(query: str, site: Path, db: Path | None, limit: int, as_json: bool) -> None:
    """Find papers in the archive by words of their title, abstract, keywords or organization.

    Every word must match; results are ranked by relevance (title matches weigh most).
    """
    with open_store(site, load_settings(site, db=db)) as store:
        hits = store.search(query, limit)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": hit.paper.id,
                        "title": hit.paper.title,
                        "upvotes": hit.paper.upvotes,
                        "days": list(hit.days),
                        "url": hit.paper.hf_url,
                        "score": round(hit.score, 4),
                    }
                    for hit in hits
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not hits:
        click.echo(f"No paper matches {query!r}.")
    for hit in hits:
        first = hit.days[0] if hit.days else "?"
        click.echo(f"{first}  👍 {hit.paper.upvotes:<4} {hit.paper.title}  {hit.paper.hf_url}")


@cli.command()
@site_option
@db_option
@click.option("--month", help="A month, YYYY-MM.")
@click.option("--week", help="An ISO week, YYYY-Www.")
@click.option("--since", callback=parse_day_option, help="First day, YYYY-MM-DD (with --until).")
@click.option("--until", callback=parse_day_option, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Length of lists.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_errors
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
    from dailypapers.stats import Period, compute_stats, month_period, stats_json, week_period

    chosen = [name for name, value in (("--month", month), ("--week", week), ("--since", since)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of {', '.join(chosen)}")
    if bool(since) != bool(until):
        raise click.UsageError("--since and --until go together")
    with open_store(site, load_settings(site, db=db)) as store:
        if month:
            period = month_period(month)
        elif week:
            period = week_period(week)
        elif since and until:
            period = Period(f"{since}..{until}", since, until)
        else:
            stored = store.stored_days() or ["0001-01-01"]
            period = Period("all", stored[0], stored[-1])
        figures = stats_json(compute_stats(store, period), top)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    _print_stats(figures)


def _print_stats(figures: dict[str, Any]) -> None:
    click.echo(f"Period {figures['period']} ({figures['since']} .. {figures['until']})")
    click.echo(
        f"{figures['days']} days, {figures['paper_count']} papers, {figures['total_upvotes']:,} upvotes "
        f"(average {figures['average_upvotes']:.2f})"
    )
    sections: tuple[tuple[str, str, Callable[[dict[str, Any]], str]], ...] = (
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
        if figures[key]:
            click.echo(f"\n{title}:")
            for number, item in enumerate(figures[key], 1):
                click.echo(f"{number:>3}. {line(item)}")
