"""The ``dailypapers`` command: parse options, call the library, print one line per result.

Every :class:`~dailypapers.errors.DailyPapersError` becomes one line on stderr and exit
code 1; bad usage exits with 2 (click's convention). No traceback reaches the user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
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
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Papers shown in a post."
)
author_option = click.option(
    "--author", default=None, help="Value of the posts' `author:` line; left out when not set."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dailypapers")
def cli() -> None:
    """Publish the Hugging Face Daily Papers as daily digest posts for a Jekyll blog.

    The Hub is reached at HF_ENDPOINT (default https://huggingface.co) with HF_TOKEN if set.
    """


@cli.command()
@site_option
@click.option("--date", "day", callback=_day, help="The day to collect, YYYY-MM-DD (default: today, UTC).")
@top_option
@author_option
@reports_errors
def run(site: Path, day: str | None, top: int, author: str | None) -> None:
    """Collect a day's papers and write its post and data file.

    Each file is reported as created, updated or unchanged; an unchanged file is not
    rewritten. A day with no papers writes nothing.
    """
    from dailypapers.hub import HubClient
    from dailypapers.pipeline import Options, run_day

    day = day or dt.datetime.now(dt.UTC).date().isoformat()
    result = run_day(site, day, HubClient(), Options(top=top, author=author))
    _report(result)


def _report(result: Any) -> None:
    for warning in result.warnings:
        click.echo(f"Warning: {result.day}: {warning}", err=True)
    if not result.papers:
        click.echo(f"{result.day}: the Hub lists no papers for this day; nothing written")
        return
    for file in result.files:
        click.echo(f"{file.status.value:>9}  {file.path}")


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
