"""The Atom feeds of papers (setting ``feeds``), read by feedparser as a feed reader would:
valid, one entry per paper the posts show with its summary, absolute ids stable across runs,
the same bytes from ``render --all``, and hostile text kept as text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest

from conftest import DATA, invoke
from dailypapers.config import load_settings
from dailypapers.interests import Interests, select_daily
from dailypapers.latex import latex_text
from dailypapers.models import Paper, papers_from_entries
from dailypapers.replay import ReplayHub
from dailypapers.store import Store
from reader_days import DAYS, day_entries

BASE = "https://reader.example.org/blog"
NOW = {"DAILYPAPERS_NOW": "2026-03-07T03:00:00Z"}
SETTINGS = """\
language = "en"
feeds = true

[interests]
keywords = ["diffusion"]
organizations = ["MHUGLab"]
"""


def make_site(root: Path, settings: str = SETTINGS, *, url: str = "https://reader.example.org") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(f'url: "{url}"\nbaseurl: "/blog"\npermalink: /posts/:title/\n')
    (root / "dailypapers.toml").write_text(settings)
    return root


def backfill(root: Path, hub: ReplayHub, *extra: str, env: dict[str, str] | None = None) -> Any:
    result = invoke(
        "backfill", "--site", str(root), "--since", DAYS[0], "--until", DAYS[-1], *extra,
        endpoint=hub.url, env={**NOW, **(env or {})},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result


def shown(root: Path) -> dict[str, tuple[Paper, bool]]:
    """Every paper the site's daily posts show (list and ⭐ section), with its star."""
    settings = load_settings(root, environ={})
    interests = Interests.from_settings(settings)
    found: dict[str, tuple[Paper, bool]] = {}
    with Store(root / ".dailypapers" / "papers.db") as store:
        for day in store.stored_days():
            selection = select_daily(store.day_papers(day), settings.daily.top, interests)
            for paper in [*selection.shown, *(p for _, p in selection.more)]:
                found[paper.id] = (paper, paper.id in selection.starred)
    return found


def read(path: Path) -> Any:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_feeds_hold_every_shown_paper_with_its_summary(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    root = make_site(tmp_path / "site")
    hub = replay(day_entries)
    backfill(root, hub)
    papers = shown(root)
    assert len(papers) >= 5 and any(star for _, star in papers.values())

    feed = read(root / "feeds" / "papers.xml")
    assert feed.version == "atom10"
    assert feed.feed.id == f"{BASE}/feeds/papers.xml"
    assert feed.feed.updated.startswith("2026-03-07T03:00:00")  # the archive's latest fetch
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids)) == len(papers)
    assert set(ids) == {f"{BASE}/papers/{paper_id}" for paper_id in papers}
    for entry in feed.entries:
        paper, starred = papers[entry.id.rsplit("/", 1)[1]]
        assert entry.title == latex_text(paper.title)
        assert entry.link == paper.hf_url
        assert entry.summary == latex_text(paper.summary)  # no model: the abstract
        related = [link.href for link in entry.links if link.rel == "related"]
        assert related == [f"{BASE}/posts/daily-papers-{entry.published[:10]}/"]
        terms = {tag.term for tag in entry.get("tags", [])}
        assert ("starred" in terms) == starred
        if paper.organization:
            assert paper.organization.display_name in terms

    starred_feed = read(root / "feeds" / "starred.xml")
    assert {entry.id for entry in starred_feed.entries} == {
        f"{BASE}/papers/{paper_id}" for paper_id, (_, star) in papers.items() if star
    }


def test_feeds_give_the_model_summary_in_the_readers_language(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    hub = replay(day_entries)
    root = make_site(
        tmp_path / "site", SETTINGS + f'\n[llm]\nbase_url = "{hub.url}/v1"\nmodel = "stand-in"\n'
    )
    backfill(root, hub)
    feed = read(root / "feeds" / "papers.xml")
    assert feed.entries
    for entry in feed.entries:
        # The replay hub's stand-in model answers "[stand-in] " and the prompt's first sentences.
        assert entry.summary.startswith("[stand-in] "), entry.summary


def test_feed_ids_and_bytes_are_stable_and_render_all_writes_the_same(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    root = make_site(tmp_path / "site")
    hub = replay(day_entries)
    backfill(root, hub)
    first = {kind: (root / "feeds" / f"{kind}.xml").read_bytes() for kind in ("papers", "starred")}
    # Run again, the days already stored: nothing changed, so neither did the feeds.
    backfill(root, hub, env={"DAILYPAPERS_NOW": "2026-03-07T09:00:00Z"})
    assert {kind: (root / "feeds" / f"{kind}.xml").read_bytes() for kind in first} == first
    # Fetched again later: the same entries under the same ids.
    backfill(root, hub, "--refresh", env={"DAILYPAPERS_NOW": "2026-03-07T10:00:00Z"})
    for kind in first:
        before, after = feedparser.parse(first[kind]), read(root / "feeds" / f"{kind}.xml")
        assert [entry.id for entry in after.entries] == [entry.id for entry in before.entries]
    first = {kind: (root / "feeds" / f"{kind}.xml").read_bytes() for kind in first}
    for kind in first:
        (root / "feeds" / f"{kind}.xml").unlink()
    result = invoke("render", "--site", str(root), "--all", env=NOW)
    assert result.exit_code == 0, result.output
    assert "created  feeds/papers.xml" in result.output
    assert {kind: (root / "feeds" / f"{kind}.xml").read_bytes() for kind in first} == first
    again = invoke("render", "--site", str(root), "--all", env=NOW)
    assert "feeds/" not in again.output.replace("unchanged  feeds/", "")


def test_no_feed_without_the_setting(tmp_path: Path, replay: Callable[..., ReplayHub]) -> None:
    root = make_site(tmp_path / "site", 'language = "en"\n')
    backfill(root, replay(day_entries))
    assert not (root / "feeds").exists()


def test_hostile_text_stays_text_in_a_valid_feed(tmp_path: Path, replay: Callable[..., ReplayHub]) -> None:
    hazards = json.loads((DATA / "hazards" / "entries.json").read_text(encoding="utf-8"))
    root = make_site(tmp_path / "site", "feeds = true\n[daily]\ntop = 100\n")
    hub = replay(lambda day: hazards if day == DAYS[0] else None)
    backfill(root, hub)
    feed = read(root / "feeds" / "papers.xml")
    papers, _ = papers_from_entries(hazards)
    assert len(feed.entries) == len(papers)
    titles = sorted(entry.title for entry in feed.entries)
    # As every way out shows it (dailypapers.text): no control, nothing XML 1.0 cannot carry.
    expected = sorted(strip_controls(latex_text(paper.title)) for paper in papers)
    assert titles == expected


def strip_controls(text: str) -> str:
    from dailypapers.feeds import xml_text

    return xml_text(text)


@pytest.mark.parametrize("url", ["", "https://reader.example.org"])
def test_doctor_warns_when_the_site_has_no_url(
    url: str, tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    root = make_site(tmp_path / "site", url=url)
    backfill(root, replay(day_entries))
    result = invoke("doctor", "--site", str(root), env={**NOW, "HF_ENDPOINT": "http://127.0.0.1:9"})
    warned = [line for line in result.output.splitlines() if "feed" in line.lower() and "url" in line]
    assert bool(warned) == (url == ""), result.output


@pytest.mark.jekyll
@pytest.mark.slow
def test_a_new_site_links_the_feeds_from_every_page_and_serves_them(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    from sites import jekyll_build

    root = tmp_path / "site"
    done = invoke("init", str(root), "--language", "en", "--package", "dailypapers")
    assert done.exit_code == 0, done.output
    config = root / "_config.yml"
    config.write_text(config.read_text().replace('\nurl: ""', '\nurl: "https://reader.example.org"'))
    backfill(root, replay(day_entries))
    build = jekyll_build(root)
    assert build.returncode == 0, build.stderr
    built = root / "_site"
    for kind in ("papers", "starred"):
        assert (built / "feeds" / f"{kind}.xml").read_bytes() == (root / "feeds" / f"{kind}.xml").read_bytes()
    pages = [built / "index.html", *sorted((built / "posts").glob("*/index.html"))]
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        for kind, title in (("papers", "papers"), ("starred", "⭐")):
            link = '<link rel="alternate" type="application/atom+xml" '
            link += f'title="Hugging Face Daily Papers · {title}"'
            assert f'{link} href="https://reader.example.org/feeds/{kind}.xml">' in head, page
        assert 'href="https://reader.example.org/feed.xml"' in head  # jekyll-feed's feed of posts stays
    post = (built / "posts" / f"daily-papers-{DAYS[-1]}" / "index.html").read_text(encoding="utf-8")
    assert f'href="/bib/daily-{DAYS[-1]}.bib"' in post
    assert (built / "bib" / f"daily-{DAYS[-1]}.bib").is_file()


def test_without_feeds_the_include_links_nothing(tmp_path: Path) -> None:
    """The include looks for each feed among the site's files: a site with the setting off
    (or not run yet) has no link to a missing file. Checked on the include's own text."""
    from dailypapers.feeds import feeds_include

    text = feeds_include()
    assert text.count('site.static_files | where: "path", "/feeds/') == 2
    assert text.count("{%- if dailypapers_feed %}") == 2
