"""The archive: backfill, interruption, import, search, stats and upvote history."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from archive_rows import dump, observations, paper_ids, schema_version
from conftest import (
    DATA,
    backfill_command,
    environment,
    fast_client,
    invoke,
    load_json,
    published_files,
    run_backfill,
    site_context,
)
from dailypapers.archive import import_site, open_store
from dailypapers.config import Settings
from dailypapers.dates import labels_of, recent_days
from dailypapers.errors import SiteError
from dailypapers.paths import data_path, post_path
from dailypapers.pipeline import collect, publish_day, run_day
from dailypapers.store import Store
from dailypapers.store_migrations import MIGRATIONS


def archive_content(site: Path) -> dict[str, Any]:
    with Store(site / ".dailypapers" / "papers.db") as store:
        return dump(store)


@pytest.mark.corpus
@pytest.mark.slow
def test_backfill_listings_match_the_recorded_files(full_backfill: Path, shared_hub: Path) -> None:
    with Store(full_backfill / ".dailypapers" / "papers.db") as store:
        recorded = sorted(shared_hub.glob("daily_papers/*.json"))
        assert store.stored_days() == [p.stem for p in recorded]
        for path in recorded:
            entries = load_json(path)
            papers = store.day_papers(path.stem)
            assert [p.id for p in papers] == [e["paper"]["id"] for e in entries]
            assert [p.upvotes for p in papers] == [e["paper"]["upvotes"] for e in entries]
            assert [p.title for p in papers] == [" ".join(e["title"].split()) for e in entries]
            assert (full_backfill / post_path("daily", path.stem)).is_file()


@pytest.mark.corpus
@pytest.mark.slow
def test_backfill_rerun_skips_stored_days_and_changes_nothing(full_backfill: Path, replay: Any) -> None:
    hub = replay(Path("/nonexistent"))
    before = published_files(full_backfill)
    done = run_backfill(full_backfill, hub.url, "2026-02-01", "2026-02-28")
    assert done.returncode == 0, done.stderr
    # Stored days need no request; the days with no papers are asked again.
    assert all(day not in r for r in hub.requests for day in ("2026-02-05", "2026-02-10"))
    assert "0 files written" in done.stdout
    assert published_files(full_backfill) == before


@pytest.mark.corpus
@pytest.mark.slow
def test_backfill_killed_at_random_moments_ends_like_an_uninterrupted_one(
    tmp_path: Path, shared_hub: Path, replay: Any
) -> None:
    # 60 days with 60 ms of latency per request, 2 at a time: about two seconds to interrupt.
    hub = replay(shared_hub / "daily_papers", latency=0.06)
    since, until = "2026-01-01", "2026-03-01"
    reference = tmp_path / "reference"
    done = run_backfill(reference, hub.url, since, until, "--concurrency", "2")
    assert done.returncode == 0, done.stderr
    interrupted = tmp_path / "interrupted"
    interrupted.mkdir()  # only init and demo create a site
    rng = random.Random(20260109)
    kills = 0
    for _ in range(4):
        process = subprocess.Popen(
            backfill_command(interrupted, hub.url, since, until, "--concurrency", "2"),
            env=environment(hub.url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.4, 1.6))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 2, "the backfill finished before it could be interrupted; raise the latency"
    final = run_backfill(interrupted, hub.url, since, until)
    assert final.returncode == 0, final.stderr
    # A kill during a write may leave a hidden ".NAME.*.tmp" beside the file (Jekyll ignores
    # dot-files); the files themselves must be complete and identical.
    finished = {k: v for k, v in published_files(interrupted).items() if not Path(k).name.startswith(".")}
    assert finished == published_files(reference)
    assert archive_content(interrupted) == archive_content(reference)
    with sqlite3.connect(interrupted / ".dailypapers" / "papers.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.corpus
@pytest.mark.slow
def test_import_rebuilds_the_same_archive(full_backfill: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(full_backfill / "_data" / "papers", copy / "_data" / "papers")
    done = subprocess.run(
        [sys.executable, "-m", "dailypapers", "import", "--site", str(copy)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Imported 248 days")
    original, rebuilt = archive_content(full_backfill), archive_content(copy)
    assert rebuilt["papers"] == original["papers"]
    assert rebuilt["listings"] == original["listings"]
    assert rebuilt["days"] == original["days"]
    # Re-rendering from the imported archive gives byte-identical posts and data files.
    render = subprocess.run(
        [sys.executable, "-m", "dailypapers", "render", "--site", str(copy), "--all"],
        capture_output=True,
        text=True,
    )
    assert render.returncode == 0, render.stderr
    # The posts, and the charts and posts of the weeks and months (their data files were copied).
    periods = len(labels_of("weekly", original["days"])) + len(labels_of("monthly", original["days"]))
    assert render.stdout.strip().endswith(f"248 days rendered, {248 + 2 * periods} files written")
    assert published_files(copy) == published_files(full_backfill)


@pytest.mark.corpus
@pytest.mark.slow
def test_search_finds_a_paper_by_a_word_of_its_abstract(full_backfill: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dailypapers", "search", "Nighttime", "--site", str(full_backfill), "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert hits and hits[0]["id"] == "2601.05249"  # RL-AWB: "Nighttime color constancy ..."
    assert hits[0]["days"][0] == "2026-01-09"


@pytest.mark.corpus
@pytest.mark.slow
def test_stats_for_a_month_match_an_independent_count(full_backfill: Path, shared_hub: Path) -> None:
    best: dict[str, int] = {}
    days = set()
    orgs: dict[str, list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    for path in sorted(shared_hub.glob("daily_papers/2026-02-*.json")):
        for entry in load_json(path):
            days.add(path.stem)
            pid = entry["paper"]["id"]
            best[pid] = max(best.get(pid, 0), entry["paper"]["upvotes"])
            if entry.get("organization"):
                names[pid] = entry["organization"].get("fullname") or entry["organization"]["name"]
    for pid, name in names.items():
        orgs[name].append(best[pid])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dailypapers",
            "stats",
            "--month",
            "2026-02",
            "--site",
            str(full_backfill),
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["days"] == len(days)
    assert figures["paper_count"] == len(best)
    assert figures["total_upvotes"] == sum(best.values())
    assert figures["average_upvotes"] == round(sum(best.values()) / len(best), 2)
    assert [p["upvotes"] for p in figures["top_papers"]] == sorted(best.values(), reverse=True)[:10]
    top_org = max(orgs.items(), key=lambda item: (len(item[1]), sum(item[1])))
    assert figures["top_organizations"][0] == {
        "name": top_org[0],
        "papers": len(top_org[1]),
        "upvotes": sum(top_org[1]),
    }


@pytest.mark.corpus
@pytest.mark.slow
def test_snapshot_replay_gives_an_upvote_history(tmp_path: Path, shared_hub: Path, replay: Any) -> None:
    """All 500 snapshots replayed in time order, each time as the scheduled `run` would:
    the hub serves each day's latest snapshot so far, and the run refreshes the last 3 days."""
    snapshots = sorted(shared_hub.glob("snapshots/*/*.json"), key=lambda p: p.stem)
    assert len(snapshots) == 500
    current: dict[str, Any] = {}
    hub = replay(lambda day: current.get(day))
    client = fast_client(hub.url)
    site = tmp_path / "site"
    with Store(site / ".dailypapers" / "papers.db") as store:
        for path in snapshots:
            current[path.parent.name] = load_json(path)
            moment = dt.datetime.strptime(path.stem, "%Y%m%dT%H%MZ").replace(tzinfo=dt.UTC)
            window = recent_days(3, dt.date.fromisoformat(path.parent.name))
            # No summaries: 500 runs would redraw their charts 1,500 times (test_summary has them).
            collect(
                site_context(site, store, Settings(summaries=())),
                window,
                client,
                clock=lambda moment=moment: moment,
            )
        points = [len(observations(store, pid)) for pid in paper_ids(store)]
        latest = {p.parent.name: p for p in snapshots}  # the last snapshot of each day
        for day, path in latest.items():
            assert [p.upvotes for p in store.day_papers(day)][: len(load_json(path))] == [
                e["paper"]["upvotes"] for e in load_json(path)
            ]
    assert len(points) == 2421
    assert sum(1 for n in points if n >= 2) > 0.75 * len(points)  # 1856 of 2421 when written


def test_a_missing_archive_is_rebuilt_from_the_data_files(site: Path, store: Store, seed_hub: Any) -> None:
    for day in ("2026-01-27", "2026-01-28"):
        run_day(site_context(site, store), day, fast_client(seed_hub.url))
    expected = dump(store)
    store.close()
    for leftover in (site / ".dailypapers").iterdir():
        leftover.unlink()
    messages: list[str] = []
    with open_store(site, on_import=messages.append) as rebuilt:
        assert dump(rebuilt) == expected
    assert messages and "was missing or empty: rebuilt it from" in messages[0]


def test_the_original_crawlers_data_file_imports(site: Path) -> None:
    papers_dir = site / data_path("daily", "x").parent
    papers_dir.mkdir(parents=True)
    (papers_dir / "daily-2026-02-05.json").write_bytes(
        (DATA / "original" / "daily-2026-02-05.json").read_bytes()
    )
    with Store(site / "archive.db") as store:
        result = import_site(site, store)
        assert result.days == ["2026-02-05"]
        papers = store.day_papers("2026-02-05")
        publish_day(site_context(site, store, Settings(author="lim4349")), "2026-02-05")
    by_id = {p.id: p for p in papers}
    assert len(papers) == 10
    assert by_id["2602.04705"].institution == "·438 authors"  # was "·438 authors2"
    assert by_id["2602.03152"].institution == "alibaba-inc"  # was "alibaba-inc3"
    assert by_id["2602.04634"].institution == "RLinf"  # was "RLinf2.37k2"
    assert by_id["2602.04634"].project_page == "https://wideseek-r1.github.io/"
    post = (site / post_path("daily", "2026-02-05")).read_text(encoding="utf-8")
    assert "   - 기관: ·438 authors\n" in post


def test_schema_is_versioned_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "papers.db"
    with Store(path) as store:
        assert schema_version(store) == len(MIGRATIONS)
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(SiteError, match="newer than this dailypapers knows"):
        Store(path)


def test_one_failing_day_does_not_stop_the_others(site: Path, store: Store, replay: Any) -> None:
    from conftest import seed_source

    hub = replay(seed_source)
    plain_answer = hub.answer
    hub.answer = lambda path, query: (  # type: ignore[method-assign]
        (500, {"error": "boom"}) if query["date"] == ["2026-01-28"] else plain_answer(path, query)
    )
    result = collect(
        site_context(site, store), ["2026-01-27", "2026-01-28", "2026-02-05"], fast_client(hub.url)
    )
    assert sorted(result.failed) == ["2026-01-28"]
    assert "HTTP 500" in str(result.failed["2026-01-28"])
    assert store.stored_days() == ["2026-01-27", "2026-02-05"]


def test_stats_of_an_empty_archive_says_so(tmp_path: Path) -> None:
    done = invoke("stats", "--site", str(tmp_path))
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[:2] == [
        "Period all (an empty archive)",
        "0 days, 0 papers, 0 upvotes (average 0.00)",
    ]


def test_update_history_says_its_own_concurrency_default() -> None:
    shown = " ".join(invoke("update-history", "--help").output.split())
    assert (
        "--concurrency INTEGER RANGE Days fetched at once (default: the setting concurrency, at most 2)"
        in shown
    )
