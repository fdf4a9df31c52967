"""What came of each paper (setting ``paper_info``): asked of ``/api/papers/{id}`` once, when a
day settles, for each paper its post shows; shown in the final post, the data file and the
weekly and monthly "what came of them" section; bounded against hostile answers."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hypothesis
import lxml.html
import pytest
from hypothesis import strategies as st

from conftest import DATA, invoke, published_files, seed_source
from dailypapers.config import load_settings
from dailypapers.models import PaperInfo
from dailypapers.paperinfo import BadInfo, compact, info_from_answer
from dailypapers.replay import Fault, FaultPlan, ReplayHub
from hostile import HostileHub, Request, Script, dripping, json_answer, raw_answer
from test_invariant import render_differences

DAY = "2026-02-05"  # a seed day: 10 papers
LISTED = "2026-02-05T14:45:00Z"  # the day's first fetch
SETTLED = "2026-02-13T00:00:00Z"  # 8 days after the day began: it settles (settle_days = 7)
GOLDEN = DATA / "expected" / "paper-info"
SAMPLE: dict[str, Any] = json.loads((DATA / "sample_entry.json").read_text(encoding="utf-8"))
SEED = {entry["paper"]["id"]: entry for entry in seed_source(DAY) or []}
REPO = "https://github.com/JinYuanLi0012/Balanced-Info-MPRM"  # the list's only repository that day
# A top 4 and two ⭐ papers below it (HySparse, 6th, "attention"; TIDE, 10th, "agents").
SETTINGS = 'paper_info = true\n[daily]\ntop = 4\n[interests]\nkeywords = ["attention", "agents"]\n'


def answer_for(paper_id: str, models: int = 0, datasets: int = 0, spaces: int = 0, **extra: Any) -> Any:
    """``/api/papers/{id}`` in the Hub's shape: the sample paper's fields, flat, as the endpoint
    sends them, with the day's title, and the linked repositories asked for."""
    answer = copy.deepcopy(SAMPLE["paper"])
    answer.pop("githubRepo"), answer.pop("githubStars")
    answer.update(id=paper_id, title=SEED.get(paper_id, {}).get("title", paper_id))
    answer.update(
        linkedModels=[{"id": f"org/model-{n}", "likes": n} for n in range(min(models, 5))],
        numTotalModels=models,
        linkedDatasets=[{"id": f"org/data-{n}"} for n in range(datasets)],
        numTotalDatasets=datasets,
        linkedSpaces=[{"id": f"org/space-{n}"} for n in range(spaces)],
    )
    answer.update(extra)
    return answer


def seed_answers(paper_id: str) -> Any:
    """A fixed answer per seed paper: some with everything, some with nothing."""
    chosen: dict[str, Any] = {
        "2602.04705": answer_for(
            "2602.04705", 3, 1, 2, githubRepo="https://github.com/ernie/ernie5", githubStars=1234
        ),
        "2602.03152": answer_for("2602.03152", 0, 0, 1),
        "2602.04634": answer_for("2602.04634"),  # nothing came of it
        "2602.04145": answer_for("2602.04145", 12, githubRepo=REPO, githubStars=15678),
        "2602.03560": answer_for("2602.03560", 0, 2, 0),
    }
    return chosen.get(paper_id, answer_for(paper_id, 1))


@pytest.fixture
def env(replay: Callable[..., ReplayHub], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    return {"HF_HUB_DISABLE_TELEMETRY": "1", "DAILYPAPERS_NOW": LISTED}


def with_listed_stars(day: str) -> list[Any] | None:
    """The seed day, with the stars its one repository had when listed."""
    entries = copy.deepcopy(seed_source(day))
    for entry in entries or []:
        if entry["paper"].get("githubRepo") == REPO:
            entry["paper"]["githubStars"] = 5678
    return entries


def run(site: Path, hub: ReplayHub, now: str, *args: str) -> str:
    env = {"HF_HUB_DISABLE_TELEMETRY": "1", "DAILYPAPERS_NOW": now}
    done = invoke("run", "--site", str(site), *args, endpoint=hub.url, env=env)
    assert done.exit_code == 0, done.output
    return done.output


def post(site: Path, name: str = f"{DAY}-daily-papers.md") -> str:
    return (site / "_posts" / name).read_text(encoding="utf-8")


def paper_requests(hub: ReplayHub) -> list[str]:
    return [path for path in hub.requests if path.startswith("/api/papers/")]


def settle(site: Path, hub: ReplayHub) -> str:
    run(site, hub, LISTED, "--date", DAY)
    return run(site, hub, SETTLED, "--date", "2026-02-13")


# --- the Done-when: once, at settle time, one request per shown and ⭐ paper -----------------


def test_counts_appear_once_when_the_day_settles_and_a_rerun_asks_nothing(
    site: Path, replay: Callable[..., ReplayHub]
) -> None:
    (site / "dailypapers.toml").write_text(SETTINGS, encoding="utf-8")
    hub = replay(with_listed_stars, papers=seed_answers)
    run(site, hub, LISTED, "--date", DAY)
    assert paper_requests(hub) == [] and "🤗" not in post(site)  # not settled: nothing asked
    output = run(site, hub, SETTLED, "--date", "2026-02-13")
    text = post(site)
    # The HF page links of the top 3 and of the ⭐ ones below (a Spaces count links there too).
    shown = re.findall(r"\[HF 페이지\]\(https://huggingface\.co/papers/(\S+)\)", text)
    assert len(shown) == 6 and len(set(shown)) == 6
    # Exactly one request per paper shown, none for the others, and the answers paced with the days.
    assert sorted(paper_requests(hub)) == sorted(f"/api/papers/{paper_id}" for paper_id in shown)
    assert "Paper info: 6 papers observed" in output
    ernie = "https://huggingface.co/{}?other=arxiv:2602.04705"
    line = (
        f"   - 🤗 [모델 3]({ernie.format('models')}) · [데이터셋 1]({ernie.format('datasets')}) · "
        "[Space 2](https://huggingface.co/papers/2602.04705) · [⭐ 1.2k](https://github.com/ernie/ernie5)\n"
    )
    assert text.count(line) == 1
    assert text.count("🤗") == 5  # WideSeek-R1 (nothing came of it) has no line
    # The rerun, at once and days later: no request about a paper, no file changed.
    before = published_files(site)
    hub.requests.clear()
    run(site, hub, SETTLED, "--date", "2026-02-13")
    run(site, hub, "2026-02-20T00:00:00Z")
    assert paper_requests(hub) == []
    assert {name: data for name, data in published_files(site).items() if DAY in name or "W06" in name} == {
        name: data for name, data in before.items() if DAY in name or "W06" in name
    }


def test_off_by_default_nothing_is_asked(site: Path, replay: Callable[..., ReplayHub]) -> None:
    assert not load_settings(site).paper_info
    assert invoke("init", str(site / "new")).exit_code == 0
    assert load_settings(site / "new").paper_info  # on in the site init makes
    hub = replay(seed_source, papers=seed_answers)
    settle(site, hub)
    assert paper_requests(hub) == [] and "🤗" not in post(site)
    data = json.loads((site / "_data/papers/daily-2026-02-05.json").read_text(encoding="utf-8"))
    assert "paper_info" not in data
    weekly = json.loads((site / "_data/papers/weekly-2026-W06.json").read_text(encoding="utf-8"))
    assert "outcomes" not in weekly


# --- goldens: a final daily post with counts, a weekly post with the section ------------------


@pytest.mark.parametrize("language", ["ko", "en"])
def test_goldens(site: Path, replay: Callable[..., ReplayHub], language: str) -> None:
    settings = f'language = "{language}"\nauthor = "lim4349"\n' + SETTINGS
    (site / "dailypapers.toml").write_text(settings, encoding="utf-8")
    settle(site, replay(with_listed_stars, papers=seed_answers))
    written = {
        "daily.md": post(site),
        "weekly.md": post(site, "2026-02-02-weekly-papers-summary.md"),
        "daily.json": (site / "_data/papers/daily-2026-02-05.json").read_text(encoding="utf-8"),
        "weekly.json": (site / "_data/papers/weekly-2026-W06.json").read_text(encoding="utf-8"),
    }
    for name, text in written.items():
        golden = GOLDEN / language / name
        if os.environ.get("UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert text == golden.read_text(encoding="utf-8"), name


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ja", ("モデル 3", "データセット 1", "その後に出てきたもの")),
        ("zh", ("模型 3", "数据集 1", "后续成果")),
    ],
)
def test_every_language_shows_the_counts_and_the_section(
    site: Path, replay: Callable[..., ReplayHub], language: str, words: tuple[str, str, str]
) -> None:
    (site / "dailypapers.toml").write_text(f'language = "{language}"\n' + SETTINGS, encoding="utf-8")
    settle(site, replay(with_listed_stars, papers=seed_answers))
    models, datasets, heading = words
    line = f"   - 🤗 [{models}](https://huggingface.co/models?other=arxiv:2602.04705) · [{datasets}]("
    assert post(site).count(line) == 1
    weekly = post(site, "2026-02-02-weekly-papers-summary.md")
    assert f"\n## 🧩 {heading}\n" in weekly and weekly.count(f"[{models}]") == 1


def test_the_weekly_section_lists_what_came_and_the_code_that_grew(
    site: Path, replay: Callable[..., ReplayHub]
) -> None:
    (site / "dailypapers.toml").write_text(SETTINGS, encoding="utf-8")
    settle(site, replay(with_listed_stars, papers=seed_answers))
    weekly = post(site, "2026-02-02-weekly-papers-summary.md")
    section = weekly.split("## 🧩 그 뒤로 나온 것\n")[1].split("\n## ")[0]
    gained, grown = section.split("GitHub 별이")
    # Most repositories first: 12 models, then ERNIE's 6, ...; nothing for papers with none.
    assert gained.index("Training Data Efficiency") < gained.index("ERNIE 5.0") < gained.index("FASA")
    assert "WideSeek" not in gained
    # The one repository the list named, 5,678 stars when listed, 15,678 when the day settled.
    assert f"1. [JinYuanLi0012/Balanced-Info-MPRM]({REPO}) ⭐ 5,678 → 15,678 (+10,000) - " in grown
    assert "ernie5" not in grown  # the list named no repository for it: no growth to measure


# --- hostile answers fail that paper's counts, never the post ----------------------------------

HOSTILE: dict[str, Any] = {
    "2602.04705": answer_for("2602.04705", numTotalModels="3"),  # a number as text
    "2602.03152": answer_for("2602.03152", numTotalModels=10**40),  # huge
    "2602.04634": answer_for("2602.04634", numTotalDatasets=-1),  # negative
    "2602.04145": answer_for("2602.04145", numTotalModels=2.5),  # a float
    "2602.04804": answer_for("2602.04804", githubStars=True),  # a boolean
    "2602.03560": {},  # every field missing: nothing came of it
    "2602.04515": [1, 2, 3],  # not an object
    "2602.02958": None,  # 404
    "2602.02402": answer_for(
        "2602.02402",
        7,
        githubRepo="javascript:alert(1)//https://github.com/a/b",
        githubStars=5,
    ),
    "2602.02196": answer_for(
        "2602.02196",
        numTotalModels=2,
        githubRepo="https://github.com/a/b)[x](javascript:alert(1))%7B{{site.x}}<b>",
        githubStars=2048,
    ),
}


def test_hostile_answers_fail_only_their_papers(site: Path, replay: Callable[..., ReplayHub]) -> None:
    (site / "dailypapers.toml").write_text("paper_info = true\nretry_budget = 1\n", encoding="utf-8")
    plan = FaultPlan(papers={"2602.04145": Fault.HTML})  # an HTML page, every time
    hub = replay(seed_source, papers=HOSTILE.get, faults=plan)
    env = {"HF_HUB_DISABLE_TELEMETRY": "1", "DAILYPAPERS_NOW": LISTED}
    assert invoke("run", "--site", str(site), "--date", DAY, endpoint=hub.url, env=env).exit_code == 0
    env["DAILYPAPERS_NOW"] = SETTLED
    done = invoke("run", "--site", str(site), "--date", "2026-02-13", endpoint=hub.url, env=env)
    assert done.exit_code == 0, done.output
    assert "Paper info: 3 papers observed, 7 failed" in done.output
    assert "numTotalModels is str, not a whole number" in done.output
    assert "not a count from 0 to 1,000,000,000" in done.output
    assert "an HTML page" in done.output and "2602.02958: the Hub has no such paper (HTTP 404)" in done.output
    text = post(site)
    assert text.count("   - [HF 페이지]") == 10  # every paper still there, with its abstract
    assert text.count("   - Abstract: ") == 10 and "최종 순위" in text
    lines = [line for line in text.splitlines() if "🤗" in line]
    assert lines == [
        # a repository link that is not http(s) is left out: its stars are shown unlinked
        "   - 🤗 [모델 7](https://huggingface.co/models?other=arxiv:2602.02402) · ⭐ 5",
        # a hostile repository link: percent-encoded, so it neither ends the link nor opens Liquid
        "   - 🤗 [모델 2](https://huggingface.co/models?other=arxiv:2602.02196) · "
        "[⭐ 2k](https://github.com/a/b%29%5Bx%5D%28javascript:alert%281%29%29%7B%7B%7Bsite.x%7D%7D%3Cb%3E)",
    ]
    # Failures are recorded: a rerun asks nothing again.
    hub.requests.clear()
    done = invoke("run", "--site", str(site), "--date", "2026-02-13", endpoint=hub.url, env=env)
    assert done.exit_code == 0 and paper_requests(hub) == []


def test_a_slow_drip_is_cut_at_the_deadline(site: Path, seed_hub: ReplayHub) -> None:
    """A raw server dripping a paper's answer a byte at a time: that paper fails at the request
    deadline; the day and the other papers' counts are unharmed."""
    body = json.dumps(answer_for("x", 3)).encode()

    def answer(day: str, request: Request) -> Script:
        paper = request.path.removeprefix("/api/papers/")
        if request.path.startswith("/api/papers/"):
            if paper == "2602.04705":
                return dripping(body, 0.05)  # about 10 s for the whole body
            return json_answer(answer_for(paper, 3))
        entries = seed_source(day) or []
        return raw_answer(json.dumps(entries).encode()) if day else json_answer([])

    (site / "dailypapers.toml").write_text(
        "paper_info = true\nrequest_deadline = 1\nretry_budget = 1\n[daily]\ntop = 3\n", encoding="utf-8"
    )
    with HostileHub(answer) as hub:
        env = {"HF_HUB_DISABLE_TELEMETRY": "1", "DAILYPAPERS_NOW": LISTED}
        assert invoke("run", "--site", str(site), "--date", DAY, endpoint=hub.url, env=env).exit_code == 0
        env["DAILYPAPERS_NOW"] = SETTLED
        done = invoke("run", "--site", str(site), "--date", "2026-02-13", endpoint=hub.url, env=env)
    assert done.exit_code == 0, done.output
    assert "Paper info: 2 papers observed, 1 failed" in done.output
    assert "2602.04705: the Hub is unavailable: no complete answer within 1 s" in done.output
    text = post(site)
    assert text.count("   - 🤗 [모델 3]") == 2 and "arxiv:2602.04705" not in text
    assert text.count("   - [HF 페이지]") == 3


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"numTotalModels": "3"}, "numTotalModels is str"),
        ({"numTotalModels": 3.0}, "numTotalModels is float"),
        ({"numTotalDatasets": True}, "a boolean"),
        ({"githubStars": -5}, "githubStars is -5"),
        ({"githubStars": 10**400}, "a number of 401 digits"),
        ({"linkedSpaces": {"a": 1}}, "linkedSpaces is dict"),
        ({"githubRepo": 7}, "githubRepo is int"),
        ("<html>", "not an object"),
    ],
)
def test_bad_counts_are_refused(answer: Any, problem: str) -> None:
    with pytest.raises(BadInfo, match=re.escape(problem)):
        info_from_answer(answer, observed_at=SETTLED)


def test_counts_read_as_the_hub_gives_them() -> None:
    # A total wins over its (truncated) list; Spaces have only a list; a bad URL is left out.
    answer = answer_for("2602.04705", 40, 2, 3, githubRepo="ftp://x", githubStars=0)
    info = info_from_answer(answer, observed_at=SETTLED)
    assert info == PaperInfo(40, 2, 3, None, 0, SETTLED)
    assert info_from_answer({}, observed_at=SETTLED) == PaperInfo(observed_at=SETTLED)
    assert not info_from_answer({}, observed_at=SETTLED).anything
    shown = [compact(n) for n in (0, 999, 1000, 1234, 1999, 9999, 12_345, 999_999, 1_250_000, 10**9)]
    assert shown == ["0", "999", "1k", "1.2k", "1.9k", "9.9k", "12k", "999k", "1.2M", "1B"]


# --- data files, the archive rebuilt from them, search ---------------------------------------


def test_data_files_carry_the_counts_and_rebuild_them(site: Path, replay: Callable[..., ReplayHub]) -> None:
    (site / "dailypapers.toml").write_text(SETTINGS, encoding="utf-8")
    hub = replay(with_listed_stars, papers=seed_answers)
    settle(site, hub)
    data = json.loads((site / "_data/papers/daily-2026-02-05.json").read_text(encoding="utf-8"))
    record = next(r for r in data["paper_info"] if r["id"] == "2602.04705")
    assert record == {
        "id": "2602.04705",
        "observed_at": SETTLED,
        "models": 3,
        "datasets": 1,
        "spaces": 2,
        "github_repo": "https://github.com/ernie/ernie5",
        "github_stars": 1234,
    }
    before = published_files(site)
    shutil.rmtree(site / ".dailypapers")  # the archive lost: rebuilt from the data files
    hub.requests.clear()
    run(site, hub, SETTLED, "--date", DAY)  # fetched again, settled: nothing asked, as before
    assert paper_requests(hub) == []
    after = published_files(site)
    assert after[f"_posts/{DAY}-daily-papers.md"] == before[f"_posts/{DAY}-daily-papers.md"]
    assert after["_data/papers/daily-2026-02-05.json"] == before["_data/papers/daily-2026-02-05.json"]


@pytest.mark.parametrize(
    ("record", "warning"),
    [
        ("not an object", "paper_info 1: it is text, not an object"),
        ({"id": "2699.00000", "observed_at": SETTLED}, "is not a paper of the day"),
        ({"id": "2602.04705", "observed_at": "yesterday"}, "is not a UTC time"),
        ({"id": "2602.04705", "observed_at": SETTLED, "models": -1}, "models is -1"),
        ({"id": "2602.04705", "observed_at": SETTLED, "spaces": 1.5}, "spaces is float"),
        ({"id": "2602.04705", "observed_at": SETTLED, "github_repo": ["x"]}, "github_repo is a list"),
    ],
)
def test_a_bad_record_in_a_data_file_is_left_out_with_a_warning(
    site: Path, replay: Callable[..., ReplayHub], record: Any, warning: str
) -> None:
    (site / "dailypapers.toml").write_text(SETTINGS, encoding="utf-8")
    settle(site, replay(seed_source, papers=seed_answers))
    path = site / "_data/papers/daily-2026-02-05.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["paper_info"] = [record, *data["paper_info"][1:]]
    path.write_text(json.dumps(data), encoding="utf-8")
    shutil.rmtree(site / ".dailypapers")
    done = invoke("import", "--site", str(site))
    assert done.exit_code == 0, done.output
    assert warning in done.output and "left out" in done.output
    assert invoke("render", "--all", "--site", str(site), env={"DAILYPAPERS_NOW": SETTLED}).exit_code == 0
    assert post(site).count("   - [HF 페이지]") == 6  # the post whole, top 4 and ⭐


def test_search_filters_on_models_and_code(site: Path, replay: Callable[..., ReplayHub]) -> None:
    (site / "dailypapers.toml").write_text(SETTINGS, encoding="utf-8")
    settle(site, replay(with_listed_stars, papers=seed_answers))

    def ids(*args: str) -> list[str]:
        done = invoke("search", "--site", str(site), "--json", *args)
        assert done.exit_code == 0, done.output
        return sorted(hit["id"] for hit in json.loads(done.output))

    models = ids("--has-models")
    assert "2602.04705" in models and "2602.04145" in models
    assert "2602.03152" not in models and "2602.04634" not in models  # a Space only; nothing
    assert ids("--has-code") == ["2602.04145", "2602.04705"]  # the list's repo, and the answer's
    assert ids("--has-code", "--has-models", "ERNIE") == ["2602.04705"]


# --- a real Jekyll build shows the counts and links literally ------------------------------


@pytest.mark.jekyll
@pytest.mark.slow
def test_jekyll_shows_the_counts_and_links_literally(site: Path, replay: Callable[..., ReplayHub]) -> None:
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not on PATH (.ci/run installs Debian's jekyll package)")
    assert invoke("init", str(site), "--author", "lim4349").exit_code == 0
    toml = site / "dailypapers.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[daily]\ntop = 100\n", encoding="utf-8")
    settle(site, replay(seed_source, papers=HOSTILE.get))
    built = subprocess.run(
        [jekyll, "build", "--source", str(site), "--destination", str(site / "_site")],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    page = next((site / "_site").rglob("daily-papers-2026-02-05/index.html"))
    html = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
    items = [li for li in html.iter("li") if li.text_content().startswith("🤗")]
    assert [li.text_content() for li in items] == [
        "🤗 모델 7 · ⭐ 5",
        "🤗 모델 2 · ⭐ 2k",
    ]
    links = [(a.text_content(), a.get("href")) for li in items for a in li.iter("a")]
    assert links == [
        ("모델 7", "https://huggingface.co/models?other=arxiv:2602.02402"),
        ("모델 2", "https://huggingface.co/models?other=arxiv:2602.02196"),
        (
            "⭐ 2k",
            "https://github.com/a/b%29%5Bx%5D%28javascript:alert%281%29%29%7B%7B%7Bsite.x%7D%7D%3Cb%3E",
        ),
    ]
    weekly = next((site / "_site").rglob("weekly-papers-summary-2026-W06/index.html"))
    text = lxml.html.document_fromstring(weekly.read_text(encoding="utf-8")).text_content()
    assert "🧩 그 뒤로 나온 것" in text and "🤗 모델 7" in text


# --- the site stays what the archive says ----------------------------------------------------


def test_counts_arriving_rewrite_every_week_listing_the_paper(
    site: Path, replay: Callable[..., ReplayHub]
) -> None:
    """ERNIE listed on a Thursday (week 6) and the next Monday (week 7): when the Monday settles,
    its newer counts reach week 6's section too, as ``render --all`` would write it."""
    monday = "2026-02-09"
    asked: dict[str, int] = {}

    def source(day: str) -> list[Any] | None:
        entries = seed_source(DAY) or []
        return entries if day == DAY else entries[:2] if day == monday else None

    def answers(paper_id: str) -> Any:
        asked[paper_id] = asked.get(paper_id, 0) + 1
        return answer_for(paper_id, 10 * asked[paper_id])  # more models each time it is asked

    (site / "dailypapers.toml").write_text("paper_info = true\nsettle_days = 10\n", encoding="utf-8")
    hub = replay(source, papers=answers)
    run(site, hub, LISTED, "--date", DAY)
    run(site, hub, "2026-02-09T12:00:00Z", "--date", monday)
    run(site, hub, "2026-02-17T00:10:00Z")  # the Thursday settles (10 days): ERNIE has 10 models
    assert "[모델 10](https://huggingface.co/models?other=arxiv:2602.04705)" in post(
        site, "2026-02-02-weekly-papers-summary.md"
    )
    # The same day (so no week is rewritten for the date): the Monday settles (7 days), 20 models.
    (site / "dailypapers.toml").write_text("paper_info = true\n", encoding="utf-8")
    run(site, hub, "2026-02-17T01:00:00Z")
    for name in ("2026-02-02-weekly-papers-summary.md", "2026-02-09-weekly-papers-summary.md"):
        assert "[모델 20](https://huggingface.co/models?other=arxiv:2602.04705)" in post(site, name)
    assert render_differences(site, {"DAILYPAPERS_NOW": "2026-02-17T01:00:00Z"}) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = ("numTotalModels", "linkedModels", "numTotalDatasets", "linkedDatasets", "linkedSpaces")
KEYS += ("numTotalSpaces", "githubRepo", "githubStars", "paper")


@hypothesis.given(st.dictionaries(st.sampled_from(KEYS), JSON) | JSON)
@hypothesis.settings(max_examples=300, deadline=None)
def test_any_answer_gives_bounded_counts_or_bad_info(answer: Any) -> None:
    """Whatever JSON the Hub sends, the counts are whole numbers within bounds, or the answer
    is refused as :class:`BadInfo` (which fails that paper only): nothing else escapes."""
    try:
        info = info_from_answer(answer, observed_at=SETTLED)
    except BadInfo:
        return
    counts = [info.models, info.datasets, info.spaces, info.github_stars or 0]
    assert all(type(count) is int and 0 <= count <= 1_000_000_000 for count in counts)
    assert info.github_repo is None or info.github_repo.lower().startswith(("http://", "https://"))
