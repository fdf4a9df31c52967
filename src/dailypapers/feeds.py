"""Atom feeds of papers (setting ``feeds``): ``feeds/papers.xml``, one entry per paper the
latest daily posts show, and ``feeds/starred.xml``, the ⭐ papers only.

An entry has the paper's title (LaTeX read as text: a feed reader typesets no math), its
Hugging Face page as link (the daily post that shows it as ``related``), its authors, its
organization and ⭐ as categories, and its summary in the reader's language (the language
model's when there is one, else the abstract). Ids and links are absolute, built from the
site's ``url`` and ``baseurl`` in ``_config.yml`` (``doctor`` warns when ``url`` is empty:
ids are then relative). Everything comes from the archive: the feed's ``updated`` is the
archive's latest fetch and an entry's time its post's, so the same archive gives the same
bytes (``render --all`` writes the same feeds as the runs did).

The files have no front matter: Jekyll copies them as they are, and no Liquid reads them.
Text from strangers is written through ElementTree (which escapes it for XML) after the
characters XML 1.0 cannot hold at all are removed.
"""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dailypapers.config import Settings
from dailypapers.interests import select_daily
from dailypapers.jekyll import SITE_DESCRIPTIONS, site_config_or_empty
from dailypapers.latex import latex_text
from dailypapers.models import Paper
from dailypapers.paths import FEED_KINDS, daily_post_url, feed_path, post_time
from dailypapers.site import Site
from dailypapers.text import clean
from dailypapers.write import FileResult

ATOM = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
FEED_DAYS = {"papers": 7, "starred": 60}  # the latest stored days each feed holds
MAX_ENTRIES = 100  # the newest; a feed reader fetches the whole file each time
MAX_AUTHORS = 20  # of an entry; "et al." would be a name of its own
# Apart from jekyll-feed's feed of posts, which takes the site's title.
FEED_TITLES = {"papers": "Hugging Face Daily Papers · papers", "starred": "Hugging Face Daily Papers · ⭐"}
STARRED_SUBTITLES = {
    "ko": "관심사와 맞는 논문(⭐)만 모았습니다.",
    "en": "Only the papers that match your interests (⭐).",
    "ja": "関心に合う論文（⭐）だけを集めました。",
    "zh": "只收录符合关注点的论文（⭐）。",
}
LINK_WORDS = {
    "ko": ("기관", "HF 페이지", "논문 링크", "포스트"),
    "en": ("Organization", "Hugging Face", "arXiv", "Post"),
    "ja": ("機関", "HF ページ", "論文リンク", "記事"),
    "zh": ("机构", "HF 页面", "论文链接", "文章"),
}

SummariesFor = Callable[[Sequence[Paper]], Mapping[str, str]]


def xml_text(text: str) -> str:
    """``text`` as a feed shows it: :func:`dailypapers.text.clean`, the rule of every way
    out, which also leaves nothing XML 1.0 cannot carry (C0 controls, surrogates,
    U+FFFE/U+FFFF) or discourages (DEL, C1)."""
    return clean(text)


def site_base(root: Path) -> str:
    """The site's absolute address (``url`` + ``baseurl`` of ``_config.yml``, no trailing
    slash); only ``baseurl`` when ``url`` is empty, "" when there is neither."""
    config = site_config_or_empty(root)
    url = str(config.get("url") or "").strip().rstrip("/")
    baseurl = str(config.get("baseurl") or "").strip().strip("/")
    return url + (f"/{baseurl}" if baseurl else "")


@dataclass(frozen=True)
class FeedEntry:
    paper: Paper
    day: str
    starred: bool
    summary: str  # the model's, else the abstract
    by_model: bool


def shown_papers(site: Site, days: Sequence[str], summaries_for: SummariesFor) -> list[FeedEntry]:
    """The papers the daily posts of ``days`` show (their list and their ⭐ section), newest
    day first and in each day's order; a paper shown on several days once, at its latest."""
    interests = site.interests
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for day in sorted(days, reverse=True):
        selection = select_daily(site.store.day_papers(day), site.settings.daily.top, interests)
        papers = [paper for paper in selection.listed if paper.id not in seen]
        summaries = summaries_for(papers)
        for paper in papers:
            seen.add(paper.id)
            model = summaries.get(paper.id, "")
            entries.append(
                FeedEntry(paper, day, paper.id in selection.starred, model or paper.summary, bool(model))
            )
    return entries


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def paper_id_url(base: str, paper: Paper) -> str:
    """An entry's id: the same for a paper in both feeds and on every run."""
    return f"{base}/papers/{paper.id}"


def render_feed(
    kind: str,
    entries: Sequence[FeedEntry],
    settings: Settings,
    *,
    base: str,
    updated: str,
    post_urls: Mapping[str, str],
) -> str:
    """The Atom document of ``kind`` (``papers`` or ``starred``) holding ``entries``."""
    language = settings.language
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {f"{{{XML_NS}}}lang": language})
    self_url = f"{base}/{feed_path(kind).as_posix()}"
    _add(feed, "id", self_url)
    _add(feed, "title", FEED_TITLES[kind])
    _add(feed, "subtitle", STARRED_SUBTITLES[language] if kind == "starred" else SITE_DESCRIPTIONS[language])
    _add(feed, "updated", updated)
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=f"{base}/")
    author = _add(feed, "author")
    _add(author, "name", settings.author or "dailypapers")
    _add(feed, "generator", "dailypapers")
    for entry in entries:
        _add_entry(feed, entry, settings, base=base, post=f"{base}{post_urls[entry.day]}")
    ET.indent(feed, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """A new Atom element in ``parent``, its text and attributes cleaned for XML."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _add_entry(feed: ET.Element, entry: FeedEntry, settings: Settings, *, base: str, post: str) -> None:
    """The entry of one paper: its links, authors, organization, summary and content."""
    paper = entry.paper
    item = _add(feed, "entry")
    _add(item, "id", paper_id_url(base, paper))
    _add(item, "title", latex_text(paper.title))
    when = _iso(post_time(entry.day, settings))
    _add(item, "published", when)
    _add(item, "updated", when)
    _add(item, "link", rel="alternate", type="text/html", href=paper.hf_url)
    _add(item, "link", rel="related", type="text/html", href=post)
    for name in paper.authors[:MAX_AUTHORS]:
        _add(_add(item, "author"), "name", name)
    if not paper.authors:
        _add(_add(item, "author"), "name", paper.institution or "Hugging Face Daily Papers")
    organization = paper.organization.display_name if paper.organization else ""
    if organization:
        _add(item, "category", term=organization, scheme=f"{base}/organizations")
    if entry.starred:
        _add(item, "category", term="starred", label="⭐")
    summary_text = entry.summary if entry.by_model else latex_text(entry.summary)
    summary = _add(item, "summary", summary_text, type="text")
    if not entry.by_model and settings.language != "en":
        summary.set(f"{{{XML_NS}}}lang", "en")  # the abstract, as arXiv has it
    _add(item, "content", _content(paper, organization, summary_text, post, settings.language), type="html")


def _content(paper: Paper, organization: str, summary: str, post: str, language: str) -> str:
    """An entry's HTML content: the organization, the summary, and the links to the paper
    and to the post."""
    words = LINK_WORDS[language]
    content = [f"<p>{html.escape(words[0])}: {html.escape(organization)}</p>" if organization else ""]
    content.append(f"<p>{html.escape(summary)}</p>")
    links = [(words[1], paper.hf_url), (words[2], paper.arxiv_url), (words[3], post)]
    content.append(
        "<p>"
        + " · ".join(f'<a href="{html.escape(url)}">{html.escape(name)}</a>' for name, url in links if url)
        + "</p>"
    )
    return "".join(content)


def publish_feeds(site: Site, summaries_for: SummariesFor) -> list[FileResult]:
    """Write both feeds from the archive (nothing when the setting is off or no day is stored)."""
    settings = site.settings
    if not settings.feeds:
        return []
    stored = site.store.stored_days()
    if not stored:
        return []
    base = site_base(site.root)
    config = site_config_or_empty(site.root)
    results = []
    for kind in FEED_KINDS:
        days = stored[-FEED_DAYS[kind] :]
        entries = shown_papers(site, days, summaries_for)
        if kind == "starred":
            entries = [entry for entry in entries if entry.starred]
        entries = entries[:MAX_ENTRIES]
        urls = {day: daily_post_url(day, settings, config) for day in {e.day for e in entries}}
        # The latest fetch that changed one of its days: no clock, and no new bytes for a run
        # that changed nothing.
        updated = site.store.last_crawled_at(days[0], days[-1]) or f"{days[-1]}T00:00:00Z"
        text = render_feed(kind, entries, settings, base=base, updated=updated, post_urls=urls)
        results.append(site.write(feed_path(kind), text))
    return results


# --- links to the feeds from every page's <head> -------------------------------------------

FEEDS_INCLUDE = "_includes/dailypapers-feeds.html"
# Chirpy's head includes this file, empty in the theme, "to allow defining custom metadata".
CHIRPY_HOOK = "_includes/metadata-hook.html"
# minima's head (2.5, what GitHub Pages builds) has no such hook: a new site gets its own head,
# with what minima's gives (charset, viewport, SEO tags, stylesheet, jekyll-feed's link).
MINIMA_HEAD = "_includes/head.html"
_MINIMA_HEAD = """\
<head>
  <meta charset="utf-8">
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {%- seo -%}
  <link rel="stylesheet" href="{{ "/assets/main.css" | relative_url }}">
  {%- feed_meta -%}
  {%- include dailypapers-feeds.html -%}
</head>
"""


def feeds_include() -> str:
    """``_includes/dailypapers-feeds.html``: a ``<link rel="alternate">`` for each feed the site
    holds (none when the setting is off: no link to a missing file)."""
    lines = ["{%- comment -%} The paper feeds of dailypapers, when the site has them. {%- endcomment -%}"]
    for kind in FEED_KINDS:
        path = "/" + feed_path(kind).as_posix()
        lines += [
            f'{{%- assign dailypapers_feed = site.static_files | where: "path", "{path}" | first -%}}',
            "{%- if dailypapers_feed %}",
            f'<link rel="alternate" type="application/atom+xml" title="{html.escape(FEED_TITLES[kind])}" '
            f'href="{{{{ "{path}" | absolute_url }}}}">',
            "{%- endif -%}",
        ]
    return "\n".join(lines) + "\n"


def head_files(*, new_site: bool, chirpy: bool) -> dict[str, str]:
    """The files that link the feeds from every page's head: the include, and for a new
    (minima) site its head, for a Chirpy site its metadata hook."""
    files = {FEEDS_INCLUDE: feeds_include()}
    if new_site:
        files[MINIMA_HEAD] = _MINIMA_HEAD
    elif chirpy:
        files[CHIRPY_HOOK] = "{% include dailypapers-feeds.html %}\n"
    return files
