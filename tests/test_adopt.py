"""Taking over the blog the tool was made for, as its owner would: init, retire the old
crawler, a first run, doctor, and the history brought up to date on request.

The core tests use an excerpt of the original blog (``tests/data/original-blog``: posts of
2026-01-02 to 2026-01-06 under both of its names, their data files in the crawler's format,
its workflows and URL plugin) with the Hub's answers for those days. The corpus test takes
the whole original blog (``../shared/original-blog``) through the same steps.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, SHARED_HUB, invoke, published_files
from dailypapers.adopt import DAILY_NAME, post_language, retire_workflow, writers
from dailypapers.init import workflow_text
from dailypapers.pages import OWN_WORKFLOW
from dailypapers.permalinks import front_matter, site_posts
from dailypapers.placement import with_permalink
from dailypapers.replay import ReplayHub
from sites import CHIRPY_LAYOUTS, built_pages, jekyll_build

EXCERPT = DATA / "original-blog"
EXCERPT_HUB = DATA / "original-blog-hub"
ORIGINAL_BLOG = Path(os.environ.get("DAILYPAPERS_ORIGINAL_BLOG", SHARED_HUB.parent / "original-blog"))
CRAWLER = Path(".github/workflows/crawl-papers.yml")
# The first run's "now": 2026-01-05, so its window (run_days 3) is 2026-01-03 to 2026-01-05:
# two posts named DATE-daily-papers-<number>.md and one named DATE-daily-papers.md.
NOW = "2026-01-05T12:00:00Z"
WINDOW = ("2026-01-03", "2026-01-04", "2026-01-05")


def copy_blog(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)  # the shared copy is read-only
    return target


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    return copy_blog(EXCERPT, tmp_path / "blog")


@pytest.fixture
def hub(replay: Callable[..., ReplayHub]) -> ReplayHub:
    return replay(EXCERPT_HUB)


def env(now: str = NOW) -> dict[str, str | None]:
    return {"DAILYPAPERS_NOW": now}


def init(blog: Path, *extra: str) -> Any:
    done = invoke("init", str(blog), "--package", "dailypapers", *extra, env=env())
    assert done.exit_code == 0, done.output
    return done


def daily_posts(blog: Path) -> dict[str, list[str]]:
    """Each day's daily post files."""
    days: dict[str, list[str]] = collections.defaultdict(list)
    for path in sorted((blog / "_posts").iterdir()):
        if matched := DAILY_NAME.match(path.name):
            days[matched.group(1)].append(path.name)
    return dict(days)


def post_data(path: Path) -> dict[str, Any]:
    data = front_matter(path.read_text(encoding="utf-8"))
    assert data is not None
    return data


def urls(blog: Path) -> dict[str, str]:
    """Each post file's URL, as Jekyll gives it under the blog's _config.yml."""
    config = yaml.safe_load((blog / "_config.yml").read_text(encoding="utf-8"))
    moment = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    return {Path(post.path).name: post.url for post in site_posts(blog, config, moment) if post.url}


def requested_days(hub: ReplayHub) -> list[str]:
    return sorted({m.group(1) for target in hub.requests if (m := re.search(r"date=([\d-]{10})", target))})


def test_init_says_what_it_found_and_writes_no_second_schedule(blog: Path) -> None:
    crawler = (blog / CRAWLER).read_bytes()
    done = init(blog)
    assert "277" not in done.output  # the excerpt's own numbers
    assert "5 daily posts written by a previous digest (3 named DATE-daily-papers-<number>.md)" in done.output
    assert "5 data files in the original crawler's format" in done.output
    assert f"{CRAWLER} writes posts on a schedule, running scripts/crawl_hf_papers.py" in done.output
    assert "_plugins/daily-papers-permalink-hook.rb" in done.output
    assert "no schedule written" in done.output and "--retire-crawler" in done.output
    assert not (blog / OWN_WORKFLOW).exists()
    assert (blog / CRAWLER).read_bytes() == crawler
    assert writers(blog) == [CRAWLER]


def test_retiring_the_crawler_leaves_one_workflow_writing_posts(blog: Path) -> None:
    done = init(blog, "--retire-crawler")
    assert f"retired {CRAWLER}" in done.output
    retired = (blog / CRAWLER).read_text(encoding="utf-8")
    flow = yaml.safe_load(retired)
    triggers = flow[True]  # YAML 1.1 reads `on` as True
    assert "schedule" not in triggers and "workflow_dispatch" in triggers
    assert retired.startswith("# Retired on 2026-01-05 by `dailypapers init --retire-crawler`")
    assert flow["jobs"] == yaml.safe_load((EXCERPT / CRAWLER).read_text(encoding="utf-8"))["jobs"]
    assert (blog / OWN_WORKFLOW).is_file()
    assert writers(blog) == [OWN_WORKFLOW]
    # A second init changes nothing more.
    again = init(blog, "--retire-crawler")
    assert "updated" not in again.output and "created" not in again.output


def test_doctor_reports_two_writers(blog: Path) -> None:
    init(blog)
    # The scheduled workflow beside the crawler's: as when the crawler is scheduled again.
    (blog / OWN_WORKFLOW).write_text(
        workflow_text("dailypapers", deploys=["pages-deploy.yml"]), encoding="utf-8"
    )
    done = invoke("doctor", "--site", str(blog), env=env())
    assert "FAIL  writers: 2 workflows write the posts on a schedule" in done.output
    assert "init --retire-crawler" in done.output


def test_language_categories_and_author_come_from_the_posts(blog: Path, hub: ReplayHub) -> None:
    done = init(blog)
    settings = (blog / "dailypapers.toml").read_text(encoding="utf-8")
    assert 'language = "ko"' in settings and 'author = "lim4349"' in settings
    assert 'categories = ["Daily Papers", "일간"]' in settings
    assert "language = 'ko': the language of its 5 daily posts (not the theme's `lang`)" in done.output
    run = invoke("run", "--site", str(blog), endpoint=hub.url, env=env())
    assert run.exit_code == 0, run.output
    for day in WINDOW:
        (name,) = daily_posts(blog)[day]
        text = (blog / "_posts" / name).read_text(encoding="utf-8")
        assert post_data(blog / "_posts" / name)["categories"] == ["Daily Papers", "일간"]
        assert "논문이 수집되었습니다" in text and "좋아요 순위" in text


def test_init_adds_the_author_to_chirpys_authors(blog: Path) -> None:
    done = init(blog)
    authors = yaml.safe_load((blog / "_data/authors.yml").read_text(encoding="utf-8"))
    assert authors["lim4349"] == {"name": "lim4349", "url": "https://github.com/lim4349"}
    assert {"cotes", "sille_bille"} <= set(authors)  # the entries it had are kept
    assert "_data/authors.yml: added the author" in done.output


def test_first_run_changes_only_the_window_and_keeps_one_post_per_day(blog: Path, hub: ReplayHub) -> None:
    init(blog)
    before, urls_before = published_files(blog), urls(blog)
    done = invoke("run", "--site", str(blog), endpoint=hub.url, env=env())
    assert done.exit_code == 0, done.output
    assert requested_days(hub) == list(WINDOW)
    after = published_files(blog)
    changed = {name for name in after if before.get(name) != after[name]}
    daily = {name for name in changed if name.startswith(("_posts/", "_data/papers/daily-"))}
    daily -= {name for name in daily if "weekly" in name or "monthly" in name}
    assert {
        name[len("_data/papers/daily-") :][:10] if "_data" in name else Path(name).name[:10] for name in daily
    } <= set(WINDOW)
    assert all(len(names) == 1 for names in daily_posts(blog).values()), daily_posts(blog)
    assert sorted(daily_posts(blog)) == ["2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"]
    # Every post keeps its name; those named after a number keep their URL too.
    urls_after = urls(blog)
    for name, url in urls_before.items():
        if re.search(r"-\d{9,}\.md$", name):
            assert urls_after[name] == url
    assert urls_after["2026-01-05-daily-papers.md"] == "/posts/daily-papers-2026-01-05/"
    assert post_data(blog / "_posts/2026-01-03-daily-papers-1767450058.md")["permalink"] == (
        "/posts/daily-papers-1767450058/"
    )
    # A second run with nothing new changes nothing (the kept URL stays).
    again = invoke("run", "--site", str(blog), endpoint=hub.url, env=env())
    assert published_files(blog) == after, again.output


def test_imported_days_are_not_settled_by_a_run(blog: Path, hub: ReplayHub) -> None:
    init(blog)
    later = "2026-01-20T12:00:00Z"  # every imported day is more than settle_days old
    done = invoke("run", "--site", str(blog), "--date", "2026-01-05", endpoint=hub.url, env=env(later))
    assert done.exit_code == 0, done.output
    assert requested_days(hub) == ["2026-01-05"]
    assert "4 days written by a previous digest are kept as they are" in done.output
    assert "update-history --dry-run" in done.output


def test_doctor_knows_every_naming_of_the_blog(blog: Path) -> None:
    init(blog)
    assert invoke("import", "--site", str(blog)).exit_code == 0
    done = invoke("doctor", "--site", str(blog), env=env("2026-01-07T00:00:00Z"))
    assert "data files have no post" not in done.output
    assert "5 days' posts and data files are a previous digest's, kept as they are" in done.output
    posts_and_urls = [
        line for line in done.output.splitlines() if line.startswith("FAIL") and "hub" not in line
    ]
    assert posts_and_urls == []
    assert "2 posts of a previous digest share /posts/daily-papers/" in done.output


def test_update_history_previews_then_brings_every_day_up_to_date(blog: Path, hub: ReplayHub) -> None:
    init(blog, "--retire-crawler")
    before, urls_before = published_files(blog), urls(blog)
    preview = invoke("update-history", "--site", str(blog), "--dry-run", endpoint=hub.url, env=env())
    assert preview.exit_code == 0, preview.output
    assert published_files(blog) == before
    assert "5 days of a previous digest: 5 fetched, 0 failed" in preview.output
    assert "3 posts kept under their own name" in preview.output and "Nothing was written" in preview.output
    done = invoke("update-history", "--site", str(blog), endpoint=hub.url, env=env())
    assert done.exit_code == 0, done.output
    assert "5 data files updated" in done.output
    assert all(len(names) == 1 for names in daily_posts(blog).values())
    for name, url in urls_before.items():
        if re.search(r"-\d{9,}\.md$", name):
            assert urls(blog)[name] == url
    # The URL the crawler's posts shared showed its latest post (Jekyll's choice): it still does.
    assert urls_before["2026-01-06-daily-papers.md"] == "/posts/daily-papers/"
    assert urls(blog)["2026-01-06-daily-papers.md"] == "/posts/daily-papers/"
    assert urls(blog)["2026-01-05-daily-papers.md"] == "/posts/daily-papers-2026-01-05/"
    assert "No day of a previous digest is left" in invoke("update-history", "--site", str(blog)).output
    # From now on these days are ours: a later run settles them like any other.
    later = invoke(
        "run", "--site", str(blog), "--date", "2026-01-05", endpoint=hub.url, env=env("2026-01-20T12:00:00Z")
    )
    assert "kept as they are" not in later.output
    assert "Fetching settled days once more" in later.output


# --- the whole blog, built with the real Jekyll ----------------------------------------------


def build_copy(blog: Path, target: Path) -> list[str]:
    """The URLs of a real Jekyll build of ``blog``: its _config.yml without the theme (not
    installed here), stand-ins for Chirpy's layouts, and the blog's own URL plugin."""
    shutil.copytree(blog, target, ignore=shutil.ignore_patterns(".git", ".dailypapers", "_site"))
    config = (target / "_config.yml").read_text(encoding="utf-8")
    (target / "_config.yml").write_text(re.sub(r"(?m)^theme:.*$", "", config), encoding="utf-8")
    for relative, content in CHIRPY_LAYOUTS.items():
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_text(content, encoding="utf-8")
    for plugin in (target / "_plugins").glob("*.rb"):
        if "daily-papers" not in plugin.read_text(encoding="utf-8"):
            plugin.unlink()  # the last-modified hook asks git, which the copy is not
    done = jekyll_build(target, "--future")
    assert done.returncode == 0, done.stderr
    return built_pages(target)


def adopt_and_check(
    blog: Path, hub: ReplayHub, tmp_path: Path, now: str, window: tuple[str, ...]
) -> list[str]:
    """Init with the crawler retired, then a first run: checks what changed, the posts, the
    URLs served and doctor. Returns the URLs the blog served before."""
    served_before = build_copy(blog, tmp_path / "before")
    init_done = invoke("init", str(blog), "--package", "dailypapers", "--retire-crawler", env=env(now))
    assert init_done.exit_code == 0, init_done.output
    files_before = published_files(blog)
    run = invoke("run", "--site", str(blog), endpoint=hub.url, env=env(now))
    assert run.exit_code == 0, run.output
    files_after = published_files(blog)
    changed_days = {
        match.group(1)
        for name in files_after
        if files_before.get(name) != files_after[name]
        and (match := re.match(r"(?:_posts/|_data/papers/daily-)(\d{4}-\d{2}-\d{2})-?(?:daily|\.json)", name))
    }
    assert changed_days <= set(window), sorted(changed_days)
    # And the weeks and months of those days: no summary of the imported history.
    dates = [dt.date.fromisoformat(day) for day in window]
    periods = {(d - dt.timedelta(days=d.weekday())).isoformat() for d in dates} | {
        d.replace(day=1).isoformat() for d in dates
    }
    summaries = {
        name[len("_posts/") :][:10]
        for name in files_after
        if files_before.get(name) != files_after[name] and re.match(r"_posts/.*-(weekly|monthly)-", name)
    }
    assert summaries <= periods, sorted(summaries - periods)
    posts = daily_posts(blog)
    assert all(len(names) == 1 for names in posts.values()), {d: n for d, n in posts.items() if len(n) > 1}
    for day in window:
        if day in posts:
            data = post_data(blog / "_posts" / posts[day][0])
            assert data["categories"] == ["Daily Papers", "일간"]
            assert "논문이 수집되었습니다" in (blog / "_posts" / posts[day][0]).read_text(encoding="utf-8")
    served_after = build_copy(blog, tmp_path / "after")
    assert set(served_before) - set(served_after) == set()
    assert writers(blog) == [OWN_WORKFLOW]
    doctor = invoke("doctor", "--site", str(blog), endpoint=hub.url, env=env(now))
    assert [line for line in doctor.output.splitlines() if line.startswith("FAIL")] == [], doctor.output
    return served_before


@pytest.mark.jekyll
def test_the_excerpt_adopted_keeps_every_url(blog: Path, hub: ReplayHub, tmp_path: Path) -> None:
    adopt_and_check(blog, hub, tmp_path, NOW, WINDOW)


@pytest.fixture
def original_blog(tmp_path: Path) -> Iterator[Path]:
    if not (ORIGINAL_BLOG / "_posts").is_dir():
        pytest.skip(f"the original blog's copy is not at {ORIGINAL_BLOG} (set DAILYPAPERS_ORIGINAL_BLOG)")
    yield copy_blog(ORIGINAL_BLOG, tmp_path / "original")


@pytest.mark.corpus
@pytest.mark.jekyll
@pytest.mark.slow
def test_the_original_blog_adopted_keeps_every_url(
    original_blog: Path, shared_hub: Path, replay: Callable[..., ReplayHub], tmp_path: Path
) -> None:
    hub = replay(shared_hub / "daily_papers")
    # The last three days the crawler wrote as DATE-daily-papers-<number>.md, then one of the other name.
    served_before = adopt_and_check(original_blog, hub, tmp_path, "2026-01-05T12:00:00Z", WINDOW)
    # Then the whole history, on request: every day is this tool's, every URL still served.
    later = env("2026-08-22T12:00:00Z")
    done = invoke("update-history", "--site", str(original_blog), endpoint=hub.url, env=later)
    assert done.exit_code == 0, done.output
    assert "days of a previous digest: 275 fetched, 0 failed" in done.output
    assert all(len(names) == 1 for names in daily_posts(original_blog).values())
    served_after = build_copy(original_blog, tmp_path / "history")
    assert set(served_before) - set(served_after) == set()
    doctor = invoke("doctor", "--site", str(original_blog), endpoint=hub.url, env=later)
    assert [line for line in doctor.output.splitlines() if line.startswith("FAIL")] == [], doctor.output
    assert "previous digest" not in doctor.output


# --- the parts ----------------------------------------------------------------------------------


def test_retiring_a_workflow_whose_only_trigger_is_the_schedule() -> None:
    flow = (
        "name: crawl\non:\n  schedule:\n    # twice a day\n"
        "    - cron: '0 2 * * *'\n    - cron: '0 14 * * *'\njobs: {}\n"
    )
    retired = retire_workflow(flow, dt.date(2026, 1, 5))
    assert retired is not None
    assert yaml.safe_load(retired)[True] == "workflow_dispatch"
    assert "cron" not in retired
    # A schedule written inline cannot be removed line by line: the caller says what to do.
    assert retire_workflow("on: {schedule: [{cron: '0 2 * * *'}]}\njobs: {}\n", dt.date(2026, 1, 5)) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("총 **10개**의 논문이 수집되었습니다. Abstract: Reinforcement learning " * 3, "ko"),
        ("Abstract: Reinforcement learning fine-tuning of large language models " * 20, "en"),
        ("件の論文を、いいね順にまとめました。" * 2, "ja"),
        ("每天按点赞数整理的论文列表。" * 2, "zh"),
    ],
)
def test_a_posts_language_is_told_by_its_script(text: str, language: str) -> None:
    assert post_language(text) == language


@settings(max_examples=200, deadline=None)
@given(url=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60))
def test_a_kept_url_is_written_as_it_was_whatever_its_text(url: str) -> None:
    """The URL kept comes from a post another program wrote: any text stays one YAML value."""
    rendered = (
        "---\ntitle: Hugging Face Daily Papers - 2026-01-03\nslug: daily-papers-2026-01-03\n---\n\n# Body\n"
    )
    written = with_permalink(rendered, url)
    data = front_matter(written)
    assert data is not None and data["permalink"] == url and data["slug"] == "daily-papers-2026-01-03"
    assert written.endswith("\n---\n\n# Body\n")
    assert with_permalink(written, url) == written  # a kept URL replaces the one it had


def test_settings_from_posts_take_only_plain_text(blog: Path) -> None:
    """A post's author or category becomes a line of dailypapers.toml: one that is not a short
    line of text is left out, and the file stays valid."""
    for path in (blog / "_posts").iterdir():
        text = path.read_text(encoding="utf-8")
        text = text.replace("author: lim4349", 'author: "lim4349\\"\\nmath = \\"mathjax"')
        text = re.sub(r"(?m)^categories: .*$", lambda _: 'categories: ["Daily Papers", "일간\\u0007"]', text)
        path.write_text(text, encoding="utf-8")
    for path in (blog / "_posts").iterdir():  # the front matter reads as meant
        assert "\n" in post_data(path)["author"] and "\a" in post_data(path)["categories"][1]
    init(blog)
    settings = tomllib.loads((blog / "dailypapers.toml").read_text(encoding="utf-8"))
    assert "author" not in settings and "daily" not in settings
    assert settings["language"] == "ko"


def test_a_pipe_where_a_post_would_be_is_not_read(tmp_path: Path) -> None:
    """A post is read only if it is a regular file: a pipe named like a post would hold the
    command forever (the read runs in a thread here, so a regression fails instead of hanging)."""
    import threading

    from dailypapers.placement import read_front_matter

    pipe = tmp_path / "2026-01-03-daily-papers.md"
    os.mkfifo(pipe)
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(read_front_matter(pipe)), daemon=True)
    reader.start()
    reader.join(30)  # a guard against a hang, not a measure of speed
    assert found == [None], "the pipe was opened for reading"
