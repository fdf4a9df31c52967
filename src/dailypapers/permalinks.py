"""Where Jekyll (4.3) puts each post, and which posts it leaves out, from ``_config.yml``.

What ``doctor`` needs to say that two posts would share a URL (all but one are lost) or
that a post would not be built at all, without running Jekyll. It follows Jekyll's own
rules: the ``permalink`` of the post, else of the site's ``defaults`` for posts, else the
site's (a built-in style or a pattern); ``:title`` is the ``slug:`` when there is one (else
the file name's), made URL-safe as Jekyll's ``slugify`` does; dates are in the site's
``timezone``; a URL ending in ``/`` is written as ``index.html``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from dailypapers.bounded import load_yaml
from dailypapers.dates import iso_week, time_zone

# Jekyll::Document::DATE_FILENAME_MATCHER: a post's file name starts with its date.
POST_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$")
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
MARKUP = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".textile")
_DATE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)


@dataclass(frozen=True)
class Post:
    path: str  # relative to the site
    url: str | None  # None: Jekyll does not build it
    skipped: str = ""  # why it is not built


def front_matter(text: str) -> dict[str, object] | None:
    """The front matter of a page's text; None when it has none (Jekyll copies it as is).
    Read within bounds (:mod:`dailypapers.bounded`): a post is the site's, not ours."""
    if not text.startswith("---"):
        return None
    match = re.match(r"---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", text, re.S)
    if match is None:
        return None
    data = load_yaml(match.group(1) or "", what="front matter") or {}
    return data if isinstance(data, dict) else {}


def slugify(text: str, *, pretty: bool = False) -> str:
    """Jekyll's ``Utils.slugify``: mode ``default`` (lower case), or ``pretty`` with case kept."""
    # \w is letters, digits and "_": the pretty mode keeps "_", the default one does not.
    keep = r"[^\w.~!$&'()+,;=@]+" if pretty else r"[\W_]+"
    slug = re.sub(keep, "-", unicodedata.normalize("NFC", text)).strip("-")
    return slug if pretty else slug.lower()


def parse_date(value: object, zone: dt.tzinfo) -> dt.datetime | None:
    """A front-matter or file-name date as Jekyll reads it, in the site's time zone."""
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        return moment.astimezone(zone)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=zone)
    match = _DATE.match(str(value))
    if match is None:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    tz: dt.tzinfo = zone
    if offset:
        if offset == "Z":
            tz = dt.UTC
        else:
            sign = 1 if offset[0] == "+" else -1
            digits = offset[1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=tz
        )
    except ValueError:
        return None
    return moment.astimezone(zone)


def site_zone(config: dict[str, object]) -> dt.tzinfo:
    try:
        return time_zone(str(config.get("timezone") or "UTC"))
    except ValueError:
        return dt.UTC


def post_defaults(config: dict[str, object], relative: str) -> dict[str, object]:
    """The values of the site's ``defaults`` that apply to the post at ``relative``; a more
    specific scope wins, then the later one (as Jekyll's FrontmatterDefaults)."""
    matching = []
    defaults = config.get("defaults")
    for order, entry in enumerate(defaults if isinstance(defaults, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") or {}
        path = str(scope.get("path") or "").strip("/") if isinstance(scope, dict) else ""
        kind = scope.get("type") if isinstance(scope, dict) else None
        if kind not in (None, "posts") or (
            path and not (relative == path or relative.startswith(path + "/"))
        ):
            continue
        matching.append((len(path.split("/")) if path else 0, kind is not None, order, entry["values"]))
    values: dict[str, object] = {}
    for *_, entry_values in sorted(matching, key=lambda item: item[:3]):
        values.update(entry_values)
    return values


def _categories(data: dict[str, object]) -> list[str]:
    found: list[str] = []
    for key in ("category", "categories"):
        value = data.get(key)
        items = value.split() if isinstance(value, str) else value if isinstance(value, list) else []
        for item in items:
            text = str(item).lower()
            if text not in found:
                found.append(text)
    return found


def post_url(relative: str, merged: dict[str, object], config: dict[str, object], date: dt.datetime) -> str:
    """The URL Jekyll gives the post at ``relative`` (its front matter over the site's
    defaults for it: ``merged``)."""
    template = merged.get("permalink") or config.get("permalink") or "date"
    template = STYLES.get(str(template), str(template))
    name = Path(relative).name
    matched = POST_NAME.match(name)
    slug = str(merged.get("slug") or (matched.group(2) if matched else Path(name).stem))
    week_year, week = iso_week(date)
    values = {
        "title": slugify(slug, pretty=True),
        "slug": slugify(slug),
        "name": slugify(Path(name).stem),
        "categories": "/".join(_categories(merged)),
        "year": date.strftime("%Y"),
        "short_year": date.strftime("%y"),
        "month": date.strftime("%m"),
        "i_month": str(date.month),
        "short_month": date.strftime("%b"),
        "long_month": date.strftime("%B"),
        "day": date.strftime("%d"),
        "i_day": str(date.day),
        "y_day": date.strftime("%j"),
        "short_day": date.strftime("%a"),
        "long_day": date.strftime("%A"),
        "hour": date.strftime("%H"),
        "minute": date.strftime("%M"),
        "second": date.strftime("%S"),
        "week": f"{week:02d}",
        "w_year": str(week_year),
        "w_day": str(date.isoweekday()),
        "output_ext": ".html",
        "path": Path(relative).with_suffix("").as_posix(),
    }
    url = re.sub(r":([a-z_]+)", lambda m: values.get(m.group(1), m.group(0)), template)
    url = "/" + url.replace("..", "/").replace("./", "")
    return re.sub(r"/+", "/", url)


def destination(url: str) -> str:
    """The file Jekyll writes for ``url`` (``/a/`` and ``/a/index.html`` are the same)."""
    path = url + "index" if url.endswith("/") else url
    return path if path.endswith(".html") else path + ".html"


def site_posts(site: Path, config: dict[str, object], now: dt.datetime) -> list[Post]:
    """Every file in the site's ``_posts``, with its URL or why Jekyll leaves it out."""
    zone = site_zone(config)
    folder = site / "_posts"
    return [
        _site_post(path, path.relative_to(site).as_posix(), config, zone, now)
        for path in (sorted(folder.rglob("*")) if folder.is_dir() else [])
        if _is_post_file(path, folder)
    ]


def _is_post_file(path: Path, folder: Path) -> bool:
    """Whether Jekyll reads ``path`` (in ``folder``, the site's ``_posts``) as a post: not a
    name it ignores, nor a static file kept with the posts."""
    inside = path.relative_to(folder).parts
    if not path.is_file() or any(part[0] in "._#" or part.endswith("~") for part in inside):
        return False  # Jekyll ignores these names
    return path.suffix.lower() in (*MARKUP, ".html")


def _site_post(
    path: Path, relative: str, config: dict[str, object], zone: dt.tzinfo, now: dt.datetime
) -> Post:
    """The post at ``path`` with its URL, or why Jekyll does not build it."""
    matched = POST_NAME.match(path.name)
    if matched is None:
        return Post(relative, None, "its name does not start with a date (YYYY-MM-DD-)")
    try:
        data = front_matter(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return Post(relative, None, f"its front matter cannot be read ({type(error).__name__})")
    if data is None:
        return Post(relative, None, "it has no front matter (Jekyll copies it as a plain file)")
    merged = {**post_defaults(config, relative), **data}
    date = parse_date(data.get("date") or matched.group(1), zone)
    if date is None:
        return Post(relative, None, f"its date {data.get('date') or matched.group(1)!r} is invalid")
    if merged.get("published") is False:
        return Post(relative, None, "it has `published: false`")
    if date > now and not config.get("future"):
        return Post(
            relative,
            None,
            f"it is dated in the future ({date.isoformat()}) and the site has no `future: true`",
        )
    return Post(relative, post_url(relative, merged, config, date))
