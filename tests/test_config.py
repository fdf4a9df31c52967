"""Settings: precedence, validation, and one test per setting showing its effect."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import DATA, invoke, seed_source
from dailypapers.config import (
    DEFAULT_SETTINGS,
    SETTINGS,
    Setting,
    Settings,
    build_settings,
    load_settings,
    setting_value,
)
from dailypapers.errors import ConfigError
from dailypapers.replay import Fault, FaultPlan, ReplayHub
from hostile import HostileHub, dripping, gzip_answer
from test_mail import Inbox, certificate, inbox, tls_server  # noqa: F401 (fixtures)

DAY = "2026-02-05"  # a seed day: 10+ papers


def invoke_in(site: Path, *args: str) -> Result:
    return invoke(*args, "--site", str(site), catch_exceptions=False)


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, seed_hub: ReplayHub) -> ReplayHub:
    monkeypatch.setenv("HF_ENDPOINT", seed_hub.url)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    for setting in SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    return seed_hub


def configure(site: Path, text: str) -> None:
    (site / "dailypapers.toml").write_text(text, encoding="utf-8")


def run_seed_day(site: Path, *args: str) -> str:
    result = invoke_in(site, "run", "--date", DAY, *args)
    assert result.exit_code == 0, result.output
    return result.output


def daily_post(site: Path, name: str = f"{DAY}-daily-papers.md") -> str:
    return (site / "_posts" / name).read_text(encoding="utf-8")


# --- precedence and validation --------------------------------------------------------------


def test_flag_beats_environment_beats_file_beats_default(site: Path) -> None:
    assert load_settings(site, environ={}).author is None
    configure(site, 'author = "file"\n')
    assert load_settings(site, environ={}).author == "file"
    assert load_settings(site, environ={"DAILYPAPERS_AUTHOR": "env"}).author == "env"
    flags = {"author": "flag"}
    assert load_settings(site, flags, environ={"DAILYPAPERS_AUTHOR": "env"}).author == "flag"
    assert load_settings(site, {"author": None}, environ={}).author == "file"  # None: not given


def test_an_empty_webhook_variable_does_not_hide_the_file(site: Path) -> None:
    # The generated workflow sets DAILYPAPERS_NOTIFY_WEBHOOK from a secret: "" when none exists.
    configure(site, 'author = "file"\n[notify]\nwebhook = "https://hooks.example/x"\n')
    settings = load_settings(site, environ={"DAILYPAPERS_NOTIFY_WEBHOOK": ""})
    assert settings.notify_webhook == "https://hooks.example/x"
    assert load_settings(site, environ={"DAILYPAPERS_AUTHOR": ""}).author is None  # elsewhere "" is a value


def test_empty_config_is_the_defaults(site: Path) -> None:
    configure(site, "# nothing set\n")
    assert load_settings(site, environ={}) == Settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("autor = 'x'\n", "unknown setting 'autor'"),
        ("[daily]\ncount = 3\n", "unknown setting 'daily.count'"),
        ("top = 3\n", "unknown setting 'top' (did you mean 'daily.top'?)"),
        (
            "[llm]\nlanguage = 'en'\n",  # `init` leaves [llm] open: a line added at the end is in it
            "unknown setting 'llm.language' (did you mean 'language'? move it above the first [section])",
        ),
        ("[daily]\ntop = 0\n", "daily.top = 0: expected a whole number from 1 to 100"),
        ("[daily]\ntop = '10'\n", None),  # a numeric string is clear enough: accepted
        ("language = 'fr'\n", "language = 'fr': expected one of ko, en, ja, zh"),
        ("timezone = 'Mars/Olympus'\n", "expected an IANA time zone"),
        ("[daily]\ntime = '25:00'\n", "expected a time HH:MM"),
        ("[daily]\nfilename = '../{date}.md'\n", "expected a file name (no directory)"),
        ("[daily]\nfilename = 'papers.md'\n", "expected a pattern using"),
        ("summaries = ['daily']\n", "unknown summary 'daily'"),
        ("author = \n", "dailypapers.toml: "),
    ],
)
def test_bad_settings_are_named_with_their_source(site: Path, text: str, message: str | None) -> None:
    configure(site, text)
    if message is None:
        assert load_settings(site, environ={}).daily.top == 10
        return
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(site, environ={})


def test_bad_environment_value_names_the_variable(site: Path) -> None:
    with pytest.raises(ConfigError, match=r"\$DAILYPAPERS_CONCURRENCY: concurrency = 'many'"):
        load_settings(site, environ={"DAILYPAPERS_CONCURRENCY": "many"})


def test_summaries_are_turned_off_from_the_environment_with_none(site: Path) -> None:
    # "none", as docs/settings.md says, or empty: no summary posts.
    assert load_settings(site, environ={"DAILYPAPERS_SUMMARIES": "none"}).summaries == ()
    assert load_settings(site, environ={"DAILYPAPERS_SUMMARIES": ""}).summaries == ()


def test_a_bad_url_setting_is_named_without_its_password(site: Path) -> None:
    # A server URL may carry credentials (user:password@host): the error names the setting only.
    configure(site, '[llm]\nbase_url = "htps://me:s3cret@llm.example/v1"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(site, environ={})
    assert str(raised.value).endswith("llm.base_url: expected an http:// or https:// URL")
    configure(site, "")
    with pytest.raises(ConfigError) as raised:
        load_settings(site, environ={"DAILYPAPERS_LLM_BASE_URL": "me:s3cret@localhost:11434/v1"})
    assert "s3cret" not in str(raised.value) and "$DAILYPAPERS_LLM_BASE_URL" in str(raised.value)
    configure(site, "[notify]\nwebhook = 3\n")
    with pytest.raises(ConfigError, match=r"notify\.webhook: expected text"):
        load_settings(site, environ={})


def test_cli_reports_a_bad_setting_in_one_line(site: Path, hub_env: ReplayHub) -> None:
    configure(site, "[daily]\ntop = -1\n")
    result = invoke_in(site, "run", "--date", DAY)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert "daily.top = -1" in result.output
    assert hub_env.requests == []  # nothing fetched with bad settings


# --- one test per setting -------------------------------------------------------------------

EFFECTS: dict[str, Callable[..., None]] = {}


def effect(*names: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(test: Callable[..., None]) -> Callable[..., None]:
        for name in names:
            EFFECTS[name] = test
        return test

    return register


@effect("author")
def test_author(site: Path, hub_env: ReplayHub) -> None:
    configure(site, 'author = "someone"\n')
    run_seed_day(site)
    assert "\nauthor: someone\n" in daily_post(site)
    run_seed_day(site, "--author", "")  # an empty option clears it
    assert "author:" not in daily_post(site)


@effect("language")
def test_language(site: Path, hub_env: ReplayHub) -> None:
    configure(site, 'language = "ja"\n')
    run_seed_day(site)
    post = daily_post(site)
    assert post.startswith("---\ntitle: Hugging Face Daily Papers - 2026年2月5日\n")
    assert "categories: [Daily Papers, 日刊]" in post


@effect("timezone")
def test_timezone(site: Path, hub_env: ReplayHub) -> None:
    configure(site, 'timezone = "America/New_York"\n')
    run_seed_day(site)
    assert f"\ndate: {DAY} 09:15:00 -0500\n" in daily_post(site)  # EST in February


@effect("daily.top")
def test_daily_top(site: Path, hub_env: ReplayHub) -> None:
    configure(site, "[daily]\ntop = 3\n")
    run_seed_day(site)
    post = daily_post(site)
    assert "\n3. **" in post and "\n4. **" not in post
    run_seed_day(site, "--top", "5")
    assert "\n5. **" in daily_post(site)


@effect("daily.time")
def test_daily_time(site: Path, hub_env: ReplayHub) -> None:
    configure(site, "[daily]\ntime = '07:30'\n")
    run_seed_day(site)
    assert f"\ndate: {DAY} 07:30:00 +0900\n" in daily_post(site)


@effect("daily.categories", "daily.tags")
def test_daily_categories_and_tags(site: Path, hub_env: ReplayHub) -> None:
    configure(site, "[daily]\ncategories = ['Papers', 'AI: daily']\ntags = ['ml']\n")
    run_seed_day(site)
    post = daily_post(site)
    assert '\ncategories: [Papers, "AI: daily"]\n' in post
    assert "\ntags: [ml]\n" in post


@effect("daily.filename")
def test_daily_filename(site: Path, hub_env: ReplayHub) -> None:
    configure(site, "[daily]\nfilename = '{date}-hf-{year}{month}{day}.md'\n")
    output = run_seed_day(site)
    assert f"_posts/{DAY}-hf-20260205.md" in output
    assert daily_post(site, f"{DAY}-hf-20260205.md").startswith("---\n")


@effect("daily.permalink")
def test_daily_permalink(site: Path, hub_env: ReplayHub) -> None:
    assert "permalink:" not in (run_seed_day(site) and daily_post(site))
    configure(site, "[daily]\npermalink = '/papers/{year}/{month}/{day}/'\n")
    run_seed_day(site)
    assert '\npermalink: "/papers/2026/02/05/"\n' in daily_post(site)


@effect(*(f"{kind}.slug" for kind in ("daily", "weekly", "monthly")))
def test_slugs(site: Path, hub_env: ReplayHub) -> None:
    run_seed_day(site)
    assert "\nslug: daily-papers-2026-02-05\n" in daily_post(site)
    configure(
        site,
        "[daily]\nslug = 'papers-{year}{month}{day}'\npermalink = '/p/{slug}/'\n"
        "[weekly]\nslug = 'week-{week}'\n[monthly]\nslug = 'month-{year}-{month}'\n",
    )
    run_seed_day(site)
    post = daily_post(site)
    assert "\nslug: papers-20260205\n" in post and '\npermalink: "/p/papers-20260205/"\n' in post
    posts = site / "_posts"
    assert "\nslug: week-2026-W06\n" in (posts / "2026-02-02-weekly-papers-summary.md").read_text()
    assert "\nslug: month-2026-02\n" in (posts / "2026-02-01-monthly-papers-summary.md").read_text()
    configure(site, "[daily]\nslug = 'a/b-{date}'\n")
    assert "slug" in invoke_in(site, "run", "--date", DAY).output


@effect("run_days")
def test_run_days(site: Path, hub_env: ReplayHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAILYPAPERS_NOW", "2026-02-10T12:00:00Z")
    configure(site, "run_days = 2\n")
    assert invoke_in(site, "run").exit_code == 0
    assert sorted(path.split("date=")[1][:10] for path in hub_env.requests) == ["2026-02-09", "2026-02-10"]


class CountingHub(ReplayHub):
    """Records the most requests it was answering at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.busy = self.most_busy = 0
        self.guard = threading.Lock()

    def answer(self, path: str, query: dict[str, list[str]]) -> Any:
        import time

        with self.guard:
            self.busy += 1
            self.most_busy = max(self.most_busy, self.busy)
        time.sleep(0.05)
        with self.guard:
            self.busy -= 1
        return super().answer(path, query)


@effect("concurrency")
def test_concurrency(site: Path, monkeypatch: pytest.MonkeyPatch, hub_env: ReplayHub) -> None:
    for setting, expected in (("1", 1), ("4", 4)):
        with CountingHub(seed_source) as hub:
            monkeypatch.setenv("HF_ENDPOINT", hub.url)
            configure(site, f"concurrency = {setting}\n")
            args = ("backfill", "--since", "2026-01-27", "--until", "2026-01-30", "--refresh")
            assert invoke_in(site, *args).exit_code == 0
            assert hub.most_busy <= expected
            if expected == 1:
                assert hub.most_busy == 1
    assert hub.most_busy > 1  # four at once did overlap


@effect("retry_budget")
def test_retry_budget(site: Path, monkeypatch: pytest.MonkeyPatch, replay: Callable[..., ReplayHub]) -> None:
    failing = replay(seed_source)
    failing.answer = lambda path, query: (503, {"error": "down"})  # type: ignore[method-assign]
    monkeypatch.setenv("HF_ENDPOINT", failing.url)
    configure(site, "retry_budget = 0\n")
    result = invoke_in(site, "run", "--date", DAY)
    assert result.exit_code == 1
    assert len(failing.requests) == 1  # no budget: no retry
    assert "HTTP 503 after 1 try;" in result.output


@effect("request_deadline")
def test_request_deadline(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = json.dumps(seed_source(DAY)).encode()
    # Headers at once, then the body one byte per 10 ms: no read ever waits long, but the
    # whole answer would take minutes.
    with HostileHub(lambda day, request: dripping(body, 0.01)) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        configure(site, "request_deadline = 0.5\nretry_budget = 0\n")
        result = invoke_in(site, "run", "--date", DAY)
    assert result.exit_code == 1  # the answer would take minutes: the message says it was cut off
    assert "no complete answer within 0.5 s after 1 try;" in result.output


@effect("max_response_mb")
def test_max_response_mb(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    padded = [*(seed_source(DAY) or []), {"padding": "x" * (1024 * 1024)}]
    with HostileHub(lambda day, request: gzip_answer(json.dumps(padded).encode())) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        configure(site, "max_response_mb = 1\n")
        result = invoke_in(site, "run", "--date", DAY)
        assert result.exit_code == 1
        assert "the answer is larger than 1 MB (setting max_response_mb)" in result.output
        assert len(hub.requests) == 1  # not retried
        configure(site, "max_response_mb = 2\n")
        assert invoke_in(site, "run", "--date", DAY).exit_code == 0


@effect("database")
def test_database(site: Path, hub_env: ReplayHub) -> None:
    configure(site, "database = 'archive/papers.sqlite'\n")
    run_seed_day(site)
    assert (site / "archive" / "papers.sqlite").is_file()
    assert not (site / ".dailypapers" / "papers.db").exists()


@pytest.fixture
def webhook() -> Iterator[list[dict[str, Any]]]:
    """A local webhook that records the JSON bodies it is sent."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    received.append({"url": f"http://127.0.0.1:{server.server_address[1]}/hook"})
    yield received
    server.shutdown()
    server.server_close()


@effect("notify.webhook", "notify.format", "notify.top")
def test_notify(site: Path, hub_env: ReplayHub, webhook: list[dict[str, Any]]) -> None:
    url = webhook.pop(0)["url"]
    configure(site, f"[notify]\nwebhook = '{url}'\nformat = 'discord'\ntop = 3\n")
    output = run_seed_day(site)
    assert f"Notified discord: {DAY}" in output
    assert len(webhook) == 1
    message = webhook[0]
    assert message["allowed_mentions"] == {"parse": []}
    lines = message["content"].splitlines()
    assert lines[0] == f"**Hugging Face Daily Papers - {DAY}**"
    assert len(lines) == 4 and lines[1].startswith(
        "1. [ERNIE 5.0 Technical Report](<https://huggingface.co/papers/"
    )
    run_seed_day(site)  # nothing changed: no second message
    assert len(webhook) == 1
    (site / "_posts" / f"{DAY}-daily-papers.md").unlink()
    configure(site, f"[notify]\nwebhook = '{url}'\n")  # slack is the default format
    run_seed_day(site)
    assert webhook[1]["text"].startswith(f"*Hugging Face Daily Papers - {DAY}*\n1. <https://")
    assert len(webhook[1]["text"].splitlines()) == 6  # notify.top defaults to 5


SUMMARY_FILES = {
    "weekly": "2026-02-02-weekly-papers-summary.md",
    "monthly": "2026-02-01-monthly-papers-summary.md",
}


@effect(*(f"{kind}.{key}" for kind in SUMMARY_FILES for key in ("top", "time", "categories", "tags")))
@pytest.mark.parametrize("kind", sorted(SUMMARY_FILES))
def test_summary_post_settings(site: Path, hub_env: ReplayHub, kind: str) -> None:
    configure(site, f"[{kind}]\ntop = 2\ntime = '18:00'\ncategories = ['Digest']\ntags = ['{kind}-tag']\n")
    run_seed_day(site)
    post = daily_post(site, SUMMARY_FILES[kind])
    ranking = top_papers(post)
    assert "\n2. **" in ranking and "\n3. **" not in ranking
    first_day = SUMMARY_FILES[kind][:10]
    assert f"\ndate: {first_day} 18:00:00 +0900\ncategories: [Digest]\ntags: [{kind}-tag]\n" in post
    other = daily_post(site, SUMMARY_FILES["weekly" if kind == "monthly" else "monthly"])
    assert "\n3. **" in top_papers(other)  # the other kind keeps its defaults


def top_papers(post: str) -> str:
    """The "most upvoted papers" section of a summary post."""
    return post.split("\n## 🔥", 1)[1].split("\n## ", 1)[0]


@effect(*(f"{kind}.{key}" for kind in SUMMARY_FILES for key in ("filename", "permalink")))
@pytest.mark.parametrize("kind", sorted(SUMMARY_FILES))
def test_summary_file_names(site: Path, hub_env: ReplayHub, kind: str) -> None:
    configure(
        site,
        f"[{kind}]\nfilename = '{{date}}-{{week}}-summary.md'\npermalink = '/{kind}/{{year}}-{{month}}/'\n",
    )
    run_seed_day(site)
    assert not (site / "_posts" / SUMMARY_FILES[kind]).exists()
    post = daily_post(site, f"{SUMMARY_FILES[kind][:10]}-2026-W0{6 if kind == 'weekly' else 5}-summary.md")
    assert f'\npermalink: "/{kind}/2026-02/"\n' in post


@effect("summaries")
def test_summaries(site: Path, hub_env: ReplayHub) -> None:
    configure(site, "summaries = ['monthly']\n")
    run_seed_day(site)
    assert (site / "_posts" / SUMMARY_FILES["monthly"]).is_file()
    assert not (site / "_posts" / SUMMARY_FILES["weekly"]).exists()
    configure(site, "summaries = []\n")
    (site / "_posts" / SUMMARY_FILES["monthly"]).unlink()
    run_seed_day(site)
    assert sorted(path.name for path in (site / "_posts").iterdir()) == [f"{DAY}-daily-papers.md"]


@effect("interests.keywords", "interests.organizations", "interests.mute")
def test_interests(site: Path, hub_env: ReplayHub) -> None:
    configure(
        site,
        "[daily]\ntop = 3\n[interests]\nkeywords = ['sparse attention']\n"
        "organizations = ['shanghai-ailab']\nmute = ['ernie']\n",
    )
    run_seed_day(site)
    post = daily_post(site)
    ranking, interests = post.split("\n## ⭐ 관심 논문\n")
    assert "ERNIE" not in post  # muted: the top 3 are the next three
    assert "\n1. ⭐ **FASA: Frequency-aware Sparse Attention** - 👍 97\n" in ranking
    assert "\n2. **WideSeek-R1" in ranking and "\n3. **Training Data" in ranking
    assert "\n4. " not in ranking
    # Below the top 3, each with its place in the day's ranking (muted papers not counted).
    assert "\n1. ⭐ **HySparse: A Hybrid Sparse Attention" in interests and " · 5위\n" in interests
    assert "\n2. ⭐ **SoMA: A Real-to-Sim" in interests and " · 8위\n" in interests
    assert "\n3. " not in interests
    data = json.loads((site / "_data/papers/daily-2026-02-05.json").read_text(encoding="utf-8"))
    assert "ERNIE 5.0 Technical Report" in [paper["title"] for paper in data["papers"]]  # kept


@effect("links")
def test_links(site: Path, hub_env: ReplayHub) -> None:
    run_seed_day(site)
    assert "코드" not in daily_post(site) and "프로젝트 페이지" not in daily_post(site)
    configure(site, "links = ['code', 'project']\n")
    run_seed_day(site)
    post = daily_post(site)
    repo = "https://github.com/JinYuanLi0012/Balanced-Info-MPRM"
    assert f"\n   - 코드: [JinYuanLi0012/Balanced-Info-MPRM]({repo})\n" in post
    assert "\n   - [프로젝트 페이지](https://wideseek-r1.github.io/)\n" in post
    configure(site, "links = ['comments']\n")
    run_seed_day(site)
    assert "코드" not in daily_post(site)


@effect("settle_days")
def test_settle_days(site: Path, hub_env: ReplayHub, monkeypatch: pytest.MonkeyPatch) -> None:
    final_line = "이 순위는 7일 뒤 다시 집계한 최종 순위입니다."
    monkeypatch.setenv("DAILYPAPERS_NOW", "2026-02-05T14:45:00Z")
    run_seed_day(site)
    assert "최종 순위" not in daily_post(site)
    monkeypatch.setenv("DAILYPAPERS_NOW", "2026-02-13T00:00:00Z")  # 8 days after the day began
    configure(site, "settle_days = 10\n")
    hub_env.requests.clear()
    assert invoke_in(site, "run", "--date", "2026-02-13").exit_code == 0
    assert hub_env.requests == ["/api/daily_papers?date=2026-02-13&p=0&limit=100"]  # not settled yet
    assert "최종 순위" not in daily_post(site)
    configure(site, "")  # settle_days = 7: the day is settled now
    assert invoke_in(site, "run", "--date", "2026-02-13").exit_code == 0
    assert f"date={DAY}&" in hub_env.requests[-1] or f"date={DAY}&" in hub_env.requests[-2]
    assert f"\n\n{final_line}\n\n## 📊" in daily_post(site)


def test_every_setting_has_an_effect_test() -> None:
    untested = {setting.name for setting in SETTINGS} - set(EFFECTS)
    assert not untested, f"settings without a test of their effect: {sorted(untested)}"


@effect("organization_fallback")
def test_organization_fallback(site: Path, hub_env: ReplayHub) -> None:
    run_seed_day(site)
    assert "   - 기관: ·438 authors\n" in daily_post(site)  # the original format, by default
    configure(site, 'organization_fallback = "first_author"\n')
    run_seed_day(site)
    post = daily_post(site)
    assert "·438 authors" not in post and re.search(r"\n   - 저자: \S[^\n]* 외 437명\n", post)


@effect("feeds")
def test_feeds(site: Path, hub_env: ReplayHub) -> None:
    run_seed_day(site)
    assert not (site / "feeds").exists()  # off by default: the seed format
    configure(site, "feeds = true\n")
    run_seed_day(site)
    feed = (site / "feeds" / "papers.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 10 and (site / "feeds" / "starred.xml").is_file()


@effect("search")
def test_search(site: Path, hub_env: ReplayHub) -> None:
    run_seed_day(site)
    assert not (site / "assets" / "dailypapers").exists()  # off by default: the seed format
    configure(site, "search = true\n")
    run_seed_day(site)
    index = json.loads((site / "assets/dailypapers/search/index.json").read_text(encoding="utf-8"))
    assert [shard["papers"] for shard in index["shards"]] == [
        len(
            json.loads(
                (site / "assets/dailypapers/search" / index["shards"][0]["file"]).read_text(encoding="utf-8")
            )["papers"]
        )
    ] and index["shards"][0]["papers"] >= 10
    assert (site / "_includes" / "dailypapers-search.html").is_file()


@effect("bibtex")
def test_bibtex(site: Path, hub_env: ReplayHub) -> None:
    run_seed_day(site)
    assert not (site / "bib").exists() and "bib" not in daily_post(site)
    configure(site, "bibtex = true\n")
    run_seed_day(site)
    assert (site / "bib" / f"daily-{DAY}.bib").read_text(encoding="utf-8").count("@misc{") == 10
    assert f"{{{{ '/bib/daily-{DAY}.bib' | relative_url }}}}" in daily_post(site)


@effect("paper_info")
def test_paper_info(site: Path, hub_env: ReplayHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAILYPAPERS_NOW", "2026-02-05T14:45:00Z")
    run_seed_day(site)
    monkeypatch.setenv("DAILYPAPERS_NOW", "2026-02-13T00:00:00Z")  # the day settles
    assert invoke_in(site, "run", "--date", "2026-02-13").exit_code == 0
    assert "🤗" not in daily_post(site)  # off by default: the seed format, nothing asked
    assert not [path for path in hub_env.requests if path.startswith("/api/papers/")]
    configure(site, "paper_info = true\n")
    run_seed_day(site)  # fetched again and settled: its shown papers are asked about, once
    asked = [path for path in hub_env.requests if path.startswith("/api/papers/")]
    assert len(asked) == len(set(asked)) == 10
    assert "   - 🤗 [" in daily_post(site)  # the replay hub's generated answers link models


@effect("email.host", "email.port", "email.from", "email.to", "email.schedule")
def test_email(
    site: Path,
    hub_env: ReplayHub,
    inbox: Inbox,  # noqa: F811
    tls_server: int,  # noqa: F811
    certificate: tuple[Path, Path],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    assert "Email" not in run_seed_day(site)  # off by default
    configure(
        site,
        f'[email]\nhost = "127.0.0.1"\nport = {tls_server}\nfrom = "a@example.org"\nto = ["b@example.org"]\n'
        'schedule = "run"\n',
    )
    assert "Emailed 10 new papers to b@example.org" in run_seed_day(site)
    assert [(m["From"], m["To"]) for m in inbox.messages] == [("a@example.org", "b@example.org")]


@effect("math")
def test_math(site: Path, hub_env: ReplayHub) -> None:
    run_seed_day(site)
    assert r"2.56$\times$ speedup" in daily_post(site)  # raw by default
    configure(site, 'math = "text"\n')
    run_seed_day(site)
    assert "2.56× speedup" in daily_post(site) and "math: true" not in daily_post(site)
    configure(site, 'math = "mathjax"\n')
    run_seed_day(site)
    assert r"2.56$$\times$$ speedup" in daily_post(site) and "\nmath: true\n" in daily_post(site)


@effect("ai_summary")
def test_ai_summary(site: Path, hub_env: ReplayHub, monkeypatch: pytest.MonkeyPatch, replay: Any) -> None:
    # The recorded days predate the Hub's ai_summary; the sample entry has one, with keywords.
    sample = json.loads((DATA / "sample_entry.json").read_text(encoding="utf-8"))
    sample["paper"]["upvotes"] = 1000  # first in the post
    hub = replay(lambda day: [sample, *(seed_source(day) or [])])
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    run_seed_day(site)
    assert "HF AI 요약" not in daily_post(site)  # off by default: the seed format
    configure(site, "ai_summary = true\n")
    run_seed_day(site)
    post = daily_post(site)
    paper = sample["paper"]
    assert f"   - HF AI 요약: {paper['ai_summary']}\n" in post
    assert "   - 키워드: " + ", ".join(f"`{k}`" for k in paper["ai_keywords"]) + "\n" in post
    # The weekly keyword section counts the keywords the papers show.
    weekly = daily_post(site, SUMMARY_FILES["weekly"])
    section = weekly.split("## 🏷️", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\d+\. `([^`]+)` - \d+회$", section, re.MULTILINE)
    assert sorted(listed) == sorted(paper["ai_keywords"])
    assert "   - 키워드: `Vision-Language Models`, " in weekly  # its top paper shows them too


def configure_model(site: Path, hub: ReplayHub, extra: str = "") -> None:
    configure(site, f'[llm]\nbase_url = "{hub.url}/v1"\nmodel = "replay-model"\n{extra}')


@effect("llm.base_url", "llm.model")
def test_llm_model(site: Path, hub_env: ReplayHub) -> None:
    configure(site, '[llm]\nmodel = "replay-model"\n')  # a model without a server: nothing asked
    run_seed_day(site)
    assert hub_env.chat_requests == [] and "   - 요약: " not in daily_post(site)
    configure_model(site, hub_env)
    output = run_seed_day(site)
    assert "Summaries: 10 made, 0 reused, 0 failed" in output
    assert daily_post(site).count("   - 요약: \\[replay-model] ") == 10
    assert {request.body["model"] for request in hub_env.chat_requests} == {"replay-model"}


@effect("llm.budget")
def test_llm_budget(site: Path, hub_env: ReplayHub) -> None:
    configure_model(site, hub_env, "budget = 3\n")
    assert "Summaries: 3 made, 0 reused, 0 failed, 7 left for the next run" in run_seed_day(site)
    assert "Summaries: 3 made, 3 reused, 0 failed, 4 left for the next run" in run_seed_day(site)
    assert len(hub_env.chat_requests) == 6


@effect("llm.concurrency")
def test_llm_concurrency(site: Path, hub_env: ReplayHub) -> None:
    busy, most, lock = [0], [0], threading.Lock()

    def slow_answer(messages: list[dict[str, Any]], model: str) -> str:
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        time.sleep(0.2)  # long enough for every concurrent request to arrive meanwhile
        with lock:
            busy[0] -= 1
        return "A summary."

    hub_env.chat = slow_answer
    configure_model(site, hub_env, "concurrency = 1\n")
    run_seed_day(site)
    assert most[0] == 1
    configure(site, f'[llm]\nbase_url = "{hub_env.url}/v1"\nmodel = "other-model"\nconcurrency = 4\n')
    run_seed_day(site)
    assert most[0] == 4


@effect("llm.timeout")
def test_llm_timeout(site: Path, hub_env: ReplayHub) -> None:
    hub_env.chat_plan = FaultPlan(rate=1.0, kinds=[Fault.SLOW], slow_seconds=3.0)
    configure_model(site, hub_env, "timeout = 0.3\nconcurrency = 1\n")
    output = run_seed_day(site)
    # Each answer comes after 3 s: three failures within the timeout, then it stops asking.
    assert "Summaries: 0 made, 0 reused, 3 failed, 7 left for the next run" in output
    assert "did not answer within 0.3 s" in output


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_every_setting_name_reads_its_field(setting: Setting) -> None:
    default = setting_value(DEFAULT_SETTINGS, setting.name)
    assert setting_value(build_settings({setting.name: default}), setting.name) == default


def test_a_setting_value_comes_from_its_own_field() -> None:
    settings = build_settings({"daily.top": 5, "weekly.top": 7, "notify.top": 3, "llm.model": "m"})
    assert [
        setting_value(settings, name) for name in ("daily.top", "weekly.top", "notify.top", "llm.model")
    ] == [
        5,
        7,
        3,
        "m",
    ]
