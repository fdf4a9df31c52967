"""Files of the site: no write goes through a symbolic link, the lock file included, and the
clean-up of interrupted writes removes only this tool's own temporary files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dailypapers.cli import cli
from dailypapers.lock import LOCK_FILE, site_lock
from dailypapers.paths import post_path
from dailypapers.write import stale_temp_files, write_file

DAY = "2026-02-05"
CONFIG = "title: My blog\nlang: ko\n"


def invoke(*args: str, endpoint: str) -> Result:
    env = {
        "HF_ENDPOINT": endpoint,
        "HF_TOKEN": None,
        "DAILYPAPERS_DB": None,
        "DAILYPAPERS_NOW": "2026-02-06T00:00:00Z",
    }
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def blog(site: Path) -> Path:
    (site / "_config.yml").write_text(CONFIG, encoding="utf-8")
    return site


def one_error_line(done: Result) -> str:
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    [line] = done.stderr.splitlines()
    assert line.startswith("Error: ")
    return line


def test_a_lock_file_linked_to_the_config_is_refused_and_the_config_kept(blog: Path, seed_hub: Any) -> None:
    (blog / LOCK_FILE).parent.mkdir()
    (blog / LOCK_FILE).symlink_to(blog / "_config.yml")
    done = invoke("run", "--site", str(blog), "--date", DAY, endpoint=seed_hub.url)
    line = one_error_line(done)
    assert "lock" in line and "symbolic link" in line
    assert (blog / "_config.yml").read_text(encoding="utf-8") == CONFIG
    assert not (blog / "_posts").exists()


def test_a_dangling_lock_link_creates_nothing_where_it_points(blog: Path, tmp_path: Path) -> None:
    (blog / LOCK_FILE).parent.mkdir()
    (blog / LOCK_FILE).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(Exception, match="symbolic link"), site_lock(blog, wait=0):
        pass
    assert not (tmp_path / "elsewhere").exists()


def test_the_lock_holds_our_pid_and_leaves_other_files_alone(blog: Path) -> None:
    with site_lock(blog, wait=0) as path:
        assert path.read_text(encoding="ascii") == f"{os.getpid()}\n"
    assert (blog / "_config.yml").read_text(encoding="utf-8") == CONFIG


@pytest.mark.parametrize(
    "link, target",
    [
        ("_posts", "outside"),  # a directory of the site linked outside it
        ("_posts", "inside"),  # ... or to another directory of the site
        (str(post_path("daily", DAY)), "_config.yml"),  # the post itself linked to another file
        (".dailypapers", "outside"),  # the archive's directory
    ],
)
def test_no_write_goes_through_a_link_in_the_site(
    blog: Path, tmp_path: Path, seed_hub: Any, link: str, target: str
) -> None:
    destinations = {
        "outside": tmp_path / "outside",
        "inside": blog / "assets",
        "_config.yml": blog / "_config.yml",
    }
    destination = destinations[target]
    if target != "_config.yml":
        destination.mkdir()
    (blog / link).parent.mkdir(parents=True, exist_ok=True)
    (blog / link).symlink_to(destination)
    done = invoke("run", "--site", str(blog), "--date", DAY, endpoint=seed_hub.url)
    line = one_error_line(done)
    assert f"{blog / link} is a symbolic link" in line
    assert (blog / "_config.yml").read_text(encoding="utf-8") == CONFIG
    if destination.is_dir():
        assert list(destination.iterdir()) == []


def test_write_file_refuses_a_link_and_writes_a_plain_file(blog: Path) -> None:
    (blog / "_data").symlink_to(blog / "_posts", target_is_directory=True)
    (blog / "_posts").mkdir()
    with pytest.raises(Exception, match=r"_data is a symbolic link \(to .*_posts\)"):
        write_file(blog, "_data/papers/x.json", "{}")
    assert list((blog / "_posts").iterdir()) == []
    assert write_file(blog, "_posts/a.md", "a").changed


def test_only_this_tools_temporary_names_count_as_left_over(blog: Path) -> None:
    write_file(blog, "_posts/a.md", "a")
    ours = blog / "_posts" / ".a.md.k2j4h6g8.dailypapers.tmp"
    theirs = [blog / "_posts" / name for name in (".a.md.k2j4h6g8.tmp", ".notes.20240101.tmp", "draft.tmp")]
    for path in [ours, *theirs]:
        path.write_text("x", encoding="utf-8")
        os.utime(path, (1, 1))
    assert stale_temp_files(blog, older_than=2) == [ours]
