"""The search page of the blog (setting ``search``): every paper of the archive, searched in the
reader's browser with no server.

A run writes, from the archive alone:

- ``assets/dailypapers/search/papers-YYYY.json``: the papers first listed in that year, each
  a row of :data:`FIELDS` (title, organization, authors, keywords, the summary in the
  reader's language: the language model's when the archive has one, else the abstract's
  opening sentences, the day, the best upvotes, ⭐, the daily post's path), ranked as
  everywhere (upvotes, then the Hub's order);
- ``assets/dailypapers/search/index.json``: the manifest of those files, newest first, with
  each one's days and number of papers: the page loads only the years its date range needs;
- ``_includes/dailypapers-search.html``: the search form and result list, in the site's
  language (the package's ``LANG/search.html.j2``, overridable like every template), which
  loads MiniSearch from jsDelivr with its Subresource Integrity hash, then
  ``assets/dailypapers/search.js`` (``search.js.j2``), the page's own script.

``init`` makes the page that includes it (``search.html`` on a new site, a ``_tabs`` page on
Chirpy). Text from strangers goes through :func:`dailypapers.text.clean` and is written as
JSON; the page shows it with ``textContent`` only. Muted papers are left out, as posts do.
The same archive gives the same bytes: a run that changed nothing rewrites nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from dailypapers.config import Settings
from dailypapers.jekyll import site_config_or_empty
from dailypapers.latex import latex_text
from dailypapers.models import Paper, collapse_whitespace
from dailypapers.paths import daily_post_url, search_path
from dailypapers.render import environment, render_template
from dailypapers.site import Site
from dailypapers.text import clean
from dailypapers.write import FileResult

FIELDS = (
    *("id", "title", "organization", "authors", "keywords", "summary"),
    *("day", "upvotes", "starred", "post"),
)
MAX_AUTHORS = 10  # of a paper, then "…": whom a reader searches for is rarely the 11th
SUMMARY_CHARS = 300  # of an abstract shown when there is no model summary (see excerpt)
MODEL_SUMMARY_CHARS = 800  # a model summary is 2 to 3 sentences; a runaway one is cut
INCLUDE = Path("_includes") / "dailypapers-search.html"
SCRIPT = Path("assets") / "dailypapers" / "search.js"


@dataclass(frozen=True)
class Library:
    """A script the page loads from a CDN, pinned by version and Subresource Integrity hash
    (never copied into the repository or the site)."""

    name: str
    version: str
    file: str
    integrity: str

    @property
    def url(self) -> str:
        return f"https://cdn.jsdelivr.net/npm/{self.name}@{self.version}/{self.file}"


# https://github.com/lucaong/minisearch: `npm pack minisearch@7.2.0`, package/dist/umd/index.js,
# `openssl dgst -sha384 -binary | openssl base64 -A` (tests/test_search_browser.py checks it).
MINISEARCH = Library(
    "minisearch",
    "7.2.0",
    "dist/umd/index.js",
    "sha384-KuHy7eg9MqWBVrMXJC0WN6q4d3+KBquZ3Htgex79A4REptrDvGOXfAgZ0VOJ1Mdx",
)

SummariesFor = Callable[[Sequence[Paper]], Mapping[str, str]]
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s")


Row = list[str | int]  # a paper as the page reads it: the values of FIELDS, in order


def shown_text(text: str) -> str:
    """Text from strangers as the page shows it: on one line, nothing that may not leave."""
    return collapse_whitespace(clean(text))


def excerpt(text: str, limit: int) -> str:
    """``text`` whole when it fits ``limit`` characters, else its sentences that fit (at least
    a cut at a space), then "…"."""
    if len(text) <= limit:
        return text
    ends = [match.start() for match in _SENTENCE_END.finditer(text, 0, limit + 1)]
    cut = ends[-1] if ends else text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip() + "…"


def paper_row(paper: Paper, *, day: str, upvotes: int, starred: bool, model_summary: str, post: str) -> Row:
    """One paper as a row of :data:`FIELDS`."""
    if model_summary:
        summary = excerpt(shown_text(model_summary), MODEL_SUMMARY_CHARS)
    else:
        summary = excerpt(shown_text(latex_text(paper.summary)), SUMMARY_CHARS)
    authors = [shown_text(name) for name in paper.authors[:MAX_AUTHORS]]
    more = "…" if len(paper.authors) > MAX_AUTHORS else ""
    return [
        paper.id,
        shown_text(latex_text(paper.title)),
        shown_text(paper.organization_name or ""),
        ", ".join(authors) + (f", {more}" if more else ""),
        ", ".join(shown_text(word) for word in paper.ai_keywords),
        summary,
        day,
        upvotes,
        1 if starred else 0,
        post,
    ]


def year_rows(site: Site, summaries_for: SummariesFor) -> dict[str, list[Row]]:
    """Every paper of the archive (but muted ones) as a row, by the year of its first day."""
    store, settings = site.store, site.settings
    days = store.stored_days()
    if not days:
        return {}
    interests = site.interests
    listed = [item for item in store.listed_papers(days[0], days[-1]) if not interests.muted(item[0])]
    summaries = summaries_for([paper for paper, *_ in listed])
    config = site_config_or_empty(site.root)
    posts: dict[str, str] = {}
    years: dict[str, list[Row]] = {}
    for paper, upvotes, day, _ in listed:
        if day not in posts:
            posts[day] = daily_post_url(day, settings, config)
        row = paper_row(
            paper,
            day=day,
            upvotes=upvotes,
            starred=interests.starred(paper),
            model_summary=summaries.get(paper.id, ""),
            post=posts[day],
        )
        years.setdefault(day[:4], []).append(row)
    return years


def to_json(data: object) -> str:
    """Compact JSON for the browser (UTF-8: Korean text is a third of its ``\\u`` escapes)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def rows_json(rows: Sequence[Row]) -> str:
    """A year's file: ``{"papers": [...]}``, one paper a line, so that a dry run's diff and the
    site's history show the papers that changed, not one line of the whole year."""
    return '{"papers":[\n' + ",\n".join(to_json(row).rstrip("\n") for row in rows) + "\n]}\n"


def manifest(years: Mapping[str, Sequence[Row]], settings: Settings) -> dict[str, object]:
    """What ``index.json`` says: the fields of a row and each year's file, newest first."""
    day = FIELDS.index("day")
    shards = [
        {
            "file": search_path(year).name,
            "since": min(str(row[day]) for row in rows),
            "until": max(str(row[day]) for row in rows),
            "papers": len(rows),
        }
        for year, rows in sorted(years.items(), reverse=True)
    ]
    return {"version": 1, "language": settings.language, "fields": list(FIELDS), "shards": shards}


def search_include(
    settings: Settings, root: Path | None = None, templates: jinja2.Environment | None = None
) -> str:
    """``_includes/dailypapers-search.html`` in the settings' language (the site's template
    first, then the package's; ``templates``: the run's)."""
    return render_template(
        templates or environment(root),
        [f"{settings.language}/search.html.j2"],
        language=settings.language,
        library=MINISEARCH,
        index_url=_liquid_url(search_path("index")),
        script_url=_liquid_url(SCRIPT),
    )


def search_script(root: Path | None = None, templates: jinja2.Environment | None = None) -> str:
    """``assets/dailypapers/search.js``: the page's own script (``templates``: the run's)."""
    return render_template(templates or environment(root), ["search.js.j2"])


def _liquid_url(path: Path) -> str:
    """A site path as the Liquid that gives its URL under the site's ``baseurl``."""
    return f"{{{{ '/{path.as_posix()}' | relative_url }}}}"


def publish_search(site: Site, summaries_for: SummariesFor) -> list[FileResult]:
    """Write the search page's data, include and script (nothing when the setting is off or
    the archive holds no day)."""
    if not site.settings.search:
        return []
    years = year_rows(site, summaries_for)
    if not years:
        return []
    results = [site.write(search_path(year), rows_json(rows)) for year, rows in sorted(years.items())]
    results.append(site.write(search_path("index"), to_json(manifest(years, site.settings))))
    results.append(site.write(INCLUDE, search_include(site.settings, templates=site.templates)))
    results.append(site.write(SCRIPT, search_script(templates=site.templates)))
    return results


# --- the page that shows it (written by init) ----------------------------------------------

PAGE_TITLES = {"ko": "논문 검색", "en": "Search papers", "ja": "論文検索", "zh": "论文搜索"}
MINIMA_PAGE = Path("search.html")  # a new site's menu lists it (dailypapers.jekyll)
CHIRPY_TAB = Path("_tabs") / "search.md"  # a tab of Chirpy's side bar, at /search/
CHIRPY_ORDER = 5  # after Chirpy's own tabs (categories, tags, archives, about: 1 to 4)
INCLUDE_LINE = "{% include dailypapers-search.html %}\n"


def search_pages(settings: Settings, *, new_site: bool, chirpy: bool) -> dict[str, str]:
    """The search page of a new (minima) site or a Chirpy tab, with the include it shows (so
    that the site builds before the first run writes it); nothing for another theme."""
    title = json.dumps(PAGE_TITLES[settings.language], ensure_ascii=False)
    if new_site:
        page = (MINIMA_PAGE, f"---\nlayout: page\ntitle: {title}\npermalink: /search/\n---\n")
    elif chirpy:
        tab = f"icon: fas fa-search\norder: {CHIRPY_ORDER}\n"
        page = (CHIRPY_TAB, f"---\nlayout: page\ntitle: {title}\n{tab}---\n")
    else:
        return {}
    return {str(page[0]): page[1] + INCLUDE_LINE, str(INCLUDE): search_include(settings)}
