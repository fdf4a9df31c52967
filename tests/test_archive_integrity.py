"""A damaged, empty or outdated archive is rebuilt or completed from the site's data files
before anything is written, so no run publishes less than the files behind it.

Each test publishes a week with the real command, damages the archive the way a full disk,
a bad copy or an old backup would, runs the command again and checks that every published
file is unchanged and that the one line said what happened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import DATA, published_files, seed_source
from conftest import invoke as invoke_command
from dailypapers.replay import directory_source
from dailypapers.store import Store

WEEK = ("2026-02-02", "2026-02-08")
NOW = "2026-02-09T00:00:00Z"


def invoke(*args: str, endpoint: str = "http://127.0.0.1:9") -> Result:
    return invoke_command(*args, endpoint=endpoint, env={"DAILYPAPERS_NOW": NOW})


def db(site: Path) -> Path:
    return site / ".dailypapers" / "papers.db"


def stored_days(site: Path) -> list[str]:
    with Store(db(site)) as store:
        return store.stored_days()


@pytest.fixture
def hub(replay: Any) -> Any:
    recorded = directory_source(DATA / "hub")
    return replay(lambda day: recorded(day) or seed_source(day))


@pytest.fixture
def published(site: Path, hub: Any) -> Path:
    done = invoke("backfill", "--site", str(site), "--since", WEEK[0], "--until", WEEK[1], endpoint=hub.url)
    assert done.exit_code == 0, done.output
    assert len(stored_days(site)) == 7
    assert (site / "_posts" / "2026-02-02-weekly-papers-summary.md").is_file()
    return site


def run_last_day(site: Path, hub: Any, *extra: str) -> Result:
    return invoke("run", "--site", str(site), "--date", WEEK[1], *extra, endpoint=hub.url)


def corrupt_pages(path: Path) -> None:
    """Garbage over every page but the first (the header and schema stay readable)."""
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page):
        data[start + 100 : start + 400] = b"\xa5" * 300
    path.write_bytes(bytes(data))


def test_a_zero_byte_archive_is_rebuilt_before_anything_is_written(published: Path, hub: Any) -> None:
    before = published_files(published)
    db(published).write_bytes(b"")
    done = run_last_day(published, hub)
    assert done.exit_code == 0, done.output
    assert published_files(published) == before  # the week's and month's summaries kept all 7 days
    assert len(stored_days(published)) == 7
    assert done.stderr.splitlines()[0].endswith(
        "was missing or empty: rebuilt it from " + str(published / "_data" / "papers")
    )


def test_an_empty_database_is_completed(published: Path, hub: Any) -> None:
    before = published_files(published)
    for name in ("papers.db", "papers.db-wal", "papers.db-shm"):
        (published / ".dailypapers" / name).unlink(missing_ok=True)
    Store(db(published)).close()  # a valid archive with no day
    done = run_last_day(published, hub)
    assert done.exit_code == 0, done.output
    assert published_files(published) == before
    assert len(stored_days(published)) == 7


@pytest.mark.parametrize("damage", ["not a database", "damaged pages"])
def test_a_damaged_archive_is_kept_aside_and_rebuilt(published: Path, hub: Any, damage: str) -> None:
    before = published_files(published)
    if damage == "not a database":
        db(published).write_bytes(b"this is not an SQLite file\n" * 200)
    else:
        corrupt_pages(db(published))
    damaged = db(published).read_bytes()
    done = run_last_day(published, hub)
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output
    assert published_files(published) == before
    assert len(stored_days(published)) == 7
    [line] = [line for line in done.stderr.splitlines() if "damaged" in line]
    assert line.startswith(f"the archive {db(published)} is damaged (")
    assert "kept it as papers.db.damaged-" in line and line.endswith(
        "rebuilt the archive from the 7 data files"
    )
    [aside] = (published / ".dailypapers").glob("papers.db.damaged-*")
    assert aside.read_bytes() == damaged  # nothing deleted


def test_a_damaged_archive_in_a_dry_run_is_left_as_it_is(published: Path, hub: Any) -> None:
    before = published_files(published)
    corrupt_pages(db(published))
    damaged = db(published).read_bytes()
    done = run_last_day(published, hub, "--dry-run")
    assert done.exit_code == 0, done.output
    assert "a run would rebuild it from the data files" in done.stderr
    assert "would update" not in done.stdout and "would create" not in done.stdout
    assert published_files(published) == before and db(published).read_bytes() == damaged


def test_a_damaged_archive_without_data_files_is_one_line_and_exit_1(site: Path, hub: Any) -> None:
    db(site).parent.mkdir(parents=True)
    db(site).write_bytes(b"garbage" * 1000)
    done = run_last_day(site, hub)
    assert done.exit_code == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.output
    assert done.stderr.startswith(f"Error: the archive {db(site)} is damaged (file is not a database)")
    assert "restore it from a backup" in done.stderr
    assert not (site / "_posts").exists()


def test_an_archive_behind_the_data_files_is_completed(published: Path, hub: Any, tmp_path: Path) -> None:
    """An old backup of the archive: two days missing, another one with fewer papers."""
    before = published_files(published)
    with sqlite3.connect(db(published)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("DELETE FROM days WHERE day IN ('2026-02-03', '2026-02-04')")
        connection.execute("DELETE FROM listings WHERE day = '2026-02-02' AND position >= 5")
        connection.execute("UPDATE days SET content_hash = 'older' WHERE day = '2026-02-02'")
    assert len(stored_days(published)) == 5
    done = run_last_day(published, hub)
    assert done.exit_code == 0, done.output
    assert published_files(published) == before
    assert len(stored_days(published)) == 7
    assert "lacked days or papers of 3 data files: completed it from" in done.stderr


def test_render_from_an_archive_behind_the_files_publishes_nothing_smaller(published: Path) -> None:
    before = published_files(published)
    db(published).write_bytes(b"")
    done = invoke("render", "--all", "--site", str(published))
    assert done.exit_code == 0, done.output
    assert published_files(published) == before
    assert done.stdout.endswith("7 days rendered, 0 files written\n")


def test_an_imported_data_file_with_an_impossible_date_is_skipped_with_its_reason(published: Path) -> None:
    bad = published / "_data" / "papers" / "daily-2025-02-30.json"
    bad.write_text('{"date": "2025-02-30", "crawled_at": "", "total_papers": 0, "papers": []}\n')
    done = invoke("import", "--site", str(published))
    assert done.exit_code == 1, done.output  # the others are imported; the file is named
    assert done.stdout.startswith("Imported 7 days, 70 listings")
    assert "Error: skipped daily-2025-02-30.json: its date '2025-02-30' is not a day" in done.stderr
