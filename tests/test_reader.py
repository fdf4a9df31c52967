"""The reader's own digest: interests (⭐ and their section), mutes, links, final rankings,
the `days` command and the `search` filters, over Hub days with every field
(:mod:`reader_days`, made from ``data/sample_entry.json``) served by the replay hub.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, environment, fast_client, invoke, site_context
from dailypapers.config import LINK_KINDS, Settings, load_settings
from dailypapers.escape import link_url, repo_name
from dailypapers.interests import Interests, select_daily, word_pattern
from dailypapers.models import Organization, Paper, papers_from_entries
from dailypapers.paths import data_path as summary_data_path
from dailypapers.paths import post_path
from dailypapers.paths import post_path as summary_post_path
from dailypapers.pipeline import CollectResult, collect
from dailypapers.replay import ReplayHub
from dailypapers.store import Store
from dailypapers.words import first_author
from fidelity import (
    HOSTILE_LINKS,
    hazard_cases,
    hazard_papers,
    links_unescaped,
    markdown_failures,
    with_links,
)
from reader_days import DAYS, SAMPLE, day_entries

EXPECTED = DATA / "expected" / "reader"
DAY = "2026-03-06"
CLOCK = lambda: dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)  # noqa: E731  (not final yet)

CONFIG = """\
author = "lim4349"
language = "{language}"
links = ["code", "project", "comments"]
organization_fallback = "first_author"

[daily]
top = 3

[interests]
keywords = ["in-context learning", "diffusion"]
organizations = ["MHUGLab"]
mute = ["jailbreak"]
"""


def configured(site: Path, language: str = "ko") -> Settings:
    """The settings of a site configured as a reader would, read from its dailypapers.toml."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "dailypapers.toml").write_text(CONFIG.format(language=language), encoding="utf-8")
    return load_settings(site, environ={})


def collect_site(site: Path, hub: ReplayHub, settings: Settings) -> CollectResult:
    with Store(site / ".dailypapers" / "papers.db") as store:
        result = collect(site_context(site, store, settings), DAYS, fast_client(hub.url), clock=CLOCK)
    assert result.ok, result.failed
    return result


@pytest.fixture
def reader_hub(replay: Callable[..., ReplayHub]) -> ReplayHub:
    return replay(day_entries)


def read(site: Path, relative: Path | str) -> str:
    return (site / relative).read_text(encoding="utf-8")


# --- the replay hub serves every field ---------------------------------------------------


def test_replay_hub_serves_every_field_of_the_sample_entry(reader_hub: ReplayHub) -> None:
    served = fast_client(reader_hub.url).fetch_day(DAY)
    assert served[0] == SAMPLE  # byte for byte what the Hub sent
    papers, warnings = papers_from_entries(served)
    assert not warnings
    sample = papers[0]
    assert (sample.github_repo, sample.github_stars) == ("https://github.com/marco-garosi/CIRCLE", 9)
    assert (sample.project_page, sample.num_comments) == ("https://circle-lmm.github.io/", 1)
    assert sample.ai_keywords[:2] == ("Vision-Language Models", "Large Multimodal Models")
    assert sample.organization == Organization("MHUGLab", "Multimedia and Human Understanding Group")


# --- goldens -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ko", "en", "ja", "zh"])
def test_configured_post_matches_golden(language: str, site: Path, reader_hub: ReplayHub) -> None:
    """Interests, mutes and links in a daily post (regenerate: UPDATE_GOLDEN=1)."""
    collect_site(site, reader_hub, configured(site, language))
    written = read(site, post_path("daily", DAY))
    golden = EXPECTED / language / f"{DAY}-daily-papers.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


def test_configured_post_reads_as_intended(site: Path, reader_hub: ReplayHub) -> None:
    """What the golden file shows, stated: the rules rather than the bytes."""
    collect_site(site, reader_hub, configured(site))
    post = read(site, post_path("daily", DAY))
    ranking, section = post.split("\n## ⭐ 관심 논문\n")
    assert "Jailbreak" not in post  # both muted papers, whatever their rank
    # The top 3 of the papers left: a diffusion paper (⭐), then two others.
    assert "\n1. ⭐ **Scaling Diffusion Transformers** - 👍 120 · 💬 7\n" in ranking
    assert "\n2. **Reasoning with Long Chains** - 👍 80\n" in ranking
    assert "\n3. **Token Pruning for Vision Encoders** - 👍 64\n" in ranking
    assert "   - 코드: [nv/dit](https://github.com/nv/dit) ★ 12,345\n" in ranking
    assert "   - [프로젝트 페이지](https://example.org/chains?lang=en&v=2)\n" in ranking
    assert r"   - 코드: [under\_score/star\*repo](https://github.com/under_score/star%2Arepo) ★ 0" in ranking
    # Below: the papers of interest with their place (muted papers do not count).
    assert "\n1. ⭐ **Few-Shot Segmentation** - 👍 30 · 💬 1 · 6위\n" in section  # abstract, across spaces
    assert "\n2. ⭐ **Diffusion-Free Image Editing** - 👍 20 · 7위\n" in section  # "Diffusion-" is a word
    sample = "Large Multimodal Models as General In-Context Classifiers"
    assert f"\n3. ⭐ **{sample}** - 👍 10 · 💬 1 · 8위\n" in section
    assert "   - 코드: [marco-garosi/CIRCLE](https://github.com/marco-garosi/CIRCLE) ★ 9\n" in section
    assert "Diffusions of Innovation" not in post  # not a whole word, and below the top 3
    assert "Agents that Browse" not in post
    # A javascript: "repository" is not linked; a hostile project page is, harmlessly.
    assert "javascript" not in post
    project = "https://example.org/edit?q=%7B%7Bx%7D%7D&amp;lt;b%3E%281%29%7C%60%2A_ok_"
    assert f"   - [프로젝트 페이지]({project})\n" in section


def test_without_configuration_nothing_new_shows(site: Path, reader_hub: ReplayHub) -> None:
    collect_site(site, reader_hub, Settings())
    post = read(site, post_path("daily", DAY))
    for new in ("⭐", "💬", "코드", "프로젝트 페이지", "★", "최종"):
        assert new not in post
    assert "A Jailbreak Benchmark" in post  # nothing muted


# --- interests and mutes change no figure ----------------------------------------------------


@pytest.mark.parametrize("language", ["ko", "en"])
def test_interests_and_mutes_change_no_summary_figure(
    language: str, tmp_path: Path, reader_hub: ReplayHub
) -> None:
    plain, mine = tmp_path / "plain", tmp_path / "mine"
    collect_site(plain, reader_hub, Settings(author="lim4349", language=language))
    settings = configured(mine, language)
    collect_site(mine, reader_hub, settings)
    for kind, label in (("weekly", "2026-W10"), ("monthly", "2026-03")):
        # Data files (figures, top papers, keywords, organizations) are the same...
        assert read(mine, summary_data_path(kind, label)) == read(plain, summary_data_path(kind, label))
        assert read(mine, f"assets/img/dailypapers/{kind}-{label}.svg") == read(
            plain, f"assets/img/dailypapers/{kind}-{label}.svg"
        )
        post, plain_post = (read(site, summary_post_path(kind, label, settings)) for site in (mine, plain))
        # ... and so is every figure of the posts: everything but the list of top papers.
        assert post.split("## 🔥")[0] == plain_post.split("## 🔥")[0]
        assert post.split("## 🏷️")[1] == plain_post.split("## 🏷️")[1]
        assert "A Jailbreak Benchmark" in plain_post and "Jailbreak Benchmark" not in post
        assert "⭐ **Scaling Diffusion Transformers**" in post
    for day in DAYS:  # the data files keep every paper, muted or not
        assert read(mine, f"_data/papers/daily-{day}.json") == read(plain, f"_data/papers/daily-{day}.json")


def test_muted_papers_stay_searchable(tmp_path: Path, reader_hub: ReplayHub) -> None:
    site = tmp_path / "site"
    collect_site(site, reader_hub, configured(site))
    found = invoke("search", "jailbreak", "--site", str(site), "--json")
    assert found.exit_code == 0, found.output
    assert {hit["id"] for hit in json.loads(found.output)} == {"2603.00002", "2603.00009"}


def test_matching_takes_whole_words_in_any_case() -> None:
    pattern = word_pattern(["LLM", "in-context learning", "C++"])
    assert pattern is not None
    assert pattern.search("Small llm agents") and pattern.search("In-Context\n  Learning")
    assert pattern.search("written in C++.")
    assert not pattern.search("LLMs") and not pattern.search("in-context learning2")
    assert word_pattern([]) is None


def test_organizations_match_the_organization_only() -> None:
    interests = Interests.from_settings(Settings(interest_organizations=("google",)))
    by_google = Paper("2601.00001", "A", organization=Organization("google", "Google"))
    about_google = Paper("2601.00002", "Beating Google at its own game")
    assert interests.starred(by_google) and not interests.starred(about_google)


def test_a_starred_paper_inside_the_top_gets_no_second_entry() -> None:
    papers = [Paper(f"2601.0000{n}", f"Diffusion {n}", upvotes=10 - n) for n in range(5)]
    selection = select_daily(papers, 3, Interests.from_settings(Settings(interest_keywords=("diffusion",))))
    assert [paper.id for paper in selection.shown] == ["2601.00000", "2601.00001", "2601.00002"]
    assert [place for place, _ in selection.more] == [4, 5]
    assert selection.starred == {paper.id for paper in papers}


def test_notifications_star_interests_and_leave_mutes_out() -> None:
    from dailypapers.notify import message

    papers, _ = papers_from_entries(day_entries(DAY) or [])
    settings = Settings(interest_keywords=("diffusion",), mute=("jailbreak",), notify_top=3)
    text = message(DAY, papers, settings)["text"]
    assert "Jailbreak" not in text
    first = "1. ⭐ <https://huggingface.co/papers/2603.00001|Scaling Diffusion Transformers> - 👍 120"
    assert text.splitlines()[1] == first
    assert text.splitlines()[2].startswith("2. <https://huggingface.co/papers/2603.00003|")


# --- links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://github.com/a/b", "https://github.com/a/b"),
        ("http://example.org/a<c>{{d}}(e)|`\\", "http://example.org/a%3Cc%3E%7B%7Bd%7D%7D%28e%29%7C%60%5C"),
        ("http://example.org/a b", None),  # whitespace: no URL a browser would get from the Hub
        ("https://example.org/%7Bok%7D/100%", "https://example.org/%7Bok%7D/100%25"),
        ("https://example.org/?a=1&b=2&lt;3", "https://example.org/?a=1&b=2&amp;lt;3"),
        ("https://example.org/ü$*'[x]", "https://example.org/%C3%BC%24%2A%27%5Bx%5D"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt://github.com/%0aalert(1)", None),
        ("//github.com/a/b", None),
        ("/relative", None),
        ("https://github.com@evil.example/", None),
        ("https://exa mple.org/", None),
        ("https://example.org/a\nb", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_links_are_shown_and_they_cannot_break_out(url: str | None, link: str | None) -> None:
    assert link_url(url) == link


def test_repository_names() -> None:
    assert repo_name("https://github.com/marco-garosi/CIRCLE") == "marco-garosi/CIRCLE"
    assert repo_name("https://github.com/a/b.git/tree/main") == "a/b"
    assert repo_name("https://gitlab.example/solo") == "gitlab.example/solo"
    # The text names what the link leads to: no GitHub name for another host or a path
    # that climbs out of the repository.
    assert repo_name("https://evil.example/openai/gpt") == "evil.example/openai/gpt"
    assert repo_name("https://github.com/a/b/../../c/d") == "github.com/a/b/../../c/d"
    assert repo_name("https://github.com/a/%2E%2e/c") == "github.com/a/%2E%2e/c"
    assert repo_name("https://WWW.GitHub.com/a/b") == "a/b"


# --- settled rankings -----------------------------------------------------------------------


class SettlingHub:
    """The reader days, with upvotes that grow by ``bonus`` from a given moment (as on the Hub)."""

    def __init__(self) -> None:
        self.bonus = 0

    def __call__(self, day: str) -> list[Any] | None:
        entries = day_entries(day)
        for entry in entries or []:
            entry["paper"]["upvotes"] += self.bonus
        return entries


def run_at(site: Path, hub: ReplayHub, now: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command's `run` at the fixed time ``now`` (DAILYPAPERS_NOW)."""
    env = {**environment(hub.url), "DAILYPAPERS_NOW": now}
    command = [sys.executable, "-m", "dailypapers", "run", "--site", str(site), "--retry-budget", "2", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def fetches(hub: ReplayHub, day: str) -> int:
    return sum(f"date={day}&" in request for request in hub.requests)


def data_file(site: Path, day: str) -> dict[str, Any]:
    return json.loads(read(site, f"_data/papers/daily-{day}.json"))


FINAL_KO = "\n\n이 순위는 7일 뒤 다시 집계한 최종 순위입니다.\n\n## 📊"


@pytest.mark.slow  # six runs of the command (subprocesses) over four weeks of clock
def test_a_day_is_fetched_once_more_when_it_settles_then_final(
    site: Path, replay: Callable[..., ReplayHub]
) -> None:
    source = SettlingHub()
    hub = replay(source)
    first, second = DAYS  # 2026-03-05 settles at 2026-03-12 00:00 UTC, 2026-03-06 a day later
    run_at(site, hub, "2026-03-06T12:00:00Z", "--days", "2")
    assert (fetches(hub, first), fetches(hub, second)) == (1, 1)
    assert not data_file(site, first)["final"] and "최종" not in read(site, post_path("daily", first))
    weekly = summary_data_path("weekly", "2026-W10")
    before = json.loads(read(site, weekly))["total_likes"]

    source.bonus = 100  # upvotes keep coming in the week after
    run_at(site, hub, "2026-03-11T23:59:59Z", "--days", "1")  # a second too early
    assert (fetches(hub, first), fetches(hub, second)) == (1, 1)
    done = run_at(site, hub, "2026-03-12T00:00:00Z", "--days", "1")
    assert "once more for their final ranking: 2026-03-05" in done.stderr
    assert (fetches(hub, first), fetches(hub, second)) == (2, 1)
    assert data_file(site, first)["final"] is True and not data_file(site, second)["final"]
    assert FINAL_KO in read(site, post_path("daily", first))
    assert "최종" not in read(site, post_path("daily", second))
    # The final figures reach the data file and the week's summary.
    assert data_file(site, first)["papers"][0]["likes"] == 160
    # Each paper counts once, at its best in the week: 2603.00001 goes from 120 (2026-03-06) to 160.
    assert json.loads(read(site, weekly))["total_likes"] == before + 40 + 2 * 100

    run_at(site, hub, "2026-03-12T14:00:00Z", "--days", "1")  # the same day, later: not again
    assert (fetches(hub, first), fetches(hub, second)) == (2, 1)
    run_at(site, hub, "2026-03-20T00:15:00Z", "--days", "1")
    assert (fetches(hub, first), fetches(hub, second)) == (2, 2)  # each exactly once
    assert data_file(site, second)["final"] is True and FINAL_KO in read(site, post_path("daily", second))
    run_at(site, hub, "2026-04-01T00:15:00Z", "--days", "1")
    assert (fetches(hub, first), fetches(hub, second)) == (2, 2)

    days = invoke("days", "--site", str(site), "--json")
    assert days.exit_code == 0, days.output
    listed = {row["date"]: row for row in json.loads(days.output)}
    assert listed[first]["final"] and listed[second]["final"]
    assert listed[first]["fetched_at"] == "2026-03-12T00:00:00Z"
    top = {"id": "2603.00001", "title": "Scaling Diffusion Transformers", "upvotes": 220}
    assert listed[second]["top"] == top


def test_a_backfilled_old_day_is_final_at_once(site: Path, reader_hub: ReplayHub) -> None:
    with Store(site / ".dailypapers" / "papers.db") as store:
        clock = lambda: dt.datetime(2026, 3, 13, tzinfo=dt.UTC)  # noqa: E731
        collect(site_context(site, store, Settings()), DAYS, fast_client(reader_hub.url), clock=clock)
    assert data_file(site, "2026-03-06")["final"] and data_file(site, "2026-03-05")["final"]
    assert "This ranking is final" not in read(site, post_path("daily", "2026-03-06"))  # the language's line
    assert FINAL_KO in read(site, post_path("daily", "2026-03-06"))


# --- browsing the archive --------------------------------------------------------------------


@pytest.fixture
def browsed(site: Path, reader_hub: ReplayHub) -> Path:
    collect_site(site, reader_hub, configured(site))
    return site


def search(site: Path, *args: str) -> list[str]:
    result = invoke("search", *args, "--site", str(site), "--json")
    assert result.exit_code == 0, result.output
    return [hit["id"] for hit in json.loads(result.output)]


def test_search_filters(browsed: Path) -> None:
    assert search(browsed, "diffusion") == ["2603.00001", "2603.00008"]  # words, not stems
    assert search(browsed, "diffusion", "--since", "2026-03-06", "--min-upvotes", "20") == [
        "2603.00001",
        "2603.00008",
    ]
    assert search(browsed, "--until", "2026-03-05") == ["2603.00001", "2603.00011", "2603.00012"]
    assert search(browsed, "--org", "deepmind") == ["2603.00011"]  # full name, any case
    assert search(browsed, "--org", "MHUG") == ["2603.00009", "2602.23229"]
    assert search(browsed, "--min-upvotes", "95") == ["2603.00001", "2603.00002"]
    # --starred: the site's [interests], muted papers included (search finds everything).
    starred = ["2603.00001", "2603.00007", "2603.00008", "2603.00009", "2602.23229"]
    assert search(browsed, "--starred") == starred
    assert search(browsed, "--starred", "--org", "mhug", "--limit", "1") == ["2603.00009"]


def test_json_outputs_give_the_organization_or_null_and_the_authors(browsed: Path) -> None:
    """A paper with no organization has ``organization: null`` and its authors, never a
    display string such as ``·5 authors`` in place of a name."""
    found = invoke("search", "--since", "2026-03-01", "--site", str(browsed), "--json")
    assert found.exit_code == 0, found.output
    hits = {hit["id"]: hit for hit in json.loads(found.output)}
    figures = invoke("stats", "--site", str(browsed), "--month", "2026-03", "--json")
    assert figures.exit_code == 0, figures.output
    ranked = {paper["id"]: paper for paper in json.loads(figures.output)["top_papers"]}
    for papers in (hits, ranked):
        assert papers["2603.00007"]["organization"] is None
        sole = papers["2603.00007"]
        assert sole["authors"] == ["Marco Garosi"] and sole["author_count"] == 1
        assert papers["2603.00008"]["organization"] is None and papers["2603.00008"]["author_count"] == 5
        assert papers["2603.00001"]["organization"] == "NVIDIA"
        assert not any("authors" in str(paper["organization"]) for paper in papers.values())


@pytest.mark.parametrize(
    ("language", "one", "two", "many"),
    [
        ("ko", "Jane Doe", "Jane Doe 외 1명", "Jane Doe 외 437명"),
        ("en", "Jane Doe", "Jane Doe et al. (2 authors)", "Jane Doe et al. (438 authors)"),
        ("ja", "Jane Doe", "Jane Doe ほか1名", "Jane Doe ほか437名"),
        ("zh", "Jane Doe", "Jane Doe 等 2 位作者", "Jane Doe 等 438 位作者"),
    ],
)
def test_first_author_and_the_count(language: str, one: str, two: str, many: str) -> None:
    names = ("Jane Doe", *(f"Author {n}" for n in range(2, 439)))
    assert [first_author(language, names[:n]) for n in (1, 2, 438)] == [one, two, many]


def test_authors_without_names_are_counted() -> None:
    assert [first_author(language, (" ", "")) for language in ("ko", "en", "ja", "zh")] == [
        "저자 2명",
        "2 authors",
        "著者2名",
        "2 位作者",
    ]
    assert first_author("en", ("",)) == "1 author"


def test_search_numbers_beyond_any_count_find_nothing_or_everything(browsed: Path) -> None:
    # Past SQLite's 64-bit integers these were an OverflowError reported as a bug.
    huge = "9" * 30
    assert search(browsed, "--min-upvotes", huge) == []
    assert len(search(browsed, "diffusion", "--limit", huge)) == 2


@pytest.mark.parametrize(
    "args",
    [
        ("search", "x", "--since", "2026-03-06", "--until", "2026-03-05"),
        ("days", "--since", "2026-03-06", "--until", "2026-03-05"),
        ("search",),
        ("search", "x", "--min-upvotes", "-1"),
        ("days", "--since", "2026-13-01"),
    ],
)
def test_usage_errors_exit_2(browsed: Path, args: tuple[str, ...]) -> None:
    result = invoke(*args, "--site", str(browsed))
    assert result.exit_code == 2, result.output


def test_days_lists_the_stored_days(browsed: Path) -> None:
    result = invoke("days", "--site", str(browsed))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [
        "2026-03-05    3 papers  open   fetched 2026-03-06T12:00:00Z  👍 60   Scaling Diffusion Transformers",
        "2026-03-06   11 papers  open   fetched 2026-03-06T12:00:00Z  👍 120  Scaling Diffusion Transformers",
    ]
    only = invoke("days", "--site", str(browsed), "--since", "2026-03-06", "--json")
    rows = json.loads(only.output)
    assert [row["date"] for row in rows] == ["2026-03-06"]
    assert rows[0]["papers"] == 11 and rows[0]["final"] is False
    assert rows[0]["crawled_at"] == rows[0]["fetched_at"] == "2026-03-06T12:00:00Z"


# --- the links' escaping, checked (markdown-it standing in for kramdown; tests/test_jekyll.py
# builds the same posts with the real Jekyll) -------------------------------------------------


def hostile_link_settings(language: str) -> Settings:
    return Settings(language=language, links=LINK_KINDS, interest_keywords=("energy", "LaTeX"))


@pytest.mark.parametrize("language", ["ko", "en", "ja", "zh"])
def test_hostile_links_show_exactly(language: str) -> None:
    papers = with_links(hazard_papers(hazard_cases()))
    assert markdown_failures(papers, hostile_link_settings(language)) == []


def test_without_link_escaping_hostile_links_break_the_post() -> None:
    """The check above fails when links go out as the Hub gives them: it can fail."""
    papers = with_links(hazard_papers(hazard_cases()))
    with links_unescaped():
        broken = [
            url
            for index, url in enumerate(HOSTILE_LINKS)
            if markdown_failures([papers[index]], hostile_link_settings("en"))
        ]
    assert len(broken) >= 10, broken  # of 12 (the plain ones and javascript: break nothing)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("links = ['code', 'stars']\n", "links = ['code', 'stars']: unknown link 'stars'"),
        ("[interests]\nkeywords = ['ok', '--']\n", "interests.keywords = ['ok', '--']: '--' has no letter"),
        ("[interests]\nmute = 'jailbreak'\n", None),  # one keyword as a text: accepted
        ("settle_days = 0\n", "settle_days = 0: expected a whole number from 1 to 60"),
    ],
)
def test_reader_settings_are_checked(site: Path, text: str, message: str | None) -> None:
    from dailypapers.errors import ConfigError

    (site / "dailypapers.toml").write_text(text, encoding="utf-8")
    if message is None:
        assert load_settings(site, environ={}).mute == ("jailbreak",)
        return
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(site, environ={})


def test_reader_settings_from_the_environment(site: Path) -> None:
    environ = {
        "DAILYPAPERS_INTERESTS_KEYWORDS": "diffusion, in-context learning",  # comma-separated
        "DAILYPAPERS_LINKS": "comments",
    }
    settings = load_settings(site, environ=environ)
    assert settings.interest_keywords == ("diffusion", "in-context learning")
    assert settings.links == ("comments",)


def test_an_archive_rebuilt_from_the_data_files_keeps_the_final_days_final(
    site: Path, replay: Callable[..., ReplayHub]
) -> None:
    """A day whose data file says final (fetched again once settled, unchanged) stays final in
    an archive rebuilt from the files: its post is the same after `render --all`, and the next
    run does not fetch it again."""
    source = SettlingHub()
    hub = replay(source)
    first = DAYS[0]
    run_at(site, hub, "2026-03-06T12:00:00Z", "--days", "2")
    # 2026-03-05 settles: fetched once more, final, with the same answer (so its crawled_at,
    # the last fetch that changed it, stays before the day settled)
    run_at(site, hub, "2026-03-12T00:00:00Z", "--days", "1")
    assert data_file(site, first)["final"] is True
    post = read(site, post_path("daily", first))
    assert FINAL_KO in post
    (site / ".dailypapers" / "papers.db").unlink()

    env = {**environment(hub.url), "DAILYPAPERS_NOW": "2026-03-12T01:00:00Z"}
    rendered = subprocess.run(
        [sys.executable, "-m", "dailypapers", "render", "--site", str(site), "--all"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    assert "rebuilt it from" in rendered.stderr
    assert read(site, post_path("daily", first)) == post
    asked = fetches(hub, first)
    run_at(site, hub, "2026-03-12T14:00:00Z", "--days", "1")
    assert fetches(hub, first) == asked  # final: not fetched again
