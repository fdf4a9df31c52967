"""Where everything lives in a site: posts, data files, charts.

One set of names for the three kinds of post: ``label`` is the day (``2026-02-05``) of a daily
post, the ISO week (``2026-W06``) of a weekly one, the month (``2026-02``) of a monthly one.
File names of posts follow the settings (``[daily] filename = ...``); the rest is fixed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from dailypapers.config import DEFAULT_SETTINGS, Settings
from dailypapers.dates import date_of, local_time, period_of, week_label
from dailypapers.permalinks import post_defaults, post_url

DATA_DIR = Path("_data") / "papers"
CHART_DIR = Path("assets") / "img" / "dailypapers"
DAILY_DATA_GLOB = "daily-*.json"
# Files a reader follows the papers with (settings `feeds`, `bibtex`): copied by Jekyll as
# they are (no front matter), at these URLs under the site's baseurl.
FEED_DIR = Path("feeds")
FEED_KINDS = ("papers", "starred")  # every paper the posts show; ⭐ papers only
BIB_DIR = Path("bib")
# The search page's data (setting `search`): a manifest and one file of papers per year.
SEARCH_DIR = Path("assets") / "dailypapers" / "search"


def pattern_fields(date: dt.date) -> dict[str, str]:
    """What file-name and permalink patterns may use for a post dated ``date``."""
    return {
        "date": date.isoformat(),
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
        "week": week_label(date),
    }


def post_filename(kind: str, date: dt.date, settings: Settings) -> Path:
    """``_posts/<name>`` for the ``kind`` post dated ``date``."""
    return Path("_posts") / settings.post(kind).filename.format(**pattern_fields(date))


def post_date(kind: str, label: str) -> dt.date:
    """The date of a post: its day, or the first day of its week or month."""
    return date_of(label if kind == "daily" else period_of(kind, label).since)


def post_path(kind: str, label: str, settings: Settings = DEFAULT_SETTINGS) -> Path:
    return post_filename(kind, post_date(kind, label), settings)


def post_time(day: str, settings: Settings) -> dt.datetime:
    """When the daily post of ``day`` is dated (its ``date:`` line)."""
    return local_time(date_of(day), settings.daily.time, settings.timezone)


def daily_post_url(day: str, settings: Settings, config: Mapping[str, object]) -> str:
    """The path Jekyll gives the daily post of ``day`` (under the site's ``permalink``)."""
    relative = post_path("daily", day, settings).as_posix()
    fields = pattern_fields(date_of(day))
    front: dict[str, object] = {"slug": settings.daily.slug.format(**fields)}
    if settings.daily.permalink:
        front["permalink"] = settings.daily.permalink.format(**fields, slug=front["slug"])
    front["categories"] = list(settings.daily.categories)
    merged = {**post_defaults(dict(config), relative), **front}
    return post_url(relative, merged, dict(config), post_time(day, settings))


def data_path(kind: str, label: str) -> Path:
    return DATA_DIR / f"{kind}-{label}.json"


def chart_path(kind: str, label: str) -> Path:
    return CHART_DIR / f"{kind}-{label}.svg"


def feed_path(kind: str) -> Path:
    """``feeds/papers.xml`` or ``feeds/starred.xml``."""
    return FEED_DIR / f"{kind}.xml"


def bib_path(label: str) -> Path:
    """``bib/daily-2026-02-05.bib`` for a day, ``bib/starred.bib`` for the ⭐ papers."""
    return BIB_DIR / (f"daily-{label}.bib" if label[:1].isdigit() else f"{label}.bib")


def search_path(name: str) -> Path:
    """``assets/dailypapers/search/index.json`` (the manifest) or a year's ``papers-2026.json``."""
    return SEARCH_DIR / (f"papers-{name}.json" if name.isdigit() else f"{name}.json")


def site_data_files(site: Path) -> list[Path]:
    """The site's daily data files, oldest day first."""
    return sorted((site / DATA_DIR).glob(DAILY_DATA_GLOB))
