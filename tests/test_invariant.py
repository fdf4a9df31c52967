"""The site is always exactly what its archive says.

After every writing command, every file under ``_posts``, ``_data/papers`` and
``assets/img/dailypapers`` is byte-identical to what ``render --all`` writes from the archive
at that moment, and no file was rewritten with the bytes it already had. A stateful test
(hypothesis) drives random sequences of backfills, runs with an advancing clock, refreshes,
Hub answers that change, a language model that is up, down or failing, imports, and setting
changes followed by ``render --all``, and checks both after every step, against a copy of
the site rendered afresh.

The Hub here lists papers on several days each, with fields that differ from one listing to
the next (``publishedAt``, upvotes) and a field some days leave out, as the real Hub does.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from click.testing import Result
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from conftest import DATA, invoke
from dailypapers.replay import Fault, FaultPlan, ReplayHub, generated_paper

SAMPLE: dict[str, Any] = json.loads((DATA / "sample_entry.json").read_text(encoding="utf-8"))
FIRST = dt.date(2026, 1, 26)  # a Monday: the days span three ISO weeks and two months
DAYS = [(FIRST + dt.timedelta(days=n)).isoformat() for n in range(16)]  # 2026-01-26 .. 2026-02-10
START = dt.datetime(2026, 1, 29, 1, 0, tzinfo=dt.UTC)
# With the search page's data, script and include (setting `search`).
PUBLISHED = ("_posts", "_data/papers", "assets/img/dailypapers", "assets/dailypapers", "_includes")

hypothesis.settings.register_profile(
    "invariant",
    max_examples=20,
    stateful_step_count=12,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)


def free_port() -> int:
    """A port nothing listens on: a model that is down refuses the connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Hub:
    """Each day lists four papers: three also listed on the two days before or after it (paper
    n on days n-2 to n) and one of its own. A listing has its own ``publishedAt``; a paper's
    first listing leaves its code link out (the Hub added it later, and the archive keeps the
    one a later day gave); a day's upvotes and comments grow with its ``version`` (a later
    crawl)."""

    def __init__(self) -> None:
        self.today = START.date()
        self.versions: dict[str, int] = {}

    def entries(self, day: str) -> list[Any] | None:
        if day not in DAYS or dt.date.fromisoformat(day) > self.today:
            return None  # a day still to come, or outside the recorded days: no papers
        index, version = DAYS.index(day), self.versions.get(day, 0)
        return [
            self.entry(day, number, place, version, first_listing=number == index + 2)
            for place, number in enumerate([index, index + 1, index + 2, 100 + index])
        ]

    @staticmethod
    def entry(day: str, number: int, place: int, version: int, *, first_listing: bool) -> Any:
        made = copy.deepcopy(SAMPLE)
        inner = made["paper"]
        inner.update(
            id=f"2601.{number:05d}",
            title=f"Paper {number}: models that learn",
            upvotes=10 * (4 - place) + 7 * version + number,
            publishedAt=f"{day}T0{place}:00:00.000Z",
            submittedOnDailyAt=f"{day}T03:00:00.000Z",
        )
        inner["summary"] = made["summary"] = f"We study model {number}. It works on {day}."
        made.update(title=inner["title"], publishedAt=inner["publishedAt"], numComments=version)
        if first_listing:
            inner.pop("githubRepo")
        return made

    def paper(self, paper_id: str) -> Any:
        """``/api/papers/{id}``: linked models and the list's repository, whose stars grow with
        the hub's clock (so the summaries' "what came of them" lists change as runs go on)."""
        answer = generated_paper(paper_id)
        answer.update(
            githubRepo=SAMPLE["paper"]["githubRepo"],
            githubStars=SAMPLE["paper"]["githubStars"] + 10 * (self.today - START.date()).days,
        )
        return answer


def files(site: Path) -> dict[str, tuple[bytes, int, int]]:
    """The published files: bytes, inode and modification time of each."""
    found = {}
    for top in PUBLISHED:
        for path in sorted((site / top).rglob("*")) if (site / top).is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                status = path.stat()
                found[str(path.relative_to(site))] = (path.read_bytes(), status.st_ino, status.st_mtime_ns)
    return found


def rewritten_unchanged(
    before: dict[str, tuple[bytes, int, int]], after: dict[str, tuple[bytes, int, int]]
) -> list[str]:
    """Files written again with the bytes they had."""
    return [
        name
        for name, (data, *stamp) in after.items()
        if name in before and before[name][0] == data and before[name][1:] != tuple(stamp)
    ]


def render_differences(site: Path, env: dict[str, str | None]) -> list[str]:
    """The files ``render --all`` of a copy of the site would change (created, updated)."""
    with tempfile.TemporaryDirectory() as scratch:
        twin = Path(scratch) / "site"
        shutil.copytree(site, twin, symlinks=True)
        before = files(twin)
        done = invoke("render", "--all", "--site", str(twin), env=env)
        assert done.exit_code == 0, done.output
        after = files(twin)
    return sorted(
        name for name in {*before, *after} if before.get(name, (b"",))[0] != after.get(name, (b"",))[0]
    )


class SiteMachine(RuleBasedStateMachine):
    """A site driven by the real commands, in this process, against a replay hub whose clock
    (``DAILYPAPERS_NOW``) only moves forward; each command's exit status must be 0."""

    def __init__(self) -> None:
        super().__init__()
        self.hub_days = Hub()
        self.hub = ReplayHub(self.hub_days.entries, papers=self.hub_days.paper)
        self.hub.start()
        self.dir = Path(tempfile.mkdtemp(prefix="invariant-"))
        self.site = self.dir / "site"
        self.site.mkdir()
        self.now = START
        self.model_url = f"{self.hub.url}/v1"
        self.top = 10
        self.language = "ko"
        self.before: dict[str, tuple[bytes, int, int]] = {}
        self.log: list[str] = []

    def teardown(self) -> None:
        self.hub.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- the site's settings and the commands -------------------------------------------

    def configure(self) -> None:
        (self.site / "dailypapers.toml").write_text(
            f'author = "lim4349"\nlanguage = "{self.language}"\nai_summary = true\npaper_info = true\n'
            "search = true\n"
            f"[daily]\ntop = {self.top}\n"
            f'[llm]\nbase_url = "{self.model_url}"\nmodel = "replay-model"\nconcurrency = 1\nbudget = 6\n',
            encoding="utf-8",
        )

    @property
    def env(self) -> dict[str, str | None]:
        return {"DAILYPAPERS_NOW": self.now.isoformat(), "DAILYPAPERS_LLM_API_KEY": "sk-test"}

    def command(self, *args: str) -> Result:
        self.before = files(self.site)
        self.log.append(f"{self.now:%m-%dT%H} {' '.join(args)}")
        done = invoke(*args, "--site", str(self.site), endpoint=self.hub.url, env=self.env)
        assert done.exit_code == 0, (self.log, done.output)
        return done

    @initialize()
    def start(self) -> None:
        self.configure()

    # --- the steps ---------------------------------------------------------------------

    @rule(first=st.integers(0, len(DAYS) - 1), length=st.integers(1, 7), refresh=st.booleans())
    def backfill(self, first: int, length: int, refresh: bool) -> None:
        today = sum(day <= self.now.date().isoformat() for day in DAYS) - 1  # no day still to come
        last = min(first + length - 1, today)
        if last < first:
            return
        self.command(
            "backfill", "--since", DAYS[first], "--until", DAYS[last], *(["--refresh"] if refresh else [])
        )

    @rule(hours=st.sampled_from([0, 5, 24, 30, 72, 170]))
    def run(self, hours: int) -> None:
        self.now = min(self.now + dt.timedelta(hours=hours), dt.datetime(2026, 2, 21, 1, tzinfo=dt.UTC))
        self.hub_days.today = self.now.date()
        self.command("run")

    @rule(day=st.sampled_from(DAYS))
    def hub_changes(self, day: str) -> None:
        """A later crawl of ``day`` gives more upvotes and comments (nothing is run)."""
        self.hub_days.versions[day] = self.hub_days.versions.get(day, 0) + 1
        self.before = files(self.site)

    @rule(state=st.sampled_from(["up", "down", "failing"]))
    def model(self, state: str) -> None:
        self.model_url = f"http://127.0.0.1:{free_port()}/v1" if state == "down" else f"{self.hub.url}/v1"
        self.hub.chat_plan = (
            FaultPlan(rate=1.0, kinds=[Fault.SERVER_ERROR]) if state == "failing" else FaultPlan()
        )
        self.configure()
        self.before = files(self.site)

    @rule()
    def import_archive(self) -> None:
        if (self.site / "_data" / "papers").is_dir():
            self.command("import")

    @rule(top=st.sampled_from([3, 5, 10]), language=st.sampled_from(["ko", "en"]))
    def settings_change(self, top: int, language: str) -> None:
        self.top, self.language = top, language
        self.configure()
        self.command("render", "--all")

    # --- after every step --------------------------------------------------------------

    @invariant()
    def site_is_what_its_archive_says(self) -> None:
        if not (self.site / ".dailypapers" / "papers.db").exists():
            return
        now = files(self.site)
        assert rewritten_unchanged(self.before, now) == [], self.log
        assert render_differences(self.site, self.env) == [], self.log


@pytest.mark.slow
def test_the_site_is_always_what_its_archive_says() -> None:
    SiteMachine.TestCase.settings = hypothesis.settings.get_profile("invariant")
    SiteMachine.TestCase().runTest()


# --- the new user's sequence, and a refresh of unchanged answers ----------------------------


@pytest.fixture
def hub() -> Any:
    days = Hub()
    days.today = dt.date(2026, 2, 20)
    with ReplayHub(days.entries) as started:
        yield started


def written(result: Result) -> int:
    match = re.search(r"(\d+) files written", result.output)
    assert match, result.output
    return int(match.group(1))


def test_a_backfill_then_the_next_month_leaves_nothing_for_render_or_doctor(
    site: Path, hub: ReplayHub
) -> None:
    env = {"DAILYPAPERS_NOW": "2026-02-20T01:00:00Z"}
    (site / "_config.yml").write_text("title: blog\n", encoding="utf-8")
    (site / "dailypapers.toml").write_text('author = "lim4349"\n', encoding="utf-8")
    for since, until in (("2026-01-26", "2026-01-31"), ("2026-02-01", "2026-02-10")):
        done = invoke(
            "backfill", "--since", since, "--until", until, "--site", str(site), endpoint=hub.url, env=env
        )
        assert done.exit_code == 0, done.output
    doctor = invoke("doctor", "--site", str(site), endpoint=hub.url, env=env)
    assert "differ" not in doctor.output, doctor.output
    assert written(invoke("render", "--all", "--site", str(site), env=env)) == 0


def test_a_refresh_of_unchanged_answers_writes_no_file(site: Path, hub: ReplayHub) -> None:
    env = {"DAILYPAPERS_NOW": "2026-02-20T01:00:00Z"}
    args = ("backfill", "--since", "2026-01-26", "--until", "2026-02-10", "--site", str(site))
    assert written(invoke(*args, endpoint=hub.url, env=env)) > 0
    before = files(site)
    later = {"DAILYPAPERS_NOW": "2026-02-20T13:00:00Z"}  # the same answers, hours later
    assert written(invoke(*args, "--refresh", endpoint=hub.url, env=later)) == 0
    assert files(site) == before


def test_doctor_tells_a_hand_edit_from_a_setting_change(site: Path, hub: ReplayHub) -> None:
    env = {"DAILYPAPERS_NOW": "2026-02-20T01:00:00Z"}
    (site / "_config.yml").write_text("title: blog\nexclude: [dailypapers.toml]\n", encoding="utf-8")
    settings = site / "dailypapers.toml"
    settings.write_text('author = "lim4349"\n', encoding="utf-8")
    done = invoke(
        "backfill",
        "--since",
        "2026-02-02",
        "--until",
        "2026-02-04",
        "--site",
        str(site),
        endpoint=hub.url,
        env=env,
    )
    assert done.exit_code == 0, done.output
    post = site / "_posts" / "2026-02-03-daily-papers.md"
    post.write_text(post.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    doctor = invoke("doctor", "--site", str(site), endpoint=hub.url, env=env).output
    assert "1 files differ from what `render` writes now, edited by hand" in doctor, doctor
    assert doctor.count("_posts/2026-02-03-daily-papers.md") == 1
    settings.write_text('author = "someone else"\n', encoding="utf-8")
    doctor = invoke("doctor", "--site", str(site), endpoint=hub.url, env=env).output
    assert "files differ from what `render` writes now, after a template or setting change" in doctor, doctor
    assert "_posts/2026-02-02-daily-papers.md" in doctor and "weekly" in doctor
    assert written(invoke("render", "--all", "--site", str(site), env=env)) > 0
    doctor = invoke("doctor", "--site", str(site), endpoint=hub.url, env=env).output
    assert "differ" not in doctor, doctor


@pytest.mark.corpus
@pytest.mark.slow
def test_the_new_users_sequence_on_the_recorded_corpus(site: Path, shared_hub: Path) -> None:
    """`init`, a backfill of January, then of February (papers of January 30 and 31 are
    listed again on February 1): doctor is silent and `render --all` writes nothing."""
    env = {"DAILYPAPERS_NOW": "2026-03-01T01:00:00Z"}
    with ReplayHub(shared_hub / "daily_papers") as corpus:
        assert invoke("init", str(site), "--author", "lim4349", env=env).exit_code == 0
        for since, until in (("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-28")):
            done = invoke(
                "backfill",
                "--since",
                since,
                "--until",
                until,
                "--site",
                str(site),
                endpoint=corpus.url,
                env=env,
            )
            assert done.exit_code == 0, done.output
        doctor = invoke("doctor", "--site", str(site), endpoint=corpus.url, env=env)
        assert "differ" not in doctor.output, doctor.output
        assert written(invoke("render", "--all", "--site", str(site), env=env)) == 0


def test_summaries_made_for_a_paper_reach_every_post_that_shows_it(site: Path, hub: ReplayHub) -> None:
    """January is written without a model; February's backfill asks one for its papers, some
    of them listed on January 30 and 31 too: those January posts show the summaries at once."""
    env = {"DAILYPAPERS_NOW": "2026-02-20T01:00:00Z"}
    settings = site / "dailypapers.toml"
    settings.write_text('author = "lim4349"\n', encoding="utf-8")
    backfill = ("backfill", "--site", str(site))
    done = invoke(*backfill, "--since", "2026-01-26", "--until", "2026-01-31", endpoint=hub.url, env=env)
    assert done.exit_code == 0, done.output
    january = site / "_posts" / "2026-01-31-daily-papers.md"
    assert "[replay-model]" not in january.read_text(encoding="utf-8")
    settings.write_text(
        f'author = "lim4349"\n[llm]\nbase_url = "{hub.url}/v1"\nmodel = "replay-model"\nbudget = 3\n',
        encoding="utf-8",
    )
    done = invoke(*backfill, "--since", "2026-02-01", "--until", "2026-02-01", endpoint=hub.url, env=env)
    assert done.exit_code == 0 and "Summaries: 3 made" in done.output, done.output
    # Papers 6 and 7 of February 1 are listed on January 31 too (and 6 on January 30).
    post = january.read_text(encoding="utf-8")
    titled = re.findall(r"\*\*Paper (\d+):[^\n]*\n   - 요약: \\\[replay-model\]", post)
    assert sorted(titled) == ["6", "7"], post
    assert written(invoke("render", "--all", "--site", str(site), env=env)) == 0


def test_a_run_killed_before_writing_leaves_its_changes_to_the_next(site: Path, hub: ReplayHub) -> None:
    """February 1 is stored (changing papers listed on January 30 and 31) by a run killed
    before it wrote anything; the next run, of another day, writes the files showing them."""
    from dailypapers.pipeline import store_day
    from dailypapers.store import Store

    env = {"DAILYPAPERS_NOW": "2026-02-20T01:00:00Z"}
    backfill = ("backfill", "--site", str(site))
    assert (
        invoke(
            *backfill, "--since", "2026-01-26", "--until", "2026-01-31", endpoint=hub.url, env=env
        ).exit_code
        == 0
    )
    with Store(site / ".dailypapers" / "papers.db") as store:
        now = dt.datetime(2026, 2, 20, 2, tzinfo=dt.UTC)
        days = Hub()
        days.today = dt.date(2026, 2, 20)
        _, _, changed = store_day(store, "2026-02-01", days.entries("2026-02-01") or [], now=now)
        assert {"2601.00006", "2601.00007"} <= changed
    done = invoke(*backfill, "--since", "2026-02-05", "--until", "2026-02-05", endpoint=hub.url, env=env)
    assert done.exit_code == 0, done.output
    assert written(invoke("render", "--all", "--site", str(site), env=env)) == 0
