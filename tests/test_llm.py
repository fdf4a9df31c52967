"""Language-model summaries against the replay hub's stand-in chat-completions endpoint.

The real command and the real model client (through dailypapers.http) talk to the stand-in on
127.0.0.1: one request per shown paper on the first run and none on a rerun or a render;
a failing model leaves complete posts (exit 0) that the next run completes; the configured
key, never the Hugging Face token, goes to the model's server.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from archive_rows import model_summary_count
from conftest import DATA, invoke, seed_source
from dailypapers.llm import NO_KEY, ModelClient, SummaryKey, clean_answer
from dailypapers.replay import Fault, FaultPlan, ReplayHub, stand_in_answer
from dailypapers.store import Store
from hostile import HostileHub, raw_answer

DAY = "2026-02-05"
POST = f"_posts/{DAY}-daily-papers.md"
SENTINEL = "hf_SENTINEL_token_never_sent"
GOLDEN = (DATA / "expected" / f"{DAY}-daily-papers.md").read_text(encoding="utf-8")


@pytest.fixture
def hub() -> Any:
    with ReplayHub(seed_source) as started:
        yield started


def configure(site: Path, hub: ReplayHub, extra: str = "", model: str = "replay-model") -> None:
    (site / "dailypapers.toml").write_text(
        f'author = "lim4349"\n[llm]\nbase_url = "{hub.url}/v1"\nmodel = "{model}"\n{extra}', encoding="utf-8"
    )


def run(site: Path, hub: ReplayHub, *args: str, key: str | None = None) -> Result:
    env = {"HF_TOKEN": SENTINEL, "DAILYPAPERS_LLM_API_KEY": key, "DAILYPAPERS_NOW": "2026-02-06T01:00:00Z"}
    command = args or ("run", "--date", DAY)
    return invoke(*command, "--site", str(site), endpoint=hub.url, env=env, catch_exceptions=False)


def post(site: Path) -> str:
    return (site / POST).read_text(encoding="utf-8")


def summary_lines(text: str) -> list[str]:
    return re.findall(r"^   - 요약: .*$", text, re.MULTILINE)


def test_one_request_per_shown_paper_then_none(site: Path, hub: ReplayHub) -> None:
    configure(site, hub)
    first = run(site, hub)
    assert first.exit_code == 0, first.output
    assert "Summaries: 10 made, 0 reused, 0 failed" in first.output
    # The daily post, its week and its month show the same ten papers: ten requests in all.
    asked = [request.messages[-1]["content"] for request in hub.chat_requests]
    assert len(asked) == 10 and len(set(asked)) == 10
    assert len(summary_lines(post(site))) == 10
    weekly = (site / "_posts" / "2026-02-02-weekly-papers-summary.md").read_text(encoding="utf-8")
    assert len(summary_lines(weekly)) == 10
    again = run(site, hub)
    assert "Summaries: 0 made, 10 reused, 0 failed" in again.output
    assert f"unchanged  {POST}" in again.output
    rendered = run(site, hub, "render", "--all")
    assert rendered.exit_code == 0 and "Summaries" not in rendered.output
    assert len(hub.chat_requests) == 10  # neither the rerun nor render asked again


def test_the_summary_is_in_the_archive_under_paper_language_model_and_prompt(
    site: Path, hub: ReplayHub
) -> None:
    configure(site, hub, "budget = 2\n")
    run(site, hub)
    with Store(site / ".dailypapers" / "papers.db") as store:
        assert model_summary_count(store) == 2
    # Another model, language or prompt is another summary; the first stay stored.
    configure(site, hub, "budget = 2\n", model="other-model")
    assert "Summaries: 2 made, 0 reused" in run(site, hub).output
    (site / "dailypapers.toml").write_text(
        (site / "dailypapers.toml")
        .read_text(encoding="utf-8")
        .replace('author = "lim4349"', 'language = "en"'),
        encoding="utf-8",
    )
    assert "Summaries: 2 made, 0 reused" in run(site, hub).output
    prompt = site / "_dailypapers" / "templates" / "en" / "summary_prompt.j2"
    prompt.parent.mkdir(parents=True)
    prompt.write_text("Summarise in one sentence: {{ paper.title }}\n", encoding="utf-8")
    assert "Summaries: 2 made, 0 reused" in run(site, hub).output
    assert hub.chat_requests[-1].messages == [
        {
            "role": "user",
            "content": "Summarise in one sentence: " + hub.chat_requests[-1].messages[0]["content"][27:],
        }
    ]
    with Store(site / ".dailypapers" / "papers.db") as store:
        assert model_summary_count(store) == 8


def test_a_failing_model_leaves_a_complete_post_and_the_next_run_fills_it_in(
    site: Path, hub: ReplayHub
) -> None:
    hub.chat_plan = FaultPlan(rate=1.0, kinds=[Fault.SERVER_ERROR])
    configure(site, hub, "concurrency = 1\n")
    failed = run(site, hub)
    assert failed.exit_code == 0, failed.output
    assert "Summaries: 0 made, 0 reused, 3 failed, 7 left for the next run" in failed.output
    assert "failed: HTTP 500" in failed.output and "the next run asks for them again" in failed.output
    assert post(site) == GOLDEN  # the complete post, exactly as without a model
    assert len(hub.chat_requests) == 3  # it stopped asking after three failures in a row
    hub.chat_plan = FaultPlan()
    filled = run(site, hub)
    assert filled.exit_code == 0 and "Summaries: 10 made, 0 reused, 0 failed" in filled.output
    assert f"  updated  {POST}" in filled.output
    assert len(summary_lines(post(site))) == 10


@pytest.mark.parametrize(
    "fault", [Fault.RESET, Fault.TRUNCATED, Fault.HTML, Fault.EMPTY, Fault.BAD_ENTRIES, Fault.RATE_LIMITED]
)
def test_any_bad_answer_is_a_failed_summary_not_a_failed_run(
    site: Path, hub: ReplayHub, fault: Fault
) -> None:
    hub.chat_plan = FaultPlan(requests={0: fault})
    configure(site, hub, "concurrency = 1\n")
    done = run(site, hub)
    assert done.exit_code == 0, done.output
    assert "Summaries: 9 made, 0 reused, 1 failed" in done.output
    assert len(summary_lines(post(site))) == 9


def test_authorization_carries_the_configured_key_never_the_hub_token(site: Path, hub: ReplayHub) -> None:
    configure(site, hub, "budget = 2\n")
    run(site, hub, key="sk-configured-key")
    assert [request.authorization for request in hub.chat_requests] == ["Bearer sk-configured-key"] * 2
    configure(site, hub, "budget = 2\n", model="no-key-model")
    run(site, hub)  # no key set: an explicit placeholder, not the saved Hugging Face token
    assert [request.authorization for request in hub.chat_requests[2:]] == [f"Bearer {NO_KEY}"] * 2
    assert all(SENTINEL not in str(request) for request in hub.chat_requests)


def test_a_server_quoting_the_key_back_does_not_get_it_printed(site: Path, hub: ReplayHub) -> None:
    hub.chat_plan = FaultPlan(rate=1.0, kinds=[Fault.UNAUTHORIZED])
    configure(site, hub)
    done = run(site, hub, key="sk-secret-key")
    assert done.exit_code == 0 and "HTTP 401" in done.output
    assert "sk-secret-key" not in done.output


def test_a_dry_run_asks_no_model(site: Path, hub: ReplayHub) -> None:
    configure(site, hub)
    done = run(site, hub, "run", "--date", DAY, "--dry-run")
    assert done.exit_code == 0 and "Summaries: none asked for in a dry run" in done.output
    assert hub.chat_requests == []


def test_hostile_answers_are_escaped_like_hub_text(site: Path, hub: ReplayHub) -> None:
    hub.chat = lambda messages, model: (
        "{{ site.title }} {% raw %} <script>x</script> | a | b |\n```\ncode\n```"
    )
    configure(site, hub, "budget = 1\n")
    run(site, hub)
    [line] = summary_lines(post(site))
    shown = r"&#123;{ site.title }} &#123;% raw %} \<script>x\</script> \| a \| b \| \`\`\` code \`\`\`"
    assert line == "   - 요약: " + shown


def test_model_client_reads_the_answer_and_bounds_the_wait(hub: ReplayHub) -> None:
    client = ModelClient(f"{hub.url}/v1", "m", timeout=5)
    assert client.complete([{"role": "user", "content": "Abstract: One. Two. Three."}]) == "[m] One. Two."
    hub.chat_plan = FaultPlan(requests={1: Fault.SLOW}, slow_seconds=2.0)
    slow = ModelClient(f"{hub.url}/v1", "m", timeout=0.2)
    with pytest.raises(Exception, match=r"did not answer within 0\.2 s"):
        slow.complete([{"role": "user", "content": "x"}])


class Scans:
    """A tag pattern of llm's that records how many characters each search went over."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.scanned: list[int] = []

    def search(self, text: str, position: int = 0) -> re.Match[str] | None:
        found = self.pattern.search(text, position)
        self.scanned.append((found.end() if found else len(text)) - position)
        return found


@pytest.mark.parametrize(
    "answer",
    [
        "<think>" * 40_000,  # unclosed: a regular expression took 30 s over this, holding the interpreter
        "<think>a</think>" * 20_000,
        "</think>" * 20_000 + "<think>" * 20_000,
        ("x" * 50 + "<think>") * 2_000 + "</think>",
    ],
    ids=["unclosed", "closed", "closings first", "one closing at the end"],
)
def test_reasoning_is_dropped_in_one_pass_over_the_answer(
    monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    # Linear time as a count, not a clock: the tag searches together go over each character
    # at most twice (an opening search, then a closing one), whatever the answer.
    import dailypapers.llm as llm

    opening, closing = Scans(llm._THINK_OPEN), Scans(llm._THINK_CLOSE)
    monkeypatch.setattr(llm, "_THINK_OPEN", opening)
    monkeypatch.setattr(llm, "_THINK_CLOSE", closing)
    llm._drop_thinking(answer)
    assert opening.scanned, "the tags are no longer found by _THINK_OPEN: update this test"
    assert sum(opening.scanned) + sum(closing.scanned) <= 2 * len(answer)


def test_answers_are_cleaned_of_reasoning_and_bounded() -> None:
    assert clean_answer("<think>\nlet me see\n</think>\n\nIt works.\nWell.") == "It works. Well."
    assert clean_answer("A <THINK>x</think>B <think>y</Think> C <think>open") == "A B C <think>open"
    assert clean_answer("<think>" * 40_000).startswith("<think><think>")
    long = "A sentence. " * 200
    assert len(clean_answer(long)) <= 1200 and clean_answer(long).endswith(".")


def test_the_stand_in_answers_from_the_abstract_line() -> None:
    messages = [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "Q\n초록: 첫 문장. 둘째! 셋째."},
    ]
    assert stand_in_answer(messages, "m") == "[m] 첫 문장. 둘째!"
    assert SummaryKey("ko", "m", "p") == SummaryKey("ko", "m", "p")


def test_the_demo_shows_summaries_offline(tmp_path: Path) -> None:
    site = tmp_path / "demo"
    first = invoke("demo", "--site", str(site), env={"HF_TOKEN": SENTINEL})
    assert first.exit_code == 0, first.output
    made = re.search(
        r"Summaries: (\d+) made, 0 reused, 0 failed \(by the replay hub's stand-in model\)", first.output
    )
    assert made and int(made.group(1)) >= 50
    daily = (site / POST).read_text(encoding="utf-8")
    assert len(summary_lines(daily)) == 10 and "   - 요약: \\[replay-stand-in] " in daily
    again = invoke("demo", "--site", str(site))
    assert f"Summaries: 0 made, {made.group(1)} reused, 0 failed" in again.output
    assert "created" not in again.output and "updated" not in again.output


def test_init_turns_on_the_recommended_set(tmp_path: Path) -> None:
    import tomllib

    from dailypapers.config import load_settings
    from dailypapers.init import init_site
    from sites import chirpy_site

    plain = tmp_path / "plain"
    init_site(plain)
    text = (plain / "dailypapers.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["llm"] == {}  # an [llm] section to fill in
    assert "\n[llm]\n" in text and '\n# base_url = ""\n' in text
    settings = load_settings(plain, environ={})
    assert (settings.math, settings.ai_summary, settings.llm_base_url) == ("text", True, None)
    workflow = (plain / ".github" / "workflows" / "dailypapers.yml").read_text(encoding="utf-8")
    assert "DAILYPAPERS_LLM_API_KEY: ${{ secrets.DAILYPAPERS_LLM_API_KEY }}" in workflow

    # The chirpy-starter's Gemfile, or `theme: jekyll-theme-chirpy` in _config.yml.
    chirpy = chirpy_site(tmp_path / "chirpy")
    (chirpy / "Gemfile").write_text('source "https://rubygems.org"\ngem "jekyll-theme-chirpy", "~> 7.2"\n')
    result = init_site(chirpy)
    assert load_settings(chirpy, environ={}).math == "mathjax"
    assert 'math = "mathjax", for the Chirpy theme' in result.notes
    themed = chirpy_site(tmp_path / "themed")
    config = (themed / "_config.yml").read_text(encoding="utf-8")
    (themed / "_config.yml").write_text(config + "theme: jekyll-theme-chirpy\n", encoding="utf-8")
    init_site(themed)
    assert load_settings(themed, environ={}).math == "mathjax"


def test_an_archive_rebuilt_from_the_data_files_keeps_the_summaries(site: Path, hub: ReplayHub) -> None:
    import json
    import shutil

    configure(site, hub)
    run(site, hub)
    data = json.loads((site / "_data" / "papers" / f"daily-{DAY}.json").read_text(encoding="utf-8"))
    kept = data["model_summaries"]
    assert len(kept) == 10 and {record["model"] for record in kept} == {"replay-model"}
    shutil.rmtree(site / ".dailypapers")  # as with `init --ignore-db`: each run rebuilds it
    again = run(site, hub)
    assert "Summaries: 0 made, 10 reused, 0 failed" in again.output
    assert len(hub.chat_requests) == 10
    assert f"unchanged  {POST}" in again.output
    assert invoke("import", "--site", str(site)).exit_code == 0


def test_without_a_model_the_data_file_has_no_summary_key(site: Path, hub: ReplayHub) -> None:
    run(site, hub)
    assert "model_summaries" not in (site / "_data" / "papers" / f"daily-{DAY}.json").read_text()


def test_credentials_in_the_server_url_are_never_printed(hub: ReplayHub) -> None:
    url = hub.url.replace("http://", "http://user:secret-password@") + "/v1"
    hub.chat_plan = FaultPlan(requests={0: Fault.SERVER_ERROR})
    with pytest.raises(Exception) as failure:
        ModelClient(url, "m", timeout=5).complete([{"role": "user", "content": "x"}])
    assert "secret-password" not in str(failure.value) and "***@" in str(failure.value)


def test_ctrl_c_while_the_model_writes_keeps_the_post_and_exits_130(site: Path, hub: ReplayHub) -> None:
    import os
    import signal
    import subprocess
    import sys

    asked, released = threading.Event(), threading.Event()

    def stalled(messages: list[dict[str, Any]], model: str) -> str:
        asked.set()
        released.wait(600)  # a model that never answers before the test ends
        return "never seen"

    hub.chat = stalled
    # The model's deadline is far beyond the wait below: the run can only end by the interrupt.
    configure(site, hub, "concurrency = 1\ntimeout = 3600\n")
    env = {
        **os.environ,
        "HF_ENDPOINT": hub.url,
        "HF_TOKEN": SENTINEL,
        "DAILYPAPERS_NOW": "2026-02-06T01:00:00Z",
    }
    command = [sys.executable, "-m", "dailypapers", "run", "--site", str(site), "--date", DAY]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert asked.wait(60), "the model was never asked"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)  # a bound for a hung run, not a speed
    finally:
        process.kill()
        released.set()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert post(site) == GOLDEN  # written, complete, without the summary it was waiting for


def test_an_answer_with_lone_surrogates_and_controls_is_shown_cleaned(site: Path, hub: ReplayHub) -> None:
    # JSON may escape a lone surrogate ("\ud800"), which no UTF-8 file or archive can hold:
    # it failed the whole run, with no post. Control characters went into the post as they were.
    content = "Fast\ud800 models.\x00\x1b[31m Red\x7f\x9b text.\nDone."
    answer = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
    with HostileHub(lambda day, request: raw_answer(answer.encode("ascii"))) as model:
        (site / "dailypapers.toml").write_text(
            f'[llm]\nbase_url = "{model.url}/v1"\nmodel = "m"\nbudget = 1\n', encoding="utf-8"
        )
        done = run(site, hub)
    assert done.exit_code == 0, done.output
    assert "Summaries: 1 made" in done.output
    # Each control is a space, as everywhere text leaves (dailypapers.text).
    assert summary_lines(post(site)) == ["   - 요약: Fast\ufffd models. \\[31m Red text. Done."]
