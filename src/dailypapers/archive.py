"""Opening the archive, and rebuilding it from a site's data files (``dailypapers import``).

Data files are read by :mod:`dailypapers.datafile` (ours and the original crawler's: a site
made by the original crawler migrates in one command).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.config import Settings
from dailypapers.datafile import (
    SUMMARY_GLOBS,
    DailyFile,
    DataFileError,
    content_hash,
    day_of,
    empty_days,
    listed_count,
    read_daily,
)
from dailypapers.dates import date_of
from dailypapers.errors import ArchiveDamaged, SiteError
from dailypapers.merge import merge_with_stored
from dailypapers.paths import DATA_DIR, site_data_files
from dailypapers.settle import settled_at
from dailypapers.store import Store, resolve_db_path
from dailypapers.write import check_no_links

# pipeline and render (Jinja2, charts) are imported only where needed: `search` and `stats`
# open the archive, and importing them cost 55 ms, more than the search itself.


@dataclass
class ImportResult:
    days: list[str] = field(default_factory=list)
    papers: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # file name -> reason
    warnings: list[str] = field(default_factory=list)  # fields left out, files not read


def open_store(
    site: Path,
    db: Path | None = None,
    *,
    on_import: Callable[[str], None] | None = None,
    scratch: bool = False,
    complete: bool = True,
    settle_days: int = Settings.settle_days,
) -> Store:
    """Open the site's archive, first making sure it holds every day of the site's data files.

    Before anything is written, an archive that is missing, empty (even zero bytes) or holds
    fewer days or papers than ``_data/papers/daily-*.json`` is completed from those files; one
    that is not a database or has damaged pages is kept aside (``papers.db.damaged-TIME``) and
    rebuilt from them. Each is said in one line to ``on_import``. A damaged archive with no
    data file to rebuild it from is a :class:`SiteError`.

    With ``scratch``, open an in-memory copy instead (for dry runs): the file is not touched.
    Without ``complete``, a sound archive is opened as it is (``import`` completes it itself).
    """
    path = resolve_db_path(site, db)
    if path.is_relative_to(site):
        check_no_links(site, path.relative_to(site))  # SQLite would follow a link
    say = on_import or (lambda message: None)
    files = site_data_files(site)
    try:
        store = Store.scratch_copy(path) if scratch else Store(path)
        try:
            store.check_pages()
        except ArchiveDamaged:
            store.close()
            raise
    except ArchiveDamaged as error:
        if not files:
            raise SiteError(
                f"the archive {path} is damaged ({error.reason}) and {site} has no data files to rebuild "
                f"it from; restore it from a backup (if it is committed: git checkout -- {path})"
            ) from None
        if scratch:
            store = Store.scratch_copy(path.with_name(path.name + ".absent"))
            say(f"the archive {path} is damaged ({error.reason}): a run would rebuild it from the data files")
        else:
            aside = _keep_aside(path)
            store = Store(path)
            say(
                f"the archive {path} is damaged ({error.reason}): kept it as {aside.name} and "
                f"rebuilt the archive from the {len(files)} data files"
            )
        if complete:
            # said above; unreadable files are held
            complete_from_data_files(site, store, files, settle_days=settle_days)
        return store
    if not complete:
        return store
    try:
        complete_from_data_files(site, store, files, say, settle_days=settle_days)
    except BaseException:
        store.close()
        raise
    return store


def _keep_aside(path: Path) -> Path:
    """Rename a damaged archive (and its -wal and -shm files) out of the way; nothing is deleted."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        for suffix in ("-wal", "-shm", ""):
            source = Path(f"{path}{suffix}")
            if source.exists():
                os.replace(source, f"{aside}{suffix}")
    except OSError as error:
        raise SiteError(f"cannot move the damaged archive {path} aside: {error.strerror or error}") from None
    return aside


def complete_from_data_files(
    site: Path,
    store: Store,
    files: list[Path] | None = None,
    say: Callable[[str], None] | None = None,
    *,
    settle_days: int = Settings.settle_days,
) -> list[str]:
    """Add to ``store`` every day of the site's data files that it lacks, and the papers a
    stored day lacks when its data file lists more; return the days completed.

    The archive is the source of the files, so normally there is nothing to do: this costs one
    query and a glance at each file's head. An archive restored from an old backup, or a new
    empty one, is brought level with what is published before anything is written from it.

    A data file needed here that cannot be read is recorded in ``store.unreadable`` and its
    day in ``store.held_days``: the archive lacks papers of that day, so nothing of it, of its
    week or of its month is written (they would be published smaller); the command then exits
    with status 1 naming the file. Fields left out of a file that is read are said to ``say``.
    """
    say = say or (lambda message: None)
    files = site_data_files(site) if files is None else files
    sizes = store.day_sizes()
    behind = [path for path in files if _behind(path, sizes)]
    completed: list[str] = []
    warnings: list[str] = []
    for path in behind:
        try:
            daily = read_daily(path)
        except DataFileError as error:
            hold(site, store, error)
            continue
        warnings += daily.warnings
        store.restore_model_summaries(daily.model_summaries)
        store.restore_paper_info(daily.day, daily.paper_info)
        stored = store.day_papers(daily.day)
        merged, _ = merge_with_stored(stored, daily.papers) if stored else (daily.papers, [])
        if not merged or len(merged) == len(stored):
            continue
        store.save_day(
            daily.day,
            merged,
            observed=daily.papers,
            observed_at=daily.crawled_at,
            content_hash=content_hash(daily.day, merged),
        )
        restore_final(store, daily, settle_days)
        completed.append(daily.day)
    if completed:
        if sizes:
            say(
                f"the archive {store.path} lacked days or papers of {len(completed)} data files: "
                f"completed it from {files[0].parent}"
            )
        else:
            say(f"the archive {store.path} was missing or empty: rebuilt it from {files[0].parent}")
        warnings += restore_empty_days(site, store)
    for warning in warnings:
        say(f"Warning: {warning}")
    return completed


def _behind(path: Path, sizes: dict[str, int]) -> bool:
    """Whether the archive lacks the day of a data file, or papers of it (the file's head says
    how many it lists)."""
    day = day_of(path)
    return day is None or day not in sizes or listed_count(path) > sizes[day]


def hold(site: Path, store: Store, error: DataFileError) -> None:
    """Record a daily data file that cannot be read, and hold back its day (see
    :func:`complete_from_data_files`)."""
    shown = error.path.relative_to(site) if error.path.is_relative_to(site) else error.path
    day = day_of(error.path)
    if day is None:  # not a day's file: nothing to hold back
        store.unreadable[error.path.name] = f"{shown} cannot be read ({error.reason}): fix it or move it away"
        return
    store.held_days.add(day)
    store.unreadable[error.path.name] = (
        f"{shown} cannot be read ({error.reason}): the archive lacks its papers, so its post, week "
        f"and month are left as they are until it is restored (`git checkout -- {shown}`) or fixed"
    )


def restore_final(store: Store, daily: DailyFile, settle_days: int) -> None:
    """A day its data file says final was fetched once settled: the file keeps the time of the
    last fetch that changed the day, not of that one, so the archive records the earliest
    time the final fetch can have been."""
    if daily.final:
        store.mark_fetched(daily.day, max(daily.crawled_at, settled_at(daily.day, settle_days)))


def import_site(site: Path, store: Store, *, settle_days: int = Settings.settle_days) -> ImportResult:
    """Load every ``_data/papers/daily-*.json`` of ``site`` into ``store`` (one transaction per day)."""
    result = ImportResult()
    for path in site_data_files(site):
        try:
            daily = read_daily(path)
        except DataFileError as error:
            result.skipped[path.name] = error.reason
            continue
        result.warnings += daily.warnings
        if not daily.papers:
            continue
        papers = daily.papers
        store.save_day(
            daily.day,
            papers,
            observed=papers,
            observed_at=daily.crawled_at,
            content_hash=content_hash(daily.day, papers),
        )
        restore_final(store, daily, settle_days)
        store.restore_model_summaries(daily.model_summaries)
        store.restore_paper_info(daily.day, daily.paper_info)
        result.days.append(daily.day)
        result.papers += len(papers)
    result.warnings += restore_empty_days(site, store)
    if not result.days and result.skipped:
        raise SiteError(f"no data file of {site} could be imported: {next(iter(result.skipped.values()))}")
    return result


def restore_empty_days(site: Path, store: Store) -> list[str]:
    """Mark as empty the days that the site's weekly and monthly data files list as ``empty``
    (asked for once over, no papers): no daily data file remembers them. Returns a warning
    for each of those files that cannot be read."""
    directory = site / DATA_DIR
    empty: set[str] = set()
    warnings = []
    for path in sorted(p for pattern in SUMMARY_GLOBS for p in directory.glob(pattern)):
        try:
            empty |= empty_days(path)
        except DataFileError as error:
            # Its period is written again from the archive: days it listed as empty show as not collected.
            warnings.append(f"{error}; the days it lists as empty are not known to the archive")
    for day in sorted(empty):
        date = date_of(day)
        store.mark_empty(day, f"{date + dt.timedelta(days=1)}T00:00:00Z")
    return warnings
