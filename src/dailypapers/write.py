"""Writing files into the site: atomically, only when the content changes, never outside it.

The stages write through a writer: a :class:`FileWriter` writes, a :class:`DryRunWriter`
writes nothing and reports what it would do and, for a changed text file, the unified diff.
"""

from __future__ import annotations

import collections
import contextlib
import difflib
import enum
import os
import re
import stat
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dailypapers.errors import SiteError, explain_os_error
from dailypapers.redact import hide


class Status(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class FileResult:
    path: Path  # relative to the site
    status: Status
    dry_run: bool = False  # True: nothing was written, status says what would have been
    diff: str | None = None  # in a dry run: the unified diff of a changed text file

    @property
    def changed(self) -> bool:
        """Created or updated (or, in a dry run, would be)."""
        return self.status is not Status.UNCHANGED


NO_DIFF_SUFFIXES = frozenset({".svg", ".png"})


# Threads flushing files in the background: each waits on the disk (fsync), and the disk
# serves several flushes in about the time of one (measured here: 3 ms a file one at a time,
# 0.3 ms with 8 threads).
BACKGROUND_THREADS = 8
PENDING = 64  # files written but not yet flushed, at most


class FileWriter:
    """Writes the files of the site at ``root`` (see :func:`write_file`); within
    :meth:`in_background`, by threads, in the same order (see :class:`BackgroundWrites`)."""

    dry_run = False

    def __init__(self, root: Path) -> None:
        self.root = root
        self._background: BackgroundWrites | None = None

    def write(self, relative: str | Path, content: str | bytes) -> FileResult:
        if self._background is not None:
            return self._background.write(relative, content)
        return write_file(self.root, relative, content)

    @contextlib.contextmanager
    def in_background(self, threads: int = BACKGROUND_THREADS) -> Iterator[None]:
        """Writes within are flushed to disk by ``threads`` threads while the caller goes on;
        leaving waits for every one of them (on Ctrl-C too), then raises the first error."""
        if self._background is not None:  # already: the outer block waits
            yield
            return
        background = self._background = BackgroundWrites(self.root, threads)
        try:
            yield
        except BaseException:
            self._background = None
            background.close(raise_error=False)  # what stopped the run is the error to show
            raise
        self._background = None
        background.close()


class BackgroundWrites:
    """Files written with every guarantee of :func:`write_file`, and in the order asked, their
    flushes to disk left to threads: each file's content goes to a temporary file at once, a
    thread flushes it (in parallel: flushing is most of a write's time) and renames it over its
    target only after the file asked before it is in place. Whatever stops the run, the files in
    place are those of the first N writes asked for, each complete, as when writing one at a
    time. At most :data:`PENDING` files wait for their flush (each holds a file descriptor).

    :meth:`write` compares the content with the file at once (with the content still to be
    written there, when it is) and returns its result; the first error of a thread is raised
    by the next :meth:`write` or by :meth:`close`, and no file asked after it is renamed."""

    def __init__(self, root: Path, threads: int) -> None:
        self.root = root
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="write")
        self._previous: Future[None] | None = None
        self._pending: dict[Path, tuple[bytes, Future[None]]] = {}  # not yet in place
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._queue: collections.deque[Future[None]] = collections.deque()  # oldest first

    def write(self, relative: str | Path, content: str | bytes) -> FileResult:
        self._raise_error()
        data = _bytes(content)
        target = site_path(self.root, relative)
        with self._lock:
            pending = self._pending.get(target)
        existing = pending[0] if pending is not None else _existing(target, relative)
        if existing == data:
            return FileResult(Path(relative), Status.UNCHANGED)
        status = Status.CREATED if existing is None else Status.UPDATED
        while len(self._queue) >= PENDING:
            self._queue.popleft().exception()  # waits for the oldest
        fd, temporary = _temporary_copy(target, relative, data)
        job = self._pool.submit(self._land, fd, temporary, target, relative, self._previous)
        self._previous = job
        self._queue.append(job)
        with self._lock:
            self._pending[target] = (data, job)
        job.add_done_callback(lambda done: self._landed(target, done))
        return FileResult(Path(relative), status)

    def _landed(self, target: Path, job: Future[None]) -> None:
        with self._lock:
            if target in self._pending and self._pending[target][1] is job:
                del self._pending[target]

    def _land(
        self, fd: int, temporary: str, target: Path, relative: str | Path, previous: Future[None] | None
    ) -> None:
        """Flush the temporary file, then put it in place once the one before it is."""
        try:
            _flush(fd, temporary, relative)
        except BaseException as error:
            self._failed(error)
            raise
        try:
            # Waits: renames keep the order the writes were asked in, and no file asked after
            # a failed one lands (each after a failed one fails too).
            if previous is not None and previous.exception() is not None:
                raise _EarlierWriteFailed
            _rename(temporary, target, relative)
        except BaseException as error:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            self._failed(error)
            raise

    def _failed(self, error: BaseException) -> None:
        with self._lock:
            if self._error is None:
                self._error = error

    def _raise_error(self) -> None:
        with self._lock:
            error = self._error
        if error is not None:
            raise error

    def close(self, *, raise_error: bool = True) -> None:
        """Wait for every write; then raise the first error (unless not ``raise_error``)."""
        self._pool.shutdown(wait=True)
        if raise_error:
            self._raise_error()


class _EarlierWriteFailed(Exception):
    """A write not done because one asked before it failed (that one's error is raised)."""


class DryRunWriter(FileWriter):
    """Writes nothing: each result says what :class:`FileWriter` would have done, with the diff."""

    dry_run = True

    def write(self, relative: str | Path, content: str | bytes) -> FileResult:
        data = _bytes(content)
        existing = _existing(site_path(self.root, relative), relative)
        if existing == data:
            return FileResult(Path(relative), Status.UNCHANGED, dry_run=True)
        status = Status.CREATED if existing is None else Status.UPDATED
        return FileResult(Path(relative), status, dry_run=True, diff=unified_diff(relative, existing, data))


def writer_for(root: Path, *, dry_run: bool) -> FileWriter:
    return DryRunWriter(root) if dry_run else FileWriter(root)


def unified_diff(relative: str | Path, old: bytes | None, new: bytes) -> str | None:
    """The diff between two versions of a text file; None for binary content and charts
    (an SVG's diff is thousands of lines of path data that tell a reader nothing)."""
    if Path(relative).suffix in NO_DIFF_SUFFIXES:
        return None
    try:
        before = old.decode("utf-8").splitlines(keepends=True) if old is not None else []
        after = new.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None
    old_name = f"a/{relative}" if old is not None else "/dev/null"
    lines = difflib.unified_diff(before, after, old_name, f"b/{relative}")
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def site_path(site: Path, relative: str | Path) -> Path:
    """``site / relative``, refusing any path that would land outside the site or go through
    a symbolic link inside it."""
    check_no_links(site, relative)
    root = site.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise SiteError(f"refusing to write {relative}: it is outside the site {site}")
    return target


def check_no_links(site: Path, relative: str | Path) -> None:
    """Refuse, with one line, a path under ``site`` of which some part is a symbolic link:
    a write would land wherever the link points (another file of the site, or outside it).
    The site directory itself may be a link; what is inside it may not."""
    current = site
    for part in Path(relative).parts:
        current = current / part
        try:
            is_link = stat.S_ISLNK(os.lstat(current).st_mode)
        except FileNotFoundError:
            return  # nothing further exists: it will be created as a plain directory or file
        except OSError as error:
            raise SiteError(f"cannot write {relative}: {explain_os_error(error)}") from None
        if is_link:
            raise SiteError(
                f"refusing to write {relative}: {current} is a symbolic link (to {os.readlink(current)}); "
                "replace it with the directory or file itself"
            )


def write_file(site: Path, relative: str | Path, content: str | bytes) -> FileResult:
    """Write ``content`` to ``site/relative`` unless the file already holds exactly that.

    The new content goes to a temporary file in the same directory, is flushed to disk and
    renamed over the target, so a reader (or a crash) only ever sees the old or the new file.
    An unchanged file is not touched: its mtime stays, and Jekyll and git see no change.
    """
    data = _bytes(content)
    target = site_path(site, relative)
    existing = _existing(target, relative)
    if existing == data:
        return FileResult(Path(relative), Status.UNCHANGED)
    status = Status.CREATED if existing is None else Status.UPDATED
    fd, temporary = _temporary_copy(target, relative, data)
    _flush(fd, temporary, relative)
    try:
        _rename(temporary, target, relative)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return FileResult(Path(relative), status)


def _temporary_copy(target: Path, relative: str | Path, data: bytes) -> tuple[int, str]:
    """A temporary file beside ``target`` holding ``data``, not yet flushed: its open
    descriptor and its name."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as error:
        raise SiteError(f"cannot write {relative}: {explain_os_error(error)}") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fchmod(fd, 0o644)
    except BaseException as error:
        _discard(fd, temporary)
        if isinstance(error, OSError):
            raise SiteError(f"cannot write {relative}: {explain_os_error(error)}") from None
        raise
    return fd, temporary


def _flush(fd: int, temporary: str, relative: str | Path) -> None:
    """Flush the temporary file to disk and close it (removed if that fails)."""
    try:
        os.fsync(fd)
    except BaseException as error:
        _discard(fd, temporary)
        if isinstance(error, OSError):
            raise SiteError(f"cannot write {relative}: {explain_os_error(error)}") from None
        raise
    os.close(fd)


def _discard(fd: int, temporary: str) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)


def _rename(temporary: str, target: Path, relative: str | Path) -> None:
    try:
        os.replace(temporary, target)
    except OSError as error:
        raise SiteError(f"cannot write {relative}: {explain_os_error(error)}") from None


def _bytes(content: str | bytes) -> bytes:
    """The bytes of a file; text with no secret in it (:mod:`dailypapers.redact`), whatever
    put it there: a model quoting its key, a Hub or proxy quoting the token."""
    return hide(content).encode("utf-8") if isinstance(content, str) else content


def _existing(target: Path, relative: str | Path) -> bytes | None:
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SiteError(f"cannot read {relative}: {explain_os_error(error)}") from None


# What write_file's mkstemp names look like: ".NAME.XXXXXXXX.dailypapers.tmp" (8 characters
# of mkstemp's alphabet). Only these are ever removed: a user's own ".notes.20240101.tmp" stays.
TEMP_SUFFIX = ".dailypapers.tmp"
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
# Never searched: version control, our archive, Jekyll's output and dependency trees.
_SKIPPED_DIRS = frozenset({"_site", "node_modules", "vendor"})


def stale_temp_files(site: Path, older_than: float) -> list[Path]:
    """Temporary files of :func:`write_file` in ``site`` last modified before ``older_than``
    (a ``time.time()``): what a run killed in the middle of a write leaves behind."""
    found = []
    for directory, dirs, files in os.walk(site):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(directory) / name
            if _TEMP_NAME.fullmatch(name):
                with contextlib.suppress(FileNotFoundError):
                    if path.stat().st_mtime < older_than:
                        found.append(path)
    return found


def remove_stale_temp_files(site: Path, older_than: float) -> list[Path]:
    """Delete :func:`stale_temp_files`. Call it holding the site lock: a file that is older than
    the run and not being written by it belongs to a run that died (the rename never came)."""
    removed = []
    for path in stale_temp_files(site, older_than):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed
