"""Weekly and monthly summaries: golden posts and data files, charts, keywords, the whole corpus.

The golden archive is built from recorded days inside the repository: the ISO week 2026-W06
(2026-02-02 .. 2026-02-08; ``tests/data/hub/`` holds the days copied from
``shared/hub/daily_papers``, 2026-02-05 comes from the package's sample days) and 2026-02-10
(a sample day), so the month 2026-02 has 8 days in two weeks. 2026-02-09 has no recording
(the replay hub answers it with no papers).

Two archives: ``february`` is collected up to 2026-02-10 on 2026-02-11 (W06 complete, W07
running, the month running and without 2026-02-01), ``closed_february`` asks for every day
of February on 2026-03-01 (the month complete). The goldens: each of those four summaries,
in every language. Regenerate the expected files with
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

import lxml.etree
import lxml.html
import pytest
from markdown_it import MarkdownIt

import dailypapers
from conftest import DATA, environment, fast_client, load_json, run_backfill, site_context
from dailypapers.charts import HEIGHT, PAPERS_COLOR, UPVOTES_COLOR, WIDTH, DayPoint, daily_chart_svg
from dailypapers.config import Settings, build_settings
from dailypapers.dates import Period, day_range, labels_of, month_period
from dailypapers.jekyll import new_site_files
from dailypapers.paths import chart_path, data_path, post_path
from dailypapers.pipeline import CollectResult, collect, store_day
from dailypapers.replay import ReplayHub
from dailypapers.stats import compute_stats
from dailypapers.store import Store
from dailypapers.summary import KINDS, build_summary, code_span, day_spans, render_summary

EXPECTED = DATA / "expected"
RECORDINGS = (DATA / "hub", Path(dailypapers.__file__).parent / "sample_days")
WEEK = day_range("2026-02-02", "2026-02-08")
GOLDEN_DAYS = day_range("2026-02-02", "2026-02-10")
CLOCK = lambda: dt.datetime(2026, 2, 11, 0, 15, tzinfo=dt.UTC)  # noqa: E731
MARCH = lambda: dt.datetime(2026, 3, 1, 0, 15, tzinfo=dt.UTC)  # noqa: E731
GOLDEN = [("weekly", "2026-W06"), ("monthly", "2026-02")]
# (archive, kind, label, golden name): a complete and a running week and month.
GOLDENS = [
    ("february", "weekly", "2026-W06", "weekly-2026-W06"),
    ("february", "weekly", "2026-W07", "weekly-2026-W07-partial"),
    ("february", "monthly", "2026-02", "monthly-2026-02-partial"),
    ("closed_february", "monthly", "2026-02", "monthly-2026-02"),
]


def recorded(day: str) -> list[Any] | None:
    for directory in RECORDINGS:
        if (directory / f"{day}.json").is_file():
            return load_json(directory / f"{day}.json")
    return None


def collect_days(
    site: Path, days: list[str], settings: Settings, source: Any = recorded, clock: Any = CLOCK
) -> CollectResult:
    with ReplayHub(source) as hub, Store(site / ".dailypapers" / "papers.db") as store:
        result = collect(site_context(site, store, settings), days, fast_client(hub.url), clock=clock)
    assert result.ok, result.failed
    return result


def read(site: Path, relative: Path) -> str:
    return (site / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def february(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("february") / "site"
    collect_days(site, GOLDEN_DAYS, Settings(author="lim4349"))
    return site


@pytest.fixture(scope="module")
def closed_february(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("closed") / "site"
    collect_days(site, day_range("2026-02-01", "2026-02-28"), Settings(author="lim4349"), clock=MARCH)
    return site


@pytest.fixture(scope="module")
def archives(february: Path, closed_february: Path) -> dict[str, Path]:
    return {"february": february, "closed_february": closed_february}


@pytest.mark.parametrize(("archive", "kind", "label", "name"), GOLDENS)
def test_summary_post_and_data_file_match_golden(
    archives: dict[str, Path], archive: str, kind: str, label: str, name: str
) -> None:
    site = archives[archive]
    for relative, golden in (
        (post_path(kind, label), EXPECTED / f"{name}.md"),
        (data_path(kind, label), EXPECTED / f"{name}.json"),
    ):
        written = read(site, relative)
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
    # Per day, each listing counts: the sum of the recordings' upvotes, day by day.
    for data, days in ((week, WEEK), (month, GOLDEN_DAYS)):
        per_day = {day: sum(e["paper"]["upvotes"] for e in recorded(day) or []) for day in days}
        assert {d["date"]: d["likes"] for d in data["days"] if d["status"] == "listed"} == {
            day: likes for day, likes in per_day.items() if recorded(day)
        }
        assert data["listed_likes"] == sum(per_day.values())
    assert week["listed_likes"] == 2897  # against 2,351 counting each paper once
    assert "일별 좋아요 수의 합(2,897)은 위의 총 좋아요 수(2,351:" in post


def test_missing_days_are_written_as_spans() -> None:
    days = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-05", "2026-01-31", "2026-02-01"]
    assert day_spans(days, "ko") == ["1/1–1/3", "1/5", "1/31–2/1"]
    assert day_spans(days, "en") == ["Jan 1–Jan 3", "Jan 5", "Jan 31–Feb 1"]
    assert day_spans([], "ja") == []


def test_the_closed_month_matches_an_independent_count(closed_february: Path) -> None:
    best: dict[str, int] = {}
    for day in GOLDEN_DAYS:
        for entry in recorded(day) or []:
            best[entry["paper"]["id"]] = max(best.get(entry["paper"]["id"], 0), entry["paper"]["upvotes"])
    month = json.loads(read(closed_february, data_path("monthly", "2026-02")))
    assert (month["total_papers"], month["total_likes"]) == (len(best), sum(best.values()))
    assert month["days_crawled"] == sum(1 for day in GOLDEN_DAYS if recorded(day))
    assert month["complete"] is True and month["missing_days"] == []
    statuses = {d["date"]: d["status"] for d in month["days"]}
    assert len(statuses) == 28
    assert {day for day, status in statuses.items() if status == "listed"} == {
        day for day in GOLDEN_DAYS if recorded(day)
    }
    assert set(statuses.values()) == {"listed", "empty"}  # every day asked once it was over


def test_running_and_incomplete_periods_say_so(february: Path, closed_february: Path) -> None:
    def data(site: Path, kind: str, label: str) -> Any:
        return json.loads(read(site, data_path(kind, label)))

    week = data(february, "weekly", "2026-W06")
    assert week["complete"] is True and week["period"] == "2026-W06"
    running = data(february, "weekly", "2026-W07")  # on 2026-02-11: 09 empty, 10 listed
    assert running["complete"] is False and running["missing_days"] == []
    assert [d["status"] for d in running["days"]] == ["empty", "listed", *["upcoming"] * 5]
    month = data(february, "monthly", "2026-02")  # 2026-02-01 was never asked for
    assert month["complete"] is False and month["missing_days"] == ["2026-02-01"]
    assert data(closed_february, "monthly", "2026-02")["complete"] is True
    post = read(february, post_path("weekly", "2026-W07"))
    assert "> ⏳ **아직 끝나지 않은 주입니다.**" in post and "보관소에 없는 날" not in post
    post = read(february, post_path("monthly", "2026-02"))
    assert "> ⏳ **아직 끝나지 않은 달입니다.**" in post
    assert "> ⚠️ **보관소에 없는 날:** 2/1 (1일)." in post
    for site, kind, label in ((february, "weekly", "2026-W06"), (closed_february, "monthly", "2026-02")):
        post = read(site, post_path(kind, label))
        assert "⏳" not in post and "⚠️" not in post


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
    chart = read(february, chart_path("monthly", "2026-02"))
    # The post inlines the chart file, then the same chart on its side for narrow screens.
    assert f'## 📈 일별 논문 수와 좋아요 수\n\n<div class="dailypapers-chart">\n{chart}<svg ' in ours
    weekly = read(february, post_path("weekly", "2026-W06"))
    assert post_path("weekly", "2026-W06") == Path("_posts/2026-02-02-weekly-papers-summary.md")
    assert weekly.startswith('---\ntitle: "Hugging Face Papers 주간 요약 - 2026년 2월 1주차 (2/2–2/8)"\n')
    assert "\n2026-02-02 ~ 2026-02-08 (ISO 2026-W06)\n" in weekly
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
    # The chart is inlined as it is (kramdown leaves the HTML block alone), text and all: both
    # layouts, the wide one and the one on its side (whose long labels may take two lines).
    charts = tree.xpath("//div[@class='dailypapers-chart']/svg")
    assert [chart.get("class") for chart in charts] == ["dpc dpc-columns", "dpc dpc-rows"]
    for chart in charts:
        assert chart.get("aria-label") == "2026년 2월 일별 논문 수와 좋아요 수"
        assert {"논문 수", "수집하지 않은 날"} <= set(chart.itertext())
    assert "좋아요 수 (그날 목록 기준)" in charts[0].itertext()
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


# --- one order everywhere -----------------------------------------------------------------


def entry(paper_id: str, upvotes: int) -> Any:
    made = copy.deepcopy(load_json(DATA / "sample_entry.json"))
    made["paper"]["id"], made["paper"]["upvotes"] = paper_id, upvotes
    made["paper"]["title"] = made["title"] = f"Paper {paper_id}"
    return made


def test_equal_upvotes_keep_the_hubs_order_in_every_post_and_in_stats(site: Path) -> None:
    """Ids against the Hub's order: 00003 is listed before 00001, both with 10 upvotes."""
    hub_order = ["2602.00003", "2602.00001", "2602.00002"]
    listing = [entry("2602.00003", 10), entry("2602.00001", 10), entry("2602.00002", 12)]
    collect_days(site, ["2026-02-05"], Settings(), source=lambda day: listing if day.endswith("05") else None)
    expected = ["2602.00002", "2602.00003", "2602.00001"]
    for post in (
        read(site, Path("_posts/2026-02-05-daily-papers.md")),
        read(site, post_path("weekly", "2026-W06")),
        read(site, post_path("monthly", "2026-02")),
    ):
        assert [post.index(f"Paper {paper_id}") for paper_id in expected] == sorted(
            post.index(f"Paper {paper_id}") for paper_id in expected
        )
    for kind, label in GOLDEN:
        data = json.loads(read(site, data_path(kind, label)))
        assert [p["id"] for p in data["top_papers"]] == expected
    with Store(site / ".dailypapers" / "papers.db") as store:
        stats = compute_stats(store, month_period("2026-02"))
    assert [ranked.paper.id for ranked in stats.papers] == expected
    assert hub_order != sorted(hub_order)


def test_risers_count_only_observations_inside_the_period(site: Path) -> None:
    """Listed on 2026-01-30 with 5 upvotes, then on 2026-02-02 with 20, fetched again with 30:
    February saw it go from 20 to 30, not from January's 5."""
    moments = iter(dt.datetime(2026, 1, 30, 12, tzinfo=dt.UTC) + dt.timedelta(days=n) for n in range(3))
    with Store(site / ".dailypapers" / "papers.db") as store:
        for day, upvotes in (("2026-01-30", 5), ("2026-02-02", 20), ("2026-02-02", 30)):
            store_day(store, day, [entry("2601.00001", upvotes)], now=next(moments))
        february = compute_stats(store, month_period("2026-02"))
        january = compute_stats(store, month_period("2026-01"))
        everything = compute_stats(store, Period("all", "2026-01-01", "2026-02-28"))
    assert [(r.first, r.last) for r in february.risers] == [(20, 30)]
    assert january.risers == []  # one observation of its January listing
    assert [(r.first, r.last) for r in everything.risers] == [(5, 30)]


# --- charts -------------------------------------------------------------------------------

POINTS = [DayPoint(f"2026-01-{day:02d}", day % 11, day * 37 % 500) for day in range(1, 32)]


def chart_tree(svg: bytes) -> Any:
    return lxml.etree.fromstring(svg)


def texts(svg: bytes) -> list[str]:
    return ["".join(t.itertext()) for t in chart_tree(svg).iter("{http://www.w3.org/2000/svg}text")]


def test_the_chart_is_byte_identical_across_renders_and_processes() -> None:
    first = daily_chart_svg("2026-01", POINTS)
    assert daily_chart_svg("2026-01", POINTS) == first
    code = (
        "import sys; from dailypapers.charts import DayPoint, daily_chart_svg\n"
        f"points = [DayPoint(*p) for p in {[(p.day, p.papers, p.upvotes) for p in POINTS]!r}]\n"
        "sys.stdout.buffer.write(daily_chart_svg('2026-01', points))"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert other.stdout == first


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ko", ["논문 수", "좋아요 수 (그날 목록 기준)", "수집하지 않은 날", "월", "2/9"]),
        ("en", ["Papers", "Upvotes (as listed that day)", "not collected", "Mon", "Feb 9"]),
        ("ja", ["論文数", "いいね数（その日の掲載時点）", "未収集の日", "月", "2/9"]),
        ("zh", ["论文数", "点赞数（当天列表）", "未收录的日子", "周一", "2/9"]),
    ],
)
def test_the_chart_text_is_real_text_in_the_language(language: str, words: list[str]) -> None:
    week = [DayPoint(f"2026-02-{day:02d}", 10, 100 + day) for day in range(9, 15)]
    week.append(DayPoint("2026-02-15", None, None))  # not collected: the legend explains the box
    svg = daily_chart_svg("제목 & <title>", week, language=language, weekly=True)
    root = chart_tree(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "제목 & <title>"
    assert root.get("lang") == language
    assert root.findtext("{http://www.w3.org/2000/svg}title") == "제목 & <title>"
    shown = texts(svg)
    for word in words:
        assert any(word in text for text in shown), word
    assert "<path" not in svg.decode()  # no glyph outlines
    # Inlined in a Markdown post: no blank line (it would end the HTML block), no Liquid.
    assert "\n\n" not in svg.decode() and "{{" not in svg.decode() and "{%" not in svg.decode()


def test_ticks_and_value_labels_match_the_data() -> None:
    """Every bar 10: a tick at 10 and a "10" on each bar, never 0, 3, 6, 9."""
    week = [DayPoint(f"2026-02-{day:02d}", 10, 1234) for day in range(2, 9)]
    root = chart_tree(daily_chart_svg("t", week, weekly=True))
    ns = "{http://www.w3.org/2000/svg}"
    ticks = [t.text for t in root.iter(f"{ns}text") if t.get("class") == "dpc-tick"]
    values = [t.text for t in root.iter(f"{ns}text") if t.get("class") == "dpc-value"]
    assert ticks[: ticks.index("10") + 1] == ["0", "5", "10"]
    assert "1,000" in ticks and values == ["10"] * 7 + ["1,234"] * 7


def test_a_day_not_collected_differs_from_a_day_without_papers_and_one_to_come() -> None:
    points = [
        DayPoint("2026-02-02", 5, 50),
        DayPoint("2026-02-03", 0, 0),
        DayPoint("2026-02-04", None, None),
        DayPoint("2026-02-05", None, None, upcoming=True),
    ]
    root = chart_tree(daily_chart_svg("t", points, language="en", weekly=True))
    ns = "{http://www.w3.org/2000/svg}"
    values = [t.text for t in root.iter(f"{ns}text") if t.get("class") == "dpc-value"]
    assert values == ["5", "0", "50", "0"]  # the empty day shows 0, the missing one nothing
    boxes = [r for r in root.iter(f"{ns}rect") if r.get("class") == "dpc-missing"]
    assert len(boxes) == 3  # the missing day in both panels, and its legend; none for the day to come
    assert "Feb 5: to come" in root.findtext(f"{ns}desc")
    assert "Feb 4: not collected" in root.findtext(f"{ns}desc")
    assert "Feb 3: 0 papers, 0 upvotes" in root.findtext(f"{ns}desc")


def test_the_chart_renders_to_a_png_of_its_size(february: Path) -> None:
    import cairosvg  # a test dependency; it needs the cairo library (libcairo2)
    from PIL import Image

    svg = (february / chart_path("monthly", "2026-02")).read_bytes()
    image = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg))).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
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
@pytest.mark.parametrize(("archive", "kind", "label", "name"), GOLDENS)
def test_summary_posts_in_each_language_match_golden(
    archives: dict[str, Path], language: str, archive: str, kind: str, label: str, name: str
) -> None:
    """The same weeks and months in the other languages (regenerate: UPDATE_GOLDEN=1)."""
    today = (CLOCK if archive == "february" else MARCH)().date()
    with Store(archives[archive] / ".dailypapers" / "papers.db") as store:
        summary = build_summary(store, kind, label, today=today)
    assert summary is not None
    written = render_summary(summary, Settings(language=language, author="lim4349"))
    golden = EXPECTED / language / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("archive", "kind", "label", "name"), GOLDENS)
def test_summaries_ask_for_mathjax_only_when_they_show_math(
    archives: dict[str, Path], archive: str, kind: str, label: str, name: str
) -> None:
    """With math = "mathjax", ``math: true`` only on a summary whose lists show a formula."""
    today = (CLOCK if archive == "february" else MARCH)().date()
    with Store(archives[archive] / ".dailypapers" / "papers.db") as store:
        summary = build_summary(store, kind, label, today=today)
    assert summary is not None
    written = render_summary(summary, Settings(math="mathjax"))
    assert ("\nmath: true\n" in written) == ("$$" in written), name
