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
as soon as it has a day and brought up to date by each later run. Until it is over and the
archive holds every one of its days (listed, or known to have no papers), its post says so
and its data file has ``"complete": false``; the chart shows each day as listed, empty or
not collected. What is written depends on the archive and on today's date (UTC, or
``DAILYPAPERS_NOW``) only: ``generated_at`` is the newest fetch time of the period's days,
so an unchanged period's files are not rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from dailypapers.charts import TEMPLATE as CHART_TEMPLATE
from dailypapers.charts import DayPoint, daily_chart_svg
from dailypapers.config import DEFAULT_SETTINGS, Settings
from dailypapers.datafile import to_json
from dailypapers.dates import Period, date_of, iso_week, labels_of, period_of
from dailypapers.escape import code_span  # noqa: F401 (the `code` filter, kept importable from here)
from dailypapers.interests import Interests
from dailypapers.models import Paper, PaperInfo
from dailypapers.paths import chart_path, data_path, post_path
from dailypapers.render import environment, front_matter, render_template
from dailypapers.site import Site
from dailypapers.stats import RankedPaper, Stats, compute_stats
from dailypapers.store import Store
from dailypapers.words import CHART_WORDS, month_title, short_date, week_title
from dailypapers.write import FileResult

KINDS = ("weekly", "monthly")
LIST_TOP = 10  # keywords and organizations listed in every summary
LISTED, EMPTY, MISSING, UPCOMING = "listed", "empty", "missing", "upcoming"


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One calendar day of a period: listed (papers stored), empty (the Hub listed none),
    missing (over, but never collected) or upcoming (today or later)."""

    day: str
    status: str
    papers: int = 0
    upvotes: int = 0  # the sum of the day's listings' upvotes as of that day


@dataclass
class Summary:
    kind: str
    label: str
    stats: Stats
    days: list[DayFigures]  # every calendar day of the period
    generated_at: str
    today: dt.date

    @property
    def period(self) -> Period:
        return self.stats.period

    @property
    def first_day(self) -> dt.date:
        return date_of(self.period.since)

    @property
    def over(self) -> bool:
        return date_of(self.period.until) < self.today

    @property
    def missing(self) -> list[str]:
        return [figures.day for figures in self.days if figures.status == MISSING]

    @property
    def complete(self) -> bool:
        """The period is over and the archive holds every one of its days."""
        return self.over and not self.missing

    @property
    def listed_upvotes(self) -> int:
        """The per-day upvotes added up: a paper listed on several days counts on each."""
        return sum(figures.upvotes for figures in self.days)


def build_summary(store: Store, kind: str, label: str, *, today: dt.date) -> Summary | None:
    """The figures of one week or month as of ``today``; None when the archive has no day in it."""
    period = period_of(kind, label)
    stats = compute_stats(store, period)
    if not stats.days:
        return None
    totals = store.day_totals(period.since, period.until)  # the days with papers
    empty = store.empty_days(period.since, period.until)
    days = []
    for day in period.calendar_days():
        if day in totals:
            days.append(DayFigures(day, LISTED, *totals[day]))
        elif day in empty:
            days.append(DayFigures(day, EMPTY))
        else:
            days.append(DayFigures(day, MISSING if day < today.isoformat() else UPCOMING))
    generated_at = store.last_crawled_at(period.since, period.until) or ""
    return Summary(kind, label, stats, days, generated_at, today)


# --- rendering --------------------------------------------------------------------------


def period_title(summary: Summary, language: str) -> str:
    """``2026년 2월 2주차 (2/9–2/15)`` or ``2026년 2월``, the language's way (see :mod:`words`)."""
    first = summary.first_day
    if summary.kind == "weekly":
        return week_title(language, first)
    return month_title(language, first.year, first.month)


def day_spans(days: list[str], language: str) -> list[str]:
    """Days in order as spans of consecutive days: ``1/1–1/8``, ``1/10``."""
    spans: list[list[dt.date]] = []
    for date in map(date_of, days):
        if spans and date - spans[-1][-1] == dt.timedelta(days=1):
            spans[-1].append(date)
        else:
            spans.append([date])
    return [
        short_date(language, span[0]) + (f"–{short_date(language, span[-1])}" if len(span) > 1 else "")
        for span in spans
    ]


def chart_title(summary: Summary, language: str) -> str:
    separator = ": " if language == "en" else " "  # "February 2026: papers and upvotes per day"
    return f"{period_title(summary, language)}{separator}{CHART_WORDS[language].per_day}"


def chart_points(summary: Summary) -> list[DayPoint]:
    """The chart's days: a day the archive does not hold has no figures (None), not zeros."""
    return [
        DayPoint(f.day, f.papers, f.upvotes)
        if f.status in (LISTED, EMPTY)
        else DayPoint(f.day, None, None, upcoming=f.status == UPCOMING)
        for f in summary.days
    ]


def chart_svg(
    summary: Summary,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    site: Path | None = None,
    layout: str = "columns",
    templates: jinja2.Environment | None = None,
) -> str:
    """The chart in one ``layout``: ``columns`` is the chart file; a post inlines both
    (:func:`post_chart`). ``templates``: the run's, else ``site``'s."""
    return daily_chart_svg(
        chart_title(summary, settings.language),
        chart_points(summary),
        language=settings.language,
        weekly=summary.kind == "weekly",
        template=(templates or environment(site, settings.math)).get_template(CHART_TEMPLATE),
        layout=layout,
    ).decode("utf-8")


def post_chart(
    summary: Summary,
    settings: Settings,
    *,
    site: Path | None = None,
    columns: str | None = None,
    templates: jinja2.Environment | None = None,
) -> str:
    """What the post inlines: the ``columns`` chart (drawn here when not given), then ``rows``."""
    templates = templates or environment(site, settings.math)
    columns = columns if columns is not None else chart_svg(summary, settings, templates=templates)
    return columns + chart_svg(summary, settings, layout="rows", templates=templates)


def listed_papers(
    summary: Summary, settings: Settings, interests: Interests | None = None
) -> list[RankedPaper]:
    """The papers the post lists: muted ones are left out of the list, not out of the figures.
    ``interests``: the run's, else the settings'."""
    interests = interests or Interests.from_settings(settings)
    top = settings.post(summary.kind).top
    return [ranked for ranked in summary.stats.papers if not interests.muted(ranked.paper)][:top]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came of one paper of a period, from the archive's latest observation of it."""

    paper: Paper
    info: PaperInfo
    first_stars: int | None  # the stars its first listed fetch gave (None: no repository then)

    @property
    def growth(self) -> int:
        """Stars gained since the paper was first listed: 0 without both counts, or when the
        Hub now names another repository than the list does (not the same code's stars)."""
        info, first = self.info, self.first_stars
        if info.github_stars is None or first is None or info.github_repo != self.paper.github_repo:
            return 0
        return max(0, info.github_stars - first)


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The "what came of them" section: papers of the period with models, datasets or Spaces
    on the Hub, most first; and the code repositories that gained the most stars."""

    gained: list[Outcome]
    grown: list[Outcome]

    def as_json(self) -> dict[str, object]:
        return {
            "gained": [
                {**item.info.as_json(item.paper.id), "title": item.paper.title} for item in self.gained
            ],
            "grown": [
                {
                    "id": item.paper.id,
                    "title": item.paper.title,
                    "github_repo": item.info.github_repo,
                    "stars_listed": item.first_stars,
                    "stars": item.info.github_stars,
                    "growth": item.growth,
                    "observed_at": item.info.observed_at,
                }
                for item in self.grown
            ],
        }


def period_outcomes(
    store: Store, summary: Summary, settings: Settings, interests: Interests | None = None
) -> Outcomes | None:
    """The section of ``summary`` (None when the setting ``paper_info`` is off): the papers listed
    in the period (muted ones left out), each with its latest observation. A paper is listed
    in the order of the period's ranking when the counts are equal."""
    if not settings.paper_info:
        return None
    interests = interests or Interests.from_settings(settings)
    order = {ranked.paper.id: place for place, ranked in enumerate(summary.stats.papers)}
    papers = {ranked.paper.id: ranked.paper for ranked in summary.stats.papers}
    items = [
        Outcome(papers[paper_id], info, first_stars)
        for paper_id, info, first_stars in store.period_outcomes(summary.period.since, summary.period.until)
        if paper_id in papers and not interests.muted(papers[paper_id])
    ]
    gained = sorted(
        (i for i in items if i.info.repositories), key=lambda i: (-i.info.repositories, order[i.paper.id])
    )
    grown = sorted((i for i in items if i.growth), key=lambda i: (-i.growth, order[i.paper.id]))
    return Outcomes(gained[:LIST_TOP], grown[:LIST_TOP])


def render_summary(
    summary: Summary,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    site: Path | None = None,
    chart: str | None = None,
    summaries: Mapping[str, str] | None = None,
    outcomes: Outcomes | None = None,
    templates: jinja2.Environment | None = None,
    interests: Interests | None = None,
) -> str:
    """The post; ``chart``: the SVG to show in it (drawn here when not given); ``outcomes``:
    the "what came of them" section (setting ``paper_info``, see :func:`period_outcomes`);
    ``templates`` and ``interests``: the run's, else those of ``site`` and ``settings``."""
    env = templates or environment(site, settings.math)
    # Until a language has its own summary templates, its summaries are in Korean.
    names = [f"{settings.language}/{summary.kind}.md.j2", f"ko/{summary.kind}.md.j2"]
    stats, top = summary.stats, settings.post(summary.kind).top
    first = summary.first_day
    interests = interests or Interests.from_settings(settings)
    listed = listed_papers(summary, settings, interests)
    language = settings.language
    return render_template(
        env,
        names,
        year=first.year,
        month=first.month,
        week=summary.label,
        title=period_title(summary, language),
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
        chart_svg=chart if chart is not None else post_chart(summary, settings, templates=env),
        label=summary.label,
        kind=summary.kind,
        over=summary.over,
        complete=summary.complete,
        missing=day_spans(summary.missing, language),
        missing_count=len(summary.missing),
        listed_upvotes=summary.listed_upvotes,
        uncollected=sum(f.status == MISSING for f in summary.days),
        empty_days=sum(f.status == EMPTY for f in summary.days),
        summaries=summaries or {},
        ai_summary=settings.ai_summary,
        first_author=settings.organization_fallback == "first_author",
        outcomes=outcomes,
    )


def _paper_record(ranked: RankedPaper, rank: int) -> dict[str, object]:
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


def summary_data(
    summary: Summary, settings: Settings = DEFAULT_SETTINGS, outcomes: Outcomes | None = None
) -> dict[str, object]:
    stats, top = summary.stats, settings.post(summary.kind).top
    first = summary.first_day
    if summary.kind == "weekly":
        iso_year, week = iso_week(first)
        when: dict[str, object] = {"year": iso_year, "week": week}
    else:
        when = {"year": first.year, "month": first.month}
    data = {
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
            {"date": f.day, "total_papers": f.papers, "total_likes": f.upvotes}
            for f in summary.days
            if f.status == LISTED
        ],
        "period": summary.label,  # the ISO week (2026-W07) or the month (2026-02)
        # False while the period runs, or when the archive lacks one of its days (see "days").
        "complete": summary.complete,
        "missing_days": summary.missing,
        # Every calendar day: listed, empty (no papers), missing (not collected) or upcoming.
        # A day's upvotes are its listings' as of that day, so a paper listed on several days
        # counts on each: their sum (listed_likes) is not total_likes.
        "days": [
            {"date": f.day, "status": f.status, "papers": f.papers, "likes": f.upvotes} for f in summary.days
        ],
        "listed_likes": summary.listed_upvotes,
        "since": summary.period.since,
        "until": summary.period.until,
        "top_organizations": stats.top_organizations(LIST_TOP),
        "top_keywords": stats.top_keywords(LIST_TOP),
        "chart": "/" + chart_path(summary.kind, summary.label).as_posix(),
    }
    if outcomes is not None:  # setting paper_info
        data["outcomes"] = outcomes.as_json()
    return data


# --- writing ----------------------------------------------------------------------------


def publish_summary(
    site: Site,
    kind: str,
    label: str,
    *,
    today: dt.date,
    summaries_for: Callable[[Sequence[Paper]], Mapping[str, str]] | None = None,
) -> list[FileResult]:
    """Bring one week's or month's chart, data file and post up to date; [] for an empty one,
    or one the archive cannot hold complete (see ``Store.held_days``). ``summaries_for`` gives
    the language-model summaries of the papers it lists."""
    settings = site.settings
    period = period_of(kind, label)
    if site.store.holds(period.since, period.until):
        return []  # the archive lacks papers of a day whose data file cannot be read (archive.hold)
    summary = build_summary(site.store, kind, label, today=today)
    if summary is None:
        return []
    svg = chart_svg(summary, settings, templates=site.templates)
    inlined = post_chart(summary, settings, columns=svg, templates=site.templates)  # the file's, then rows
    listed = [ranked.paper for ranked in listed_papers(summary, settings, site.interests)]
    summaries = summaries_for(listed) if summaries_for else {}
    outcomes = period_outcomes(site.store, summary, settings, site.interests)
    post = render_summary(
        summary,
        settings,
        chart=inlined,
        summaries=summaries,
        outcomes=outcomes,
        templates=site.templates,
        interests=site.interests,
    )
    # The post last: a run cut short rewrites all three next time.
    return [
        site.write(chart_path(kind, label), svg),
        site.write(data_path(kind, label), to_json(summary_data(summary, settings, outcomes))),
        site.write(post_path(kind, label, settings), post),
    ]


def publish_summaries(
    site: Site,
    days: Iterable[str],
    *,
    today: dt.date,
    summaries_for: Callable[[Sequence[Paper]], Mapping[str, str]] | None = None,
) -> list[FileResult]:
    """Bring every week and month containing one of ``days`` up to date (the kinds in
    ``settings.summaries``), as of ``today`` (UTC: what is over, what is still to come).
    ``run``, ``backfill`` and ``render`` call it with their days."""
    days = list(days)
    files: list[FileResult] = []
    for kind in KINDS:
        if kind in site.settings.summaries:
            for label in labels_of(kind, days):
                files.extend(publish_summary(site, kind, label, today=today, summaries_for=summaries_for))
    return files


def summary_papers(
    store: Store,
    days: Iterable[str],
    settings: Settings,
    *,
    today: dt.date,
    interests: Interests | None = None,
) -> list[Paper]:
    """The papers the weekly and monthly posts of ``days`` list, latest period first."""
    days = list(days)
    papers: list[Paper] = []
    for kind in KINDS:
        if kind in settings.summaries:
            for label in reversed(labels_of(kind, days)):
                summary = build_summary(store, kind, label, today=today)
                if summary is not None:
                    papers += [ranked.paper for ranked in listed_papers(summary, settings, interests)]
    return papers
