"""A configured site as its owner gets it: `init`, interests and mutes in dailypapers.toml, a
backfill (by then the days are final), a real `jekyll build` with the theme `init` sets up,
the fidelity check on every daily post, and the post opened in Chromium.

Each built post is compared with its placeholder twin (:mod:`fidelity`): the same papers,
Hub text replaced by markers, rendered with the site's settings and built by the same Jekyll.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml
from lxml import etree

from browser import browser, open_page, screenshot, serve
from conftest import invoke
from dailypapers.config import Settings, load_settings
from dailypapers.store import Store
from fidelity import body, check_post, placeholder_urls, placeholders, render_post, shown_in_order
from reader_days import DAYS, day_entries
from sites import jekyll_build

pytestmark = [pytest.mark.jekyll, pytest.mark.slow]

NOW = "2026-03-13T01:00:00Z"  # both days are 7 days old: their rankings are final
INTERESTS = """
[daily]
top = 3

[interests]
keywords = ["in-context learning", "diffusion"]
organizations = ["MHUGLab"]
mute = ["jailbreak"]
"""


@dataclass
class Twin:
    day: str
    papers: list[Any]
    texts: dict[str, str]
    urls: dict[str, str]


@dataclass
class Built:
    root: Path
    settings: Settings
    twins: list[Twin]


def content(page: Path) -> etree._Element:
    """The post's own content in a built minima page, without the theme's attributes. The
    new site's post layout puts the post's own heading in its header, above the date."""
    tree = lxml.html.fromstring(page.read_bytes())
    [node] = tree.xpath("//div[contains(@class, 'post-content')]")
    for heading in tree.xpath("//article[contains(@class, 'h-entry')]/header/h1[not(@class)]"):
        node.insert(0, heading)
    node.attrib.clear()
    return node


def post_page(root: Path, day: str) -> Path:
    source = (root / "_posts" / f"{day}-daily-papers.md").read_text(encoding="utf-8")
    front = yaml.safe_load(source.split("---\n")[1])
    return root / "_site" / "posts" / front["slug"] / "index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, replay_module: Any) -> Built:
    root = tmp_path_factory.mktemp("configured") / "blog"
    hub = replay_module(day_entries)
    env = {"HF_ENDPOINT": hub.url, "DAILYPAPERS_NOW": NOW}
    done = invoke("init", str(root), "--author", "lim4349", env=env)
    assert done.exit_code == 0, done.output
    toml = root / "dailypapers.toml"
    # What came of each paper (on in init's file) is our own line of counts and Hub links, not
    # a stranger's text: tests/test_paper_info.py builds it with Jekyll; the twins here carry
    # the Hub's text only.
    text = toml.read_text(encoding="utf-8")
    assert "\npaper_info = true\n" in text
    toml.write_text(text.replace("\npaper_info = true\n", "\npaper_info = false\n"), encoding="utf-8")
    with toml.open("a", encoding="utf-8") as config:
        config.write(INTERESTS)  # init turned the links on already
    dates = ("--since", DAYS[0], "--until", DAYS[-1])
    done = invoke("backfill", "--site", str(root), *dates, endpoint=hub.url, env=env)
    assert done.exit_code == 0, done.output
    settings = load_settings(root, environ={})
    assert settings.links == ("code", "project", "comments") and settings.mute == ("jailbreak",)

    twins = []
    with Store(root / ".dailypapers" / "papers.db") as store:
        for day in DAYS:
            papers = store.day_papers(day)
            order = shown_in_order(papers, settings)
            hidden = {paper.id for paper in papers} - {paper.id for paper in order}
            fake, texts = placeholders(
                papers, links=settings.links, hidden=hidden, hub_summaries=settings.ai_summary
            )
            twin = body(render_post(day, fake, settings, like=papers, final=True))
            page = f"---\nlayout: page\ntitle: twin\npermalink: /twins/{day}/\n---\n{twin}"
            (root / "twins").mkdir(exist_ok=True)
            (root / "twins" / f"{day}.md").write_text(page, encoding="utf-8")
            twins.append(Twin(day, order, texts, placeholder_urls(papers, settings.links)))
    result = jekyll_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return Built(root, settings, twins)


@pytest.fixture(scope="module")
def replay_module() -> Any:
    from dailypapers.replay import ReplayHub

    hubs: list[ReplayHub] = []

    def start(source: Any) -> ReplayHub:
        hub = ReplayHub(source)
        hub.start()
        hubs.append(hub)
        return hub

    yield start
    for hub in hubs:
        hub.stop()


def test_every_daily_post_of_a_configured_site_shows_exactly(built: Built) -> None:
    for twin in built.twins:
        real = content(post_page(built.root, twin.day))
        placeholder = content(built.root / "_site" / "twins" / twin.day / "index.html")
        assert check_post(real, placeholder, twin.papers, twin.texts, twin.urls) == [], twin.day
        text = real.text_content()
        assert "이 순위는 7일 뒤 다시 집계한 최종 순위입니다." in text
        assert "Jailbreak Benchmark" not in text and "Jailbreak Defenses" not in text  # muted
        assert ("Jailbreaking via Role Play" in text) == (twin.day == "2026-03-05")  # not the word
    latest = content(post_page(built.root, DAYS[-1]))
    assert latest.xpath("string(.//h2[2])") == "⭐ 관심 논문"
    assert latest.xpath(".//a[. = 'marco-garosi/CIRCLE']/@href") == ["https://github.com/marco-garosi/CIRCLE"]


@pytest.mark.browser
def test_a_configured_post_in_chromium(built: Built) -> None:
    page_path = post_page(built.root, DAYS[-1]).parent.relative_to(built.root / "_site").as_posix()
    with serve(built.root / "_site") as url, browser() as chromium:
        page = open_page(chromium, f"{url}/{page_path}/")
        screenshot(page, "configured-daily-ko.png", "reader")
        items = page.locator("div.post-content > ol").nth(0).locator(":scope > li")
        assert items.count() == 3
        assert items.nth(0).inner_text().startswith("⭐ Scaling Diffusion Transformers - 👍 120 · 💬 7")
        section = page.locator("h2", has_text="관심 논문")
        assert section.is_visible()
        below = page.locator("div.post-content > ol").nth(1).locator(":scope > li")
        places = [below.nth(n).inner_text().split("\n")[0].split(" · ")[-1] for n in range(3)]
        assert places == ["6위", "7위", "8위"]
        code = page.locator("a", has_text="nv/dit")
        assert code.get_attribute("href") == "https://github.com/nv/dit"
        page.close()
