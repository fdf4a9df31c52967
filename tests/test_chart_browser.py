"""The summary charts as readers meet them: a weekly and a monthly post built by the real
Jekyll, served over HTTP and opened in headless Chromium.

The chart is inlined in the post, so its text is read through the page's DOM: it must be
in the post's language, drawn as text (not outlines) and coloured like the page's text, on
a light page and on a dark one (minima has no dark skin: the dark page is the light one
with Chirpy's dark colours put on top, which is what a theme switch does to an inlined
chart). The chart file, opened on its own, paints its own background after
``prefers-color-scheme``. Screenshots of every case are kept under
``$DAILYPAPERS_ARTIFACTS/charts`` (default ``.artifacts/charts``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from browser import artifacts_dir, browser, open_page, screenshot, serve
from conftest import DATA, fast_client, load_json, site_context
from dailypapers.charts import PAPERS_COLOR
from dailypapers.config import Settings
from dailypapers.dates import day_range
from dailypapers.jekyll import new_site_files
from dailypapers.pipeline import collect
from dailypapers.replay import ReplayHub
from dailypapers.store import Store
from dailypapers.words import CHART_WORDS, WEEKDAYS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.jekyll,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("jekyll") is None, reason="needs the jekyll command"),
]

CLOCK = lambda: dt.datetime(2026, 2, 11, 0, 15, tzinfo=dt.UTC)  # noqa: E731
DARK_PAGE = "html, body { background: #1b1b1e !important; color: #afb0b1 !important; }"  # Chirpy's dark
# What the page shows of its chart: every text, its accessible name, and the colours used.
READ_CHART = """() => {
    const svg = document.querySelector('.dailypapers-chart svg');
    if (!svg) return null;
    const text = svg.querySelector('text.dpc-tick');
    const box = svg.getBoundingClientRect();
    return {
        label: svg.getAttribute('aria-label'),
        lang: svg.getAttribute('lang'),
        title: svg.querySelector('title').textContent,
        texts: Array.from(svg.querySelectorAll('text')).map(t => t.textContent),
        textFill: getComputedStyle(text).fill,
        pageColor: getComputedStyle(svg.parentElement).color,
        barFill: getComputedStyle(svg.querySelector('g.dpc-papers rect')).fill,
        width: box.width,
        height: box.height,
        contentWidth: svg.parentElement.getBoundingClientRect().width,
        paths: svg.querySelectorAll('path').length,
    };
}"""
READ_FILE = """() => ({
    background: getComputedStyle(document.querySelector('.dpc-bg')).fill,
    text: getComputedStyle(document.querySelector('text')).fill,
    texts: Array.from(document.querySelectorAll('text')).map(t => t.textContent),
})"""


def recorded(day: str) -> list[Any] | None:
    import dailypapers

    for directory in (DATA / "hub", Path(dailypapers.__file__).parent / "sample_days"):
        if (directory / f"{day}.json").is_file():
            return load_json(directory / f"{day}.json")  # type: ignore[no-any-return]
    return None


def built_site(root: Path, language: str) -> Path:
    """A new site with 2026-02-02 .. 2026-02-10 collected on 2026-02-11, built by Jekyll."""
    site = root / "site"
    for relative, content in new_site_files(language=language).items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(content, encoding="utf-8")
    with ReplayHub(recorded) as hub, Store(site / ".dailypapers" / "papers.db") as store:
        days = day_range("2026-02-02", "2026-02-10")
        result = collect(
            site_context(site, store, Settings(language=language)), days, fast_client(hub.url), clock=CLOCK
        )
    assert result.ok, result.failed
    done = subprocess.run(["jekyll", "build", "-q"], cwd=site, capture_output=True, text=True)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    return site / "_site"


def rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_weekly_and_monthly_charts_in_chromium(tmp_path: Path, language: str) -> None:
    built = built_site(tmp_path, language)
    words = CHART_WORDS[language]
    posts = {
        # The complete week: every day has papers; its days are named by weekday.
        "weekly": ("weekly-papers-summary-2026-W06", [words.papers, words.upvotes, WEEKDAYS[language][0]]),
        # The running month: 2026-02-01 was never collected, 2026-02-09 had no papers.
        "monthly": ("monthly-papers-summary-2026-02", [words.papers, words.upvotes, words.not_collected]),
    }
    with serve(built) as url, browser() as chromium:
        for kind, (slug, expected) in posts.items():
            [index] = built.rglob(f"{slug}/index.html")
            path = "/" + index.parent.relative_to(built).as_posix() + "/"
            page = open_page(chromium, url + path, width=900, height=900)
            chart = page.evaluate(READ_CHART)
            assert chart is not None, f"{path}: no inlined chart"
            assert chart["lang"] == language and chart["label"] == chart["title"]
            assert chart["label"].endswith(words.per_day)
            for word in expected:
                assert any(word in text for text in chart["texts"]), (kind, word)
            assert chart["paths"] == 0  # text, not glyph outlines
            assert "0" in chart["texts"]  # 2026-02-09 (no papers) in both kinds
            # Fitted to the column, in proportion, and its text in the page's colour.
            assert 0 < chart["width"] <= chart["contentWidth"] + 0.5
            assert abs(chart["width"] / chart["height"] - 720 / 400) < 0.01
            assert chart["textFill"] == chart["pageColor"] and chart["barFill"] == rgb(PAPERS_COLOR)
            figure = page.locator(".dailypapers-chart")
            figure.scroll_into_view_if_needed()
            screenshot(page, f"{language}-{kind}-light.png", "charts")
            figure.screenshot(path=str(artifacts_dir("charts") / f"{language}-{kind}-chart-light.png"))
            # A dark theme: the chart's text follows the page's (light) text colour.
            page.emulate_media(color_scheme="dark")
            page.add_style_tag(content=DARK_PAGE)
            dark = page.evaluate(READ_CHART)
            assert dark["pageColor"] == "rgb(175, 176, 177)" and dark["textFill"] == dark["pageColor"]
            screenshot(page, f"{language}-{kind}-dark.png", "charts")
            page.close()
        # The chart file on its own: its own background, light or dark.
        for scheme, background, text in (
            ("light", "rgb(255, 255, 255)", "rgb(31, 35, 40)"),
            ("dark", "rgb(13, 17, 23)", "rgb(230, 237, 243)"),
        ):
            page = chromium.new_page(viewport={"width": 760, "height": 440}, color_scheme=scheme)
            response = page.goto(f"{url}/assets/img/dailypapers/weekly-2026-W06.svg")
            assert response is not None and response.ok
            shown = page.evaluate(READ_FILE)
            assert (shown["background"], shown["text"]) == (background, text)
            assert any(words.papers in t for t in shown["texts"])
            # Not full_page: Chromium cannot measure the page of an SVG document.
            page.screenshot(path=str(artifacts_dir("charts") / f"{language}-weekly-file-{scheme}.png"))
            page.close()
