"""One writing run per site at a time: a lock on ``SITE/.dailypapers/lock`` (filelock).

Each write is atomic and SQLite serialises transactions, but two runs at once (a scheduled
run overlapping a manual backfill, say) could still interleave: one removing the other's
temporary files as stale, both rebuilding a missing archive, two sets of settings racing
for the same post. So every writing command holds this lock; a second one says that it
waits, waits up to ``DAILYPAPERS_LOCK_WAIT`` seconds, then stops with :class:`SiteLocked`.

The lock is filelock's: ``flock`` on POSIX, which the kernel releases when the process ends,
even by SIGKILL (a crashed run never leaves a stale lock), and the Windows equivalent. The
file holds the holder's pid, only for messages. The lock file is never opened through a
symbolic link: filelock 4 opens it with ``O_NOFOLLOW``, but older releases open it with
``O_TRUNC`` through a link (a link to ``_config.yml`` would empty it), so a link is refused
before filelock sees the path.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import filelock

from dailypapers.errors import ConfigError, SiteError, SiteLocked
from dailypapers.write import check_no_links, remove_stale_temp_files

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = Path(".dailypapers") / "lock"
WAIT_ENV = "DAILYPAPERS_LOCK_WAIT"
DEFAULT_WAIT = 120.0  # a backfill of months takes minutes; a scheduled run, seconds
POLL = 0.1
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def lock_wait() -> float:
    value = os.environ.get(WAIT_ENV)
    if not value:
        return DEFAULT_WAIT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < math.inf:  # also refuses nan
        raise ConfigError(f"{WAIT_ENV}={value!r} is not a number of seconds")
    return seconds


def _holder(path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            pid = handle.read(32).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"


def _check_lock_file(site: Path, path: Path) -> None:
    """Refuse a lock path that is a symbolic link or not a regular file, with one line."""
    check_no_links(site, LOCK_FILE)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise SiteError(f"cannot use the lock file {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        raise SiteError(f"refusing to use the lock file {path}: it is not a regular file; remove it")


def _record_pid(path: Path) -> None:
    """Write our pid into the held lock file (for the waiting run's message)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | _NOFOLLOW)
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))  # os.pwrite is not on Windows
        finally:
            os.close(fd)


@contextlib.contextmanager
def site_lock(
    site: Path, *, wait: float | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold the site's lock for the block; wait up to ``wait`` seconds (default
    :func:`lock_wait`) for another run to release it, telling ``on_wait`` once."""
    path = site / LOCK_FILE
    wait = lock_wait() if wait is None else wait
    _check_lock_file(site, path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SiteError(f"cannot create the lock file {path}: {error.strerror or error}") from None
    lock = filelock.FileLock(str(path), timeout=0)
    try:
        try:
            lock.acquire(timeout=0, poll_interval=POLL)
        except filelock.Timeout:
            holder = _holder(path)
            if on_wait:
                on_wait(f"Waiting up to {wait:g} s for another dailypapers run ({holder}) writing to {site}")
            try:
                lock.acquire(timeout=wait, poll_interval=POLL)
            except filelock.Timeout:
                raise SiteLocked(
                    f"another dailypapers run ({holder}) is still writing to {site} after {wait:g} s; "
                    f"try again when it has finished, or wait longer with {WAIT_ENV}=SECONDS"
                ) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SiteError(
                f"refusing to use the lock file {path}: it is a symbolic link; remove it"
            ) from None
        raise SiteError(f"cannot create the lock file {path}: {error.strerror or error}") from None
    try:
        _record_pid(path)
        yield path
    finally:
        lock.release()


def lock_holder(site: Path) -> str | None:
    """Who holds the site's lock right now (``"pid N"``), or None if nobody does."""
    path = site / LOCK_FILE
    if fcntl is None or not path.is_file() or path.is_symlink():
        return None
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(path)
        return None
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
