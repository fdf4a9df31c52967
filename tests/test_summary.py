"""Weekly and monthly summaries: golden posts and data files, charts, keywords, the whole corpus.

The golden archive is built from recorded days inside the repository: the ISO week 2026-W06
(2026-02-02 .. 2026-02-08; ``tests/data/hub/`` holds the days copied from
``shared/hub/daily_papers``, 2026-02-05 comes from the package's sample days) and 2026-02-10
(a sample day), so the month 2026-02 has 8 days in two weeks. 2026-02-09 has no recording
(the replay hub answers it with no papers). Regenerate the expected files with
``UPDATE_GOLDEN=1 python -m pytest tests/test_summary.py`` and review the diff.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from markdown_it import MarkdownIt

import dailypapers
from conftest import DATA, environment, fast_client, load_json, run_backfill
from dailypapers.charts import FIGSIZE, PAPERS_COLOR, UPVOTES_COLOR, DayPoint, daily_chart_svg
from dailypapers.config import Settings, build_settings
from dailypapers.dates import day_range, labels_of
from dailypapers.jekyll import new_site_files
from dailypapers.pipeline import CollectResult, collect
from dailypapers.replay import ReplayHub
from dailypapers.store import Store
from dailypapers.summary import (
    KINDS,
    build_summary,
    chart_path,
    code_span,
    data_path,
    post_path,
    render_summary,
)

EXPECTED = DATA / "expected"
RECORDINGS = (DATA / "hub", Path(dailypapers.__file__).parent / "sample_days")
WEEK = day_range("2026-02-02", "2026-02-08")
GOLDEN_DAYS = day_range("2026-02-02", "2026-02-10")
CLOCK = lambda: dt.datetime(2026, 2, 11, 0, 15, tzinfo=dt.UTC)  # noqa: E731
GOLDEN = [("weekly", "2026-W06"), ("monthly", "2026-02")]


def recorded(day: str) -> list[Any] | None:
    for directory in RECORDINGS:
        if (directory / f"{day}.json").is_file():
            return load_json(directory / f"{day}.json")
    return None


def collect_days(site: Path, days: list[str], settings: Settings, source: Any = recorded) -> CollectResult:
    with ReplayHub(source) as hub, Store(site / ".dailypapers" / "papers.db") as store:
        result = collect(site, days, fast_client(hub.url), store, settings, clock=CLOCK)
    assert result.ok, result.failed
    return result


def read(site: Path, relative: Path) -> str:
    return (site / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def february(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("february") / "site"
    collect_days(site, GOLDEN_DAYS, Settings(author="lim4349"))
    return site


@pytest.mark.parametrize(("kind", "label"), GOLDEN)
def test_summary_post_and_data_file_match_golden(february: Path, kind: str, label: str) -> None:
    for relative, golden in (
        (post_path(kind, label), EXPECTED / f"{kind}-{label}.md"),
        (data_path(kind, label), EXPECTED / f"{kind}-{label}.json"),
    ):
        written = read(february, relative)
        if os.environ.get("UPDATE_GOLDEN"):
            golden.write_text(written, encoding="utf-8")
        assert written == golden.read_text(encoding="utf-8"), relative


def test_golden_figures_match_an_independent_count(february: Path) -> None:
    """Counted from the recordings alone (and checked by hand): each paper once, at its best."""
    for (kind, label), days in zip(GOLDEN, (WEEK, GOLDEN_DAYS), strict=True):
        best: dict[str, int] = {}
        listed = [day for day in days if recorded(day)]
        for day in listed:
            for entry in recorded(day) or []:
                paper = entry["paper"]
                best[paper["id"]] = max(best.get(paper["id"], 0), paper["upvotes"])
        data = json.loads(read(february, data_path(kind, label)))
        assert data["days_crawled"] == len(listed)
        assert data["total_papers"] == len(best)
        assert data["total_likes"] == sum(best.values())
        assert data["average_likes"] == round(sum(best.values()) / len(best), 2)
        top = data["top_papers"]
        assert [p["likes"] for p in top] == sorted(best.values(), reverse=True)[: len(top)]
        assert len({p["id"] for p in top}) == len(top)
    week = json.loads(read(february, data_path("weekly", "2026-W06")))
    assert (week["days_crawled"], week["total_papers"], week["total_likes"]) == (7, 53, 2351)
    # CAR-bench is listed on three days of the week with 31, 68 and 71 upvotes.
    assert [(p["likes"], p["first_day"]) for p in week["top_papers"] if p["id"] == "2601.22027"] == [
        (71, "2026-02-06")
    ]
    post = read(february, post_path("weekly", "2026-W06"))
    assert "- **총 좋아요 수**: 2,351\n- **평균 좋아요 수**: 44.36\n- **수집 일수**: 7일\n" in post
    assert post.count("CAR-bench") == 1
    assert "1. **muset.ai** - 논문 3개, 👍 103\n" in post  # its three papers of 2026-02-03: 38 + 36 + 29
    month = json.loads(read(february, data_path("monthly", "2026-02")))
    assert (month["days_crawled"], month["total_papers"], month["total_likes"]) == (8, 63, 2977)
    assert [d["date"][8:] for d in month["daily_summaries"]] == [
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "10",
    ]
    assert month["daily_summaries"][0] == {"date": "2026-02-02", "total_papers": 10, "total_likes": 158}


def test_the_original_keys_are_kept(february: Path) -> None:
    original = load_json(DATA / "original" / "monthly-2025-11.json")
    ours = json.loads(read(february, data_path("monthly", "2026-02")))
    assert set(original) <= set(ours)
    assert set(original["top_papers"][0]) <= set(ours["top_papers"][0])
    for key in original:
        assert type(ours[key]) is type(original[key]), key


def test_posts_follow_the_original_form(february: Path) -> None:
    original = (DATA / "original" / "2025-11-01-monthly-papers-summary.md").read_text(encoding="utf-8")
    ours = read(february, post_path("monthly", "2026-02"))

    def headings(post: str) -> list[str]:  # without the month and the list size
        return [line.split(" - ")[0].split(" Top ")[0] for line in post.splitlines() if line.startswith("#")]

    assert headings(original) == headings(ours)[:3]
    assert ours.startswith(
        "---\ntitle: Hugging Face Papers Monthly Summary - 2026년 2월\n"
        "date: 2026-02-01 09:00:00 +0900\ncategories: [Daily Papers, 월간]\n"
        "tags: [huggingface, papers, monthly, ai, summary]\nauthor: lim4349\n"
        "slug: monthly-papers-summary-2026-02\n"
    )
    assert ours.count("[HF 페이지](") == 20 and "## 🔥 가장 인기 있는 논문 Top 20\n" in ours
    assert "Abstract:" not in ours and "인기 키워드" not in ours  # the recordings have no keywords
    chart = "{{ '/assets/img/dailypapers/monthly-2026-02.svg' | relative_url }}"
    assert f"![2026-02 일별 논문 수와 좋아요 수]({chart})\n" in ours
    weekly = read(february, post_path("weekly", "2026-W06"))
    assert post_path("weekly", "2026-W06") == Path("_posts/2026-02-02-weekly-papers-summary.md")
    assert "categories: [Daily Papers, 주간]\n" in weekly and weekly.count("[HF 페이지](") == 10


def test_a_running_week_is_updated_as_its_days_arrive(site: Path) -> None:
    first = collect_days(site, WEEK[:3], Settings())
    assert [f.status.value for f in first.summaries] == ["created"] * 6
    assert "- **수집 일수**: 3일\n" in read(site, post_path("weekly", "2026-W06"))
    again = collect_days(site, WEEK[:3], Settings())
    assert [f.status.value for f in again.summaries] == ["unchanged"] * 6
    later = collect_days(site, WEEK[3:4], Settings())
    assert [f.status.value for f in later.summaries] == ["updated"] * 6
    assert "- **수집 일수**: 4일\n" in read(site, post_path("weekly", "2026-W06"))


def test_sizes_and_kinds_come_from_the_settings(site: Path) -> None:
    settings = build_settings({"weekly.top": 3, "summaries": ("weekly",)})
    result = collect_days(site, WEEK, settings)
    assert {f.path for f in result.summaries} == {
        chart_path("weekly", "2026-W06"),
        data_path("weekly", "2026-W06"),
        post_path("weekly", "2026-W06"),
    }
    post = read(site, post_path("weekly", "2026-W06"))
    assert "## 🔥 가장 인기 있는 논문 Top 3\n" in post and post.count("[HF 페이지](") == 3
    assert len(json.loads(read(site, data_path("weekly", "2026-W06")))["top_papers"]) == 3


# --- keywords -----------------------------------------------------------------------------

KEYWORDS = [
    ["diffusion models", "code `span`", "a|b", "{{ site.title }}"],
    ["diffusion models", "`edge`", "{% raw %}x", "LLM"],
    ["diffusion models", "LLM", "*not emphasis*"],
]

# Most papers first, then by name (as compute_stats ranks them).
KEYWORDS_RANKED = sorted(
    {k for ks in KEYWORDS for k in ks}, key=lambda k: (-sum(k in ks for ks in KEYWORDS), k)
)


def keyword_day(day: str) -> list[Any] | None:
    if day != "2026-02-05":
        return None
    entries = []
    for number, keywords in enumerate(KEYWORDS):
        entry = copy.deepcopy(load_json(DATA / "sample_entry.json"))
        entry["paper"]["id"] = f"2602.0000{number}"
        entry["paper"]["upvotes"] = 10 - number
        entry["paper"]["ai_keywords"] = keywords
        entries.append(entry)
    return entries


def test_keywords_are_ranked_and_shown_verbatim(site: Path) -> None:
    collect_days(site, ["2026-02-05"], Settings(), source=keyword_day)
    post = read(site, post_path("monthly", "2026-02"))
    section = post.split("## 🏷️ 인기 키워드 Top 10\n\n")[1].split("\n\n")[0].splitlines()
    assert section[:2] == ["1. `diffusion models` - 3회", "2. `LLM` - 2회"]
    assert len(section) == 8
    # Liquid would run "{{" or "{%" even inside code; a pipe could make a table row.
    keyword_lines = post.split("## 📈")[0]  # the chart's link below is Liquid of our own
    assert "{{" not in keyword_lines and "{%" not in post
    assert all("|" not in line for line in section)
    html = MarkdownIt("commonmark").render(post.split("---\n", 2)[2])
    shown = [code.text_content() for code in lxml.html.fromstring(html).iter("code")]
    assert shown == KEYWORDS_RANKED
    data = json.loads(read(site, data_path("monthly", "2026-02")))
    assert data["top_keywords"][0] == {"keyword": "diffusion models", "papers": 3}
    assert data["top_papers"][0]["tags"] == KEYWORDS[0]
    assert data["top_tags"][:2] == [["diffusion models", 3], ["LLM", 2]]


@pytest.mark.jekyll
@pytest.mark.skipif(shutil.which("jekyll") is None, reason="needs the jekyll command")
def test_jekyll_shows_the_keywords_and_the_chart(site: Path) -> None:
    for relative, content in new_site_files().items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(content, encoding="utf-8")
    collect_days(site, ["2026-02-05"], Settings(), source=keyword_day)
    done = subprocess.run(["jekyll", "build", "-q"], cwd=site, capture_output=True, text=True)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    [page] = (site / "_site").rglob("monthly-papers-summary-2026-02/index.html")
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    assert [code.text_content() for code in tree.iter("code")] == KEYWORDS_RANKED
    [image] = tree.iter("img")
    assert image.get("src") == "/assets/img/dailypapers/monthly-2026-02.svg"
    assert (site / "_site" / "assets/img/dailypapers/monthly-2026-02.svg").is_file()


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("LLM", "`LLM`"),
        ("a `b` c", "``a `b` c``"),
        ("`x``", "``` `x`` ```"),
        ("{{ page.title }}", "<code>&#123;&#123; page.title }}</code>"),
        ("a|b <c>", "<code>a&#124;b &lt;c&gt;</code>"),
    ],
)
def test_code_span_fences_and_escapes(text: str, span: str) -> None:
    assert code_span(text) == span


# --- charts -------------------------------------------------------------------------------

POINTS = [DayPoint(str(day), day % 11, day * 37 % 500) for day in range(1, 32)]


def test_the_chart_is_byte_identical_across_renders_and_processes() -> None:
    first = daily_chart_svg("2026-01: papers and upvotes per day", POINTS)
    assert daily_chart_svg("2026-01: papers and upvotes per day", POINTS) == first
    code = (
        "import sys; from dailypapers.charts import DayPoint, daily_chart_svg\n"
        f"points = [DayPoint(*p) for p in {[(p.label, p.papers, p.upvotes) for p in POINTS]!r}]\n"
        "sys.stdout.buffer.write(daily_chart_svg('2026-01: papers and upvotes per day', points))"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert other.stdout == first
    assert b"<dc:date>" not in first and b"Matplotlib v" not in first


def test_a_chart_is_reused_only_for_the_same_data() -> None:
    first = daily_chart_svg("title", POINTS[:7])
    assert daily_chart_svg("title", POINTS[:7], reuse=first) is first
    changed = [*POINTS[:6], DayPoint("7", 1, 1)]
    assert daily_chart_svg("title", changed, reuse=first) != first
    assert daily_chart_svg("title", POINTS[:7], reuse=b"<svg/>") == first


def test_the_chart_renders_to_a_png_of_its_size(february: Path) -> None:
    import cairosvg  # a test dependency; it needs the cairo library (libcairo2)
    from PIL import Image

    svg = (february / chart_path("monthly", "2026-02")).read_bytes()
    image = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg))).convert("RGB")
    assert image.size == (round(FIGSIZE[0] * 96), round(FIGSIZE[1] * 96))  # cairosvg: 96 px an inch
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
    for hex_colour in (PAPERS_COLOR, UPVOTES_COLOR):  # both series have bars
        assert tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) in colours
    assert len(colours) > 10  # text and axes, not a blank page


# --- the whole recorded corpus ------------------------------------------------------------


def summary_files(site: Path) -> dict[str, tuple[bytes, int]]:
    paths = [
        *site.glob("_posts/*-summary.md"),
        *site.glob("_data/papers/weekly-*.json"),
        *site.glob("_data/papers/monthly-*.json"),
        *site.glob("assets/**/*"),
    ]
    return {str(p.relative_to(site)): (p.read_bytes(), p.stat().st_mtime_ns) for p in paths if p.is_file()}


@pytest.mark.corpus
@pytest.mark.slow
def test_every_week_and_month_of_the_corpus_has_its_summary(full_backfill: Path, shared_hub: Path) -> None:
    days = sorted(p.stem for p in shared_hub.glob("daily_papers/*.json"))
    expected = set()
    for kind in KINDS:
        for label in labels_of(kind, days):
            expected |= {
                str(post_path(kind, label)),
                str(data_path(kind, label)),
                str(chart_path(kind, label)),
            }
            data = json.loads(read(full_backfill, data_path(kind, label)))
            assert data["days_crawled"] == sum(1 for day in days if data["since"] <= day <= data["until"])
    assert set(summary_files(full_backfill)) == expected
    assert len(expected) == 3 * (9 + 39)  # 9 months, 39 ISO weeks with a recorded day
    # The full month of February against the recordings.
    best: dict[str, int] = {}
    for path in shared_hub.glob("daily_papers/2026-02-*.json"):
        for entry in load_json(path):
            best[entry["paper"]["id"]] = max(best.get(entry["paper"]["id"], 0), entry["paper"]["upvotes"])
    month = json.loads(read(full_backfill, data_path("monthly", "2026-02")))
    assert (month["days_crawled"], month["total_papers"], month["total_likes"]) == (
        28,
        len(best),
        sum(best.values()),
    )


@pytest.mark.corpus
@pytest.mark.slow
def test_running_again_changes_no_summary(full_backfill: Path, replay: Any) -> None:
    before = summary_files(full_backfill)
    hub = replay(Path("/nonexistent"))  # every stored day is skipped; the others have no papers
    done = run_backfill(full_backfill, hub.url, "2025-11-01", "2026-08-31")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("0 files written")
    render = subprocess.run(
        [sys.executable, "-m", "dailypapers", "render", "--site", str(full_backfill), "--all"],
        env=environment(hub.url),
        capture_output=True,
        text=True,
    )
    assert render.returncode == 0, render.stderr
    assert render.stdout.strip() == "248 days rendered, 0 files written"
    assert summary_files(full_backfill) == before


@pytest.mark.parametrize("language", ["en", "ja", "zh"])
@pytest.mark.parametrize(("kind", "label"), GOLDEN)
def test_summary_posts_in_each_language_match_golden(
    february: Path, language: str, kind: str, label: str
) -> None:
    """The same week and month in the other languages (regenerate: UPDATE_GOLDEN=1)."""
    with Store(february / ".dailypapers" / "papers.db") as store:
        summary = build_summary(store, kind, label)
    assert summary is not None
    written = render_summary(summary, Settings(language=language, author="lim4349"))
    golden = EXPECTED / language / f"{kind}-{label}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")
