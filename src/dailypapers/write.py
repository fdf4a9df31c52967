"""Writing files into the site: atomically, only when the content changes, never outside it.

The stages write through a writer: a :class:`FileWriter` writes, a :class:`DryRunWriter`
writes nothing and reports what it would do and, for a changed text file, the unified diff.
"""

from __future__ import annotations

import contextlib
import difflib
import enum
import os
import re
import stat
import tempfile
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


class FileWriter:
    """Writes the files of the site at ``root`` (see :func:`write_file`)."""

    dry_run = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str | Path, content: str | bytes) -> FileResult:
        return write_file(self.root, relative, content)


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
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
    except OSError as error:
        raise SiteError(f"cannot write {relative}: {explain_os_error(error)}") from None
    return FileResult(Path(relative), status)


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
