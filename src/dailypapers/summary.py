"""Weekly and monthly summary posts: figures, rankings and a chart, from the archive alone.

For each ISO week and each month with at least one stored day we write:

- the post ``_posts/YYYY-MM-DD-weekly-papers-summary.md`` (dated the week's Monday) or
  ``_posts/YYYY-MM-01-monthly-papers-summary.md`` (file names follow the settings);
- the data file ``_data/papers/weekly-YYYY-Www.json`` or ``monthly-YYYY-MM.json``, with the
  original system's keys (``year``, ``month``, ``total_papers``, ``total_likes``,
  ``average_likes``, ``days_crawled``, ``top_papers``, ...) and new ones;
- the chart ``assets/img/dailypapers/weekly-YYYY-Www.svg`` or ``monthly-YYYY-MM.svg``.

Figures follow :mod:`dailypapers.stats`: a paper counts once per period, with the highest
upvotes of its listings there. A period still running (this week, this month) is written
as soon as it has a day and is simply brought up to date by each later run: it shows the
days stored so far ("수집 일수"). Everything written depends only on the archive (no clock:
``generated_at`` is the newest fetch time of the period's days), so an unchanged period's
files are not rewritten.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dailypapers.charts import DayPoint
from dailypapers.config import DEFAULT_SETTINGS, Settings
from dailypapers.dates import Period, labels_of, period_of
from dailypapers.interests import Interests
from dailypapers.models import collapse_whitespace
from dailypapers.render import environment, front_matter, post_filename, to_json
from dailypapers.stats import RankedPaper, Stats, compute_stats
from dailypapers.store import Store
from dailypapers.write import FileResult, site_path, write_file

KINDS = ("weekly", "monthly")
LIST_TOP = 10  # keywords and organizations listed in every summary
CHART_DIR = Path("assets") / "img" / "dailypapers"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # chart labels: ASCII, no locale


def data_path(kind: str, label: str) -> Path:
    return Path("_data") / "papers" / f"{kind}-{label}.json"


def chart_path(kind: str, label: str) -> Path:
    return CHART_DIR / f"{kind}-{label}.svg"


def post_path(kind: str, label: str, settings: Settings = DEFAULT_SETTINGS) -> Path:
    return post_filename(kind, dt.date.fromisoformat(period_of(kind, label).since), settings)


@dataclass
class Summary:
    kind: str
    label: str
    stats: Stats
    per_day: list[tuple[str, int, int]]  # every calendar day of the period: day, papers, upvotes
    generated_at: str

    @property
    def period(self) -> Period:
        return self.stats.period

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisoformat(self.period.since)


def build_summary(store: Store, kind: str, label: str) -> Summary | None:
    """The figures of one week or month; None when the archive has no day in it."""
    period = period_of(kind, label)
    stats = compute_stats(store, period)
    if not stats.days:
        return None
    # Per-day totals count each listing: the upvotes a day's papers had on that day.
    listed = store.day_totals(period.since, period.until)
    per_day = [(day, *listed.get(day, (0, 0))) for day in period.calendar_days()]
    generated_at = store.last_crawled_at(period.since, period.until)
    return Summary(kind, label, stats, per_day, generated_at or "")


# --- rendering --------------------------------------------------------------------------


def code_span(text: str) -> str:
    """``text`` as inline code that Jekyll (Liquid, then kramdown) shows verbatim.

    A backtick inside takes a longer fence (padded with a space when it touches the fence).
    Liquid reads ``{{``/``{%`` even inside code, and kramdown may take a line with a pipe
    for a table row, so such text becomes ``<code>`` with those characters as references.
    """
    text = collapse_whitespace(text)
    if "|" in text or re.search(r"\{[{%]", text):
        escaped = html.escape(text, quote=False).replace("{", "&#123;").replace("|", "&#124;")
        return f"<code>{escaped}</code>"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def chart_title(summary: Summary) -> str:
    period = summary.period
    if summary.kind == "weekly":
        return f"{summary.label} ({period.since} to {period.until}): papers and upvotes per day"
    return f"{summary.label}: papers and upvotes per day"


def chart_points(summary: Summary) -> list[DayPoint]:
    points = []
    for day, papers, upvotes in summary.per_day:
        date = dt.date.fromisoformat(day)
        label = (
            f"{WEEKDAYS[date.weekday()]} {date.month}/{date.day}"
            if summary.kind == "weekly"
            else str(date.day)
        )
        points.append(DayPoint(label, papers, upvotes))
    return points


def render_summary(
    summary: Summary, settings: Settings = DEFAULT_SETTINGS, *, site: Path | None = None
) -> str:
    env = environment(site, settings.math)
    env.filters.setdefault("code", code_span)  # the environment is shared and cached
    # Until a language has its own summary templates, its summaries are in Korean.
    template = env.select_template([f"{settings.language}/{summary.kind}.md.j2", f"ko/{summary.kind}.md.j2"])
    stats, top = summary.stats, settings.post(summary.kind).top
    first = summary.first_day
    # Muted papers are left out of the list, not out of the figures; starred ones get a ⭐.
    interests = Interests.from_settings(settings)
    listed = [ranked for ranked in stats.papers if not interests.muted(ranked.paper)][:top]
    return template.render(
        year=first.year,
        month=first.month,
        week=summary.label,
        since=summary.period.since,
        until=summary.period.until,
        front_matter=front_matter(summary.kind, first, settings),
        stats=stats,
        top=top,
        list_top=LIST_TOP,
        papers=listed,
        starred=interests.starred_ids(ranked.paper for ranked in listed),
        links=settings.links,
        keywords=stats.keywords[:LIST_TOP],
        organizations=stats.organizations[:LIST_TOP],
        # Liquid's relative_url puts the site's baseurl before the path when it has one.
        chart_url="{{ '/" + chart_path(summary.kind, summary.label).as_posix() + "' | relative_url }}",
        label=summary.label,
    )


def _paper_record(ranked: RankedPaper, rank: int) -> dict[str, Any]:
    """The original's keys (``likes`` is the period's highest upvotes), then new ones."""
    paper = ranked.paper
    return {
        "title": paper.title,
        "url": paper.hf_url,
        "published": paper.published_at,
        "likes": ranked.upvotes,
        "abstract": paper.summary,
        "paper_link": paper.arxiv_url,
        "code_link": paper.github_repo or paper.project_page or "",
        "tags": list(paper.ai_keywords),
        "description": paper.ai_summary or paper.summary,
        "rank": rank,
        "id": paper.id,
        "first_day": ranked.first_day,
        "institution": paper.institution,
        "github_repo": paper.github_repo,
        "project_page": paper.project_page,
    }


def summary_data(summary: Summary, settings: Settings = DEFAULT_SETTINGS) -> dict[str, Any]:
    stats, top = summary.stats, settings.post(summary.kind).top
    first = summary.first_day
    if summary.kind == "weekly":
        iso_year, week, _ = first.isocalendar()
        when: dict[str, Any] = {"year": iso_year, "week": week}
    else:
        when = {"year": first.year, "month": first.month}
    return {
        **when,
        "generated_at": summary.generated_at,
        "total_papers": stats.paper_count,
        "total_likes": stats.total_upvotes,
        "average_likes": round(stats.average_upvotes, 2),
        "days_crawled": stats.days,
        "top_papers": [_paper_record(ranked, n) for n, ranked in enumerate(stats.papers[:top], 1)],
        # As the original's collections.Counter.most_common: [keyword, papers] pairs.
        "top_tags": [[keyword, count] for keyword, count in stats.keywords[:LIST_TOP]],
        "daily_summaries": [
            {"date": day, "total_papers": papers, "total_likes": upvotes}
            for day, papers, upvotes in summary.per_day
            if papers
        ],
        "period": summary.label,
        "since": summary.period.since,
        "until": summary.period.until,
        "top_organizations": [
            {"name": name, "papers": count, "upvotes": upvotes}
            for name, count, upvotes in stats.organizations[:LIST_TOP]
        ],
        "top_keywords": [{"keyword": k, "papers": n} for k, n in stats.keywords[:LIST_TOP]],
        "chart": "/" + chart_path(summary.kind, summary.label).as_posix(),
    }


# --- writing ----------------------------------------------------------------------------


def publish_summary(
    site: Path, store: Store, kind: str, label: str, settings: Settings = DEFAULT_SETTINGS
) -> list[FileResult]:
    """Bring one week's or month's chart, data file and post up to date; [] for an empty one."""
    from dailypapers.charts import daily_chart_svg  # imports matplotlib: only when drawing

    summary = build_summary(store, kind, label)
    if summary is None:
        return []
    # The post last: it shows the chart, and a run cut short rewrites all three next time.
    try:
        previous: bytes | None = site_path(site, chart_path(kind, label)).read_bytes()
    except FileNotFoundError:
        previous = None
    svg = daily_chart_svg(chart_title(summary), chart_points(summary), reuse=previous)
    return [
        write_file(site, chart_path(kind, label), svg),
        write_file(site, data_path(kind, label), to_json(summary_data(summary, settings))),
        write_file(site, post_path(kind, label, settings), render_summary(summary, settings, site=site)),
    ]


def publish_summaries(
    site: Path, store: Store, days: Iterable[str], settings: Settings = DEFAULT_SETTINGS
) -> list[FileResult]:
    """Bring every week and month containing one of ``days`` up to date (the kinds in
    ``settings.summaries``). ``run``, ``backfill`` and ``render`` call it with their days."""
    days = list(days)
    files: list[FileResult] = []
    for kind in KINDS:
        if kind in settings.summaries:
            for label in labels_of(kind, days):
                files.extend(publish_summary(site, store, kind, label, settings))
    return files
