"""The reader's interests: which papers get a ⭐, which are left out, what a daily post lists.

Settings ``[interests]``: ``keywords`` mark a paper whose title, abstract, AI keywords or
organization contain one of them; ``organizations`` mark a paper whose organization's name
contains one; ``mute`` keywords (matched like ``keywords``) leave a paper out of posts and
notifications. Matching ignores case and takes whole words only ("LLM" does not match
"LLMs"); a keyword of several words matches across any whitespace.

Nothing here touches the archive, the data files or the summaries' figures: interests only
change what a post or a notification shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dailypapers.config import Settings
from dailypapers.models import Paper, rank


def word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word pattern for ``words``; None when there are none."""
    alternatives = [r"\s+".join(map(re.escape, word.split())) for word in words if word.split()]
    if not alternatives:
        return None
    # Longest first, so that "diffusion model" is tried before "diffusion".
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def organization_text(paper: Paper) -> str:
    org = paper.organization
    return "\n".join(filter(None, (org.name, org.fullname))) if org else ""


def paper_text(paper: Paper) -> str:
    """What keywords are matched on; fields are joined by line breaks, so no match spans two."""
    return "\n".join((paper.title, paper.summary, *paper.ai_keywords, organization_text(paper)))


@dataclass(frozen=True)
class Interests:
    keywords: re.Pattern[str] | None = None
    organizations: re.Pattern[str] | None = None
    mute: re.Pattern[str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Interests:
        return cls(
            word_pattern(settings.interest_keywords),
            word_pattern(settings.interest_organizations),
            word_pattern(settings.mute),
        )

    def starred(self, paper: Paper) -> bool:
        if self.keywords is not None and self.keywords.search(paper_text(paper)):
            return True
        return self.organizations is not None and bool(self.organizations.search(organization_text(paper)))

    def muted(self, paper: Paper) -> bool:
        return self.mute is not None and bool(self.mute.search(paper_text(paper)))

    def visible(self, papers: Iterable[Paper]) -> list[Paper]:
        """``papers`` without the muted ones, in the same order."""
        return [paper for paper in papers if not self.muted(paper)]

    def starred_ids(self, papers: Iterable[Paper]) -> frozenset[str]:
        return frozenset(paper.id for paper in papers if self.starred(paper))


@dataclass
class DailySelection:
    """What a daily post lists, from all of a day's papers."""

    shown: list[Paper]  # the top N of the papers not muted, by upvotes
    more: list[tuple[int, Paper]] = field(default_factory=list)  # starred papers below, with their rank
    starred: frozenset[str] = frozenset()  # ids of the starred papers among shown and more
    muted: int = 0  # papers left out

    @property
    def listed(self) -> list[Paper]:
        """Every paper the post lists: the top ones, then the starred ones below them."""
        return [*self.shown, *(paper for _, paper in self.more)]


def select_daily(papers: Sequence[Paper], top: int, interests: Interests) -> DailySelection:
    ranked = rank(interests.visible(papers))
    starred = interests.starred_ids(ranked)
    more = [(number, paper) for number, paper in enumerate(ranked, 1) if number > top and paper.id in starred]
    return DailySelection(ranked[:top], more, starred, len(papers) - len(ranked))
