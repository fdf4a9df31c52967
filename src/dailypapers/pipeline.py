"""The pipeline: fetch a day, normalise, rank, render, write. :func:`run_day` runs the stages in order."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.errors import ConfigError, SiteError
from dailypapers.hub import HubClient
from dailypapers.models import Paper, papers_from_entries, rank
from dailypapers.render import daily_data, papers_from_data, render_daily, to_json
from dailypapers.write import FileResult, site_path, write_file

DEFAULT_TOP = 10


def post_path(day: str) -> Path:
    return Path("_posts") / f"{day}-daily-papers.md"


def data_path(day: str) -> Path:
    return Path("_data") / "papers" / f"daily-{day}.json"


def parse_day(value: str) -> str:
    """Validate a YYYY-MM-DD date and return it in that form."""
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ConfigError(f"{value!r} is not a date in the form YYYY-MM-DD")
    return day.isoformat()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class DayResult:
    day: str
    papers: list[Paper] = field(default_factory=list)  # every paper of the day, Hub order
    shown: list[Paper] = field(default_factory=list)  # the ranked top N in the post
    files: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    top: int = DEFAULT_TOP
    author: str | None = None
    language: str = "ko"


def load_stored(site: Path, day: str) -> tuple[list[Paper], str | None]:
    """The papers and crawl time of ``day``'s data file, or nothing if there is none."""
    path = site_path(site, data_path(day))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return papers_from_data(data), data.get("crawled_at")
    except FileNotFoundError:
        return [], None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SiteError(f"{day}: cannot read {data_path(day)} ({error}); delete or fix it") from None


def merge_with_stored(fetched: list[Paper], stored: list[Paper]) -> tuple[list[Paper], list[str]]:
    """Never let a short answer shrink a day: keep stored papers the Hub did not list this time."""
    if not stored:
        return fetched, []
    fetched_ids = {paper.id for paper in fetched}
    missing = [paper for paper in stored if paper.id not in fetched_ids]
    if not missing:
        return fetched, []
    warning = (
        f"the Hub listed {len(fetched)} papers where {len(stored)} are stored; "
        f"kept {len(missing)} stored papers it did not list"
    )
    return fetched + missing, [warning]


def run_day(
    site: Path,
    day: str,
    hub: HubClient,
    options: Options = Options(),
    *,
    clock: Callable[[], dt.datetime] = utc_now,
) -> DayResult:
    """Fetch ``day`` from the Hub and bring its post and data file up to date."""
    day = parse_day(day)
    entries = hub.fetch_day(day)
    fetched, warnings = papers_from_entries(entries)
    stored, crawled_at = load_stored(site, day)
    papers, merge_warnings = merge_with_stored(fetched, stored)
    result = DayResult(day, papers, warnings=warnings + merge_warnings)
    if not papers:
        return result
    result.shown = rank(papers, options.top)
    # The crawl time changes only with the content, so an unchanged day rewrites nothing.
    data = daily_data(day, papers, crawled_at="")
    stored_data = daily_data(day, stored, crawled_at="") if stored else None
    if data != stored_data or crawled_at is None:
        crawled_at = clock().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data["crawled_at"] = crawled_at
    # Data first: if we die between the two writes, the next run re-renders the post from it.
    result.files.append(write_file(site, data_path(day), to_json(data)))
    post = render_daily(day, result.shown, author=options.author, language=options.language, site=site)
    result.files.append(write_file(site, post_path(day), post))
    return result
