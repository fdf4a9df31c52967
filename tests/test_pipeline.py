"""The daily digest end to end: paging, empty days, idempotence, errors, the whole corpus."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archive_rows import observations
from conftest import SEED_SNAPSHOTS, fast_client, seed_source, site_context
from dailypapers.config import Settings
from dailypapers.dates import recent_days
from dailypapers.paths import data_path, post_path
from dailypapers.pipeline import run_day
from dailypapers.replay import ReplayHub
from dailypapers.store import Store


def cli(*args: str, endpoint: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HF_ENDPOINT": endpoint, **(env or {})}
    environment.pop("HF_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "dailypapers", *args], env=environment, capture_output=True, text=True
    )


def snapshot(files: list[Path]) -> dict[Path, tuple[bytes, int]]:
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}


def site_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and ".dailypapers" not in p.parts)


def test_a_day_longer_than_a_page_is_fully_collected(site: Path, store: Store, replay: Any) -> None:
    hub = replay(seed_source)
    client = fast_client(hub.url, page_size=3)
    result = run_day(site_context(site, store, Settings()), "2026-02-05", client)
    assert len(result.papers) == 10
    assert len(store.day_papers("2026-02-05")) == 10
    # 10 papers in pages of 3: 3 + 3 + 3 + 1, the short page ends it.
    assert hub.requests == [f"/api/daily_papers?date=2026-02-05&p={p}&limit=3" for p in range(4)]
    assert [p.id for p in result.papers] == [e["paper"]["id"] for e in seed_source("2026-02-05") or []]


def test_an_exact_multiple_of_the_page_size_stops_at_the_empty_page(
    site: Path, store: Store, replay: Any
) -> None:
    hub = replay(seed_source)
    run_day(site_context(site, store), "2026-02-05", fast_client(hub.url, page_size=5))
    assert len(hub.requests) == 3  # 5 + 5 + 0
    assert len(store.day_papers("2026-02-05")) == 10


def test_one_request_per_day_of_up_to_100_papers(site: Path, seed_hub: ReplayHub) -> None:
    done = cli("run", "--site", str(site), "--date", "2026-01-09", endpoint=seed_hub.url)
    assert done.returncode == 0, done.stderr
    assert seed_hub.requests == ["/api/daily_papers?date=2026-01-09&p=0&limit=100"]


def test_a_day_with_no_papers_writes_nothing_and_says_so(site: Path, seed_hub: ReplayHub) -> None:
    done = cli("run", "--site", str(site), "--date", "2026-01-10", endpoint=seed_hub.url)
    assert done.returncode == 0, done.stderr
    assert "2026-01-10: the Hub lists no papers for this day; nothing written" in done.stdout
    assert site_files(site) == []


def test_running_twice_leaves_every_file_untouched(site: Path, seed_hub: ReplayHub) -> None:
    first = cli("run", "--site", str(site), "--date", "2026-02-10", endpoint=seed_hub.url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == [
        "created", "_data/papers/daily-2026-02-10.json", "created", "_posts/2026-02-10-daily-papers.md",
        # the day's week and month summaries: chart, data file, post
        "created", "assets/img/dailypapers/weekly-2026-W07.svg",
        "created", "_data/papers/weekly-2026-W07.json",
        "created", "_posts/2026-02-09-weekly-papers-summary.md",
        "created", "assets/img/dailypapers/monthly-2026-02.svg",
        "created", "_data/papers/monthly-2026-02.json",
        "created", "_posts/2026-02-01-monthly-papers-summary.md",
    ]  # fmt: skip
    before = snapshot(site_files(site))
    second = cli("run", "--site", str(site), "--date", "2026-02-10", endpoint=seed_hub.url)
    assert second.returncode == 0, second.stderr
    assert second.stdout.split().count("unchanged") == 8
    assert snapshot(site_files(site)) == before


def test_changed_upvotes_update_the_post_and_record_history(site: Path, store: Store, replay: Any) -> None:
    morning = json.loads(json.dumps(seed_source("2026-02-05")))
    for entry in morning:
        entry["paper"]["upvotes"] -= 1
    answers = iter([morning, seed_source("2026-02-05")])
    hub = replay(lambda day: next(answers))
    client = fast_client(hub.url)
    times = iter(["2026-02-05T03:00:00+00:00", "2026-02-05T14:45:00+00:00"])
    import datetime as dt

    clock = lambda: dt.datetime.fromisoformat(next(times))  # noqa: E731
    first = run_day(site_context(site, store), "2026-02-05", client, clock=clock)
    second = run_day(site_context(site, store), "2026-02-05", client, clock=clock)
    assert [f.status.value for f in first.files] == ["created", "created"]
    assert [f.status.value for f in second.files] == ["updated", "updated"]
    history = observations(store, "2602.04705")
    assert [(t, up) for t, up, _ in history] == [("2026-02-05T03:00:00Z", 189), ("2026-02-05T14:45:00Z", 190)]
    data = json.loads((site / data_path("daily", "2026-02-05")).read_text(encoding="utf-8"))
    assert data["crawled_at"] == "2026-02-05T14:45:00Z"


def test_run_without_date_refreshes_the_last_three_utc_days(site: Path, seed_hub: ReplayHub) -> None:
    done = cli(
        "run", "--site", str(site), endpoint=seed_hub.url, env={"DAILYPAPERS_NOW": "2026-01-29T01:00:00Z"}
    )
    assert done.returncode == 0, done.stderr
    assert sorted(r.split("date=")[1][:10] for r in seed_hub.requests) == [
        "2026-01-27",
        "2026-01-28",
        "2026-01-29",
    ]
    assert (site / post_path("daily", "2026-01-27")).exists()
    assert (site / post_path("daily", "2026-01-28")).exists()
    assert recent_days(2, __import__("datetime").date(2026, 3, 1)) == ["2026-02-28", "2026-03-01"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_no_network_is_one_line_and_no_file(site: Path) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    done = cli("run", "--site", str(site), "--date", "2026-02-05", "--retry-budget", "1", endpoint=endpoint)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: 2026-02-05: the Hub is unavailable: network error")
    assert "Traceback" not in done.stderr
    assert site_files(site) == []


def test_an_http_error_is_one_line_naming_date_and_status(site: Path, replay: Any) -> None:
    hub = replay(seed_source)
    hub.answer = lambda path, query: (404, {"error": "Paper listing not found"})  # type: ignore[method-assign]
    done = cli("run", "--site", str(site), "--date", "2026-02-05", endpoint=hub.url)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: 2026-02-05: the Hub refused the request (HTTP 404: Paper listing not found); "
        "check the date and HF_ENDPOINT"
    )
    assert site_files(site) == []


def test_a_bad_date_is_a_usage_error(site: Path, seed_hub: ReplayHub) -> None:
    done = cli("run", "--site", str(site), "--date", "2026-02-30", endpoint=seed_hub.url)
    assert done.returncode == 2
    assert "'2026-02-30' is not a date: the calendar has no such day" in done.stderr
    assert seed_hub.requests == []


@pytest.mark.corpus
@pytest.mark.slow  # every recorded day
def test_every_recorded_day_renders(site: Path, store: Store, shared_hub: Path, replay: Any) -> None:
    hub = replay(shared_hub / "daily_papers")
    client = fast_client(hub.url)
    days = sorted(p.stem for p in (shared_hub / "daily_papers").glob("*.json"))
    assert len(days) == 248
    for day in days:
        result = run_day(site_context(site, store), day, client)
        assert result.papers, day
        post = (site / post_path("daily", day)).read_text(encoding="utf-8")
        assert post.count("[HF 페이지](https://huggingface.co/papers/") == len(result.shown)
    assert len(hub.requests) == 248


def test_seed_days_are_complete(site: Path, store: Store, seed_hub: ReplayHub) -> None:
    for day in SEED_SNAPSHOTS:
        result = run_day(site_context(site, store), day, fast_client(seed_hub.url))
        assert len(result.shown) == len(seed_source(day) or [])


def test_the_replay_hub_serves_lone_surrogates_as_json_escapes(replay: Any) -> None:
    """Recorded text with a lone surrogate (what JavaScript's JSON writer emits) is served the
    way the Hub would send it, as a ``\\ud800`` escape, not a crash of the replay hub."""
    import urllib.request

    entry = json.loads((Path(__file__).parent / "data" / "sample_entry.json").read_text(encoding="utf-8"))
    entry["paper"]["title"] = "Broken \ud800 title"
    hub = replay(lambda day: [entry])
    with urllib.request.urlopen(f"{hub.url}/api/daily_papers?date=2026-02-05", timeout=10) as answer:
        raw = answer.read()
    assert b"\\ud800" in raw
    assert json.loads(raw)[0]["paper"]["title"] == "Broken \ud800 title"


def test_a_wrong_form_of_date_is_named_as_such(site: Path, seed_hub: ReplayHub) -> None:
    done = cli("run", "--site", str(site), "--date", "2026-2-5", endpoint=seed_hub.url)
    assert done.returncode == 2
    assert "'2026-2-5' is not a date in the form YYYY-MM-DD" in done.stderr
