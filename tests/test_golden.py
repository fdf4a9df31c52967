"""The seed posts, byte for byte, from the snapshots they were made from.

The expected files are ``shared/seeds/expected`` (the seeds without the scraper's junk
counters). Our posts escape the few characters a real Jekyll build would misread; the
comparison undoes exactly those escapes and nothing else.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, SEED_SNAPSHOTS, fast_client, site_context, snapshot_clock, snapshot_time
from dailypapers.config import Settings
from dailypapers.escape import unescape_markdown
from dailypapers.paths import post_path
from dailypapers.pipeline import run_day
from dailypapers.replay import ReplayHub
from dailypapers.store import Store

EXPECTED = DATA / "expected"
FIXED_CLOCK = lambda: dt.datetime(2026, 2, 5, 14, 45, 48, tzinfo=dt.UTC)  # noqa: E731


@pytest.mark.parametrize("day", sorted(SEED_SNAPSHOTS))
def test_seed_post_matches_golden_file(day: str, site: Path, seed_hub: ReplayHub, store: Store) -> None:
    run_day(
        site_context(site, store, Settings(author="lim4349")),
        day,
        fast_client(seed_hub.url),
        clock=snapshot_clock(day),
    )
    written = (site / post_path("daily", day)).read_text(encoding="utf-8")
    expected = (EXPECTED / f"{day}-daily-papers.md").read_text(encoding="utf-8")
    assert unescape_markdown(written) == expected


def test_only_the_table_hazard_is_escaped(site: Path, seed_hub: ReplayHub, store: Store) -> None:
    """Of the five seeds, only 2026-01-09 (``||W||``) needs an escape; the rest are byte-identical."""
    for day in SEED_SNAPSHOTS:
        run_day(
            site_context(site, store, Settings(author="lim4349")),
            day,
            fast_client(seed_hub.url),
            clock=snapshot_clock(day),
        )
        written = (site / post_path("daily", day)).read_text(encoding="utf-8")
        expected = (EXPECTED / f"{day}-daily-papers.md").read_text(encoding="utf-8")
        if day == "2026-01-09":
            assert written != expected
            assert r"norm \|\|W\|\|." in written
        else:
            assert written == expected


def test_cli_reaches_the_hub_through_hf_endpoint(site: Path, seed_hub: ReplayHub) -> None:
    """The installed command, configured only by HF_ENDPOINT, writes the golden post."""
    now = snapshot_time("2026-02-05").isoformat()
    env = {**os.environ, "HF_ENDPOINT": seed_hub.url, "HF_HUB_DISABLE_TELEMETRY": "1", "DAILYPAPERS_NOW": now}
    env.pop("HF_TOKEN", None)
    args = [sys.executable, "-m", "dailypapers", "run", "--site", str(site), "--date", "2026-02-05"]
    done = subprocess.run([*args, "--author", "lim4349"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "created  _posts/2026-02-05-daily-papers.md" in done.stdout
    expected = (EXPECTED / "2026-02-05-daily-papers.md").read_text(encoding="utf-8")
    assert (site / post_path("daily", "2026-02-05")).read_text(encoding="utf-8") == expected
    assert seed_hub.requests == ["/api/daily_papers?date=2026-02-05&p=0&limit=100"]


def test_daily_data_file_matches_golden(site: Path, seed_hub: ReplayHub, store: Store) -> None:
    """The data file keeps the original keys and adds every field (regenerate: UPDATE_GOLDEN=1)."""
    run_day(site_context(site, store, Settings()), "2026-02-05", fast_client(seed_hub.url), clock=FIXED_CLOCK)
    written = (site / "_data/papers/daily-2026-02-05.json").read_text(encoding="utf-8")
    golden = EXPECTED / "daily-2026-02-05.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "ja", "zh"])
def test_language_post_matches_golden(language: str, site: Path, seed_hub: ReplayHub, store: Store) -> None:
    """Each language's daily post for one seed day (regenerate: UPDATE_GOLDEN=1)."""
    settings = Settings(language=language, author="lim4349")
    run_day(
        site_context(site, store, settings),
        "2026-02-05",
        fast_client(seed_hub.url),
        clock=snapshot_clock("2026-02-05"),
    )
    written = (site / post_path("daily", "2026-02-05")).read_text(encoding="utf-8")
    golden = EXPECTED / language / "2026-02-05-daily-papers.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")
