"""Files written in the background keep every guarantee of a write one at a time: each file
is complete, files land in the order they were asked for, and an error stops the later ones."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest

from dailypapers.errors import SiteError
from dailypapers.write import FileWriter, Status, stale_temp_files


def slow_flushes(monkeypatch: pytest.MonkeyPatch, first: float) -> tuple[list[str], list[int]]:
    """Make the first flush take ``first`` seconds and the others 20 ms; record the order in
    which files land (renames) and how many flushes run at once."""
    landed: list[str] = []
    at_once = [0, 0]  # now, most
    lock = threading.Lock()
    calls = [0]
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        with lock:
            calls[0] += 1
            wait = first if calls[0] == 1 else 0.02
            at_once[0] += 1
            at_once[1] = max(at_once)
        time.sleep(wait)
        real_fsync(fd)
        with lock:
            at_once[0] -= 1

    def replace(source: str, target: str | Path) -> None:
        real_replace(source, target)
        landed.append(Path(target).name)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return landed, at_once


def test_files_land_in_the_order_asked_while_their_flushes_run_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "kept.md").write_text("same")
    (tmp_path / "_posts" / "old.md").write_text("old")
    landed, at_once = slow_flushes(monkeypatch, first=0.3)
    writer = FileWriter(tmp_path)
    names = [f"{n}.md" for n in range(8)]
    with writer.in_background():
        results = [writer.write(f"_posts/{name}", name) for name in names]
        results += [writer.write("_posts/kept.md", "same"), writer.write("_posts/old.md", "new")]
        # The same file again while its first write is on its way: compared with that.
        results += [writer.write("_posts/0.md", "0.md"), writer.write("_posts/1.md", "one")]
    assert [r.status for r in results] == [Status.CREATED] * 8 + [
        Status.UNCHANGED,
        Status.UPDATED,
        Status.UNCHANGED,
        Status.UPDATED,
    ]
    assert landed == [*names, "old.md", "1.md"]  # the first, slowest flush did not let others pass
    assert at_once[1] > 1
    assert {p.name: p.read_text() for p in (tmp_path / "_posts").iterdir()} == {
        **{name: name for name in names},
        "1.md": "one",
        "kept.md": "same",
        "old.md": "new",
    }


def test_a_failed_write_stops_the_files_asked_after_it_and_is_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "_data").write_text("a file where a directory should be")
    landed, _ = slow_flushes(monkeypatch, first=0.2)
    writer = FileWriter(tmp_path)
    with pytest.raises(SiteError, match=r"cannot write _data/papers/x\.json"), writer.in_background():
        writer.write("_posts/a.md", "a")  # slow, and asked first: it lands
        writer.write("_data/papers/x.json", "{}")  # fails
        writer.write("_posts/b.md", "b")  # flushed, never in place
    assert landed == ["a.md"]
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == ["a.md"]
    assert stale_temp_files(tmp_path, time.time() + 60) == []


def test_what_stopped_the_block_is_raised_once_the_files_asked_are_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_flushes(monkeypatch, first=0.2)
    writer = FileWriter(tmp_path)
    with pytest.raises(KeyboardInterrupt), writer.in_background():
        writer.write("_posts/a.md", "a")
        writer.write("_posts/b.md", "b")
        raise KeyboardInterrupt
    assert (tmp_path / "_posts" / "a.md").read_text() == "a"
    assert (tmp_path / "_posts" / "b.md").read_text() == "b"
    assert stale_temp_files(tmp_path, time.time() + 60) == []


def test_a_flush_that_fails_in_its_thread_stops_the_files_asked_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landed, _ = slow_flushes(monkeypatch, first=0.2)
    flush = os.fsync

    def full_disk(fd: int) -> None:
        if ".full.md." in os.readlink(f"/proc/self/fd/{fd}"):  # the temporary file of full.md
            raise OSError(errno.ENOSPC, "No space left on device")
        flush(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    writer = FileWriter(tmp_path)
    with pytest.raises(SiteError, match=r"cannot write _posts/full\.md: .*space"), writer.in_background():
        writer.write("_posts/a.md", "a")  # slow, and asked first: it lands
        writer.write("_posts/full.md", "full")  # its flush fails
        writer.write("_posts/b.md", "b")  # flushed, never in place
    assert landed == ["a.md"]
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == ["a.md"]
