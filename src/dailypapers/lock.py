"""One writing run per site at a time: an advisory lock on ``SITE/.dailypapers/lock``.

Each write is atomic and SQLite serialises transactions, but two runs at once (a scheduled
run overlapping a manual backfill, say) could still interleave: one removing the other's
temporary files as stale, both rebuilding a missing archive, two sets of settings racing
for the same post. So every writing command holds this lock; a second one says that it
waits, waits up to ``DAILYPAPERS_LOCK_WAIT`` seconds, then stops with :class:`SiteLocked`.

``fcntl.flock`` belongs to the open file, so the kernel releases it when the process ends,
even by SIGKILL: a crashed run never leaves a stale lock. The file holds the holder's pid,
only for messages. Where there is no ``fcntl`` (Windows) runs are not serialised.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from dailypapers.errors import ConfigError, SiteError, SiteLocked
from dailypapers.write import remove_stale_temp_files

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = Path(".dailypapers") / "lock"
WAIT_ENV = "DAILYPAPERS_LOCK_WAIT"
DEFAULT_WAIT = 120.0  # a backfill of months takes minutes; a scheduled run, seconds
POLL = 0.1


def lock_wait() -> float:
    value = os.environ.get(WAIT_ENV)
    if not value:
        return DEFAULT_WAIT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise ConfigError(f"{WAIT_ENV}={value!r} is not a number of seconds")
    return seconds


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"


@contextlib.contextmanager
def site_lock(
    site: Path, *, wait: float | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold the site's lock for the block; wait up to ``wait`` seconds (default
    :func:`lock_wait`) for another run to release it, telling ``on_wait`` once."""
    path = site / LOCK_FILE
    if fcntl is None:
        yield path
        return
    wait = lock_wait() if wait is None else wait
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise SiteError(f"cannot create the lock file {path}: {error.strerror or error}") from None
    try:
        if not _try_lock(fd):
            holder = _holder(path)
            if on_wait:
                on_wait(f"Waiting up to {wait:g} s for another dailypapers run ({holder}) writing to {site}")
            deadline = time.monotonic() + wait
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise SiteLocked(
                        f"another dailypapers run ({holder}) is still writing to {site} after {wait:g} s; "
                        f"try again when it has finished, or wait longer with {WAIT_ENV}=SECONDS"
                    )
                time.sleep(POLL)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock


def lock_holder(site: Path) -> str | None:
    """Who holds the site's lock right now (``"pid N"``), or None if nobody does."""
    path = site / LOCK_FILE
    if fcntl is None or not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        if _try_lock(fd):
            return None
        return _holder(path)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writing_site(site: Path, *, on_message: Callable[[str], None] | None = None) -> Iterator[None]:
    """What every writing command runs in: the site lock, and a clean slate of temporary files.

    Under the lock no other run is writing, so a temporary file older than the moment we
    got it can only be left over from a run that was killed mid-write; it is removed. (Newer
    ones are left alone, in case a writer that does not take the lock is at work.)
    """
    with site_lock(site, on_wait=on_message):
        started = time.time()
        removed = remove_stale_temp_files(site, older_than=started)
        if removed and on_message:
            on_message(f"Removed {len(removed)} temporary file(s) left by an interrupted run")
        yield
