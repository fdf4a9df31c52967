"""Chaos: 120 runs against a hostile Hub, with kills and Ctrl-C, end like one clean run.

A fixed-seed schedule of ``backfill --refresh`` runs over random windows of a twelve-day
calendar. In each run every day of the window gets, at random, the right answer, a hostile
one (:data:`HOSTILE`), an answer that drops the summary, authors and organization of every
paper, an empty list, or only some of its papers. Two runs in five are a real process
killed with SIGKILL or interrupted with SIGINT (one to three presses) at a random moment
(most often while one of its days waits for an answer, so that it lands mid-run); the
rest run in this process, for speed.

After every run: no post or data file published before is gone, no day lists fewer papers,
no paper lost a field it had, every data file is whole JSON, and the command ended with a
known status and no traceback. After the last, one ordinary run (the next scheduled one)
brings the site to the exact bytes of a clean run's posts and data files, and a real
`jekyll build` passes.

Weekly and monthly summaries are off: they count the history of upvotes, which differs
when runs fail (as in the soak test of test_faults.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import invoke
from dailypapers.demo import SAMPLE_DAYS
from dailypapers.jekyll import new_site_files
from hostile import HostileHub, Request, Script, dripping, gzip_answer, json_answer, raw_answer, redirect

pytestmark = [pytest.mark.slow, pytest.mark.jekyll]

SEED = 20260213
CYCLES = 120
START = dt.date(2026, 3, 2)
CALENDAR = [(START + dt.timedelta(days=n)).isoformat() for n in range(12)]
PAPERS = 6  # papers a day lists (fewer than the samples have: rendering is the cost)
ENV = {
    "DAILYPAPERS_NOW": "2026-03-20T00:00:00Z",  # one "now" for every run: crawl times agree
    "DAILYPAPERS_SUMMARIES": "",
    "DAILYPAPERS_REQUEST_DEADLINE": "0.3",
    "DAILYPAPERS_CONCURRENCY": "3",
}
SAMPLES = [
    json.loads(path.read_bytes()) for path in sorted(SAMPLE_DAYS.iterdir()) if path.name.endswith(".json")
]


def right(day: str) -> list[Any]:
    """Day n of the calendar: the first papers of sample day n mod 7, under ids of its own."""
    index = CALENDAR.index(day)
    entries: list[Any] = json.loads(json.dumps(SAMPLES[index % len(SAMPLES)][:PAPERS]))
    for position, entry in enumerate(entries):
        entry["paper"]["id"] = f"2603.{index:02d}{position:03d}"
    return entries


def dropped(day: str) -> list[Any]:
    entries = right(day)
    for entry in entries:
        for part in (entry, entry["paper"]):
            for name in ("summary", "authors", "organization"):
                part.pop(name, None)
    return entries


def surrogate(day: str) -> Script:
    return raw_answer(json.dumps(right(day)).replace('"title": "', '"title": "\\udc00', 1).encode("ascii"))


HOSTILE: dict[str, Callable[[str, HostileHub], Script]] = {
    "surrogate": lambda day, hub: surrogate(day),
    "huge integer": lambda day, hub: raw_answer(
        b'[{"paper": {"id": "2603.99999", "upvotes": 9' + b"9" * 5000 + b"}}]"
    ),
    "huge count": lambda day, hub: json_answer(
        [{**entry, "paper": {**entry["paper"], "upvotes": 2**70}} for entry in right(day)]
    ),
    "deep": lambda day, hub: raw_answer(b"[" * 50_000 + b"]" * 50_000),
    "bad gzip": lambda day, hub: raw_answer(b"\x1f\x8b\x08\x00garbage" * 20, {"Content-Encoding": "gzip"}),
    "redirect": lambda day, hub: redirect(f"{hub.url}/api/daily_papers?date={day}&p=0&limit=100"),
    "object": lambda day, hub: json_answer({"papers": right(day)}),
    "junk entries": lambda day, hub: json_answer([1, "two", None]),
    "html": lambda day, hub: raw_answer(b"<!DOCTYPE html><html>busy</html>", {"Content-Type": "text/html"}),
    "drip": lambda day, hub: dripping(json.dumps(right(day)).encode(), 0.05),
    "503": lambda day, hub: [b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"],
}
ANSWERS = ("right", "right", "right", "hostile", "hostile", "dropped", "empty", "partial", "gzip")


class Chaos:
    """The Hub's behaviour for the current run: ``plan[day]`` is a function of the request."""

    def __init__(self) -> None:
        self.plan: dict[str, Callable[[HostileHub], Script]] = {}
        self.release = threading.Event()

    def hold(self, day: str) -> None:
        """``day`` is answered rightly, but only once :attr:`release` is set."""
        self.release.clear()
        self.plan[day] = lambda hub: json_answer(right(day)) if self.release.wait(10) else []

    def answer(self, day: str, request: Request) -> Script:
        if request.query.get("p", ["0"])[0] != "0":
            return json_answer([])
        behave = self.plan.get(day)
        return behave(self.hub) if behave else json_answer(right(day) if day in CALENDAR else [])

    def start(self) -> HostileHub:
        self.hub = HostileHub(self.answer)
        return self.hub


def choose(rng: random.Random, day: str, tally: dict[str, int]) -> Callable[[HostileHub], Script]:
    kind = rng.choice(ANSWERS)
    if kind == "hostile":
        kind = rng.choice(sorted(HOSTILE))
        tally[kind] = tally.get(kind, 0) + 1
        return lambda hub, kind=kind: HOSTILE[kind](day, hub)  # type: ignore[misc]
    tally[kind] = tally.get(kind, 0) + 1
    if kind == "dropped":
        return lambda hub: json_answer(dropped(day))
    if kind == "empty":
        return lambda hub: json_answer([])
    if kind == "partial":
        keep = rng.randrange(1, PAPERS)
        return lambda hub: json_answer(right(day)[:keep])
    if kind == "gzip":
        return lambda hub: gzip_answer(json.dumps(right(day)).encode())
    return lambda hub: json_answer(right(day))


def published(site: Path) -> dict[str, bytes]:
    """Posts and data files (temporary files included: none may be left at the end)."""
    return {
        str(path.relative_to(site)): path.read_bytes()
        for folder in ("_posts", "_data")
        if (site / folder).is_dir()
        for path in sorted((site / folder).rglob("*"))
        if path.is_file()
    }


def what_is_kept(files: dict[str, bytes]) -> dict[str, dict[str, set[str]]]:
    """Per data file: paper id -> the fields it has (non-empty)."""
    kept = {}
    for name, data in files.items():
        if name.startswith("_data/papers/daily-") and name.endswith(".json"):
            record = json.loads(data)  # a torn data file fails here
            kept[name] = {
                paper["id"]: {field for field in ("summary", "authors", "organization") if paper.get(field)}
                for paper in record["papers"]
            }
    return kept


def check_nothing_lost(before: dict[str, bytes], after: dict[str, bytes], what: str) -> None:
    posts = [name for name in before if name.startswith("_posts/") and not name.endswith(".tmp")]
    for name in posts:
        assert after.get(name), f"{what}: {name} is gone or empty"
    old, new = what_is_kept(before), what_is_kept(after)
    for name, papers in old.items():
        assert name in new, f"{what}: {name} is gone"
        for paper, fields in papers.items():
            assert paper in new[name], f"{what}: {name} lost paper {paper}"
            assert fields <= new[name][paper], f"{what}: {name}: {paper} lost {fields - new[name][paper]}"


def in_process(site: Path, endpoint: str, since: str, until: str) -> tuple[int, str]:
    done = invoke(
        "backfill", "--site", str(site), "--since", since, "--until", until, "--refresh",
        "--retry-budget", "0", endpoint=endpoint, env=ENV,
    )  # fmt: skip
    assert isinstance(done.exception, SystemExit | None), repr(done.exception)
    return done.exit_code, done.output


def as_process(
    site: Path, endpoint: str, since: str, until: str, signum: int, delay: float, presses: int, chaos: Chaos
) -> tuple[int, str]:
    env = {**os.environ, "HF_ENDPOINT": endpoint, **ENV, "DAILYPAPERS_REQUEST_DEADLINE": "10"}
    for name in ("HF_TOKEN", "DAILYPAPERS_DB"):
        env.pop(name, None)
    command = [sys.executable, "-m", "dailypapers", "backfill", "--site", str(site), "--since", since,
               "--until", until, "--refresh", "--retry-budget", "0"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    for press in range(presses):
        if process.poll() is not None:
            break
        if press:
            time.sleep(0.03)
        process.send_signal(signum)
    chaos.release.set()
    out, err = process.communicate(timeout=10)
    return process.returncode, out + err


def test_chaos_ends_like_a_clean_run(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    chaos = Chaos()
    site = tmp_path / "chaos"
    site.mkdir()
    for relative, text in new_site_files().items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    tally: dict[str, int] = {}
    statuses: dict[str, list[int]] = {"in process": [], "SIGKILL": [], "SIGINT": []}
    with chaos.start() as hub:
        for cycle in range(CYCLES):
            first = rng.randrange(len(CALENDAR) - 2)
            since, until = CALENDAR[first], CALENDAR[first + 2]
            chaos.plan = {day: choose(rng, day, tally) for day in CALENDAR[first : first + 3]}
            before = published(site)
            way = rng.choice(["in process"] * 3 + ["SIGKILL", "SIGINT"])
            if way == "in process":
                status, output = in_process(site, hub.url, since, until)
                assert status in (0, 1), output
                errors = [line for line in output.splitlines() if line.startswith("Error:")]
                assert len(errors) <= 3 and (status == 1) == bool(errors), output
            else:
                signum = signal.SIGKILL if way == "SIGKILL" else signal.SIGINT
                presses = 1 if way == "SIGKILL" else rng.randint(1, 3)
                if rng.random() < 0.6:
                    # Most of the time one day's answer waits for the signal, so that it
                    # surely lands in the middle of the run; otherwise it lands anywhere.
                    chaos.hold(rng.choice(CALENDAR[first : first + 3]))
                status, output = as_process(
                    site, hub.url, since, until, signum, rng.uniform(0.3, 1.5), presses, chaos
                )
                allowed = {0, 1, -signal.SIGKILL} if way == "SIGKILL" else {0, 1, 130}
                if status == -signal.SIGINT:
                    # Ctrl-C as the interpreter was exiting, its work done: the shell shows
                    # 130 all the same.
                    assert " days: " in output, (cycle, output)
                    status = 130
                assert status in allowed, (cycle, status, output)
            assert "Traceback" not in output, (cycle, output)
            statuses[way].append(status)
            check_nothing_lost(before, published(site), f"cycle {cycle} ({way}, {since}..{until})")
        # The next scheduled run, with the Hub well again.
        chaos.plan = {}
        status, output = in_process(site, hub.url, CALENDAR[0], CALENDAR[-1])
        assert status == 0, output

        clean = tmp_path / "clean"
        clean.mkdir()
        status, output = in_process(clean, hub.url, CALENDAR[0], CALENDAR[-1])
        assert status == 0, output

    # The schedule did what it says: every kind of trouble, many times.
    assert set(tally) >= {*HOSTILE, "dropped", "empty", "partial", "gzip", "right"}, tally
    assert min(tally[kind] for kind in HOSTILE) >= 3, tally
    assert sum(status == -signal.SIGKILL for status in statuses["SIGKILL"]) >= 8, statuses
    assert sum(status == 130 for status in statuses["SIGINT"]) >= 8, statuses
    assert sum(status == 1 for status in statuses["in process"]) >= 20, statuses

    expected = published(clean)
    assert len([name for name in expected if name.startswith("_posts/")]) == len(CALENDAR)
    assert published(site) == expected

    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not on PATH (.ci/run installs Debian's jekyll package)")
    built = subprocess.run(
        [jekyll, "build", "--source", str(site), "--destination", str(site / "_site")],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0 and "done in" in built.stdout, (built.stdout + built.stderr)[-3000:]
