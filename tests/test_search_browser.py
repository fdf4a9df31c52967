"""The search page in headless Chromium, on a real ``jekyll build`` of the site ``init`` makes.

Over the whole recorded corpus, with Korean summaries from a stand-in model
(tests/korean_model.py) for the newest 1,000 papers: an English title word, an organization
and a Korean word (written with its particles: 확산을, 확산이) each list the right papers
first; the filters (date range, ⭐) and the keyboard work. MiniSearch is loaded from the
jsDelivr URL the page names, answered here with the npm package's file (``.ci/run`` packs it
into ``.cache/npm``; elsewhere set ``DAILYPAPERS_MINISEARCH`` to its ``dist/umd/index.js``): the
page's integrity hash must match it, and a changed file is refused. The time of each query,
measured in the page, goes to ``.artifacts/search/timings.json`` (never asserted: the machine
is shared). A hostile title is shown literally and runs nothing; Chinese words are found
inside text written without spaces.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import REPO, artifacts_dir, browser, serve
from conftest import DATA, SHARED_HUB, invoke
from dailypapers.replay import ReplayHub
from dailypapers.search_index import MINISEARCH
from korean_model import korean_answer
from sites import jekyll_build

pytestmark = [pytest.mark.browser, pytest.mark.jekyll, pytest.mark.slow]

LIBRARY = Path(
    os.environ.get("DAILYPAPERS_MINISEARCH")
    or REPO / f".cache/npm/minisearch-{MINISEARCH.version}/package/{MINISEARCH.file}"
)
NOW = {"DAILYPAPERS_NOW": "2026-09-01T00:00:00Z"}
SETTINGS_ADDED = {
    "[llm]\n": '[llm]\nbase_url = "{url}/v1"\nmodel = "stand-in"\nbudget = 1000\nconcurrency = 8\n',
    "# [interests]\n": '[interests]\nkeywords = ["agent", "diffusion"]\n',
}
TIMINGS: dict[str, Any] = {}


def library() -> bytes:
    if not LIBRARY.is_file():
        pytest.skip(f"no MiniSearch at {LIBRARY} (.ci/run packs it; or set DAILYPAPERS_MINISEARCH)")
    return LIBRARY.read_bytes()


def new_site(root: Path, hub: ReplayHub, *args: str) -> None:
    """``init`` a new site (its settings, plus interests and the hub's stand-in model), and
    ``backfill`` every recorded day into it."""
    done = invoke("init", str(root), "--package", "dailypapers", *args)
    assert done.exit_code == 0, done.output
    settings = root / "dailypapers.toml"
    text = settings.read_text(encoding="utf-8")
    for old, new in SETTINGS_ADDED.items():
        assert old in text
        text = text.replace(old, new.format(url=hub.url), 1)
    settings.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory, full_backfill: Path) -> Path:
    root = tmp_path_factory.mktemp("search") / "site"
    shutil.copytree(full_backfill, root)
    with ReplayHub(SHARED_HUB / "daily_papers", chat=korean_answer) as hub:
        new_site(root, hub)
        done = invoke(
            "backfill", "--site", str(root), "--since", "2025-11-01", "--until", "2026-08-31",
            endpoint=hub.url, env=NOW,
        )  # fmt: skip
        assert done.exit_code == 0, done.output
        assert "Summaries: 1000 made" in done.output
    build = jekyll_build(root)
    assert build.returncode == 0, build.stderr
    return root


def rows(root: Path) -> list[dict[str, Any]]:
    index = json.loads((root / "assets/dailypapers/search/index.json").read_text(encoding="utf-8"))
    found = []
    for shard in index["shards"]:
        data = json.loads((root / "assets/dailypapers/search" / shard["file"]).read_text(encoding="utf-8"))
        found += [dict(zip(index["fields"], row, strict=True)) for row in data["papers"]]
    return found


@pytest.fixture
def open_search(corpus_site: Path) -> Iterator[Any]:
    """Opens the built search page: ``open_search(width=..., color_scheme=...)``."""
    body = library()
    with serve(corpus_site / "_site") as url, browser() as chromium:

        def opened(path: str = "/search/", **options: Any) -> Any:
            return search_page(chromium, f"{url}{path}", body, **options)

        yield opened


def search_page(
    chromium: Any, url: str, body: bytes, *, width: int = 1000, color_scheme: str = "light"
) -> Any:
    """The page at ``url``, MiniSearch's CDN URL answered with ``body``, once its papers are loaded."""
    page = chromium.new_page(viewport={"width": width, "height": 900}, color_scheme=color_scheme)
    page.dialogs, page.asked = [], []
    page.on("request", lambda request: page.asked.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))

    def cdn(route: Any) -> None:  # the library the page names; nothing else from the CDN
        if route.request.url == MINISEARCH.url:
            route.fulfill(body=body, headers=CDN_HEADERS)
        else:
            route.abort()

    page.route("https://cdn.jsdelivr.net/**", cdn)
    page.goto(url)
    return page


CDN_HEADERS = {"Content-Type": "application/javascript", "Access-Control-Allow-Origin": "*"}


def wait_ready(page: Any) -> None:
    page.wait_for_selector("#dailypapers-search[data-ready=true]", timeout=30000)


def query(page: Any, text: str, since: str = "", until: str = "", starred: bool = False) -> dict[str, Any]:
    """Type ``text`` (and set the filters); the results once the page has shown them."""
    page.fill("#dps-since", since)
    page.fill("#dps-until", until)
    page.set_checked("#dps-starred", starred)
    page.fill("#dps-query", text)
    shown = f"{text}|{since}|{until}|{'true' if starred else 'false'}"
    page.wait_for_function(
        "shown => document.getElementById('dailypapers-search').dataset.shown === shown", arg=shown
    )
    return page.evaluate(
        """() => ({
            status: document.getElementById('dps-status').textContent,
            ms: Number(document.getElementById('dailypapers-search').dataset.queryMs),
            titles: [...document.querySelectorAll('#dps-results li h3')].map(h => h.textContent),
            meta: [...document.querySelectorAll('#dps-results li .dps-meta:first-of-type')]
                .map(p => p.textContent),
            summaries: [...document.querySelectorAll('#dps-results li .dps-summary')].map(p => p.textContent),
        })"""
    )


def found_count(status: str) -> int:
    match = re.match(r"(\d+)개 찾음", status)
    assert match, status
    return int(match.group(1))


def title_word(papers: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """A word of exactly one title that starts words in other papers' summaries too: the title's
    paper must come first (a title weighs more than a summary)."""
    words = [
        re.findall(r"[a-z]+", f"{p['title']} {p['organization']} {p['authors']}".lower()) for p in papers
    ]
    summaries = [re.findall(r"[a-z]+", p["summary"].lower()) for p in papers]
    for index, paper in enumerate(papers):
        for word in sorted(set(re.findall(r"[a-z]{8,}", paper["title"].lower()))):
            elsewhere = [
                n for n, found in enumerate(words) if n != index and any(w.startswith(word) for w in found)
            ]
            in_summaries = [n for n, found in enumerate(summaries) if n != index and word in found]
            if not elsewhere and len(in_summaries) >= 2:
                return word, paper
    raise AssertionError("no title word to search for")


def organization(papers: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """An organization of one word with at least three papers, no paper holding a word that
    starts with it but in its organization: exactly its papers are found, all equally
    relevant, so by upvotes."""
    counts: dict[str, int] = {}
    for paper in papers:
        counts[paper["organization"]] = counts.get(paper["organization"], 0) + 1
    others = [
        " ".join(str(value) for key, value in paper.items() if key != "organization").lower()
        for paper in papers
    ]
    organizations = [paper["organization"].lower() for paper in papers]
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if count < 3 or not re.fullmatch(r"[A-Za-z]{4,}", name):
            continue
        starts = re.compile(rf"(?<![a-z]){name.lower()}")
        if not any(starts.search(text) for text in others) and not any(
            starts.search(org) for org in organizations if org != name.lower()
        ):
            return name, [paper for paper in papers if paper["organization"] == name]
    raise AssertionError("no organization to search for")


@pytest.mark.corpus
def test_title_words_organizations_and_korean_words_find_the_right_papers_first(
    corpus_site: Path, open_search: Any
) -> None:
    papers = rows(corpus_site)
    assert len(papers) == 1899
    page = open_search()
    wait_ready(page)
    TIMINGS["load_ms"] = float(page.get_attribute("#dailypapers-search", "data-load-ms"))
    assert page.text_content("#dps-status") == "논문 1899개에서 찾습니다."

    word, paper = title_word(papers)
    shown = query(page, word)
    assert shown["titles"][0] == paper["title"], (word, shown["titles"][:3])
    assert found_count(shown["status"]) >= 3  # the summaries that hold it come after
    TIMINGS["title word"] = {"query": word, "ms": shown["ms"], "found": found_count(shown["status"])}

    name, theirs = organization(papers)
    shown = query(page, name)
    assert found_count(shown["status"]) == len(theirs)
    by_upvotes = sorted(theirs, key=lambda p: -p["upvotes"])
    upvotes = [int(re.search(r"👍 (\d+)", meta).group(1)) for meta in shown["meta"]]  # type: ignore[union-attr]
    assert upvotes == [p["upvotes"] for p in by_upvotes][:50]  # equally relevant: by upvotes
    assert all(meta.startswith(name) for meta in shown["meta"])
    TIMINGS["organization"] = {"query": name, "ms": shown["ms"], "found": len(theirs)}

    korean = [p for p in papers if "확산" in p["summary"]]
    # The summaries never write the word alone: only matching the start of words finds them.
    assert korean and not any(re.search(r"확산(?=\s|$)", p["summary"]) for p in korean)
    shown = query(page, "확산")
    assert found_count(shown["status"]) == len(korean)
    assert shown["summaries"] and all("확산" in summary for summary in shown["summaries"])
    TIMINGS["korean word"] = {"query": "확산", "ms": shown["ms"], "found": len(korean)}
    again = query(page, "확산 에이전트")  # every word must match
    both = [p for p in korean if "에이전트" in p["summary"]]
    assert found_count(again["status"]) == len(both) > 0
    TIMINGS["two korean words"] = {"query": "확산 에이전트", "ms": again["ms"], "found": len(both)}
    path = artifacts_dir("search") / "timings.json"
    path.write_text(json.dumps(TIMINGS, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nsearch timings (ms, measured in the page): {TIMINGS}")


@pytest.mark.corpus
def test_the_date_range_and_the_star_filter(corpus_site: Path, open_search: Any) -> None:
    papers = rows(corpus_site)
    page = open_search()
    wait_ready(page)
    march = [p for p in papers if "2026-03-01" <= p["day"] <= "2026-03-31"]
    shown = query(page, "", since="2026-03-01", until="2026-03-31")
    assert found_count(shown["status"]) == len(march)
    days = [re.search(r"\d{4}-\d{2}-\d{2}", meta).group() for meta in shown["meta"]]  # type: ignore[union-attr]
    assert days and all("2026-03-01" <= day <= "2026-03-31" for day in days)
    starred = [p for p in march if p["starred"]]
    shown = query(page, "", since="2026-03-01", until="2026-03-31", starred=True)
    assert found_count(shown["status"]) == len(starred) > 0
    assert all(title.startswith("⭐ ") for title in shown["titles"])
    agents = [p for p in starred if re.search(r"\bagent", f"{p['title']} {p['summary']}".lower())]
    shown = query(page, "agent", since="2026-03-01", until="2026-03-31", starred=True)
    assert found_count(shown["status"]) >= len(agents) > 0


@pytest.mark.corpus
def test_a_search_in_the_address_loads_only_the_years_it_needs(corpus_site: Path, open_search: Any) -> None:
    papers = rows(corpus_site)
    page = open_search("/search/?q=agent&since=2026-03-01&until=2026-03-31&starred=1")
    wait_ready(page)
    assert page.input_value("#dps-query") == "agent" and page.is_checked("#dps-starred")
    assert (page.input_value("#dps-since"), page.input_value("#dps-until")) == ("2026-03-01", "2026-03-31")
    loaded = sorted(url.rsplit("/", 1)[1] for url in page.asked if "/assets/dailypapers/search/" in url)
    assert loaded == ["index.json", "papers-2026.json"]  # not 2025's
    march = [p for p in papers if "2026-03-01" <= p["day"] <= "2026-03-31" and p["starred"]]
    agents = [p for p in march if re.search(r"\bagent", f"{p['title']} {p['summary']}".lower())]
    assert found_count(page.text_content("#dps-status")) >= len(agents) > 0
    query(page, "diffusion", since="2026-03-01", until="2026-03-31", starred=True)
    assert "q=diffusion&since=2026-03-01&until=2026-03-31&starred=1" in page.url  # a link to this search
    query(page, "diffusion", since="2025-12-01")
    loaded = sorted(url.rsplit("/", 1)[1] for url in page.asked if "/assets/dailypapers/search/" in url)
    assert loaded == ["index.json", "papers-2025.json", "papers-2026.json"]  # 2025 once it is asked for


@pytest.mark.corpus
def test_keyboard_labels_and_results_as_links(corpus_site: Path, open_search: Any) -> None:
    page = open_search()
    wait_ready(page)
    page.get_by_label("논문 검색").fill("확산")  # the input has its label
    page.wait_for_function("document.getElementById('dailypapers-search').dataset.shown.startsWith('확산|')")
    for label in ("시작일", "종료일", "⭐ 관심 논문만"):
        assert page.get_by_label(label).count() == 1
    page.focus("#dps-query")
    page.keyboard.press("ArrowDown")  # from the input to the first result
    first = page.evaluate(
        "() => [document.activeElement.tagName, document.activeElement.closest('li') !== null]"
    )
    assert first == ["A", True]
    href = page.evaluate("() => document.activeElement.href")
    assert href.startswith("https://huggingface.co/papers/")
    page.keyboard.press("Tab")  # the result's next link: its daily post
    assert re.search(
        r"/posts/daily-papers-\d{4}-\d{2}-\d{2}/$", page.evaluate("() => document.activeElement.href")
    )
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    # Back up from the results: the star filter comes last in the form, before the results.
    assert page.evaluate("() => document.activeElement.id") == "dps-starred"
    page.focus("#dps-query")
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('dailypapers-search').dataset.shown.startsWith('|')")
    assert page.locator("#dps-results li").count() == 0


@pytest.mark.corpus
def test_screenshots_at_phone_and_desktop_widths_light_and_dark(corpus_site: Path, open_search: Any) -> None:
    for width in (390, 1280):
        for scheme in ("light", "dark"):
            page = open_search(width=width, color_scheme=scheme)
            wait_ready(page)
            query(page, "확산")
            path = artifacts_dir("search") / f"search-{width}-{scheme}.png"
            page.screenshot(path=str(path))
            overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"{path.name}: wider than the screen"
            page.close()


@pytest.mark.corpus
def test_a_library_that_does_not_match_its_hash_is_refused(corpus_site: Path) -> None:
    body = library()
    with serve(corpus_site / "_site") as url, browser() as chromium:
        page = search_page(chromium, f"{url}/search/", body + b"\n/* changed */\n")
        page.wait_for_function("document.getElementById('dps-status').textContent.includes('못했습니다')")
        assert page.get_attribute("#dailypapers-search", "data-ready") is None


def test_a_hostile_title_is_shown_as_text_and_runs_nothing(tmp_path: Path, replay: Any) -> None:
    body = library()
    hazards = json.loads((DATA / "hazards" / "entries.json").read_text(encoding="utf-8"))
    hazards[0]["paper"]["title"] = hazards[0]["title"] = "<img src=x onerror=alert(1)>"
    hub = replay(lambda day: hazards if day == "2026-03-05" else None)
    root = tmp_path / "site"
    new_site(root, hub, "--language", "en")
    done = invoke("backfill", "--site", str(root), "--since", "2026-03-05", "--until", "2026-03-05",
                  endpoint=hub.url, env={"DAILYPAPERS_NOW": "2026-03-06T00:00:00Z"})  # fmt: skip
    assert done.exit_code == 0, done.output
    # Chirpy's tabs are Markdown pages: the include must come through kramdown whole.
    tab = (root / "search.html").read_text(encoding="utf-8").replace("/search/", "/markdown-search/")
    (root / "markdown-search.md").write_text(tab, encoding="utf-8")
    # A site under a path of its host (user.github.io/blog): the papers and the posts' links too.
    config = root / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('baseurl: ""', 'baseurl: "/blog"'))
    build = jekyll_build(root)
    assert build.returncode == 0, build.stderr
    (tmp_path / "host").mkdir()
    (tmp_path / "host" / "blog").symlink_to(root / "_site")
    with serve(tmp_path / "host") as url, browser() as chromium:
        page = search_page(chromium, f"{url}/blog/markdown-search/", body)
        wait_ready(page)
        shown = query(page, "onerror")
        assert "<img src=x onerror=alert(1)>" in shown["titles"]
        posts = page.eval_on_selector_all(
            "#dps-results .dps-links a:first-child", "links => links.map(a => a.href)"
        )
        assert posts and all(post.startswith(f"{url}/blog/posts/daily-papers-2026-03-05/") for post in posts)
        page = search_page(chromium, f"{url}/blog/search/", body)
        wait_ready(page)
        for text in ("onerror", "script", "Title"):
            page.fill("#dps-query", text)
            page.wait_for_function(
                "text => document.getElementById('dailypapers-search').dataset.shown.startsWith(text + '|')",
                arg=text,
            )
            titles = page.eval_on_selector_all("#dps-results li h3", "hs => hs.map(h => h.textContent)")
            assert titles
            if text == "onerror":
                assert "<img src=x onerror=alert(1)>" in titles
                assert 'Title <img src="x" onerror="alert(1)"> done' in titles
            assert page.locator("#dps-results img, #dps-results script").count() == 0
        page.wait_for_timeout(300)  # an onerror handler would have run by now
        assert page.dialogs == []


def chinese_answer(messages: list[dict[str, Any]], model: str) -> str:
    """A stand-in model answering in Chinese, without spaces between words, as Chinese is written."""
    user = next((str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), "")
    topic = "扩散模型" if "diffusion" in user.lower() else "推理方法"
    return f"本文提出了一种基于{topic}的新框架，并在多个基准上取得了更好的结果。"


def test_chinese_words_are_found_inside_text_written_without_spaces(tmp_path: Path, replay: Any) -> None:
    from reader_days import day_entries

    body = library()
    hub = replay(day_entries, chat=chinese_answer)
    root = tmp_path / "site"
    new_site(root, hub, "--language", "zh")
    done = invoke("backfill", "--site", str(root), "--since", "2026-03-05", "--until", "2026-03-06",
                  endpoint=hub.url, env={"DAILYPAPERS_NOW": "2026-03-07T00:00:00Z"})  # fmt: skip
    assert done.exit_code == 0, done.output
    papers = rows(root)
    diffusion = [p for p in papers if "扩散模型" in p["summary"]]
    assert 0 < len(diffusion) < len(papers)
    build = jekyll_build(root)
    assert build.returncode == 0, build.stderr
    with serve(root / "_site") as url, browser() as chromium:
        page = search_page(chromium, f"{url}/search/", body)
        wait_ready(page)
        assert page.text_content("label[for=dps-query]") == "搜索论文"
        for text in ("扩散模型", "扩散", "模型"):  # a word in the middle of a run of characters
            shown = query(page, text)
            assert re.match(rf"找到 {len(diffusion)} 篇", shown["status"]), (text, shown["status"])
            assert all("扩散模型" in summary for summary in shown["summaries"])
