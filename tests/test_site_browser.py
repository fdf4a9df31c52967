"""The blog as its readers meet it: a site made by `init --author`, posts written by `run`
and `backfill` against the replay hub, built by the real Jekyll, served by a server that
sends no charset (as Python's http.server, nginx or S3 do by default) and opened in
headless Chromium. The Korean text must arrive intact; screenshots of a daily, a weekly and
a monthly post are kept under ``$DAILYPAPERS_ARTIFACTS/site`` (default ``.artifacts/site``).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from browser import browser, open_page, screenshot, serve
from conftest import DATA, seed_source
from dailypapers.cli import cli
from dailypapers.replay import ReplayHub
from sites import jekyll

pytestmark = [pytest.mark.browser, pytest.mark.jekyll, pytest.mark.slow]

AUTHOR = "lim4349"
# What mojibake of UTF-8 read as windows-1252 looks like: lead bytes of Hangul and emoji.
MOJIBAKE = ("ì", "ë", "í", "ê", "ð\x9f", "â€")


def recorded(day: str) -> Any:
    path = DATA / "hub" / f"{day}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else seed_source(day)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("blog") / "blog"
    runner = CliRunner()
    made = runner.invoke(cli, ["init", str(site), "--author", AUTHOR, "--package", "dailypapers==0.1.0"])
    assert made.exit_code == 0, made.output
    with ReplayHub(recorded) as hub:
        env = {
            "HF_ENDPOINT": hub.url,
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "DAILYPAPERS_NOW": "2026-02-10T14:00:00Z",
        }
        filled = runner.invoke(
            cli, ["backfill", "--site", str(site), "--since", "2026-02-02", "--until", "2026-02-08"], env=env
        )
        assert filled.exit_code == 0, filled.output
        ran = runner.invoke(cli, ["run", "--site", str(site)], env=env)  # the last 3 days, as scheduled
        assert ran.exit_code == 0, ran.output
    done = subprocess.run(
        [jekyll(), "build", "--source", str(site), "--destination", str(site / "_site")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return site


PAGES = {  # the page, its source, a heading and a section it shows
    "daily": (
        "/posts/daily-papers-2026-02-05/",
        "2026-02-05-daily-papers.md",
        "Hugging Face Daily Papers - 2026-02-05",
        "📊 좋아요 순위",
    ),
    "weekly": (
        "/posts/weekly-papers-summary-2026-W06/",
        "2026-02-02-weekly-papers-summary.md",
        "주간 요약",
        "🔥 가장 인기 있는 논문",
    ),
    "monthly": (
        "/posts/monthly-papers-summary-2026-02/",
        "2026-02-01-monthly-papers-summary.md",
        "월간 요약",
        "🏢 기관 Top",
    ),
}
RANKED = re.compile(r"(?m)^\d+\. \*\*(.+?)\*\* - 👍")


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_posts_show_their_korean_text_intact(built_site: Path, kind: str) -> None:
    path, name, heading, section = PAGES[kind]
    source = built_site / "_posts" / name
    with serve(built_site / "_site") as url, browser() as chromium:
        page = open_page(chromium, url + path, width=1000, height=900)
        shown = page.evaluate(
            """() => ({
                charset: document.characterSet,
                lang: document.documentElement.lang,
                title: document.title,
                viewport: document.querySelector('meta[name=viewport]')?.content,
                author: document.querySelector('[itemprop=author]')?.innerText.trim(),
                headings: Array.from(document.querySelectorAll('article h1, article h2'))
                    .map(h => h.innerText),
                text: document.body.innerText,
                width: document.documentElement.scrollWidth,
                wordBreak: getComputedStyle(document.querySelector('article h1')).wordBreak,
            })"""
        )
        screenshot(page, f"{kind}.png", "site")
        # A phone: the viewport makes the page fit instead of shrinking a desktop layout.
        phone = open_page(chromium, url + path, width=390, height=844)
        phone_width = phone.evaluate("() => document.documentElement.scrollWidth")
        screenshot(phone, f"{kind}-phone.png", "site")
    assert shown["charset"] == "UTF-8" and shown["lang"] == "ko"
    assert shown["wordBreak"] == "keep-all"  # Korean lines break between words
    assert shown["title"].startswith("Hugging Face")
    assert shown["viewport"] == "width=device-width, initial-scale=1"
    assert shown["author"] == AUTHOR
    assert any(heading in text for text in shown["headings"]) and any(section in h for h in shown["headings"])
    assert not any(bad in shown["text"] for bad in MOJIBAKE)
    # Every paper title of the post shows as written (the source holds it in bold).
    titles = RANKED.findall(source.read_text(encoding="utf-8"))
    assert len(titles) >= 10 and all(title.replace("\\", "") in shown["text"] for title in titles)
    assert phone_width <= 390


def test_the_home_page_lists_every_post(built_site: Path) -> None:
    posts = sorted((built_site / "_posts").iterdir())
    with serve(built_site / "_site") as url, browser() as chromium:
        page = open_page(chromium, url + "/")
        links = page.eval_on_selector_all(".post-list a.post-link", "links => links.map(a => a.innerText)")
        screenshot(page, "home.png", "site")
    assert len(links) == len(posts)
    assert "Hugging Face Daily Papers - 2026-02-05" in links
