"""The benchmark harness on a few bundled days, so that it cannot rot: counts, not times."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "src" / "dailypapers" / "sample_days"
# Three bundled days spanning ten calendar days: seven of them have no papers, and each of
# those costs one request too.
DAYS = ("2026-01-27", "2026-01-28", "2026-02-05")
SPAN = 10


def test_backfill_scenario_makes_one_request_per_day_and_writes_each_days_files(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    hub.mkdir()
    for day in DAYS:
        shutil.copy(BUNDLED / f"{day}.json", hub)
    results = tmp_path / "results.json"

    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--hub",
            str(hub),
            "--only",
            "days, 0 ms, concurrency 8, no summaries",
            "--json",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    report = json.loads(results.read_text())
    assert report["meta"]["span_days"] == SPAN
    [row] = report["rows"]
    assert row["scenario"] == f"backfill {SPAN} days, 0 ms, concurrency 8, no summaries"
    assert row["requests"] == SPAN  # one request per day, days without papers included
    assert row["days_requested"] == SPAN
    # A post and a data file for each day with papers, nothing for the others.
    expected = {f"_posts/{day}-daily-papers.md" for day in DAYS} | {
        f"_data/papers/daily-{day}.json" for day in DAYS
    }
    assert set(row["written"]) == expected
    assert row["files_written"] == len(expected)


def test_chart_benchmark_measures_the_package_chart(tmp_path: Path) -> None:
    """``benchmarks/charts.py`` on this checkout's template: one process, a few charts."""
    results = tmp_path / "charts.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "charts.py"), "--only", "template"]
    done = subprocess.run(
        [*command, "--repeat", "1", "--charts", "4", "--json", str(results)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = {row["candidate"]: row for row in json.loads(results.read_text())}
    assert set(rows) == {"template", "template, after posts"}
    for row in rows.values():
        assert row["per_chart_ms"] > 0 and row["per_chart_2_ms"] >= row["per_chart_48_ms"]
        month, week = row["bytes"]
        assert month > week > 1000  # an SVG of 31 days is bigger than one of 7


def test_the_corpus_backfill_compared_with_another_checkout_reports_its_bound(tmp_path: Path) -> None:
    """``--compare`` on this very checkout: both tables, run for run, and the corpus
    backfill's bound, max(latency floor, CPU time)."""
    hub = tmp_path / "hub"
    hub.mkdir()
    for day in DAYS:
        shutil.copy(BUNDLED / f"{day}.json", hub)
    results = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--hub", str(hub)]
    done = subprocess.run(
        [*command, "--only", "corpus backfill", "--compare", str(ROOT), "--json", str(results)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(results.read_text())
    [row], [other] = report["rows"], report["compared"]
    name = f"corpus backfill {SPAN} days, 50 ms, concurrency 8"
    assert row["scenario"] == other["scenario"] == name
    assert row["requests"] == other["requests"] == SPAN
    assert row["bound_s"] == max(row["ideal_s"], row["cpu_s"]) and row["ideal_s"] == SPAN * 0.05 / 8
    assert "A / B, run by run" in done.stdout and "load average" in done.stdout
