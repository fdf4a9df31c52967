"""Typed models of the papers and their normalisation from raw Hub entries.

A raw entry of ``GET /api/daily_papers`` has a top-level part (title, thumbnail,
numComments, organization, ...) and a ``paper`` part (id, authors, upvotes, summary,
githubRepo, ai_keywords, ...). :func:`paper_from_entry` reads both, repairs what has a
clear meaning (a numeric string where a number belongs) and rejects what has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# New-style arXiv ids: only these get an arXiv link.
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(v\d+)?")
# Any id we accept: it ends up in file names and URLs, so no slash, no "..", no spaces.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Upvotes, comments, stars: far above any real count (the most upvoted papers have a few
# thousand), far below what sums over years of papers need to overflow SQLite's 64 bits.
MAX_COUNT = 1_000_000_000


class BadEntry(ValueError):
    """A raw entry that cannot be turned into a :class:`Paper`; the message says why."""


def collapse_whitespace(text: str) -> str:
    """Collapse runs of whitespace (including line breaks) to one space and strip the ends."""
    # str.split() splits on exactly the characters the regex \s matches (str.isspace), and is
    # three times faster than re.sub: this runs on every abstract of every post.
    return " ".join(text.split())


def is_safe_id(paper_id: str) -> bool:
    return bool(SAFE_ID.fullmatch(paper_id)) and ".." not in paper_id


@dataclass(frozen=True, slots=True)
class Organization:
    name: str
    fullname: str = ""

    @property
    def display_name(self) -> str:
        return self.fullname or self.name


@dataclass(frozen=True, slots=True)
class Paper:
    id: str
    title: str
    summary: str = ""
    authors: tuple[str, ...] = ()
    organization: Organization | None = None
    upvotes: int = 0
    num_comments: int = 0
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = field(default=())
    published_at: str | None = None
    submitted_at: str | None = None

    @property
    def hf_url(self) -> str:
        return f"https://huggingface.co/papers/{self.id}"

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.id}" if ARXIV_ID.fullmatch(self.id) else None

    @property
    def organization_name(self) -> str | None:
        """The organization's name; None when the Hub names none (never an author count)."""
        org = self.organization
        return org.display_name if org is not None and org.display_name else None

    def credits_json(self) -> dict[str, object]:
        """Who wrote the paper, for the JSON outputs: the organization (or null) and the authors."""
        return {
            "organization": self.organization_name,
            "authors": list(self.authors),
            "author_count": len(self.authors),
        }

    @property
    def institution(self) -> str:
        """The 기관 line: the organization's name, else ``·K authors``, else empty."""
        if self.organization is not None and self.organization.display_name:
            return self.organization.display_name
        return f"·{len(self.authors)} authors" if self.authors else ""


@dataclass(frozen=True, slots=True)
class PaperInfo:
    """One observation of what came of a paper, at ``observed_at`` (UTC, ``...Z``): the models,
    datasets and Spaces the Hub links to it, and its code's stars (see :mod:`dailypapers.paperinfo`)."""

    models: int = 0
    datasets: int = 0
    spaces: int = 0
    github_repo: str | None = None
    github_stars: int | None = None
    observed_at: str = ""

    @property
    def repositories(self) -> int:
        """Models, datasets and Spaces together."""
        return self.models + self.datasets + self.spaces

    @property
    def anything(self) -> bool:
        """Whether there is anything to show: a repository on the Hub, or code with stars."""
        return self.repositories > 0 or bool(self.github_stars)

    def as_json(self, paper_id: str) -> dict[str, object]:
        """The record of a data file (see :mod:`dailypapers.datafile`)."""
        return {
            "id": paper_id,
            "observed_at": self.observed_at,
            "models": self.models,
            "datasets": self.datasets,
            "spaces": self.spaces,
            "github_repo": self.github_repo,
            "github_stars": self.github_stars,
        }


def rank(papers: Iterable[Paper], top: int | None = None) -> list[Paper]:
    """Upvotes descending; ties keep the Hub's order (``sorted`` is stable)."""
    ranked = sorted(papers, key=lambda p: -p.upvotes)
    return ranked if top is None else ranked[:top]


# --- normalisation of raw entries -------------------------------------------------------


def _text(value: object, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise BadEntry(f"{what} is a {type(value).__name__}, not text")


def _count(value: object, what: str) -> int:
    """A non-negative count; numeric strings are repaired, anything else is an error."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise BadEntry(f"{what} is a boolean, not a number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 30:
        number = int(value.strip())
    else:
        raise BadEntry(f"{what} is {str(value)[:40]!r}, not a number")
    if number < 0:
        raise BadEntry(f"{what} is negative ({number})")
    if number > MAX_COUNT:
        shown = str(number) if number < 10**30 else f"a number of {len(str(number))} digits"
        raise BadEntry(f"{what} is {shown}, beyond any real count ({MAX_COUNT:,})")
    return number


def _optional_url(value: object) -> str | None:
    # Links only count when they are http(s): anything else is dropped, not rendered.
    if isinstance(value, str) and re.match(r"(?i)https?://", value.strip()):  # schemes ignore case
        return value.strip()
    return None


def _authors(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadEntry(f"authors is a {type(value).__name__}, not a list")
    names = []
    for author in value:
        name = author.get("name") if isinstance(author, Mapping) else author
        names.append(collapse_whitespace(_text(name, "author name")))
    return tuple(names)


def _organization(value: object) -> Organization | None:
    if not isinstance(value, Mapping):
        return None
    name = collapse_whitespace(_text(value.get("name"), "organization name"))
    fullname = collapse_whitespace(_text(value.get("fullname"), "organization fullname"))
    return Organization(name, fullname) if name or fullname else None


def _keywords(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(collapse_whitespace(k) for k in value if isinstance(k, str) and k.strip())


def paper_from_entry(entry: object) -> Paper:
    """Normalise one raw ``/api/daily_papers`` entry; raise :class:`BadEntry` if unusable."""
    if not isinstance(entry, Mapping):
        raise BadEntry(f"entry is a {type(entry).__name__}, not an object")
    inner = entry.get("paper")
    paper: Mapping[str, object] = inner if isinstance(inner, Mapping) else {}

    def pick(key: str) -> object:
        value = paper.get(key)
        return entry.get(key) if value is None else value

    paper_id = _text(pick("id"), "id").strip()
    if not paper_id:
        title = entry.get("title")
        named = f" ({collapse_whitespace(title)[:60]!r})" if isinstance(title, str) else ""
        raise BadEntry(f"entry{named} has no paper id")
    if not is_safe_id(paper_id):
        raise BadEntry(f"paper id {paper_id!r} is not a valid paper id")
    try:
        title = collapse_whitespace(_text(entry.get("title") or paper.get("title"), "title"))
        if not title:
            raise BadEntry("title is empty")
        org = _organization(entry.get("organization") or paper.get("organization"))
        stars = pick("githubStars")
        return Paper(
            id=paper_id,
            title=title,
            summary=_text(pick("summary"), "summary").strip(),
            authors=_authors(paper.get("authors")),
            organization=org,
            upvotes=_count(paper.get("upvotes"), "upvotes"),
            num_comments=_count(entry.get("numComments"), "numComments"),
            github_repo=_optional_url(pick("githubRepo")),
            github_stars=None if stars is None else _count(stars, "githubStars"),
            project_page=_optional_url(pick("projectPage")),
            ai_summary=_text(pick("ai_summary"), "ai_summary").strip() or None,
            ai_keywords=_keywords(pick("ai_keywords")),
            published_at=_text(paper.get("publishedAt"), "publishedAt") or None,
            submitted_at=_text(paper.get("submittedOnDailyAt"), "submittedOnDailyAt") or None,
        )
    except BadEntry as error:
        raise BadEntry(f"paper {paper_id}: {error}") from None


# Counts an entry may leave out. A missing text field shows on the Paper as an empty value; a
# missing count reads as 0, so which counts an entry lacks is told separately.
_COUNT_SOURCES = {"upvotes": ("paper", "upvotes"), "num_comments": ("entry", "numComments")}


def absent_counts(entry: object) -> frozenset[str]:
    """The Paper count fields (``upvotes``, ``num_comments``) that ``entry`` does not give."""
    if not isinstance(entry, Mapping):
        return frozenset()
    inner = entry.get("paper")
    paper: Mapping[str, object] = inner if isinstance(inner, Mapping) else {}
    parts = {"paper": paper, "entry": entry}
    return frozenset(name for name, (part, key) in _COUNT_SOURCES.items() if parts[part].get(key) is None)


def papers_from_entries(entries: Sequence[object]) -> tuple[list[Paper], list[str]]:
    """Normalise a day's entries in Hub order; return the papers and one warning per skipped entry.

    A paper listed twice (pages can overlap while the Hub updates) is kept once, first place.
    """
    papers: list[Paper] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        try:
            paper = paper_from_entry(entry)
        except BadEntry as error:
            warnings.append(f"skipped entry {position + 1}: {error}")
            continue
        if paper.id in seen:
            continue
        seen.add(paper.id)
        papers.append(paper)
    return papers, warnings
