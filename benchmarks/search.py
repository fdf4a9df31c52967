"""The search page's data and libraries, measured (see BENCHMARKS.md, "The search page").

    python benchmarks/search.py [--hub ../shared/hub] [--npm .cache/npm] [--repeat 3]

1. Makes the site's search files from the recorded corpus: a backfill of every recorded day
   with ``search = true``, interests, and the newest 1,000 papers summarised in Korean by the
   stand-in model of the tests (tests/korean_model.py), as tests/test_search_browser.py does.
2. Sizes: each year's file raw and gzipped (level 6, what web servers send), for the corpus
   and for 20,000 papers made of the corpus's (ids changed), spread over years at the
   corpus's rate (7.6 papers a day) and at the Hub's whole listing (50 a day).
3. Libraries, with node: MiniSearch (what the page uses), lunr with its default pipeline and
   lunr tuned for Hangul; index build time, serialized index size, and the time and number of
   results of an English title word, an organization and Korean words; medians of 9 queries
   in each of ``--repeat`` rounds, the libraries in turn (interleaved), then the median of
   the rounds. Needs ``npm pack minisearch@7.2.0 lunr@2.3.9`` unpacked under ``--npm``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # the Korean stand-in model of the tests

from dailypapers.replay import ReplayHub  # noqa: E402
from dailypapers.search_index import FIELDS, rows_json  # noqa: E402
from korean_model import korean_answer  # noqa: E402

QUERIES = {
    "title word": "completion",
    "organization": "TongyiLab",
    "korean word": "확산",
    "two korean words": "확산 에이전트",
}
LIBRARIES = {
    "minisearch": "minisearch-7.2.0/package/dist/umd/index.js",
    "lunr": "lunr-2.3.9/package/lunr.js",
    "lunr-korean": "lunr-2.3.9/package/lunr.js",
}
SETTINGS = """search = true
[interests]
keywords = ["agent", "diffusion"]
[llm]
base_url = "{url}/v1"
model = "stand-in"
budget = 1000
concurrency = 8
"""


def corpus_site(hub_dir: Path, site: Path) -> None:
    site.mkdir(parents=True)
    with ReplayHub(hub_dir / "daily_papers", chat=korean_answer) as hub:
        (site / "dailypapers.toml").write_text(SETTINGS.format(url=hub.url), encoding="utf-8")
        env = {**os.environ, "HF_ENDPOINT": hub.url, "DAILYPAPERS_NOW": "2026-09-01T00:00:00Z"}
        command = [sys.executable, "-m", "dailypapers", "backfill", "--site", str(site)]
        done = subprocess.run(
            [*command, "--since", "2025-11-01", "--until", "2026-08-31"],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(done.stderr[-2000:])


def read_rows(site: Path) -> list[list[Any]]:
    folder = site / "assets/dailypapers/search"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    rows: list[list[Any]] = []
    for shard in index["shards"]:
        rows += json.loads((folder / shard["file"]).read_text(encoding="utf-8"))["papers"]
    return rows


def many(rows: list[list[Any]], count: int, per_day: float) -> list[list[Any]]:
    """``count`` rows made of ``rows`` (ids made unique), ``per_day`` to a day back from the newest."""
    day, made = FIELDS.index("day"), []
    newest = dt.date.fromisoformat(max(row[day] for row in rows))
    for number in range(count):
        row = list(rows[number % len(rows)])
        row[0] = f"{row[0]}-{number}"
        row[day] = (newest - dt.timedelta(days=int(number / per_day))).isoformat()
        made.append(row)
    return made


def shard_sizes(rows: list[list[Any]]) -> list[tuple[str, int, int, int]]:
    """(year, papers, raw bytes, gzipped bytes) of each year's file."""
    day = FIELDS.index("day")
    years: dict[str, list[list[Any]]] = {}
    for row in rows:
        years.setdefault(row[day][:4], []).append(row)
    sizes = []
    for year, kept in sorted(years.items(), reverse=True):
        data = rows_json(kept).encode("utf-8")
        sizes.append((year, len(kept), len(data), len(gzip.compress(data, 6))))
    return sizes


def node(library: str, npm: Path, papers: Path, queries: Path) -> dict[str, Any]:
    script = Path(__file__).with_name("search_libraries.cjs")
    done = subprocess.run(
        ["node", str(script), library, str(npm / LIBRARIES[library]), str(papers), str(queries)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout))


def measure(rows: list[list[Any]], npm: Path, repeat: int, scratch: Path) -> dict[str, dict[str, Any]]:
    papers = scratch / f"papers-{len(rows)}.json"
    papers.write_text(
        json.dumps([{"n": n, **dict(zip(FIELDS, row, strict=True))} for n, row in enumerate(rows)]),
        encoding="utf-8",
    )
    queries = scratch / "queries.json"
    queries.write_text(json.dumps(QUERIES), encoding="utf-8")
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in LIBRARIES}
    for _ in range(repeat):
        for library in LIBRARIES:  # in turn: every library meets the same machine load
            rounds[library].append(node(library, npm, papers, queries))
    summary = {}
    for library, results in rounds.items():
        last = results[-1]
        summary[library] = {
            "build_ms": statistics.median(r["build_ms"] for r in results),
            "index_bytes": last["index_bytes"],
            "index_gzip_bytes": last["index_gzip_bytes"],
            "heap_mb": last["heap_mb"],
            "queries": {
                name: (
                    statistics.median(r["queries"][name]["ms"] for r in results),
                    last["queries"][name]["found"],
                )
                for name in QUERIES
            },
        }
    return summary


def report(title: str, sizes: list[tuple[str, int, int, int]], libraries: dict[str, dict[str, Any]]) -> None:
    print(f"\n## {title}\n\n| year file | papers | raw | gzip |\n| --- | ---: | ---: | ---: |")
    for year, count, raw, packed in sizes:
        print(f"| papers-{year}.json | {count} | {raw / 1e3:,.0f} kB | {packed / 1e3:,.0f} kB |")
    total_raw, total_gz = sum(s[2] for s in sizes), sum(s[3] for s in sizes)
    print(f"| all | {sum(s[1] for s in sizes)} | {total_raw / 1e3:,.0f} kB | {total_gz / 1e3:,.0f} kB |")
    names = list(QUERIES)
    print("\n| library | build ms | index (serialized) raw / gzip | heap MB | " + " | ".join(names) + " |")
    print("| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in names) + " |")
    for library, found in libraries.items():
        cells = [f"{found['queries'][name][0]:.2f} ms, {found['queries'][name][1]} found" for name in names]
        size = f"{found['index_bytes'] / 1e3:,.0f} / {found['index_gzip_bytes'] / 1e3:,.0f} kB"
        print(
            f"| {library} | {found['build_ms']:.0f} | {size} | {found['heap_mb']} | "
            + " | ".join(cells)
            + " |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--hub", type=Path, default=ROOT.parent / "shared" / "hub")
    parser.add_argument("--npm", type=Path, default=ROOT / ".cache" / "npm")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        corpus_site(options.hub, scratch / "site")
        rows = read_rows(scratch / "site")
        print(f"# queries: {QUERIES}")
        report("The recorded corpus", shard_sizes(rows), measure(rows, options.npm, options.repeat, scratch))
        hub_rate = many(rows, 20000, 50.0)
        report("20,000 papers, the Hub's whole listing (50 a day)", shard_sizes(hub_rate),
               measure(hub_rate, options.npm, options.repeat, scratch))  # fmt: skip
        report("20,000 papers at the corpus's rate (7.6 a day)", shard_sizes(many(rows, 20000, 7.6)), {})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
