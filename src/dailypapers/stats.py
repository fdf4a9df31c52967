"""Statistics over a period of the archive: the figures behind ``stats`` and the summary posts.

Definitions: a paper listed on several days of the period counts once, with the highest
upvote count observed on its listings in the period (so a closed month's figures do not
move when later days are fetched); the days of a period are the days with a listing in
it; a listing belongs to the period of its date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dailypapers.dates import Period, month_period, week_period
from dailypapers.models import Paper
from dailypapers.store import Store


@dataclass(frozen=True, slots=True)
class RankedPaper:
    paper: Paper
    upvotes: int  # the highest observed on its listings in the period
    first_day: str
    first_position: int = 0  # its place in the Hub's list on first_day

    @property
    def order(self) -> tuple[int, str, int]:
        """The ranking key: upvotes descending, then the Hub's order on the first listing."""
        return (-self.upvotes, self.first_day, self.first_position)


@dataclass(frozen=True, slots=True)
class Riser:
    paper: Paper
    first: int
    last: int

    @property
    def growth(self) -> int:
        return self.last - self.first


@dataclass
class Stats:
    period: Period
    days: int = 0
    papers: list[RankedPaper] = field(default_factory=list)  # all, best first
    organizations: list[tuple[str, int, int]] = field(default_factory=list)  # name, papers, upvotes
    keywords: list[tuple[str, int]] = field(default_factory=list)
    risers: list[Riser] = field(default_factory=list)

    def top_organizations(self, count: int) -> list[dict[str, object]]:
        """The first ``count`` organizations as the data files and ``stats --json`` list them."""
        return [
            {"name": name, "papers": papers, "upvotes": upvotes}
            for name, papers, upvotes in self.organizations[:count]
        ]

    def top_keywords(self, count: int) -> list[dict[str, object]]:
        return [{"keyword": keyword, "papers": papers} for keyword, papers in self.keywords[:count]]

    @property
    def paper_count(self) -> int:
        return len(self.papers)

    @property
    def total_upvotes(self) -> int:
        return sum(ranked.upvotes for ranked in self.papers)

    @property
    def average_upvotes(self) -> float:
        return self.total_upvotes / self.paper_count if self.papers else 0.0


# The period of an empty archive: no day can be listed in it, so its figures are all zero.
EMPTY_ARCHIVE_DAY = "0001-01-01"


def stats_period(
    store: Store,
    *,
    month: str | None = None,
    week: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Period:
    """The period ``stats`` reports on: a month, a week, a range of days, else the whole archive."""
    if month:
        return month_period(month)
    if week:
        return week_period(week)
    if since and until:
        return Period(f"{since}..{until}", since, until)
    stored = store.stored_days() or [EMPTY_ARCHIVE_DAY]
    return Period("all", stored[0], stored[-1])


def compute_stats(store: Store, period: Period) -> Stats:
    days = store.listed_day_count(period.since, period.until)
    papers = [
        RankedPaper(paper, best, first_day, position)
        for paper, best, first_day, position in store.listed_papers(period.since, period.until)
    ]
    stats = Stats(period, days, papers)

    organizations: dict[str, list[int]] = {}
    keywords: Counter[str] = Counter()
    for ranked in papers:
        org = ranked.paper.organization
        if org is not None and org.display_name:
            tally = organizations.setdefault(org.display_name, [0, 0])
            tally[0] += 1
            tally[1] += ranked.upvotes
        keywords.update(set(ranked.paper.ai_keywords))
    stats.organizations = sorted(
        ((name, count, upvotes) for name, (count, upvotes) in organizations.items()),
        key=lambda item: (-item[1], -item[2], item[0]),
    )
    stats.keywords = sorted(keywords.items(), key=lambda item: (-item[1], item[0]))
    stats.risers = _risers(store, papers, period)
    return stats


def _risers(store: Store, papers: list[RankedPaper], period: Period) -> list[Riser]:
    """Papers whose upvotes grew between their first and last observation of a listing in the
    period (an observation of a listing outside it does not count), most growth first."""
    by_id = {ranked.paper.id: ranked for ranked in papers}
    if not by_id:
        return []
    changes = store.upvote_changes(list(by_id), period.since, period.until)
    risers = [Riser(by_id[paper_id].paper, first, last) for paper_id, first, last in changes if last > first]
    return sorted(risers, key=lambda r: (-r.growth, *by_id[r.paper.id].order[1:]))


def stats_json(stats: Stats, top: int = 10) -> dict[str, object]:
    def paper(ranked: RankedPaper) -> dict[str, object]:
        return {
            "id": ranked.paper.id,
            "title": ranked.paper.title,
            "upvotes": ranked.upvotes,
            "first_day": ranked.first_day,
            **ranked.paper.credits_json(),
            "url": ranked.paper.hf_url,
        }

    return {
        "period": stats.period.label,
        "since": stats.period.since,
        "until": stats.period.until,
        "days": stats.days,
        "paper_count": stats.paper_count,
        "total_upvotes": stats.total_upvotes,
        "average_upvotes": round(stats.average_upvotes, 2),
        "top_papers": [paper(ranked) for ranked in stats.papers[:top]],
        "top_organizations": stats.top_organizations(top),
        "top_keywords": stats.top_keywords(top),
        "risers": [
            {"id": r.paper.id, "title": r.paper.title, "from": r.first, "to": r.last, "growth": r.growth}
            for r in stats.risers[:top]
        ],
    }
