"""Every post at its own URL on a Chirpy blog: a real Jekyll build with Chirpy's stock
``permalink: /posts/:title/`` gives one page per post, at the original blog's URLs."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, SHARED_HUB, run_backfill, seed_source
from dailypapers.dates import week_of
from dailypapers.replay import ReplayHub
from sites import built_pages, chirpy_site, jekyll_build

pytestmark = pytest.mark.jekyll


def february_source() -> tuple[Any, str, str]:
    """February 2026 from the recorded corpus, or the bundled week around the seed days."""
    corpus = SHARED_HUB / "daily_papers"
    if corpus.is_dir():
        return corpus, "2026-02-01", "2026-02-28"

    def bundled(day: str) -> Any:
        path = DATA / "hub" / f"{day}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else seed_source(day)

    return bundled, "2026-02-02", "2026-02-10"


def expected_urls(since: str, until: str, days: list[str]) -> set[str]:
    weeks = {week_of(day) for day in days}
    months = {day[:7] for day in days}
    return (
        {f"/posts/daily-papers-{day}/" for day in days}
        | {f"/posts/weekly-papers-summary-{week}/" for week in weeks}
        | {f"/posts/monthly-papers-summary-{month}/" for month in months}
    )


@pytest.fixture(scope="module")
def february(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A Chirpy site with a backfilled February, by the installed command."""
    site = chirpy_site(tmp_path_factory.mktemp("chirpy") / "site")
    source, since, until = february_source()
    with ReplayHub(source) as hub:
        done = run_backfill(site, hub.url, since, until)
    assert done.returncode == 0, done.stderr
    days = sorted(path.name[:10] for path in (site / "_posts").glob("*-daily-papers.md"))
    assert days and all(since <= day <= until for day in days)
    return site, days


def test_each_post_has_its_own_page_at_the_original_url(february: tuple[Path, list[str]]) -> None:
    site, days = february
    built = jekyll_build(site)
    assert built.returncode == 0, built.stderr
    assert "Conflict" not in built.stdout + built.stderr
    posts = sorted((site / "_posts").iterdir())
    pages = [url for url in built_pages(site) if url.startswith("/posts/")]
    assert len(pages) == len(posts) == len(set(pages))
    assert set(pages) == expected_urls(days[0], days[-1], days)
    # Each page is its own post: the daily page of a day shows that day's title.
    for day in days:
        page = (site / "_site" / "posts" / f"daily-papers-{day}" / "index.html").read_text(encoding="utf-8")
        assert f"<title>Hugging Face Daily Papers - {day}</title>" in page


def test_without_slugs_the_posts_collide(february: tuple[Path, list[str]], tmp_path: Path) -> None:
    """What the slugs fix: the same build with the `slug:` lines removed loses posts."""
    site = tmp_path / "site"
    shutil.copytree(february[0], site, ignore=shutil.ignore_patterns("_site", ".dailypapers"))
    for post in (site / "_posts").iterdir():
        post.write_text(re.sub(r"(?m)^slug: .*\n", "", post.read_text(encoding="utf-8")), encoding="utf-8")
    built = jekyll_build(site)
    assert "Conflict: The following destination is shared by multiple files" in built.stdout + built.stderr
    pages = [url for url in built_pages(site) if url.startswith("/posts/")]
    assert len(pages) == 3  # daily-papers, weekly-papers-summary, monthly-papers-summary


def test_a_site_permalink_pattern_may_use_the_slug(tmp_path: Path) -> None:
    """The `permalink` settings and the slug agree: ``{slug}`` in a pattern is the post's slug."""
    from dailypapers.config import load_settings
    from dailypapers.render import front_matter

    (tmp_path / "dailypapers.toml").write_text('[daily]\npermalink = "/papers/{year}/{slug}/"\n')
    settings = load_settings(tmp_path, environ={})
    lines = front_matter("daily", dt.date(2026, 2, 5), settings).splitlines()
    assert "slug: daily-papers-2026-02-05" in lines
    assert 'permalink: "/papers/2026/daily-papers-2026-02-05/"' in lines
