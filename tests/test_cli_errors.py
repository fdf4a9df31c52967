"""One chokepoint: whatever escapes the library is one line on stderr and exit status 1;
usage errors are exit status 2 in every command; no traceback ever reaches the user."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import invoke
from dailypapers.cli import cli
from dailypapers.paths import data_path, post_path

DAY = "2026-02-05"
NOW = {"DAILYPAPERS_NOW": "2026-02-06T00:00:00Z"}
# Commands that make their site; every other one refuses a --site that does not exist.
MAKERS = {"init", "demo", "replay"}
ARGUMENTS = {
    "run": ["--date", DAY],
    "backfill": ["--since", DAY, "--until", DAY],
    "render": ["--all"],
    "search": ["agents"],
}


def one_line(done: Result, status: int = 1) -> str:
    """The single stderr line of a failed command (no traceback, nothing else)."""
    assert done.exit_code == status, done.output
    assert "Traceback" not in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), repr(done.exception)
    lines = done.stderr.splitlines()
    if status == 2:  # click's usage message: the usage, a hint, then the one error line
        lines = [line for line in lines if line.startswith("Error: ")]
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


@pytest.fixture
def published(site: Path, seed_hub: Any) -> Path:
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    assert done.exit_code == 0, done.output
    return site


# --- usage errors: exit status 2 -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(cli.commands) - MAKERS))
def test_a_site_that_does_not_exist_is_a_usage_error(name: str, tmp_path: Path) -> None:
    done = invoke(name, "--site", str(tmp_path / "typo"), *ARGUMENTS.get(name, []))
    assert "does not exist" in one_line(done, 2)
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["backfill", "--since", "2026-02-05", "--until", "2026-02-01"],
            "--until 2026-02-01 is before --since",
        ),
        (["stats", "--since", "2026-02-05", "--until", "2026-02-01"], "--until 2026-02-01 is before --since"),
        (
            ["update-history", "--since", "2026-02-05", "--until", "2026-02-01"],
            "--until 2026-02-01 is before --since",
        ),
        (["render", "--all", "--date", DAY], "give --all or --date, not both"),
        (["run", "--date", DAY, "--days", "2"], "give --date or --days, not both"),
        (["render"], "give --all or --date"),
        (["search", ""], "give a QUERY"),
        (["search", "   "], "give a QUERY"),
        (["search", "--starred"], "--starred lists papers matching [interests] keywords or organizations"),
        (["run", "--date", "2026-02-30"], "is not a date"),
        (["stats", "--month", "2026-13"], "'2026-13' is not a month in the form YYYY-MM"),
        (["stats", "--week", "2026-W60"], "'2026-W60' is not an ISO week in the form YYYY-Www"),
        # At the ends of Python's calendar, weeks and months around a day overflowed (a "bug").
        (["run", "--date", "9999-12-31"], "'9999-12-31' is not between the years 1900 and 9000"),
        (["backfill", "--since", "0001-01-01", "--until", "0001-01-02"], "not between the years"),
        (["stats", "--month", "9999-12"], "'9999-12' is not between the years 1900 and 9000"),
        (["stats", "--week", "9999-W52"], "'9999-W52' is not between the years 1900 and 9000"),
    ],
)
def test_usage_errors_exit_2_in_every_command(published: Path, args: list[str], message: str) -> None:
    done = invoke(*args, "--site", str(published))
    assert message in one_line(done, 2)


def test_a_fixed_now_at_the_end_of_the_calendar_is_one_line(published: Path) -> None:
    done = invoke("run", "--site", str(published), env={"DAILYPAPERS_NOW": "9999-12-31T23:59:59Z"})
    assert "DAILYPAPERS_NOW='9999-12-31T23:59:59Z' is not between the years" in one_line(done)


def test_render_of_a_day_not_in_the_archive_is_an_error(published: Path) -> None:
    done = invoke("render", "--site", str(published), "--date", "2026-03-05")
    line = one_line(done)
    assert "2026-03-05 is not in the archive" in line and "dailypapers run --date 2026-03-05" in line
    assert "days rendered" not in done.stdout


# --- what used to be tracebacks ------------------------------------------------------------


def test_a_settings_file_in_cp949_is_one_line(site: Path, seed_hub: Any) -> None:
    (site / "dailypapers.toml").write_bytes('author = "김철수"\n'.encode("cp949"))
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    line = one_line(done)
    assert "dailypapers.toml is not UTF-8 text" in line and "save it as UTF-8" in line


def test_a_settings_file_with_a_byte_order_mark_is_read(site: Path, seed_hub: Any) -> None:
    (site / "dailypapers.toml").write_bytes('\ufeffauthor = "김철수"\n'.encode())
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    assert done.exit_code == 0, done.output
    assert "author: 김철수\n" in (site / post_path("daily", DAY)).read_text(encoding="utf-8")


def test_a_file_where_the_chart_directory_should_be_is_one_line(site: Path, seed_hub: Any) -> None:
    (site / "assets" / "img").mkdir(parents=True)
    (site / "assets" / "img" / "dailypapers").write_text("not a directory", encoding="utf-8")
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    assert "a file stands where a directory should be" in one_line(done)
    assert (site / "assets" / "img" / "dailypapers").read_text(encoding="utf-8") == "not a directory"


@pytest.mark.parametrize(
    "template, message",
    [
        ("{{ papers | length }\n", "line 1 is not valid: unexpected '}'"),
        ("{% for paper in papers %}\n", "is not valid"),
        ("{{ nothing_here }}\n", "failed: 'nothing_here' is undefined"),
    ],
)
def test_a_bad_site_template_is_one_line_naming_it(
    site: Path, seed_hub: Any, template: str, message: str
) -> None:
    path = site / "_dailypapers" / "templates" / "ko" / "daily.md.j2"
    path.parent.mkdir(parents=True)
    path.write_text(template, encoding="utf-8")
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    line = one_line(done)
    assert str(path) in line and message in line and "delete the site's copy" in line
    assert not (site / post_path("daily", DAY)).exists()


@pytest.mark.parametrize("pattern", ["/{yr}/{slug}/", "/{date/", "/{0}/", "/{date!r}/"])
def test_a_bad_permalink_pattern_is_one_line(site: Path, seed_hub: Any, pattern: str) -> None:
    (site / "dailypapers.toml").write_text(f'[daily]\npermalink = "{pattern}"\n', encoding="utf-8")
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    assert "daily.permalink" in one_line(done) and "expected a pattern using {date}" in done.stderr


def test_a_permalink_with_known_fields_still_works(site: Path, seed_hub: Any) -> None:
    (site / "dailypapers.toml").write_text(
        '[daily]\npermalink = "/papers/{year}/{slug}/"\n', encoding="utf-8"
    )
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    assert done.exit_code == 0, done.output
    assert 'permalink: "/papers/2026/daily-papers-2026-02-05/"' in (site / post_path("daily", DAY)).read_text(
        encoding="utf-8"
    )


def test_a_data_file_dated_february_30_never_breaks_a_command(published: Path, seed_hub: Any) -> None:
    bad = published / data_path("daily", "2025-02-30")
    bad.write_text('{"date": "2025-02-30", "crawled_at": "", "total_papers": 1, "papers": []}\n')
    for args in (["import"], ["render", "--all"], ["run", "--date", DAY], ["stats"], ["doctor"]):
        done = invoke(*args, "--site", str(published), endpoint=seed_hub.url, env=NOW)
        assert "Traceback" not in done.output and done.exit_code in (0, 1), (args, done.output)
        assert done.exception is None or isinstance(done.exception, SystemExit), (args, repr(done.exception))


# --- a full disk, and anything unexpected --------------------------------------------------


@contextlib.contextmanager
def small_disk(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


def test_a_full_disk_is_one_line_and_leaves_the_published_files_whole(tmp_path: Path, seed_hub: Any) -> None:
    with small_disk(tmp_path / "disk", "48k") as site:
        env = {
            **os.environ,
            "HF_ENDPOINT": seed_hub.url,
            "DAILYPAPERS_DB": str(tmp_path / "papers.db"),
            **NOW,
        }
        env.pop("HF_TOKEN", None)
        command = [sys.executable, "-m", "dailypapers", "run", "--site", str(site), "--date", DAY]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        assert done.returncode == 1, done.stderr
        [line] = done.stderr.splitlines()
        assert "the disk is full" in line and "free some space" in line, line
        for path in site.rglob("*"):  # what was written is whole: no half file, no temporary
            assert not path.name.endswith(".tmp"), path
            if path.suffix == ".json":
                assert path.read_text(encoding="utf-8").endswith("}\n"), path


def test_a_full_disk_during_a_write_is_one_line(
    site: Path, seed_hub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    line = one_line(done)
    assert "the disk is full" in line and "free some space and run again" in line
    assert not list(site.rglob("*.tmp"))


def test_an_unexpected_error_is_one_line_asking_for_a_report(
    site: Path, seed_hub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dailypapers import pipeline

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr(pipeline, "publish_day", broken)
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url, env=NOW)
    line = one_line(done)
    assert (
        "unexpected RuntimeError: something nobody planned for" in line and "DAILYPAPERS_TRACEBACK=1" in line
    )
    shown = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url,
                   env={**NOW, "DAILYPAPERS_TRACEBACK": "1"})  # fmt: skip
    assert isinstance(shown.exception, RuntimeError)


def test_an_archive_error_is_one_line(
    published: Path, seed_hub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from dailypapers.store import Store

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Store, "day_papers", locked)
    done = invoke("render", "--all", "--site", str(published))
    assert "the archive failed: database is locked; `dailypapers doctor` checks it" in one_line(done)


@pytest.mark.parametrize(
    "args",
    [
        ["search", "--min-upvotes", "0"],
        ["days"],
        ["stats", "--json"],
        ["search", "agents", "--json"],
        ["doctor"],
    ],
)
def test_a_reader_that_stops_reading_is_no_error(published: Path, args: list[str]) -> None:
    """`dailypapers search ... | head -1`: the closed pipe ends the command quietly."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dailypapers", *args, "--site", str(published)],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert done.stderr == ""  # no "Error: Broken pipe", no "Exception ignored ..."
    assert done.returncode == 1
