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
import yaml

from conftest import DATA, SHARED_HUB, run_backfill, seed_source
from dailypapers.dates import week_of
from dailypapers.init import init_site
from dailypapers.permalinks import destination, site_posts
from dailypapers.replay import ReplayHub
from sites import add_deploy_workflow, built_pages, chirpy_site, jekyll_build

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


# --- doctor: the URLs Jekyll gives posts, without running it --------------------------------

PERMALINKS = {
    "chirpy": None,  # the stock config as it is
    "jekyll-default": "date",
    "pretty": "pretty",
    "pattern": "/:year/:i_month/:slug:output_ext",
    "front-matter-defaults": "/ignored/:title/",
}


@pytest.mark.parametrize("name", sorted(PERMALINKS))
def test_predicted_urls_are_jekylls(name: str, february: tuple[Path, list[str]], tmp_path: Path) -> None:
    """The URLs doctor computes are those of a real build, under several permalink settings."""
    site = tmp_path / "site"
    shutil.copytree(february[0], site, ignore=shutil.ignore_patterns("_site", ".dailypapers"))
    config = yaml.safe_load((site / "_config.yml").read_text())
    if PERMALINKS[name] is not None:
        config["permalink"] = PERMALINKS[name]
        defaults = config["defaults"][0]["values"]
        if name == "front-matter-defaults":  # a default for one folder wins over the site's
            config["defaults"].append(
                {"scope": {"path": "_posts", "type": "posts"}, "values": {"permalink": "/p/:year/:title/"}}
            )
        else:
            del defaults["permalink"]
    (site / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    built = jekyll_build(site)
    assert built.returncode == 0, built.stderr
    posts = site_posts(site, config, dt.datetime.now(dt.UTC))
    assert all(post.url for post in posts) and len(posts) == len(list((site / "_posts").iterdir()))
    predicted = {destination(post.url or "") for post in posts}
    written = {"/" + path.relative_to(site / "_site").as_posix() for path in (site / "_site").rglob("*.html")}
    assert predicted == written


def doctor_lines(site: Path) -> str:
    from dailypapers.doctor import diagnose

    return "\n".join(finding.line() for finding in diagnose(site) if finding.check in ("urls", "deploy"))


def test_doctor_reports_posts_sharing_a_url(february: tuple[Path, list[str]], tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(february[0], site, ignore=shutil.ignore_patterns("_site"))
    posts = len(list((site / "_posts").iterdir()))
    assert f"ok    urls: {posts} posts, each at its own URL" in doctor_lines(site)
    for post in (site / "_posts").glob("*-daily-papers.md"):
        post.write_text(re.sub(r"(?m)^slug: .*\n", "", post.read_text(encoding="utf-8")), encoding="utf-8")
    days = len(february[1])
    assert (
        f"FAIL  urls: {days - 1} posts would be lost: posts share a URL and Jekyll keeps one of each: "
        f"/posts/daily-papers/index.html ({february[1][0]}-daily-papers.md and {days - 1} more)"
    ) in doctor_lines(site)


def test_doctor_reports_posts_jekyll_would_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAILYPAPERS_NOW", "2026-02-05T00:00:00Z")
    site = chirpy_site(tmp_path / "site")
    posts = site / "_posts"
    posts.mkdir()
    (posts / "2026-02-04-ok.md").write_text("---\ntitle: ok\n---\nhi\n")
    (posts / "2026-02-05-later.md").write_text("---\ntitle: t\ndate: 2026-02-05 09:15:00 +0900\n---\nhi\n")
    (posts / "daily-papers.md").write_text("---\ntitle: t\n---\n")
    (posts / "2026-02-03-draft.md").write_text("---\ntitle: t\npublished: false\n---\n")
    (posts / "2026-02-02-plain.md").write_text("no front matter\n")
    (posts / ".2026-02-01-hidden.md.tmp").write_text("---\n---\n")
    lines = doctor_lines(site)
    assert "ok    urls: 1 posts, each at its own URL" in lines
    assert "warn  urls: 4 files in _posts would not be built: " in lines
    assert "2026-02-05-later.md: it is dated in the future (2026-02-05T09:15:00+09:00)" in lines
    assert "daily-papers.md: its name does not start with a date" in lines
    assert "2026-02-03-draft.md: it has `published: false`" in lines
    assert "2026-02-02-plain.md: it has no front matter" in lines
    assert "fix: add `future: true` to _config.yml" in lines
    (site / "_config.yml").write_text((site / "_config.yml").read_text() + "future: true\n")
    assert "2026-02-05-later.md" not in doctor_lines(site)


def test_doctor_reports_a_pages_deploy_the_schedule_would_not_start(tmp_path: Path) -> None:
    site = chirpy_site(tmp_path / "site")
    assert "deploy" not in doctor_lines(site)  # no workflow at all: nothing to say
    deploy = add_deploy_workflow(site)
    init_site(site, package="dailypapers==1.0")
    assert "ok    deploy: the scheduled run starts pages-deploy.yml after each push" in doctor_lines(site)
    deploy.rename(deploy.with_name("deploy.yml"))  # renamed: the schedule starts a workflow no more there
    lines = doctor_lines(site)
    assert "FAIL  deploy: deploy.yml deploys the site but dailypapers.yml does not start it; " in lines
    assert "dailypapers.yml starts pages-deploy.yml, which is not a deploy workflow here" in lines
    (site / ".github/workflows/deploy.yml").unlink()
    assert "dailypapers.yml starts pages-deploy.yml" in doctor_lines(site)


def test_doctor_on_a_branch_built_site(tmp_path: Path) -> None:
    site = chirpy_site(tmp_path / "site")
    init_site(site, package="dailypapers==1.0")
    assert "ok    deploy: no Actions deploy workflow: GitHub Pages builds the pushed branch" in doctor_lines(
        site
    )
