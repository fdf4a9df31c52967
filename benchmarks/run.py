"""Benchmarks of the dailypapers command against a local replay hub.

    python benchmarks/run.py                      # every scenario, 5 runs each
    python benchmarks/run.py --quick              # the first 10 days, one run each
    python benchmarks/run.py --only "50 ms, concurrency 8" --repeat 9
    python benchmarks/run.py --profile            # pyinstrument: the 50 ms, concurrency 8 backfill
    python benchmarks/run.py --only "corpus backfill" --repeat 9 --compare ../before   # A B A B ...

The replay hub runs in this process (threads); each measurement runs the real command in a
fresh process of its own, so the two never share a GIL. The table shows the median, min and
max wall time, the command's CPU time (user + system, median), the hub's CPU time over the
same run, the command's peak RSS, the requests it made and the files it wrote. The code
measured is this checkout's ``src/``. Figures are machine dependent: compare runs made on
the same machine.

A scenario with a latency also gives its bound: the larger of the latency floor (days x
latency / concurrency) and the command's own CPU time, which no overlap of network and work
can beat on one interpreter. ``--compare DIR`` measures another checkout's ``src/`` (say an
export of the previous commit) in turn with this one, run for run, and prints both tables
and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))  # measure this checkout, installed or not

from dailypapers.replay import FixedWindow, ReplayHub, Source, directory_source  # noqa: E402

DEFAULT_HUB = ROOT.parent / "shared" / "hub"
BUNDLED_DAYS = SRC / "dailypapers" / "sample_days"
FIXED_NOW = "2026-08-22T12:00:00Z"
# Runs a command, then prints its peak RSS (KiB) and CPU seconds (user + system), so each
# measurement has its own figures.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n"
    "sys.exit(code)\n"
)
# The command's own time once Python and the CLI are loaded: what a query costs after start-up.
IN_PROCESS = (
    "import sys, time\n"
    "from dailypapers.cli import cli\n"
    "start = time.perf_counter()\n"
    "try:\n"
    "    cli.main(sys.argv[1:], prog_name='dailypapers', standalone_mode=False)\n"
    "finally:\n"
    "    print(f'\\nin-process {time.perf_counter() - start:.6f}', file=sys.stderr)\n"
)


@dataclass
class Measurement:
    seconds: float
    cpu_seconds: float
    hub_cpu_seconds: float
    rss_mib: float
    requests: int
    days_requested: int  # distinct dates asked for: equal to requests when each day costs one
    written: list[str]  # files created or changed, relative to the site
    refused: int = 0  # requests the hub's rate limit answered with 429

    @property
    def files_written(self) -> int:
        return len(self.written)


def files_state(site: Path) -> dict[str, int]:
    return {
        str(p): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file() and ".dailypapers" not in p.parts
    }


def child_env(hub: ReplayHub, extra: dict[str, str] | None = None, src: Path = SRC) -> dict[str, str]:
    env = {**os.environ, "HF_ENDPOINT": hub.url, "DAILYPAPERS_NOW": FIXED_NOW, **(extra or {})}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    env.pop("HF_TOKEN", None)
    return env


def measure(
    args: list[str],
    hub: ReplayHub,
    site: Path | None,
    *,
    in_process: bool = False,
    env: dict[str, str] | None = None,
    src: Path = SRC,
) -> Measurement:
    before = files_state(site) if site and site.exists() else {}
    requests = len(hub.requests)
    runner = ["-c", IN_PROCESS] if in_process else ["-m", "dailypapers"]
    # This process only waits for the command: its CPU time is the hub's threads'.
    hub_cpu = time.process_time()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, *runner, *args],
        env=child_env(hub, env, src),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    hub_cpu = time.process_time() - hub_cpu
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
    if in_process:
        seconds = float(done.stderr.rsplit("in-process ", 1)[1])
    after = files_state(site) if site else {}
    changed = [path for path, mtime in after.items() if before.get(path) != mtime]
    written = sorted(str(Path(path).relative_to(site)) for path in changed) if site else []
    asked = hub.requests[requests:]
    dates = {parse_qs(urlsplit(target).query).get("date", [""])[0] for target in asked}
    rss_kib, cpu = done.stdout.split()[-2:]
    return Measurement(seconds, float(cpu), hub_cpu, int(rss_kib) / 1024, len(asked), len(dates), written)


@dataclass
class Scenario:
    name: str
    args: Callable[[Path], list[str]]
    prepare: Callable[[Path], None] | None = None  # called before each measurement
    latency: float = 0.0
    ideal: float | None = None  # seconds: the latency-bound floor
    in_process: bool = False  # time the command after start-up, not the whole process
    env: dict[str, str] | None = None  # added to the command's environment
    source: Source | None = None  # the days the hub serves, instead of the days directory
    rate_limit: tuple[int, int] | None = None  # the hub's fixed window: (requests, seconds)

    def floor(self, requests: int) -> float | None:
        """The least time ``requests`` can take under the rate limit: the start of the window
        holding the last of them (windows follow each other from the first request)."""
        if self.rate_limit is None:
            return self.ideal
        limit, seconds = self.rate_limit
        return float((math.ceil(requests / limit) - 1) * seconds)


def run_scenario(scenario: Scenario, days_dir: Path, repeat: int, src: Path = SRC) -> list[Measurement]:
    results = []
    for _ in range(repeat):
        # A hub of its own for each measurement: a rate limit's windows start afresh.
        window = FixedWindow(*scenario.rate_limit) if scenario.rate_limit else None
        with ReplayHub(scenario.source or days_dir, latency=scenario.latency, rate_limit=window) as hub:
            site = Path(tempfile.mkdtemp(prefix="bench-")) / "site"
            if scenario.prepare:
                scenario.prepare(site)
            site.mkdir(exist_ok=True)  # an empty site: only `init` and `demo` create one
            result = measure(
                scenario.args(site), hub, site, in_process=scenario.in_process, env=scenario.env, src=src
            )
            result.refused = window.refused if window else 0
            results.append(result)
            shutil.rmtree(site.parent, ignore_errors=True)
    return results


def days_directory(hub: Path) -> Path:
    """The directory of DATE.json files: ``HUB/daily_papers`` (a recorded hub) or ``HUB`` itself."""
    return hub / "daily_papers" if (hub / "daily_papers").is_dir() else hub


def shifted_source(days_dir: Path, first: dt.date, span: int, start: dt.date) -> Source:
    """Days from ``start`` on served as the recorded days from ``first`` on, over and over
    (every ``span`` calendar days)."""
    recorded = directory_source(days_dir)

    def load(day: str) -> list[Any] | None:
        offset = (dt.date.fromisoformat(day) - start).days % span
        return recorded((first + dt.timedelta(days=offset)).isoformat())

    return load


def build_scenarios(days_dir: Path, quick: bool, work: Path) -> tuple[list[Scenario], dict[str, Any]]:
    days = sorted(p.stem for p in days_dir.glob("*.json"))
    if not days:
        raise SystemExit(f"no DATE.json files in {days_dir}")
    if quick:
        days = days[:10]
    since, until = days[0], days[-1]
    span = (dt.date.fromisoformat(until) - dt.date.fromisoformat(since)).days + 1
    backfill = ["backfill", "--since", since, "--until", until]

    def site_arg(site: Path) -> list[str]:
        return ["--site", str(site)]

    template = work / "filled"

    def filled(site: Path) -> None:
        """A site after a full backfill; made once, then copied (mtimes kept)."""
        if not template.exists():
            template.mkdir(parents=True)
            with ReplayHub(days_dir) as hub:
                measure([*backfill, *site_arg(template)], hub, None)
        shutil.copytree(template, site)

    def emptied(site: Path) -> None:
        """A filled site with every output file removed: only the archive is left."""
        filled(site)
        for child in site.iterdir():
            if child.name != ".dailypapers":
                shutil.rmtree(child) if child.is_dir() else child.unlink()

    def texts_removed(site: Path) -> None:
        """A filled site without its posts and data files; the charts stay (and are reused)."""
        filled(site)
        shutil.rmtree(site / "_posts")
        shutil.rmtree(site / "_data")

    scenarios = [
        Scenario("--help", lambda s: ["--help"]),
        Scenario("run one day, cold", lambda s: ["run", "--date", until, *site_arg(s)]),
        Scenario("run one day, warm", lambda s: ["run", "--date", until, *site_arg(s)], prepare=filled),
    ]
    for latency in (0.0, 0.05):
        for concurrency in (1, 4, 8):
            # The corpus backfill of issue 25: wall time against max(latency floor, CPU time).
            corpus = "corpus " if (latency, concurrency) == (0.05, 8) else ""
            scenarios.append(
                Scenario(
                    f"{corpus}backfill {span} days, {latency * 1000:.0f} ms, concurrency {concurrency}",
                    lambda s, c=concurrency: [*backfill, "--concurrency", str(c), *site_arg(s)],
                    latency=latency,
                    ideal=span * latency / concurrency if latency else None,
                )
            )
    # The same without weekly and monthly summaries (their charts cost more than the days).
    for latency in (0.0, 0.05):
        scenarios.append(
            Scenario(
                f"backfill {span} days, {latency * 1000:.0f} ms, concurrency 8, no summaries",
                lambda s: [*backfill, "--concurrency", "8", *site_arg(s)],
                latency=latency,
                ideal=span * latency / 8 if latency else None,
                env={"DAILYPAPERS_SUMMARIES": "none"},
            )
        )
    # A backfill longer than a year against the Hub's fixed window, scaled down (60 requests
    # per 10 s instead of 500 per 300 s): the recorded days again and again, shifted to end
    # the day before the fixed "now".
    limited_days = 40 if quick else 400
    end = dt.date.fromisoformat(FIXED_NOW[:10]) - dt.timedelta(days=1)
    start = end - dt.timedelta(days=limited_days - 1)
    scenarios.append(
        Scenario(
            f"backfill {limited_days} days, rate limit 60 per 10 s",
            lambda s: ["backfill", "--since", start.isoformat(), "--until", end.isoformat(), *site_arg(s)],
            source=shifted_source(days_dir, dt.date.fromisoformat(since), span, start),
            rate_limit=(60, 10),
        )
    )

    def initialised(site: Path) -> None:
        """A site `init` set up: the next `init --author` edits its dailypapers.toml in place."""
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
        }
        command = [sys.executable, "-m", "dailypapers", "init", str(site), "--package", "dailypapers==1.0"]
        subprocess.run(command, env=env, capture_output=True, check=True)

    init = ["init", "--package", "dailypapers==1.0", "--author", "lim4349", "--timezone", "Asia/Seoul"]
    scenarios += [
        Scenario("init, new site", lambda s: [*init, str(s)]),
        Scenario(
            "init, settings set in an existing dailypapers.toml",
            lambda s: [*init, str(s)],
            prepare=initialised,
        ),
    ]
    query = ["search", "reinforcement learning"]
    scenarios += [
        Scenario("render --all (every file)", lambda s: ["render", "--all", *site_arg(s)], prepare=emptied),
        Scenario(
            "render --all (posts and data files; charts kept)",
            lambda s: ["render", "--all", *site_arg(s)],
            prepare=texts_removed,
        ),
        Scenario(
            "render --all, nothing changed", lambda s: ["render", "--all", *site_arg(s)], prepare=filled
        ),
        # LaTeX read by pylatexenc (math = text) or cut into kramdown math (mathjax), against
        # the posts-and-data-files render above (math = raw): what the library costs.
        *(
            Scenario(
                f"render --all (posts and data files), math = {mode}",
                lambda s: ["render", "--all", *site_arg(s)],
                prepare=texts_removed,
                env={"DAILYPAPERS_MATH": mode},
            )
            for mode in ("text", "mathjax")
        ),
        Scenario("search", lambda s: [*query, *site_arg(s)], prepare=filled),
        Scenario(
            "search, after start-up (in-process)",
            lambda s: [*query, *site_arg(s)],
            prepare=filled,
            in_process=True,
        ),
    ]
    meta = {"days_dir": str(days_dir), "days_with_papers": len(days), "span_days": span, "since": since}
    meta["until"] = until
    return scenarios, meta


def summarise(scenario: Scenario, results: list[Measurement]) -> dict[str, Any]:
    times = [r.seconds for r in results]
    cpu = statistics.median(r.cpu_seconds for r in results)
    return {
        "scenario": scenario.name,
        "runs": len(results),
        "wall_runs": times,  # in the order run: with --compare, pair by pair with the other checkout's
        "cpu_runs": [r.cpu_seconds for r in results],
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "cpu_s": cpu,
        "hub_cpu_s": statistics.median(r.hub_cpu_seconds for r in results),
        "peak_rss_mib": max(r.rss_mib for r in results),
        "requests": results[-1].requests,
        "days_requested": results[-1].days_requested,
        "files_written": results[-1].files_written,
        "written": results[-1].written,
        "ideal_s": scenario.floor(results[-1].requests + results[-1].refused),
        "refused_429": max(r.refused for r in results),
        # What no overlap can beat: the network's floor or the command's own CPU time.
        "bound_s": max(scenario.ideal, cpu) if scenario.ideal else None,
    }


def print_row(row: dict[str, Any]) -> None:
    ideal = f"{row['ideal_s']:.2f} s ({row['median_s'] / row['ideal_s']:.2f}x)" if row["ideal_s"] else ""
    if row["refused_429"] or "rate limit" in row["scenario"]:
        ideal += f", {row['refused_429']} x 429"
    if row.get("bound_s"):
        ideal += f"; bound max(ideal, CPU) {row['bound_s']:.2f} s ({row['median_s'] / row['bound_s']:.2f}x)"
    print(
        f"{row['scenario']:<52} {row['median_s']:>8.3f} {row['min_s']:>8.3f} {row['max_s']:>8.3f} "
        f"{row['cpu_s']:>7.2f} {row['hub_cpu_s']:>7.2f} {row['peak_rss_mib']:>7.1f} "
        f"{row['requests']:>8} {row['files_written']:>7} {ideal}",
        flush=True,
    )


def measure_all(
    scenarios: list[Scenario], days_dir: Path, repeat: int, sources: list[Path], *, interleave: bool
) -> list[list[dict[str, Any]]]:
    """Each scenario's rows, one table per checkout in ``sources``. With several checkouts or
    ``interleave``, one run of each scenario (and checkout) in turn, ``repeat`` times: a
    machine whose load changes over minutes weighs on every scenario alike, so their ratios
    hold. Otherwise each scenario's runs in a row."""
    if not interleave and len(sources) == 1:
        rows = []
        for scenario in scenarios:
            rows.append(summarise(scenario, run_scenario(scenario, days_dir, repeat)))
            print_row(rows[-1])
        return [rows]
    runs: dict[tuple[str, Path], list[Measurement]] = {}
    for _ in range(repeat):
        for scenario in scenarios:
            for src in sources:
                runs.setdefault((scenario.name, src), []).extend(run_scenario(scenario, days_dir, 1, src))
    tables = []
    for src in sources:
        if len(sources) > 1:
            print(f"\n{src}")
        tables.append([summarise(scenario, runs[scenario.name, src]) for scenario in scenarios])
        for row in tables[-1]:
            print_row(row)
    return tables


def print_comparison(tables: list[list[dict[str, Any]]]) -> None:
    """A / B for each scenario: the median of the ratios of runs made one after the other
    (they met the same load), wall and CPU, with their least and greatest."""
    print("\nA / B, run by run: median (min-max)")
    for mine, theirs in zip(*tables, strict=True):
        figures = []
        for key in ("wall_runs", "cpu_runs"):
            ratios = [a / b for a, b in zip(mine[key], theirs[key], strict=True)]
            figures.append(f"{statistics.median(ratios):.3f} ({min(ratios):.2f}-{max(ratios):.2f})")
        print(f"{mine['scenario']:<52} wall {figures[0]}  CPU {figures[1]}")


def profile(scenario: Scenario, days_dir: Path) -> None:
    """Run ``scenario`` once under pyinstrument (in the command's process) and print the profile."""
    with ReplayHub(days_dir, latency=scenario.latency) as hub:
        site = Path(tempfile.mkdtemp(prefix="bench-")) / "site"
        if scenario.prepare:
            scenario.prepare(site)
        site.mkdir(exist_ok=True)  # an empty site: only `init` and `demo` create one
        command = [sys.executable, "-m", "pyinstrument", "--no-color", "-i", "0.0005", "-m", "dailypapers"]
        done = subprocess.run(
            [*command, *scenario.args(site)], env=child_env(hub, scenario.env), capture_output=True, text=True
        )
        shutil.rmtree(site.parent, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"profiling failed (pip install pyinstrument?): {done.stderr[-2000:]}")
    print(f"pyinstrument profile of: {scenario.name} ({len(hub.requests)} requests)\n")
    print(done.stdout[done.stdout.find("\n  _ ") :] if "\n  _ " in done.stdout else done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per scenario (default 5)")
    parser.add_argument(
        "--hub",
        type=Path,
        help=f"recorded hub (HUB/daily_papers/DATE.json) or a directory of DATE.json files; "
        f"default {DEFAULT_HUB}, else the days bundled in the package",
    )
    parser.add_argument("--quick", action="store_true", help="the first 10 days, one run each")
    parser.add_argument("--only", action="append", default=[], help="scenarios whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument(
        "--interleave", action="store_true", help="run the scenarios in turn, --repeat times (for ratios)"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also measure the checkout at DIR (its src/), in turn with this one, run for run",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead, profile one run of the first --only scenario (default: 50 ms, concurrency 8 backfill)",
    )
    options = parser.parse_args()
    hub = options.hub or (DEFAULT_HUB if DEFAULT_HUB.is_dir() else BUNDLED_DAYS)
    if options.hub is None and hub == BUNDLED_DAYS:
        print(f"{DEFAULT_HUB} is missing: using the {BUNDLED_DAYS.name} bundled in the package\n")
    days_dir = days_directory(hub)
    with tempfile.TemporaryDirectory(prefix="bench-work-") as work:
        scenarios, meta = build_scenarios(days_dir, options.quick, Path(work))
        if options.profile:
            wanted = options.only or ["days, 50 ms, concurrency 8"]
            profile(next(s for s in scenarios if any(part in s.name for part in wanted)), days_dir)
            return
        if options.only:
            scenarios = [s for s in scenarios if any(part in s.name for part in options.only)]
        repeat = 1 if options.quick else options.repeat
        print(
            f"{meta['span_days']} days {meta['since']} .. {meta['until']} ({meta['days_with_papers']} "
            f"with papers) from {days_dir}; {repeat} run(s) each; {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}\n"
        )
        print(
            f"{'scenario':<52} {'median':>8} {'min':>8} {'max':>8} {'CPU s':>7} {'hub CPU':>7} "
            f"{'RSS MiB':>7} {'requests':>8} {'written':>7} ideal"
        )
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        sources = [SRC, *([options.compare.resolve() / "src"] if options.compare else [])]
        if options.compare:
            print(f"A: {SRC}\nB: {sources[1]} (in turn with A, run for run)")
        tables = measure_all(scenarios, days_dir, repeat, sources, interleave=options.interleave)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        rows = tables[0]
        if options.compare:
            print_comparison(tables)
    if options.json:
        meta.update(repeat=repeat, cpus=os.cpu_count(), python=platform.python_version())
        report = {"meta": meta, "rows": rows, **({"compared": tables[1]} if options.compare else {})}
        options.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
