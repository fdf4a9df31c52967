"""Commands that set up and check a site, and the local hub: init, demo, doctor, replay."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from dailypapers.cli import cli
from dailypapers.cli.options import author_option, db_option, dry_run_option, site_option
from dailypapers.cli.output import printable, report_day, show_file, warn


@cli.command()
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-site"),
    show_default=True,
    help="Where to write the demo site.",
)
@author_option
@dry_run_option
def demo(site: Path, author: str | None, dry_run: bool) -> None:
    """Run the whole pipeline offline on sample days bundled with the package.

    Starts a replay hub on 127.0.0.1 that serves the bundled recordings, collects every
    bundled day from it and writes a small Jekyll site you can build with `jekyll build`.
    """
    from dailypapers.demo import run_demo

    collected = run_demo(site, author=author or None, dry_run=dry_run)
    for result in collected.days:
        report_day(result, quiet_unchanged=dry_run)
    for file in collected.related:
        if file.changed:
            show_file(file)
    for file in collected.summaries:
        if file.changed or not dry_run:
            show_file(file)
    if collected.model is not None:
        click.echo(collected.model.line() + " (by the replay hub's stand-in model)")
    if not dry_run:
        click.echo(f"Demo site written to {site}. Build it with: cd {site} && jekyll serve")


@cli.command()
@click.argument("site", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option(
    "--package",
    help="What the workflow installs with pip, e.g. git+https://github.com/OWNER/REPO@COMMIT "
    "(default: where this dailypapers was installed from).",
)
@click.option("--ignore-db", is_flag=True, help="Add the archive to .gitignore instead of committing it.")
@author_option
# Checked with the other settings init writes (one line for a refused value, see init_options).
@click.option("--language", help="Language of the posts: ko, en, ja or zh (setting language, ko).")
@click.option("--timezone", help="Time zone of the posts' `date:` lines (setting timezone, Asia/Seoul).")
@click.option(
    "--retire-crawler",
    is_flag=True,
    help="Remove the schedule of another workflow that writes the posts (a previous digest's "
    "crawler), so that the dailypapers workflow is the only one.",
)
@dry_run_option
def init(
    site: Path,
    package: str | None,
    ignore_db: bool,
    author: str | None,
    language: str | None,
    timezone: str | None,
    retire_crawler: bool,
    dry_run: bool,
) -> None:
    """Set up SITE (default: here) for dailypapers: settings file and daily GitHub workflow.

    Writes dailypapers.toml (--author, --language and --timezone set in it, every other
    setting commented out), .github/workflows/dailypapers.yml (runs at 00:15 and 14:00 UTC
    and on demand, commits and pushes what changed) and, if SITE is not a Jekyll site yet,
    a new one (minima theme, feed, SEO tags). Existing files are never overwritten; the
    settings given are set in an existing dailypapers.toml.

    On a blog that a previous digest wrote (such as the original crawler), it says what it
    found and fits the settings to its posts (language, categories, author). While another
    workflow writes the posts on a schedule it writes no schedule of its own:
    --retire-crawler removes that workflow's schedule first.
    """
    from dailypapers.adopt import adopt, author_file
    from dailypapers.dates import utc_now
    from dailypapers.errors import UnsafeValue
    from dailypapers.init import init_site
    from dailypapers.init_values import package_spec
    from dailypapers.write import writer_for

    try:
        chosen = init_options(author=author, language=language, timezone=timezone)
        if package is not None:
            package = package_spec(package)
        writer = writer_for(site, dry_run=dry_run)
        adoption = adopt(site, writer, retire=retire_crawler, today=utc_now().date())
        result = init_site(
            site,
            package=package,
            ignore_db=ignore_db,
            chosen=chosen,
            writer=writer,
            schedule=adoption.schedule,
            fitted=adoption.fitted,
        )
        authored = author_file(site, _text(chosen.get("author") or adoption.fitted.get("author")), writer)
    except UnsafeValue as error:
        raise RefusedValue(str(error)) from None
    for file in [*adoption.files, *result.files, *([authored] if authored else [])]:
        show_file(file)
    for path in result.kept:
        click.echo(f"     kept  {path} (exists)")
    for line in [*adoption.notes, *result.notes]:
        click.echo(f"     note  {printable(line)}")
    if authored:
        click.echo(f'     note  {authored.path}: added the author, whom Chirpy shows as the posts\' "By"')
    for line in [*adoption.warnings, *result.warnings]:
        warn(line)
    if not dry_run:
        click.echo(f"Next: dailypapers run --site {site}   (then commit and push; see the README)")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


class RefusedValue(click.UsageError):
    """A value init refuses for a file it writes: one line (no usage text), exit status 2."""

    def show(self, file: object = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def init_options(**options: str | None) -> dict[str, object]:
    """The settings given to init (dotted name -> checked value): plain text, a real zone.
    Raises UnsafeValue (or ConfigError's like) for a refused one."""
    from dailypapers.config import BY_NAME
    from dailypapers.errors import UnsafeValue
    from dailypapers.init_values import plain_text, real_time_zone

    chosen = {}
    for name, value in options.items():
        if value is None:
            continue
        check = real_time_zone if name == "timezone" else plain_text
        try:
            chosen[name] = BY_NAME[name].check(check(f"--{name}", value))
        except ValueError as error:
            raise UnsafeValue(f"--{name}: {error}") from None
    return chosen


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8089, show_default=True, help="Port on 127.0.0.1."
)
@click.option("--latency", type=float, default=0.0, help="Seconds added to every request.")
@click.option("--fail-rate", type=click.FloatRange(0, 1), default=0.0, help="Fraction of requests to fail.")
@click.option("--seed", type=int, default=0, help="Same seed, same failed requests.")
@click.option("--faults", default="", help="Faults to draw from, e.g. 429,503,reset.")
@click.option(
    "--rate-limit",
    metavar="Q/W",
    default=None,
    help="Allow Q requests per W seconds in fixed windows, with the Hub's RateLimit headers (500/300).",
)
def replay(
    directory: Path,
    port: int,
    latency: float,
    fail_rate: float,
    seed: int,
    faults: str,
    rate_limit: str | None,
) -> None:
    """Serve recorded days (DIRECTORY/DATE.json) as a local Hub, for tests and demos.

    Point the tool at it with HF_ENDPOINT=http://127.0.0.1:PORT. Stop with Ctrl-C. With
    --fail-rate it misbehaves like a flaky Hub (429, 5xx, slow, cut or garbled answers); with
    --rate-limit it enforces the Hub's fixed-window limit and announces it on every answer.
    """
    import errno

    from dailypapers.errors import ConfigError
    from dailypapers.replay import FixedWindow, ReplayHub, random_faults

    try:
        window = FixedWindow.parse(rate_limit) if rate_limit is not None else None
    except ConfigError as error:
        raise click.BadParameter(str(error), param_hint="'--rate-limit'") from None

    if faults and not fail_rate:  # else it would serve every request well, without a word
        raise click.UsageError("--faults picks the failures of --fail-rate R: give --fail-rate too")
    plan = random_faults(fail_rate, seed, faults)
    if not any(directory.glob("????-??-??.json")):
        click.echo(
            f"Warning: {directory} holds no recorded day (YYYY-MM-DD.json): every day is empty", err=True
        )
    try:
        hub = ReplayHub(directory, latency=latency, port=port, faults=plan, rate_limit=window)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise click.ClickException(
            f"port {port} on 127.0.0.1 is in use: choose another with --port"
        ) from None
    click.echo(f"Replaying {directory} at {hub.url} (Ctrl-C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        hub.serve_forever()


@cli.command()
@site_option
@db_option
def doctor(site: Path, db: Path | None) -> None:
    """Check the site, its archive, its posts and the Hub, and say what to fix.

    Checks that SITE is a Jekyll site, the archive's integrity, that every data file has its
    post and the reverse, that posts match what `render` writes, posts sharing a URL or that
    Jekyll would skip (from _config.yml), a Pages deploy workflow the schedule would not
    start, leftover temporary files, whether a run is writing now, that the Hub answers,
    and whether HF_TOKEN is set (never shown). Exits with status 1 if a check fails.
    """
    from dailypapers.doctor import Level, diagnose

    findings = diagnose(site, {"database": db.absolute() if db else None})
    for finding in findings:
        click.echo(printable(finding.line(), lines=True))
    failed = sum(finding.level is Level.FAIL for finding in findings)
    warned = sum(finding.level is Level.WARN for finding in findings)
    if failed:
        click.echo(f"{failed} check(s) failed")
    elif warned:  # not "fine": a warning is something to fix too, only not urgent
        click.echo(f"{warned} warning(s), nothing failed")
    else:
        click.echo("Everything looks fine")
    sys.exit(1 if failed else 0)
