"""A flaky Hub, bad data and concurrent runs never lose or corrupt a post.

Every test drives the real client (``HubClient`` over real HTTP, and often the real
command) through the fault-injecting replay hub; nothing is mocked but the sleep of a few
retry tests, so that they can check each wait without spending it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archive_rows import dump
from conftest import invoke as invoke_command
from conftest import seed_source, site_context
from dailypapers.cli import cli
from dailypapers.config import Settings
from dailypapers.demo import SAMPLE_DAYS
from dailypapers.errors import HubDataError, HubUnavailable
from dailypapers.hub import HubClient, RetryPolicy
from dailypapers.lock import lock_holder, site_lock
from dailypapers.models import collapse_whitespace
from dailypapers.paths import data_path, post_path
from dailypapers.pipeline import collect, run_day
from dailypapers.replay import (
    BAD_ENTRY_MUTATIONS,
    REPAIRED_MUTATIONS,
    TRANSIENT_FAULTS,
    Fault,
    FaultPlan,
    ReplayHub,
    random_faults,
)
from dailypapers.store import Store

DAY = "2026-02-05"  # a seed day: 10 papers
NOW = "2026-02-06T00:00:00Z"
CLOCK = lambda: dt.datetime(2026, 2, 6, tzinfo=dt.UTC)  # noqa: E731
QUICK = RetryPolicy(attempts=4, backoff=0.01, max_wait=1.0, budget=30, jitter=0)
SENTINEL = "hf_SeNtInEl0TokEn0123456789abcdefXYZ"

# What the one line says when a day keeps failing: the status and what to do.
UNAVAILABLE = (
    "the Hub is unavailable: {} after 2 tries; try again later (the next scheduled run will catch up)"
)
NOT_PAPERS = "the Hub answered with {}, not a list of papers (HTTP 200) after 2 tries; check HF_ENDPOINT"
PERSISTENT = {
    Fault.RATE_LIMITED_BARE: UNAVAILABLE.format("HTTP 429 (rate limited)"),
    Fault.SERVER_ERROR: UNAVAILABLE.format("HTTP 500"),
    Fault.BAD_GATEWAY: UNAVAILABLE.format("HTTP 502"),
    Fault.UNAVAILABLE: UNAVAILABLE.format("HTTP 503"),
    Fault.RESET: UNAVAILABLE.format("network error (ReadError)"),
    Fault.TRUNCATED: NOT_PAPERS.format("invalid JSON"),
    Fault.HTML: NOT_PAPERS.format("an HTML page"),
}


def client(url: str, **kwargs: Any) -> HubClient:
    kwargs.setdefault("retry", QUICK)
    kwargs.setdefault("timeout", 2.0)
    return HubClient(url, token=False, **kwargs)


def invoke(*args: str, endpoint: str, env: dict[str, str | None] | None = None) -> Result:
    """The real command in this process (conftest's), at a fixed "now"."""
    return invoke_command(*args, endpoint=endpoint, env={"DAILYPAPERS_NOW": NOW, **(env or {})})


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "dailypapers", *args]


def process_env(endpoint: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "HF_ENDPOINT": endpoint, "DAILYPAPERS_NOW": NOW, **extra}
    for name in ("DAILYPAPERS_DB", *([] if "HF_TOKEN" in extra else ["HF_TOKEN"])):
        env.pop(name, None)
    return env


def tree(site: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the site but the archive's, with its bytes and mtime (a rewrite shows)."""
    return {
        str(p.relative_to(site)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(site.rglob("*"))
        if p.is_file() and ".dailypapers" not in p.parts
    }


def contents(site: Path) -> dict[str, bytes]:
    return {name: data for name, (data, _) in tree(site).items()}


def archive(site: Path) -> dict[str, Any]:
    with Store(site / ".dailypapers" / "papers.db") as store:
        assert store.integrity_errors() == []
        return dump(store)


@pytest.fixture
def published(site: Path, seed_hub: ReplayHub) -> Path:
    """A site where the seed day is already published, by the real command."""
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url)
    assert done.exit_code == 0, done.output
    assert (site / post_path("daily", DAY)).is_file()
    return site


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The seed day's files from a fault-free run."""
    site = tmp_path_factory.mktemp("reference") / "site"
    with ReplayHub(seed_source) as hub, Store(site / ".dailypapers" / "papers.db") as store:
        run_day(site_context(site, store), DAY, client(hub.url), clock=CLOCK)
    return contents(site)


# --- transient faults: retried, then the day fails alone with one line -----------------------


@pytest.mark.parametrize("fault", TRANSIENT_FAULTS, ids=lambda fault: fault.value)
def test_a_transient_fault_is_retried_with_backoff_and_the_day_completes(
    fault: Fault, site: Path, store: Store, replay: Any, reference: dict[str, bytes]
) -> None:
    window = fault is Fault.RATE_LIMITED_WINDOW  # its t is retry_after: 1 s, waited for real
    plan = FaultPlan(days={DAY: [fault, fault]}, retry_after="1" if window else "3", slow_seconds=0.5)
    hub = replay(seed_source, faults=plan)
    sleeps: list[float] = []
    hub_client = client(hub.url, timeout=0.25, sleep=sleeps.append)
    run_day(site_context(site, store), DAY, hub_client, clock=CLOCK)
    assert contents(site) == reference
    assert [f for _, f in hub.faults] == [fault, fault] and len(hub.requests) == 3
    if fault is Fault.RATE_LIMITED:
        # Retry-After is obeyed as given, even above max_wait (1 s here).
        assert sleeps == pytest.approx([3, 3], abs=0.1)
    elif window:
        # No backoff of ours: each retry waited in the rate budget for the window announced.
        assert sleeps == [] and hub_client.budget.waits == 2
    else:
        assert sleeps == [0.01, 0.02]  # exponential backoff (no jitter here)


def test_backoff_doubles_up_to_its_cap_and_an_http_date_retry_after_is_obeyed(replay: Any) -> None:
    hub = replay(seed_source, faults=FaultPlan(days={DAY: [Fault.UNAVAILABLE] * 4}))
    sleeps: list[float] = []
    policy = RetryPolicy(attempts=5, backoff=1, max_wait=2.5, budget=60, jitter=0)
    assert len(client(hub.url, retry=policy, sleep=sleeps.append).fetch_day(DAY)) == 10
    assert sleeps == [1, 2, 2.5, 2.5]

    later = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20), usegmt=True)
    hub = replay(seed_source, faults=FaultPlan(days={DAY: [Fault.RATE_LIMITED]}, retry_after=later))
    sleeps.clear()
    client(hub.url, retry=policy, sleep=sleeps.append).fetch_day(DAY)
    assert len(sleeps) == 1 and 18 < sleeps[0] <= 20


@pytest.mark.parametrize("fault", list(PERSISTENT), ids=lambda fault: fault.value)
def test_a_day_that_keeps_failing_fails_with_one_line_and_changes_nothing(
    fault: Fault, published: Path, replay: Any
) -> None:
    before, stored = tree(published), archive(published)
    hub = replay(seed_source, faults=FaultPlan(days={DAY: fault}))
    # Backoff 0.5 s (+10% jitter), then 1 s would overrun a 1.2 s budget: two tries, then the day
    # fails. The slack (0.65 s for the first try) keeps a loaded machine from cutting it to one.
    done = invoke("run", "--site", str(published), "--date", DAY, "--retry-budget", "1.2", endpoint=hub.url)
    assert done.exit_code == 1
    assert not any(word in done.stdout for word in ("created", "updated"))
    assert done.stderr.startswith(f"Error: {DAY}: ") and done.stderr.count("\n") == 1
    assert PERSISTENT[fault] in done.stderr, done.stderr
    assert len(hub.requests) == 2
    assert tree(published) == before and archive(published) == stored


def test_a_retry_after_beyond_the_budget_fails_at_once(published: Path, replay: Any) -> None:
    before = tree(published)
    hub = replay(seed_source, faults=FaultPlan(days={DAY: Fault.RATE_LIMITED}, retry_after="120"))
    done = invoke("run", "--site", str(published), "--date", DAY, "--retry-budget", "60", endpoint=hub.url)
    # One request, and the message says why there was no second: it did not sit out two
    # minutes, nor hammer.
    assert done.exit_code == 1 and len(hub.requests) == 1
    assert done.stderr == (
        f"Error: {DAY}: the Hub is unavailable: HTTP 429 (rate limited) after 1 try, and it asks to "
        "wait 120 s (Retry-After), beyond the retry budget; try again later (the next scheduled run "
        "will catch up)\n"
    )
    assert tree(published) == before


def test_a_slow_hub_times_out_and_the_day_fails_alone(site: Path, store: Store, replay: Any) -> None:
    hub = replay(seed_source, faults=FaultPlan(days={DAY: Fault.SLOW}, slow_seconds=0.6))
    policy = RetryPolicy(attempts=3, backoff=0.01, max_wait=0.01, budget=5)
    result = collect(
        site_context(site, store),
        [DAY, "2026-02-10"],
        client(hub.url, timeout=0.2, retry=policy),
        clock=CLOCK,
    )
    assert str(result.failed[DAY]) == (
        f"{DAY}: the Hub is unavailable: no answer within 0.2 s after 3 tries; "
        "try again later (the next scheduled run will catch up)"
    )
    assert [done.day for done in result.days] == ["2026-02-10"]
    assert not (site / post_path("daily", DAY)).exists()
    assert (site / post_path("daily", "2026-02-10")).exists()


def test_a_broken_source_answers_500_instead_of_dropping_the_connection(replay: Any) -> None:
    def broken(day: str) -> list[Any]:
        raise KeyError(day)

    hub = replay(broken)
    with pytest.raises(HubUnavailable, match="HTTP 500 after 4 tries"):
        client(hub.url).fetch_day(DAY)
    assert len(hub.requests) == 4


def test_garbage_after_every_retry_is_a_data_error(replay: Any) -> None:
    hub = replay(seed_source, faults=FaultPlan(days={DAY: Fault.HTML}))
    with pytest.raises(HubDataError, match=r"an HTML page, not a list of papers \(HTTP 200\) after 4 tries"):
        client(hub.url).fetch_day(DAY)


# --- answers that succeed but are wrong -------------------------------------------------------


def test_an_empty_answer_never_shrinks_a_published_day(published: Path, replay: Any) -> None:
    before, stored = tree(published), archive(published)
    hub = replay(seed_source, faults=FaultPlan(days={DAY: Fault.EMPTY}))
    done = invoke("run", "--site", str(published), "--date", DAY, endpoint=hub.url)
    assert done.exit_code == 0, done.output
    assert done.stderr == (
        f"Warning: {DAY}: the Hub listed 0 papers where 10 are stored; "
        "kept the 10 stored papers it did not list\n"
    )
    assert done.stdout and all(line.startswith("unchanged") for line in done.stdout.splitlines())
    assert tree(published) == before
    assert archive(published)["listings"] == stored["listings"]


def test_bad_entries_are_repaired_or_skipped_naming_the_paper(
    site: Path, replay: Any, tmp_path: Path
) -> None:
    original = seed_source(DAY) or []
    hub = replay(seed_source, faults=FaultPlan(days={DAY: Fault.BAD_ENTRIES}))
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=hub.url)
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines() == [
        f"Warning: {DAY}: skipped entry 4: entry ({collapse_whitespace(original[3]['title'])[:60]!r}) "
        "has no paper id",
        f"Warning: {DAY}: skipped entry 5: paper id '2601.00001/extra' is not a valid paper id",
        f"Warning: {DAY}: skipped entry 6: paper id '../2601.00001' is not a valid paper id",
    ]
    data = json.loads((site / data_path("daily", DAY)).read_text(encoding="utf-8"))
    by_id = {record["id"]: record for record in data["papers"]}
    kept = [
        entry["paper"]["id"] for entry in original[:REPAIRED_MUTATIONS] + original[len(BAD_ENTRY_MUTATIONS) :]
    ]
    assert sorted(by_id) == sorted(kept) and len(kept) == 7
    first, second, third = (entry["paper"] for entry in original[:REPAIRED_MUTATIONS])
    assert by_id[first["id"]]["upvotes"] == first["upvotes"]  # "189" became 189
    assert by_id[second["id"]]["organization"] is None
    assert by_id[second["id"]]["institution"] == (
        f"·{len(second['authors'])} authors" if second["authors"] else ""
    )
    assert by_id[third["id"]]["authors"] == []
    post = (site / post_path("daily", DAY)).read_text(encoding="utf-8")
    assert post.count("https://huggingface.co/papers/") == 7
    # Nothing was written outside the site, and no path was made from a bad id.
    outside = [p for p in tmp_path.rglob("*") if not p.is_relative_to(site)]
    assert outside == []
    assert not any("extra" in p.name or "escape" in p.name for p in site.rglob("*"))


def test_bad_entries_on_a_published_day_keep_the_stored_papers(published: Path, replay: Any) -> None:
    hub = replay(seed_source, faults=FaultPlan(days={DAY: Fault.BAD_ENTRIES}))
    done = invoke("run", "--site", str(published), "--date", DAY, endpoint=hub.url)
    assert done.exit_code == 0, done.output
    assert "kept the 3 stored papers it did not list" in done.stderr
    post = (published / post_path("daily", DAY)).read_text(encoding="utf-8")
    assert post.count("https://huggingface.co/papers/") == 10


# --- a rate limit pauses every fetch thread -------------------------------------------------


def test_a_retry_after_pauses_the_other_threads_too(replay: Any) -> None:
    hub = replay(seed_source, faults=FaultPlan(days={DAY: [Fault.RATE_LIMITED]}, retry_after="5"))
    waits: dict[str, list[float]] = {}
    lock = threading.Lock()

    def sleep(seconds: float) -> None:  # records who waited, without waiting
        with lock:
            waits.setdefault(threading.current_thread().name, []).append(seconds)

    shared = client(hub.url, retry=RetryPolicy(attempts=3, max_wait=1, budget=30), sleep=sleep)
    for name, day in (("first", DAY), ("second", "2026-02-10")):  # one after the other: no race
        thread = threading.Thread(target=shared.fetch_day, args=(day,), name=name)
        thread.start()
        thread.join()
    assert waits["first"] == pytest.approx([5], abs=0.1)
    # The second thread never saw a 429, yet waited out the pause before its first request:
    # what was left of it once the first thread's retry was done (less on a loaded machine).
    assert waits["second"] == pytest.approx([5], abs=0.5)
    assert len(hub.requests) == 3
    # A client of its own is not paused.
    waits.clear()
    client(hub.url, sleep=sleep).fetch_day("2026-02-10")
    assert waits == {}


# --- the token never shows -----------------------------------------------------------------


def test_hf_token_never_appears_in_any_output(tmp_path: Path, seed_hub: ReplayHub, replay: Any) -> None:
    sites = iter(tmp_path / f"site{n}" for n in range(20))
    refusing = {  # every request refused, whatever the date (doctor asks for today)
        fault: replay(seed_source, faults=FaultPlan(rate=1, kinds=[fault]))
        for fault in (Fault.UNAUTHORIZED, Fault.FORBIDDEN, Fault.UNAVAILABLE)
    }
    runs = [
        (seed_hub, ["run", "--date", DAY], 0),
        (seed_hub, ["doctor"], 0),  # warns (not a Jekyll site, no archive); the Hub answers
        (refusing[Fault.UNAUTHORIZED], ["run", "--date", DAY], 1),
        (refusing[Fault.FORBIDDEN], ["backfill", "--since", DAY, "--until", DAY], 1),
        (refusing[Fault.UNAVAILABLE], ["run", "--date", DAY, "--retry-budget", "0"], 1),
        (refusing[Fault.UNAUTHORIZED], ["doctor"], 1),
    ]
    outputs = []
    for hub, args, status in runs:
        site = next(sites)
        site.mkdir()
        env = process_env(hub.url, HF_TOKEN=SENTINEL, HF_DEBUG="1", HF_HUB_VERBOSITY="debug")
        done = subprocess.run(command(*args, "--site", str(site)), env=env, capture_output=True, text=True)
        assert done.returncode == status, (args, done.stderr)
        outputs.append(done.stdout + done.stderr)
        files = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
        assert SENTINEL.encode() not in files
    assert not any(SENTINEL in output or SENTINEL[3:20] in output for output in outputs)
    # The token was sent, and the server quoted it back; we masked it.
    assert (
        "(HTTP 401: Invalid credentials in Authorization header (Bearer ***)); check HF_TOKEN" in outputs[2]
    )
    assert "HTTP 403" in outputs[3] and "Bearer ***" in outputs[3]
    assert "HF_TOKEN is set and sent (its value is never shown)" in outputs[1]


# --- two runs at once ----------------------------------------------------------------------


def test_a_second_run_waits_for_the_first_or_stops_with_one_line(site: Path, replay: Any) -> None:
    release = threading.Event()

    def held_up(day: str) -> list[Any] | None:  # the first run's fetch blocks until released
        if day == DAY:
            release.wait(30)
        return seed_source(day)

    hub = replay(held_up)
    first = subprocess.Popen(command("run", "--site", str(site), "--date", DAY), env=process_env(hub.url))
    deadline = time.monotonic() + 15
    while lock_holder(site) != f"pid {first.pid}":
        assert time.monotonic() < deadline and first.poll() is None, "the first run never took the lock"
        time.sleep(0.02)
    others = [
        subprocess.Popen(
            command("run", "--site", str(site), "--date", day),
            env=process_env(hub.url, DAILYPAPERS_LOCK_WAIT=wait),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for day, wait in (("2026-02-10", "0.3"), ("2026-01-27", "60"))
    ]
    impatient, patient = others
    out, err = impatient.communicate(timeout=30)
    assert impatient.returncode == 1
    assert err.splitlines() == [
        f"Waiting up to 0.3 s for another dailypapers run (pid {first.pid}) writing to {site}",
        f"Error: another dailypapers run (pid {first.pid}) is still writing to {site} after 0.3 s; "
        "try again when it has finished, or wait longer with DAILYPAPERS_LOCK_WAIT=SECONDS",
    ]
    assert out == "" and not (site / post_path("daily", "2026-02-10")).exists()
    assert patient.poll() is None  # still waiting
    release.set()
    assert first.wait(timeout=30) == 0
    out, err = patient.communicate(timeout=30)
    assert patient.returncode == 0, err
    assert err == f"Waiting up to 60 s for another dailypapers run (pid {first.pid}) writing to {site}\n"
    assert "created  _posts/2026-01-27-daily-papers.md" in out
    assert (site / post_path("daily", DAY)).is_file()
    assert archive(site)["days"] == ["2026-01-27", DAY]


def test_the_lock_is_released_when_its_holder_dies(site: Path) -> None:
    code = (
        "import time\nfrom pathlib import Path\nfrom dailypapers.lock import site_lock\n"
        f"with site_lock(Path({str(site)!r})):\n    print('held', flush=True)\n    time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    assert lock_holder(site) == f"pid {holder.pid}"
    holder.kill()
    holder.wait()
    assert lock_holder(site) is None
    with site_lock(site, wait=0):
        pass


# --- temporary files left by a killed write ------------------------------------------------


def test_a_writing_command_removes_stale_temporary_files_only(published: Path, seed_hub: ReplayHub) -> None:
    old = time.time() - 3600
    stale = [
        published / "_posts" / f".{DAY}-daily-papers.md.a1b2c3d4.dailypapers.tmp",
        published / "_data" / "papers" / ".x.json.zz_09xyw.dailypapers.tmp",
    ]
    fresh = published / "_posts" / ".another.md.q1w2e3r4.dailypapers.tmp"  # as if being written right now
    # Not names write_file makes: a user's own temporary files, however alike.
    mine = [published / "_posts" / name for name in (".notes.tmp", ".draft.md.20240101.tmp", "x.tmp")]
    for path in [*stale, fresh, *mine]:
        path.write_text("partial", encoding="utf-8")
    for path in [*stale, *mine]:
        os.utime(path, (old, old))
    os.utime(fresh, (time.time() + 3600, time.time() + 3600))
    done = invoke("render", "--site", str(published), "--all", endpoint=seed_hub.url)
    assert done.exit_code == 0, done.output
    assert "Removed 2 temporary file(s) left by an interrupted run" in done.stderr
    assert not any(path.exists() for path in stale)
    assert fresh.exists() and all(path.exists() for path in mine)


# --- the replay command's fault mode ----------------------------------------------------------


def test_replay_command_fails_the_same_requests_for_the_same_seed(tmp_path: Path) -> None:
    days = sorted(
        path.name.removesuffix(".json") for path in SAMPLE_DAYS.iterdir() if path.name.endswith(".json")
    )
    directory = Path(str(SAMPLE_DAYS))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "dailypapers", "replay", str(directory), "--port", str(port),
         "--fail-rate", "0.5", "--seed", "7", "--faults", "503,truncated,reset"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None and "Replaying" in server.stdout.readline()

        def failing(url: str) -> list[str]:
            once = client(url, retry=RetryPolicy(attempts=1))
            failed = []
            for day in days:
                try:
                    once.fetch_day(day)
                except (HubUnavailable, HubDataError):
                    failed.append(day)
            return failed

        by_command = failing(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait()
    with ReplayHub(directory, faults=random_faults(0.5, 7, "503,truncated,reset")) as hub:
        assert failing(hub.url) == by_command
        assert {fault for _, fault in hub.faults} <= {Fault.UNAVAILABLE, Fault.TRUNCATED, Fault.RESET}
    assert 0 < len(by_command) < len(days)
    done = CliRunner().invoke(cli, ["replay", str(directory), "--fail-rate", "0.1", "--faults", "404"])
    assert done.exit_code == 1 and "unknown fault '404'" in done.stderr


# --- soak: 200 daily cycles against a hub failing 30% of requests ----------------------------


CYCLES = 200
SOAK_START = dt.date(2026, 3, 1)
SOAK_DAYS = CYCLES - 2  # the last days would still be changing when the soak ends
SOAK_PAPERS = 6  # papers a day lists in the end (fewer than the samples have: rendering is the cost)


def soak_source(cycle: list[int]) -> Any:
    """Day i of a calendar lists the first papers of bundled sample day i mod 7 under new ids.

    As on the real Hub, a day's listing and upvotes move while it is recent: on its own day
    (cycle i) only 4 papers are listed; on the next all 6, with 3 more upvotes each; then it
    no longer changes, and a `run` refreshing 3 days fetches it once more. ``cycle[0]`` is the
    current cycle.
    """
    samples = [
        json.loads(path.read_bytes()) for path in sorted(SAMPLE_DAYS.iterdir()) if path.name.endswith(".json")
    ]

    def answer(day: str) -> list[Any] | None:
        index = (dt.date.fromisoformat(day) - SOAK_START).days
        if not 0 <= index <= min(cycle[0], SOAK_DAYS - 1):
            return None
        entries = json.loads(json.dumps(samples[index % len(samples)][:SOAK_PAPERS]))
        for position, entry in enumerate(entries):
            entry["paper"]["id"] = f"{2600 + index // 100}.{index % 100:02d}{position:03d}"
            entry["paper"]["upvotes"] += 3 * min(cycle[0] - index, 1)
        return entries if cycle[0] > index else entries[:4]

    return answer


def soak(site: Path, plan: FaultPlan | None) -> tuple[ReplayHub, list[str]]:
    """Run the 200 cycles: each one is a scheduled `run` refreshing the last 3 days."""
    cycle = [0]
    failed: list[str] = []
    settings = Settings(summaries=())  # weekly/monthly summaries count upvote history: not compared here
    policy = RetryPolicy(attempts=4, backoff=0, max_wait=0, budget=30, jitter=0)
    with (
        ReplayHub(soak_source(cycle), faults=plan) as hub,
        Store(site / ".dailypapers" / "papers.db") as store,
    ):
        fetcher = HubClient(hub.url, token=False, timeout=0.1, retry=policy)
        for number in range(CYCLES):
            cycle[0] = number
            today = SOAK_START + dt.timedelta(days=number)
            window = [(today - dt.timedelta(days=n)).isoformat() for n in (2, 1, 0) if n <= number]
            moment = dt.datetime.combine(today, dt.time(9), dt.UTC)
            result = collect(
                site_context(site, store, settings), window, fetcher, concurrency=3, clock=lambda m=moment: m
            )
            failed += sorted(result.failed)
    return hub, failed


def comparable(site: Path) -> dict[str, Any]:
    """Posts byte for byte; data files without crawl time (it records when a change was
    first seen, which a failed fetch legitimately delays)."""
    files = contents(site)
    for name, data in files.items():
        if name.startswith("_data/"):
            record = json.loads(data)
            record.pop("crawled_at")
            files[name] = record
    return files


@pytest.mark.slow
def test_soak_200_cycles_with_30_percent_failures_end_like_a_fault_free_run(tmp_path: Path) -> None:
    # Two days also fail every try of a whole cycle (day 60 twice in a row), so the soak
    # shows the rolling window catching up, not only retries succeeding.
    forced = {
        (SOAK_START + dt.timedelta(days=n)).isoformat(): [Fault.UNAVAILABLE] * k
        for n, k in ((30, 4), (60, 8))
    }
    plan = FaultPlan(rate=0.3, seed=20260109, retry_after="0", slow_seconds=0.15, days=forced)
    faulty_hub, failed = soak(tmp_path / "faulty", plan)
    clean_hub, clean_failed = soak(tmp_path / "clean", None)
    assert clean_failed == [] and clean_hub.faults == []
    share = len(faulty_hub.faults) / len(faulty_hub.requests)
    assert 0.25 < share < 0.4, share  # the random 30% plus the forced ones
    assert {fault for _, fault in faulty_hub.faults} == set(TRANSIENT_FAULTS)
    assert {"2026-03-31", "2026-04-30"} <= set(failed)
    faulty, clean = comparable(tmp_path / "faulty"), comparable(tmp_path / "clean")
    posts = [name for name in clean if name.startswith("_posts/")]
    assert len(posts) == SOAK_DAYS
    assert faulty == clean
    for name in posts:
        assert clean[name].count(b"https://huggingface.co/papers/") == SOAK_PAPERS, name
    assert archive(tmp_path / "faulty")["listings"] == archive(tmp_path / "clean")["listings"]
