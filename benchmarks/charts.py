"""CPU time of one summary chart, by way of drawing it, each in a fresh process.

    python benchmarks/charts.py                 # every candidate, 5 processes each
    python benchmarks/charts.py --only template --repeat 9

Candidates: ``template`` (this checkout's ``dailypapers.charts``, a Jinja2 SVG template;
cold, and ``template, after posts`` as in the command, where the posts have loaded Jinja2),
``pygal``, ``vl-convert`` (Vega-Lite through ``vl-convert-python``) and ``matplotlib`` (the
chart module of commit 144d0e1, read from git). The last three are not dependencies:
``pip install pygal vl-convert-python matplotlib`` to measure them; a missing one is skipped.
Each draws the same two bar charts (papers and upvotes per day) of a 31-day month and of a
week, alternately.

Each process times (``time.process_time``, user + system CPU of the process) the import of
the library, the first chart, then ``--charts`` more. "per chart" is the steady cost; the
two "with start-up" columns share the import and the first chart's extra cost among the
48 charts of a backfill of the recorded corpus, and among the 2 of a daily ``run`` (its
week and its month). The budget is 5 ms a chart, start-up included.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
MATPLOTLIB_COMMIT = "144d0e1"

# Shared by every candidate: the data (deterministic) and the timing loop.
PRELUDE = """
import time, random
t0 = time.process_time()
rng = random.Random(7)
MONTH = [("2026-03-%02d" % d, rng.randint(0, 30), rng.randint(0, 2500)) for d in range(1, 32)]
WEEK = [("2026-02-%02d" % d, rng.randint(0, 30), rng.randint(0, 2500)) for d in range(9, 16)]
DATA = [(MONTH, False), (WEEK, True)]
"""

TIMING = """
t1 = time.process_time()
sizes = [len(draw(*DATA[0]))]
t2 = time.process_time()
for n in range(CHARTS):
    sizes.append(len(draw(*DATA[(n + 1) % 2])))
t3 = time.process_time()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "steady": (t3 - t2) / CHARTS, "bytes": sizes[:2]}))
"""

CANDIDATES = {
    "template": """
import json
from dailypapers.charts import LAYOUTS, DayPoint, daily_chart_svg
def draw(points, weekly):  # what a summary draws: both layouts (the file's, and rows for the post)
    days = [DayPoint(*p) for p in points]
    return b"".join(daily_chart_svg("2026-02", days, language="ko", weekly=weekly, layout=l) for l in LAYOUTS)
""",
    # As in the command: the daily posts are rendered first, so Jinja2 and its environment
    # are loaded already; the chart's own start-up is compiling its template.
    "template, after posts": """
import json
from dailypapers.render import environment
environment(None).get_template("ko/daily.md.j2")
t0 = time.process_time()
from dailypapers.charts import LAYOUTS, DayPoint, daily_chart_svg
def draw(points, weekly):  # what a summary draws: both layouts (the file's, and rows for the post)
    days = [DayPoint(*p) for p in points]
    return b"".join(daily_chart_svg("2026-02", days, language="ko", weekly=weekly, layout=l) for l in LAYOUTS)
""",
    "pygal": """
import json
import pygal
def draw(points, weekly):
    chart = pygal.Bar(width=720, height=400, title="2026-02", disable_xml_declaration=True,
                      show_legend=True, print_values=True, js=[])
    chart.x_labels = [day[8:] for day, _, _ in points]
    chart.add("papers", [p for _, p, _ in points])
    chart.add("upvotes", [u for _, _, u in points], secondary=True)
    return chart.render()
""",
    "vl-convert": """
import json
import vl_convert
def draw(points, weekly):
    values = [{"day": day[8:], "papers": p, "upvotes": u} for day, p, u in points]
    bar = lambda field, color: {"mark": {"type": "bar", "color": color}, "height": 120, "width": 660,
        "encoding": {"x": {"field": "day", "type": "ordinal"}, "y": {"field": field, "type": "quantitative"}}}
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": "2026-02",
            "data": {"values": values}, "vconcat": [bar("papers", "#4c78a8"), bar("upvotes", "#e8730c")]}
    return vl_convert.vegalite_to_svg(spec)
""",
    "matplotlib": """
import json, importlib.util, sys
spec = importlib.util.spec_from_file_location("old_charts", OLD_CHARTS)
old = sys.modules['old_charts'] = importlib.util.module_from_spec(spec); spec.loader.exec_module(old)
import matplotlib.figure, matplotlib.backends.backend_agg  # what the first chart would import
def draw(points, weekly):
    return old.daily_chart_svg("2026-02", [old.DayPoint(day[8:], p, u) for day, p, u in points])
""",
}


def run_once(name: str, charts: int, old_charts: Path | None) -> dict[str, float]:
    code = PRELUDE + f"CHARTS = {charts}\nOLD_CHARTS = {str(old_charts)!r}\n" + CANDIDATES[name] + TIMING
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", "MPLBACKEND": "agg"},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="processes per candidate (default 5)")
    parser.add_argument("--charts", type=int, default=40, help="charts drawn after the first (default 40)")
    parser.add_argument("--only", action="append", default=[], help="candidates whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    options = parser.parse_args()
    names = [n for n in CANDIDATES if not options.only or any(part in n for part in options.only)]
    rows = []
    with tempfile.TemporaryDirectory() as work:
        old_charts: Path | None = Path(work) / "old_charts.py"
        shown = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{MATPLOTLIB_COMMIT}:src/dailypapers/charts.py"],
            capture_output=True,
        )
        if shown.returncode == 0 and old_charts is not None:
            old_charts.write_bytes(shown.stdout)
        else:
            old_charts = None
        print(
            f"{'candidate':<22} {'import ms':>9} {'first ms':>9} {'per chart':>10} "
            f"{'48 + start-up':>14} {'2 + start-up':>13} {'bytes (month, week)':>20}"
        )
        for name in names:
            try:
                runs = [run_once(name, options.charts, old_charts) for _ in range(options.repeat)]
            except RuntimeError as error:
                print(f"{name:<22} skipped: {error}")
                continue
            median = {
                key: statistics.median(run[key] for run in runs) * 1000
                for key in ("import", "first", "steady")
            }
            start_up = median["import"] + median["first"] - median["steady"]
            row = {
                "candidate": name,
                "runs": len(runs),
                "import_ms": median["import"],
                "first_ms": median["first"],
                "per_chart_ms": median["steady"],
                "per_chart_48_ms": median["steady"] + start_up / 48,
                "per_chart_2_ms": median["steady"] + start_up / 2,
                "bytes": runs[0]["bytes"],
            }
            rows.append(row)
            print(
                f"{name:<22} {row['import_ms']:>9.1f} {row['first_ms']:>9.1f} {row['per_chart_ms']:>10.2f} "
                f"{row['per_chart_48_ms']:>14.2f} {row['per_chart_2_ms']:>13.2f} {row['bytes']!s:>20}",
                flush=True,
            )
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
