"""The ``dailypapers`` command: parse options, call the library, print one line per result.

Every :class:`~dailypapers.errors.DailyPapersError` becomes one line on stderr and exit
code 1; bad usage exits with 2 (click's convention). No traceback reaches the user.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from dailypapers import __version__
from dailypapers.errors import DailyPapersError

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn library errors into one line on stderr and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DailyPapersError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; files already written are complete.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from dailypapers.pipeline import parse_day

    if value is None:
        return None
    try:
        return parse_day(value)
    except DailyPapersError as error:
        raise click.BadParameter(str(error)) from None


site_option = click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
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


def _settings(site: Path, **flags: Any) -> Any:
    """The site's settings with the given options on top (dotted setting name → value)."""
    from dailypapers.config import load_settings

    if flags.get("database") is not None:
        flags["database"] = flags["database"].absolute()  # an option's path is relative to here
    return load_settings(site, flags)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dailypapers")
def cli() -> None:
    """Publish the Hugging Face Daily Papers as daily digest posts for a Jekyll blog.

    The Hub is reached at HF_ENDPOINT (default https://huggingface.co) with HF_TOKEN if set.
    """


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


def _hub_client(settings: Any) -> Any:
    from dailypapers.hub import HubClient, RetryPolicy

    return HubClient(retry=RetryPolicy(budget=settings.retry_budget))


def _open_store(site: Path, settings: Any) -> Any:
    from dailypapers.archive import open_store

    return open_store(site, settings.database, on_import=lambda message: click.echo(message, err=True))


@cli.command()
@site_option
@click.option("--date", "day", callback=_day, help="Collect only this day, YYYY-MM-DD.")
@click.option(
    "--days",
    type=click.IntRange(1, 60),
    help="Without --date: refresh this many recent UTC days, ending today (setting run_days, 3).",
)
@settings_options
@db_option
@concurrency_option
@retry_budget_option
@dry_run_option
@reports_errors
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
    unchanged file is not rewritten. A day with no papers writes nothing.
    """
    from dailypapers.pipeline import collect, recent_days, utc_now

    settings = _settings(
        site,
        run_days=days,
        **{"daily.top": top},
        author=author,
        language=language,
        database=db,
        concurrency=concurrency,
        retry_budget=retry_budget,
    )
    wanted = [day] if day else recent_days(settings.run_days, utc_now().date())
    with _writing(site, settings, dry_run) as store:
        result = collect(
            site,
            wanted,
            _hub_client(settings),
            store,
            settings,
            concurrency=settings.concurrency,
        )
    for done in result.days:
        _report(done)
    _notify(settings, result, dry_run)
    _fail_if_any(result)


@cli.command()
@site_option
@click.option("--since", required=True, callback=_day, help="First day, YYYY-MM-DD.")
@click.option("--until", required=True, callback=_day, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--refresh", is_flag=True, help="Fetch days already in the archive again.")
@settings_options
@db_option
@concurrency_option
@retry_budget_option
@dry_run_option
@reports_errors
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
    from dailypapers.pipeline import collect, day_range

    settings = _settings(
        site,
        **{"daily.top": top},
        author=author,
        language=language,
        database=db,
        concurrency=concurrency,
        retry_budget=retry_budget,
    )
    wanted = day_range(since, until)
    with _writing(site, settings, dry_run) as store, _progress(len(wanted)) as advance:
        result = collect(
            site,
            wanted,
            _hub_client(settings),
            store,
            settings,
            refresh=refresh,
            concurrency=settings.concurrency,
            progress=advance,
        )
    if dry_run:
        for done in result.days:
            _report(done, quiet_unchanged=True)
    written = sum(1 for done in result.days for f in done.files if f.status.value != "unchanged")
    fetched = sum(1 for done in result.days if done.fetched)
    verb = "would be written" if dry_run else "written"
    click.echo(
        f"{len(wanted)} days: {fetched} fetched, {len(result.days) - fetched} already stored, "
        f"{len(result.failed)} failed; {written} files {verb}"
    )
    _fail_if_any(result)


def _report(result: Any, *, quiet_unchanged: bool = False) -> None:
    for warning in result.warnings:
        click.echo(f"Warning: {result.day}: {warning}", err=True)
    if not result.papers:
        click.echo(f"{result.day}: the Hub lists no papers for this day; nothing written")
        return
    for file in result.files:
        if not (quiet_unchanged and file.status.value == "unchanged"):
            _show_file(file)


def _show_file(file: Any) -> None:
    """One line per file; in a dry run, "would create/update" and the diff of a changed file."""
    if file.dry_run and file.status.value != "unchanged":
        click.echo(f"would {file.status.value[:-1]}  {file.path}")
        if file.diff:
            click.echo(file.diff, nl=False)
    else:
        click.echo(f"{file.status.value:>9}  {file.path}")


@contextlib.contextmanager
def _writing(site: Path, settings: Any, dry_run: bool) -> Any:
    """The archive, opened for a writing command; in a dry run, a scratch copy of it and
    no file written (write_file reports what it would do)."""
    from dailypapers.write import dry_run as dry_run_mode

    if not dry_run:
        with _open_store(site, settings) as store:
            yield store
        return
    from dailypapers.archive import open_store

    with dry_run_mode(), open_store(site, settings.database, scratch=True) as store:
        yield store


def _notify(settings: Any, result: Any, dry_run: bool) -> None:
    if not settings.notify_webhook or dry_run:
        return
    from dailypapers.errors import NotifyError
    from dailypapers.notify import notify_run

    # A failed message is a warning: the posts are written and the schedule must still commit.
    try:
        sent = notify_run(settings, result)
    except NotifyError as error:
        click.echo(f"Warning: {error}", err=True)
        return
    if sent:
        click.echo(f"Notified {sent}", err=True)


def _fail_if_any(result: Any) -> None:
    for _, error in sorted(result.failed.items()):
        click.echo(f"Error: {error}", err=True)
    if result.failed:
        sys.exit(1)


@contextlib.contextmanager
def _progress(total: int) -> Any:
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


@cli.command("import")
@site_option
@db_option
@dry_run_option
@reports_errors
def import_(site: Path, db: Path | None, dry_run: bool) -> None:
    """Rebuild the archive from the site's _data/papers/daily-*.json files.

    Reads both this tool's data files and the original crawler's, so a blog made by the
    original migrates in one command. Run `dailypapers render` afterwards to rewrite posts.
    """
    from dailypapers.archive import import_site
    from dailypapers.store import Store, resolve_db_path

    path = resolve_db_path(site, _settings(site, database=db).database)
    with Store.scratch_copy(path) if dry_run else Store(path) as store:
        result = import_site(site, store)
    for name, reason in sorted(result.skipped.items()):
        click.echo(f"Warning: skipped {name}: {reason}", err=True)
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {len(result.days)} days, {result.papers} listings into {path}")


@cli.command()
@site_option
@click.option("--all", "all_days", is_flag=True, help="Every day in the archive.")
@click.option("--date", "day", callback=_day, help="Only this day, YYYY-MM-DD.")
@settings_options
@db_option
@dry_run_option
@reports_errors
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
    from dailypapers.pipeline import publish_day

    if not all_days and not day:
        raise click.UsageError("give --all or --date")
    settings = _settings(site, **{"daily.top": top}, author=author, language=language, database=db)
    with _writing(site, settings, dry_run) as store:
        days = store.stored_days() if all_days else [day]
        changed = 0
        for each in days:
            done = publish_day(site, store, each, settings)
            for file in done.files:
                if file.status.value != "unchanged":
                    changed += 1
                    _show_file(file)
    verb = "would be written" if dry_run else "written"
    click.echo(f"{len(days)} days rendered, {changed} files {verb}")


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
    with _open_store(site, _settings(site, database=db)) as store:
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
@click.option("--since", callback=_day, help="First day, YYYY-MM-DD (with --until).")
@click.option("--until", callback=_day, help="Last day, YYYY-MM-DD (inclusive).")
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
    with _open_store(site, _settings(site, database=db)) as store:
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
    sections = (
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


@cli.command()
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-site"),
    show_default=True,
    help="Where to write the demo site.",
)
@author_option
@reports_errors
def demo(site: Path, author: str | None) -> None:
    """Run the whole pipeline offline on sample days bundled with the package.

    Starts a replay hub on 127.0.0.1 that serves the bundled recordings, collects every
    bundled day from it and writes a small Jekyll site you can build with `jekyll build`.
    """
    from dailypapers.demo import run_demo

    for result in run_demo(site, author=author):
        _report(result)
    click.echo(f"Demo site written to {site}. Build it with: cd {site} && jekyll serve")


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", type=int, default=8089, show_default=True, help="Port on 127.0.0.1.")
@click.option("--latency", type=float, default=0.0, help="Seconds added to every request.")
def replay(directory: Path, port: int, latency: float) -> None:
    """Serve recorded days (DIRECTORY/DATE.json) as a local Hub, for tests and demos.

    Point the tool at it with HF_ENDPOINT=http://127.0.0.1:PORT. Stop with Ctrl-C.
    """
    from dailypapers.replay import ReplayHub

    hub = ReplayHub(directory, latency=latency, port=port)
    click.echo(f"Replaying {directory} at {hub.url} (Ctrl-C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        hub.serve_forever()


def main() -> None:
    cli(prog_name="dailypapers")
