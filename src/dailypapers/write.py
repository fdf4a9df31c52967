"""Writing files into the site: atomically, only when the content changes, never outside it."""

from __future__ import annotations

import contextlib
import enum
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dailypapers.errors import SiteError


class Status(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class FileResult:
    path: Path  # relative to the site
    status: Status


def site_path(site: Path, relative: str | Path) -> Path:
    """``site / relative``, refusing any path that would land outside the site."""
    root = site.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise SiteError(f"refusing to write {relative}: it is outside the site {site}")
    return target


def write_file(site: Path, relative: str | Path, content: str | bytes) -> FileResult:
    """Write ``content`` to ``site/relative`` unless the file already holds exactly that.

    The new content goes to a temporary file in the same directory, is flushed to disk and
    renamed over the target, so a reader (or a crash) only ever sees the old or the new file.
    An unchanged file is not touched: its mtime stays, and Jekyll and git see no change.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = site_path(site, relative)
    try:
        existing = target.read_bytes()
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise SiteError(f"cannot read {relative}: {error.strerror}") from None
    if existing == data:
        return FileResult(Path(relative), Status.UNCHANGED)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
        raise SiteError(f"cannot write {relative}: {error.strerror or error}") from None
    return FileResult(Path(relative), Status.CREATED if existing is None else Status.UPDATED)
