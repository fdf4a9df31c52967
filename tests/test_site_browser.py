"""The blog as its readers meet it: a site made by `init --author`, posts written by `run`
and `backfill` against the replay hub, built by the real Jekyll, served by a server that
sends no charset (as Python's http.server, nginx or S3 do by default) and opened in
headless Chromium. The Korean text must arrive intact; the site follows the reader's dark
preference with readable text; the phone's menu opens and lists its pages; the home page
shows post cards with descriptions, ten to a page; every label is in the site's language.
Screenshots of the home page and of a daily, a weekly and a monthly post, in Korean and
English, at 390 and 1280 px, light and dark, are kept under ``$DAILYPAPERS_ARTIFACTS/site``
(default ``.artifacts/site``).
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
from dailypapers.jekyll import SITE_WORDS
from dailypapers.replay import ReplayHub
from dailypapers.search_index import PAGE_TITLES
from sites import jekyll

pytestmark = [pytest.mark.browser, pytest.mark.jekyll, pytest.mark.slow]

AUTHOR = "lim4349"
# What mojibake of UTF-8 read as windows-1252 looks like: lead bytes of Hangul and emoji.
MOJIBAKE = ("ì", "ë", "í", "ê", "ð\x9f", "â€")


def recorded(day: str) -> Any:
    path = DATA / "hub" / f"{day}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else seed_source(day)


def make_site(root: Path, language: str) -> Path:
    """A site made by ``init`` in ``language``, filled with 2026-02-02 .. 2026-02-10, built."""
    site = root / "blog"
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["init", str(site), "--author", AUTHOR, "--language", language, "--package", "dailypapers==0.1.0"],
    )
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


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("blog"), "ko")


@pytest.fixture(scope="module")
def english_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("blog-en"), "en")


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
                dateBelow: document.querySelector('article .post-meta').getBoundingClientRect().top
                    >= document.querySelector('article h1').getBoundingClientRect().bottom - 1,
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
    assert shown["dateBelow"]  # the date and author under the post's own title
    assert any(heading in text for text in shown["headings"]) and any(section in h for h in shown["headings"])
    assert not any(bad in shown["text"] for bad in MOJIBAKE)
    # Every paper title of the post shows as written (the source holds it in bold).
    titles = RANKED.findall(source.read_text(encoding="utf-8"))
    assert len(titles) >= 10 and all(title.replace("\\", "") in shown["text"] for title in titles)
    assert phone_width <= 390


READ_CARDS = """() => Array.from(document.querySelectorAll('.post-list li')).map(card => ({
    title: card.querySelector('a.post-link')?.innerText.trim(),
    description: card.querySelector('.post-description')?.innerText.trim(),
    // the date under the title
    dateBelow: card.querySelector('.post-meta').getBoundingClientRect().top
        >= card.querySelector('a.post-link').getBoundingClientRect().bottom - 1,
}))"""


def test_the_home_page_shows_cards_ten_to_a_page(built_site: Path) -> None:
    posts = sorted((built_site / "_posts").iterdir())
    with serve(built_site / "_site") as url, browser() as chromium:
        page = open_page(chromium, url + "/")
        first = page.evaluate(READ_CARDS)
        heading = page.locator(".post-list-heading").inner_text()
        text = page.locator("body").inner_text()
        older = page.locator(".pagination a[rel=next]")
        assert older.count() == 1, "no link to the second page"
        older.click()
        page.wait_for_load_state()
        second_url = page.url
        second = page.evaluate(READ_CARDS)
        screenshot(page, "home-page2.png", "site")
    assert len(posts) > 10 and len(first) == 10 and len(first) + len(second) == len(posts)
    assert second_url == url + "/page2/"
    assert {card["title"] for card in first}.isdisjoint(card["title"] for card in second)
    assert "Hugging Face Daily Papers - 2026-02-05" in [card["title"] for card in first + second]
    for card in first + second:
        assert card["description"], f"{card['title']}: no description"
        assert card["dateBelow"], f"{card['title']}: the date is not under the title"
    assert heading == SITE_WORDS["ko"]["posts"]
    assert "Posts" not in text and "subscribe" not in text.lower()


def test_the_phone_menu_opens_and_lists_its_pages(built_site: Path) -> None:
    words = SITE_WORDS["ko"]
    with serve(built_site / "_site") as url, browser() as chromium:
        page = open_page(chromium, url + "/", width=390, height=844)
        links = page.locator(".site-nav .trigger a.page-link")
        assert links.count() == 4 and not links.first.is_visible()  # closed
        page.locator("label[for=nav-trigger]").click()
        shown = [link.inner_text() for link in links.all() if link.is_visible()]
        screenshot(page, "menu-phone.png", "site")
        targets = [link.get_attribute("href") for link in links.all()]
        pages = {}
        for target in targets:
            opened = open_page(chromium, url + target, width=390, height=844)
            pages[target] = opened.evaluate(
                "() => ({title: document.querySelector('h1').innerText,"
                " links: document.querySelectorAll('main a[href^=\"/posts/\"]').length})"
            )
            screenshot(opened, f"menu{target.rstrip('/').replace('/', '-')}-phone.png", "site")
            opened.close()
    assert shown == [words["archive"], words["categories"], PAGE_TITLES["ko"], words["about"]]
    assert targets == ["/archive/", "/categories/", "/search/", "/about/"]
    assert pages["/search/"]["title"] == PAGE_TITLES["ko"]  # the paper search (setting search)
    assert pages["/archive/"]["title"] == words["archive"] and pages["/archive/"]["links"] > 10
    assert pages["/categories/"]["links"] > 10


def luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


READ_COLOURS = """() => {
    const colour = selector => { const e = document.querySelector(selector);
        return e ? getComputedStyle(e).color : null; };
    return {
        background: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
        title: colour('.site-title'), link: colour('main a'), meta: colour('.post-meta'),
        heading: colour('main h1, main h2'),
    };
}"""


@pytest.mark.parametrize("path", ["/", "/posts/daily-papers-2026-02-05/"])
def test_the_site_follows_a_dark_preference(built_site: Path, path: str) -> None:
    with serve(built_site / "_site") as url, browser() as chromium:
        light = open_page(chromium, url + path).evaluate(READ_COLOURS)
        dark = open_page(chromium, url + path, color_scheme="dark").evaluate(READ_COLOURS)
    assert luminance(light["background"]) > 0.9
    assert luminance(dark["background"]) < 0.02, dark
    for colours in (light, dark):
        for name in ("text", "title", "link", "meta", "heading"):
            assert contrast(colours[name], colours["background"]) >= 4.5, (name, colours)


SHOTS = {  # the pages of the screenshots
    "home": "/",
    "daily": "/posts/daily-papers-2026-02-05/",
    "weekly": "/posts/weekly-papers-summary-2026-W06/",
    "monthly": "/posts/monthly-papers-summary-2026-02/",
}


def test_screenshots_in_korean_and_english(built_site: Path, english_site: Path) -> None:
    """Every page, language, width and scheme, kept for a look; each fits its screen."""
    for language, site in (("ko", built_site), ("en", english_site)):
        with serve(site / "_site") as url, browser() as chromium:
            for name, path in SHOTS.items():
                for width in (390, 1280):
                    for scheme in ("light", "dark"):
                        page = open_page(chromium, url + path, width=width, height=844, color_scheme=scheme)
                        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
                        assert page.evaluate("() => document.documentElement.lang") == language
                        screenshot(page, f"{language}-{name}-{width}-{scheme}.png", "site")
                        page.close()
