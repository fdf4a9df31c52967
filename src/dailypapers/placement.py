"""Where a day's post goes on a blog that had a digest before this one, and which URL it keeps.

A blog adopted from another digest may hold a day's post under another name: the original
crawler wrote ``2025-11-03-daily-papers-1762174155.md`` (the configured name with a Unix time
appended) before it wrote ``2026-01-05-daily-papers.md``. A day has one post: the existing
one is updated where it is (same file), and a reader's link to it keeps working: when the
post as rendered would be at another URL than the one it has now, its front matter gets a
``permalink:`` with the URL it has now. That is done for a file under another name (its URL
comes from that name) and for a post another digest wrote whose URL is its own (one that
depends on its day). A URL every day's post shared (``/posts/:title/`` from a name without
the date) showed the latest of them: that one keeps it, the others move to their own.

A day also belongs to the previous digest while its data file is in that digest's format
(records without ``id`` and ``hub_order``): such a day was never fetched by this tool, so its
ranking is not settled by it either until its history is brought up to date on request.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from dailypapers.config import Settings
from dailypapers.datafile import DataFileError, read_bytes
from dailypapers.dates import date_of
from dailypapers.escape import yaml_scalar
from dailypapers.jekyll import site_config_or_empty
from dailypapers.paths import DATA_DIR, post_path
from dailypapers.permalinks import front_matter, parse_date, post_defaults, post_url, site_zone

POSTS = Path("_posts")
# What only this tool's data files hold (render.daily_data): each record's place in the Hub's list.
OWN_DATA_MARK = b'"hub_order"'
_READ_LIMIT = 64 * 1024  # a front matter is at the top of its post


def daily_post(root: Path, day: str, settings: Settings) -> Path:
    """The day's post file (relative to ``root``): the configured name, unless the day's post
    exists only under a name another digest gave it, which is then kept."""
    configured = post_path("daily", day, settings)
    if (root / configured).exists():
        return configured
    others = existing_legacy(root, day, settings)
    return others[0] if others else configured


def existing_legacy(root: Path, day: str, settings: Settings) -> list[Path]:
    """The day's posts under the configured name with ``-<digits>`` appended (relative to root)."""
    configured = post_path("daily", day, settings)
    pattern = re.compile(re.escape(configured.stem) + r"-\d+" + re.escape(configured.suffix))
    folder = root / configured.parent
    found = folder.glob(configured.stem + "-*" + configured.suffix) if folder.is_dir() else []
    return sorted(configured.parent / path.name for path in found if pattern.fullmatch(path.name))


def read_front_matter(path: Path) -> dict[str, object] | None:
    """The front matter at the top of the post at ``path``; None when it has none or cannot be
    read. Only a regular file is opened, as Jekyll's posts are (a pipe would block the read)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(_READ_LIMIT).decode("utf-8-sig", errors="replace")
        return front_matter(head)
    except (OSError, yaml.YAMLError):
        return None


def _url(relative: Path, data: dict[str, object], config: dict[str, object], day: str) -> str | None:
    zone = site_zone(config)
    date = parse_date(data.get("date") or day, zone)
    if date is None:
        return None
    merged = {**post_defaults(config, relative.as_posix()), **data}
    return post_url(relative.as_posix(), merged, config, date)


def kept_url(root: Path, relative: Path, day: str, rendered: str, settings: Settings) -> str | None:
    """The URL the existing post at ``relative`` has, when ``rendered`` (its new text) would
    move it elsewhere and that URL is this day's own (see the module's docstring); else None."""
    existing = read_front_matter(root / relative)
    configured = relative == post_path("daily", day, settings)
    if existing is None or (configured and "slug" in existing and "permalink" not in existing):
        return None  # our own post at its own URL (every post of every run): nothing to read
    new = front_matter(rendered)
    if new is None:
        return None
    config = site_config_or_empty(root)
    old_url = _url(relative, existing, config, day)
    new_url = _url(relative, {k: v for k, v in new.items() if k != "permalink"}, config, day)
    if old_url is None or old_url == new_url:
        return None
    if not configured:
        return old_url  # another digest's name: its URL came from that name
    if "slug" in existing:
        # Our own post: a changed setting moves it on purpose, but a URL kept before stays kept.
        kept = existing.get("permalink")
        return kept if isinstance(kept, str) and kept == old_url and "permalink" not in new else None
    return _their_url_under_our_name(root, relative, day, existing, old_url, config)


def _their_url_under_our_name(
    root: Path, relative: Path, day: str, existing: dict[str, object], old_url: str, config: dict[str, object]
) -> str | None:
    """The URL another digest's post under our name keeps (``old_url``), or None when it
    has nothing to keep: it is not a post a reader found, or its URL is one every day's post
    of this name shares and a later post shows there."""
    if not existing.get("title"):
        return None  # not a post a reader found: nothing to keep
    # Its URL is its own when it depends on the day.
    other_day = (date_of(day) - dt.timedelta(days=1)).isoformat()
    if _url(relative, {**existing, "date": other_day}, config, other_day) != old_url:
        return old_url
    # A URL every day's post of this name shares: Jekyll shows the latest of them there, so
    # that one keeps it (the link then shows what it showed) and the others get their own.
    return None if _later_post_at(root, relative, day, old_url, config) else old_url


def _later_post_at(root: Path, relative: Path, day: str, url: str, config: dict[str, object]) -> bool:
    """Whether a post dated after ``day`` with the same name (but for its date) is at ``url``."""
    suffix = relative.name[len(day) :]
    folder = root / relative.parent
    for path in sorted(folder.glob("*" + suffix)):
        later = path.name[: len(day)]
        if path.name == later + suffix and later > day:
            data = read_front_matter(path)
            if data is not None and _url(relative.parent / path.name, data, config, later) == url:
                return True
    return False


def with_permalink(rendered: str, url: str) -> str:
    """``rendered`` (a post) with ``permalink: url`` in its front matter (replacing one it has)."""
    line = f"permalink: {yaml_scalar(url)}\n"
    head, separator, rest = rendered.partition("\n---\n")
    lines = [item for item in head.splitlines(keepends=True) if not item.startswith("permalink:")]
    text = "".join(lines)
    return text + ("" if text.endswith("\n") else "\n") + line + separator.lstrip("\n") + rest


def place_daily(root: Path, day: str, rendered: str, settings: Settings) -> tuple[Path, str]:
    """Where the day's post goes and its text: an existing post is updated where it is, and
    keeps its URL when the new text would move it (see :func:`kept_url`)."""
    relative = daily_post(root, day, settings)
    if not (root / relative).exists():
        return relative, rendered
    url = kept_url(root, relative, day, rendered, settings)
    return relative, with_permalink(rendered, url) if url else rendered


def is_own_data(path: Path) -> bool:
    """Whether the data file at ``path`` was written by this tool (its records carry ``hub_order``).

    Read as every data file is (:func:`dailypapers.datafile.read_bytes`): a regular file
    within the size cap, so a pipe named like a data file cannot hold a command forever.
    """
    try:
        return OWN_DATA_MARK in read_bytes(path)
    except DataFileError:
        return True  # unreadable: not another digest's to protect (the readers name it)


def foreign_days(root: Path) -> list[str]:
    """Days whose data file another digest wrote (never fetched by this tool), oldest first."""
    folder = root / DATA_DIR
    days = []
    for path in sorted(folder.glob("daily-*.json")) if folder.is_dir() else []:
        if not is_own_data(path):
            days.append(path.stem.removeprefix("daily-"))
    return days
