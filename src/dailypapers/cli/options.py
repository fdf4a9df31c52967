"""The options commands share, their checks, and the settings they make."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from dailypapers.cli.output import note
from dailypapers.errors import DailyPapersError

if TYPE_CHECKING:  # imported where used: `--help` stays light
    from dailypapers.config import Settings

C = TypeVar("C", bound=Callable[..., object])


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


def settings_options(command: C) -> C:
    """--top, --author and --language: the settings every writing command takes."""
    return top_option(author_option(language_option(command)))


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
CONCURRENCY_HELP = "Days fetched at once (setting concurrency, 8)."


dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Show what would be written (a diff for changed files); write nothing."
)


def collect_options_with(concurrency_help: str) -> Callable[[C], C]:
    """:func:`collect_options` for a command whose --concurrency defaults otherwise."""
    concurrency_option = click.option("--concurrency", type=click.IntRange(1, 64), help=concurrency_help)

    def apply(command: C) -> C:
        return settings_options(db_option(concurrency_option(retry_budget_option(dry_run_option(command)))))

    return apply


# The options of the commands that fetch (run, backfill, update-history): settings, archive,
# how many days at once, the retry budget, --dry-run.
collect_options = collect_options_with(CONCURRENCY_HELP)


# Options named otherwise than the setting they set.
OPTION_SETTINGS = {"top": "daily.top", "days": "run_days", "db": "database"}


def load_settings(site: Path, **options: object) -> Settings:
    """The site's settings with the command's options on top (None: the option was not given)."""
    from dailypapers import config

    db = options.get("db")
    if isinstance(db, Path):
        options["db"] = db.absolute()  # an option's path is relative to here
    flags = {OPTION_SETTINGS.get(name, name): value for name, value in options.items()}
    settings = config.load_settings(site, flags)
    for line in unsaved_settings(site, flags):
        note(line)
    return settings


# Settings that change what is written, that a writing command takes as an option; the
# ones `init` takes too are kept with it.
WRITTEN_SETTINGS = ("author", "language", "daily.top")
INIT_OPTIONS = ("author", "language", "timezone")


def unsaved_settings(site: Path, flags: Mapping[str, object]) -> list[str]:
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
        if config.setting_value(saved, name) == value:
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
