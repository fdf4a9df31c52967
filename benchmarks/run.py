"""Benchmarks of the dailypapers command against a local replay hub.

    python benchmarks/run.py [--repeat 5] [--hub ../shared/hub] [--quick]

Each scenario runs the real command in a fresh process, several times; the table shows the
median, min and max wall time, the peak RSS of the command and the requests it made. The
replay hub adds a fixed latency per request, like a real network. Figures are machine
dependent: compare runs made on the same machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dailypapers.replay import ReplayHub

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HUB = ROOT.parent / "shared" / "hub"
# Runs a command and prints its peak RSS (KiB), so each measurement has its own figure.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


@dataclass
class Measurement:
    seconds: float
    rss_mib: float
    requests: int
    files_written: int


def files_state(site: Path) -> dict[str, int]:
    return {
        str(p): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file() and ".dailypapers" not in p.parts
    }


def measure(args: list[str], hub: ReplayHub, site: Path | None) -> Measurement:
    before = files_state(site) if site and site.exists() else {}
    requests = len(hub.requests)
    env = {**os.environ, "HF_ENDPOINT": hub.url, "DAILYPAPERS_NOW": "2026-08-22T12:00:00Z"}
    env.pop("HF_TOKEN", None)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "dailypapers", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
    after = files_state(site) if site else {}
    written = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    return Measurement(seconds, int(done.stdout.split()[-1]) / 1024, len(hub.requests) - requests, written)


@dataclass
class Scenario:
    name: str
    args: Callable[[Path], list[str]]
    prepare: Callable[[Path], None] | None = None  # called before each measurement
    latency: float = 0.0
    ideal: str = ""


def run_scenario(scenario: Scenario, hub_dir: Path, repeat: int) -> list[Measurement]:
    results = []
    with ReplayHub(hub_dir / "daily_papers", latency=scenario.latency) as hub:
        for _ in range(repeat):
            site = Path(tempfile.mkdtemp(prefix="bench-")) / "site"
            if scenario.prepare:
                scenario.prepare(site)
            results.append(measure(scenario.args(site), hub, site))
            shutil.rmtree(site.parent, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--hub", type=Path, default=DEFAULT_HUB)
    parser.add_argument("--quick", action="store_true", help="few days, one run: a smoke test")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    options = parser.parse_args()
    days = sorted(p.stem for p in (options.hub / "daily_papers").glob("*.json"))
    if options.quick:
        days = days[:10]
    since, until = days[0], days[-1]
    span = len(range((_date(until) - _date(since)).days + 1))
    backfill = ["backfill", "--since", since, "--until", until]

    def site_arg(site: Path) -> list[str]:
        return ["--site", str(site)]

    def filled(site: Path) -> None:
        with ReplayHub(options.hub / "daily_papers") as hub:
            measure([*backfill, *site_arg(site)], hub, None)

    scenarios = [
        Scenario("--help", lambda s: ["--help"]),
        Scenario("run one day, cold", lambda s: ["run", "--date", until, *site_arg(s)]),
        Scenario(
            "run one day, warm",
            lambda s: ["run", "--date", until, *site_arg(s)],
            prepare=lambda s: filled(s),
        ),
    ]
    for latency in (0.0, 0.05):
        for concurrency in (1, 4, 8):
            ideal = span * latency / concurrency
            scenarios.append(
                Scenario(
                    f"backfill {span} days, {latency * 1000:.0f} ms, concurrency {concurrency}",
                    lambda s, c=concurrency: [*backfill, "--concurrency", str(c), *site_arg(s)],
                    latency=latency,
                    ideal=f"{ideal:.2f} s" if latency else "",
                )
            )
    rerender = Scenario("render --all (every post)", lambda s: ["render", "--all", *site_arg(s)])
    rerender.prepare = lambda s: (filled(s), shutil.rmtree(s / "_posts"))  # type: ignore[assignment,func-returns-value]
    scenarios += [
        rerender,
        Scenario(
            "render --all, nothing changed", lambda s: ["render", "--all", *site_arg(s)], prepare=filled
        ),
        Scenario("search", lambda s: ["search", "reinforcement learning", *site_arg(s)], prepare=filled),
    ]
    repeat = 1 if options.quick else options.repeat
    rows = []
    print(
        f"{'scenario':<46} {'median':>8} {'min':>8} {'max':>8} "
        f"{'RSS MiB':>8} {'requests':>8} {'written':>8} ideal"
    )
    for scenario in scenarios:
        results = run_scenario(scenario, options.hub, repeat)
        times = [r.seconds for r in results]
        row = {
            "scenario": scenario.name,
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "peak_rss_mib": max(r.rss_mib for r in results),
            "requests": results[-1].requests,
            "files_written": results[-1].files_written,
            "ideal": scenario.ideal,
        }
        rows.append(row)
        print(
            f"{row['scenario']:<46} {row['median_s']:>8.3f} {row['min_s']:>8.3f} {row['max_s']:>8.3f} "
            f"{row['peak_rss_mib']:>8.1f} {row['requests']:>8} {row['files_written']:>8} {row['ideal']}",
            flush=True,
        )
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2) + "\n")


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


if __name__ == "__main__":
    main()
