"""The summary charts as readers meet them: a weekly and a monthly post built by the real
Jekyll, served over HTTP and opened in headless Chromium.

The chart is inlined in the post, so its text is read through the page's DOM: it must be
in the post's language and drawn as text (not outlines). On a phone (390 px) every text
must show at 11 CSS px or more with no two overlapping, and what the reader sees (pixels of
screenshots: Chromium's forced dark recolours at paint time, so computed styles cannot tell)
must keep WCAG AA contrast, 4.5:1 for text and 3:1 for bars, in light, dark and forced dark.
Forced dark is Chromium started with ``--force-dark-mode
--enable-features=WebContentsForceDark`` as a reader turns it on: with a dark preference
(the site then uses its own dark colours) and with a light one (Chromium darkens the page
itself). The chart file, opened on its own, paints its own background after
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

from browser import FORCED_DARK, artifacts_dir, browser, open_page, screenshot, serve
from conftest import DATA, fast_client, load_json, site_context
from dailypapers.charts import DARK, LIGHT
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
# Chirpy's dark colours, on a page that leaves the chart's variables unset.
CHIRPY_DARK = (
    "html, body { background: #1b1b1e !important; color: #afb0b1 !important; }"
    ":root { --dpc-fg: initial; --dpc-bg: initial; }"
)
# The chart shown (a post holds two layouts; the page's CSS shows one after the screen's width).
CHART = "Array.from(document.querySelectorAll('.dailypapers-chart svg')).find(s => s.checkVisibility())"
# Every text of the chart shown: its size on screen (CSS px) and its box; and its bars' boxes.
MEASURE_CHART = (
    """() => {
    const svg = """
    + CHART
    + """;
    const origin = svg.getBoundingClientRect();
    const box = e => { const r = e.getBoundingClientRect();
        return [r.left - origin.left, r.top - origin.top, r.width, r.height]; };
    return {
        layout: svg.getAttribute('class'),
        texts: Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim()).map(t => {
            const m = t.getScreenCTM();
            return {text: t.textContent, box: box(t),
                    px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)};
        }),
        bars: Array.from(svg.querySelectorAll('g.dpc-papers rect, g.dpc-upvotes rect')).map(box),
    };
}"""
)
# What the page shows of its chart: every text, its accessible name, and the colours used.
READ_CHART = (
    """() => {
    const svg = """
    + CHART
    + """;
    if (!svg) return null;
    const text = svg.querySelector('text.dpc-tick');
    const box = svg.getBoundingClientRect();
    return {
        label: svg.getAttribute('aria-label'),
        lang: svg.getAttribute('lang'),
        title: svg.querySelector('title').textContent,
        texts: Array.from(svg.querySelectorAll('text')).map(t => t.textContent),
        textFill: getComputedStyle(text).fill,
        pageColor: getComputedStyle(document.body).color,
        barFill: getComputedStyle(svg.querySelector('g.dpc-papers rect')).fill,
        width: box.width,
        height: box.height,
        contentWidth: svg.parentElement.getBoundingClientRect().width,
        paths: svg.querySelectorAll('path').length,
    };
}"""
)
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
            # Fitted to the column, in proportion, in the page's colours (the site sets
            # --dpc-fg to its text colour) and the light palette's bars.
            assert 0 < chart["width"] <= chart["contentWidth"] + 0.5
            assert abs(chart["width"] / chart["height"] - 720 / 400) < 0.01
            assert (chart["textFill"], chart["barFill"]) == (chart["pageColor"], rgb(LIGHT["papers"]))
            figure = page.locator(".dailypapers-chart")
            figure.scroll_into_view_if_needed()
            screenshot(page, f"{language}-{kind}-light.png", "charts")
            figure.screenshot(path=str(artifacts_dir("charts") / f"{language}-{kind}-chart-light.png"))
            # The reader prefers dark: the site's dark text colour and the dark palette's bars.
            page.emulate_media(color_scheme="dark")
            dark = page.evaluate(READ_CHART)
            assert dark["pageColor"] == rgb(DARK["fg"]) != chart["pageColor"]
            assert (dark["textFill"], dark["barFill"]) == (dark["pageColor"], rgb(DARK["papers"]))
            screenshot(page, f"{language}-{kind}-dark.png", "charts")
            # A page that sets no colour of its own, switched to dark as Chirpy does
            # (data-mode), while the reader's preference stays light: the dark palette.
            page.emulate_media(color_scheme="light")
            page.add_style_tag(content=CHIRPY_DARK)
            page.evaluate("() => document.documentElement.setAttribute('data-mode', 'dark')")
            switched = page.evaluate(READ_CHART)
            assert (switched["textFill"], switched["barFill"]) == (rgb(DARK["fg"]), rgb(DARK["papers"]))
            screenshot(page, f"{language}-{kind}-chirpy-dark.png", "charts")
            page.close()
        # The chart file on its own: its own background, light or dark.
        for scheme, background, text in (
            ("light", rgb(LIGHT["bg"]), rgb(LIGHT["fg"])),
            ("dark", rgb(DARK["bg"]), rgb(DARK["fg"])),
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


def luminance(colour: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: tuple[int, ...], other: tuple[int, ...]) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def background(image: Any) -> tuple[int, ...]:
    """The colour most pixels of ``image`` have."""
    return max(image.getcolors(maxcolors=1 << 20))[1]  # type: ignore[no-any-return]


def text_contrast(image: Any) -> float:
    """The contrast of a text's box: its background against the pixel farthest from it (the
    core of a stroke; antialiased edges lie between)."""
    ground = background(image)
    return max(contrast(ground, colour) for _, colour in image.getcolors(maxcolors=1 << 20))


def overlaps(boxes: list[tuple[str, list[float]]]) -> list[tuple[str, str]]:
    found = []
    for n, (one, (x1, y1, w1, h1)) in enumerate(boxes):
        for other, (x2, y2, w2, h2) in boxes[n + 1 :]:
            if min(x1 + w1, x2 + w2) - max(x1, x2) > 0.5 and min(y1 + h1, y2 + h2) - max(y1, y2) > 0.5:
                found.append((one, other))
    return found


MODES = [  # name, Chromium's extra flags, the reader's preference
    ("light", (), "light"),
    ("dark", (), "dark"),
    ("forced-dark", FORCED_DARK, "dark"),
    ("forced-dark-light-preference", FORCED_DARK, "light"),
]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_charts_on_a_phone_read_in_light_dark_and_forced_dark(tmp_path: Path, language: str) -> None:
    import io

    from PIL import Image

    built = built_site(tmp_path, language)
    slugs = {"weekly": "weekly-papers-summary-2026-W06", "monthly": "monthly-papers-summary-2026-02"}
    paths = {}
    for kind, slug in slugs.items():
        [index] = built.rglob(f"{slug}/index.html")
        paths[kind] = "/" + index.parent.relative_to(built).as_posix() + "/"
    problems: list[str] = []
    with serve(built) as url:
        for mode, flags, scheme in MODES:
            with browser(*flags) as chromium:
                for kind, path in paths.items():
                    page = open_page(chromium, url + path, width=390, height=844, color_scheme=scheme)
                    chart = page.evaluate(MEASURE_CHART)
                    where = f"{mode} {kind} ({chart['layout']})"
                    small = [(t["text"], round(t["px"], 1)) for t in chart["texts"] if t["px"] < 11]
                    if small:
                        problems.append(f"{where}: text under 11 px: {small[:5]} ({len(small)} in all)")
                    crowded = overlaps([(t["text"], t["box"]) for t in chart["texts"]])
                    if crowded:
                        problems.append(f"{where}: overlapping labels: {crowded[:5]} ({len(crowded)} in all)")
                    figure = page.locator(".dailypapers-chart")
                    figure.scroll_into_view_if_needed()
                    picture = page.locator(".dailypapers-chart svg >> visible=true").first.screenshot(
                        path=str(artifacts_dir("charts") / f"{language}-{kind}-phone-{mode}.png")
                    )
                    screenshot(page, f"{language}-{kind}-phone-page-{mode}.png", "charts")
                    image = Image.open(io.BytesIO(picture)).convert("RGB")
                    ground = background(image)
                    for text in chart["texts"]:
                        x, y, w, h = (round(v) for v in text["box"])
                        ratio = text_contrast(image.crop((x, y, x + max(w, 1), y + max(h, 1))))
                        if ratio < 4.5:
                            problems.append(f"{where}: text {text['text']!r} at {ratio:.2f}:1")
                    for x, y, w, h in chart["bars"]:
                        if w >= 3 and h >= 3:
                            ratio = contrast(ground, image.getpixel((int(x + w / 2), int(y + h / 2))))
                            if ratio < 3:
                                problems.append(f"{where}: bar at {ratio:.2f}:1 against {ground}")
                    page.close()
    assert not problems, "\n".join(problems[:40])
