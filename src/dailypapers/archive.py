"""Opening the archive, and rebuilding it from a site's data files (``dailypapers import``).

Two data file formats are read: ours (``render.daily_data``) and the original crawler's
(``shared/original/daily-2026-02-05.json``: no ids, upvotes as ``likes``, and scraping junk
glued to the ``institution``). A site made by the original crawler migrates in one command.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers.errors import ArchiveDamaged, SiteError
from dailypapers.merge import merge_with_stored
from dailypapers.models import MAX_COUNT, Paper, paper_from_original_record
from dailypapers.paths import DATA_DIR, site_data_files
from dailypapers.store import Store, resolve_db_path
from dailypapers.write import check_no_links

# pipeline and render (Jinja2, charts) are imported only where needed: `search` and `stats`
# open the archive, and importing them cost 55 ms, more than the search itself.


@dataclass
class ImportResult:
    days: list[str] = field(default_factory=list)
    papers: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # file name -> reason


def open_store(
    site: Path,
    db: Path | None = None,
    *,
    on_import: Callable[[str], None] | None = None,
    scratch: bool = False,
    complete: bool = True,
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
            import_site(site, store)
        return store
    if not complete:
        return store
    try:
        complete_from_data_files(site, store, files, say)
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


# How many papers a data file lists, read from its head: both formats write it third.
_TOTAL_PAPERS = re.compile(rb'"total_papers":\s*(\d+)')


def _listed(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            match = _TOTAL_PAPERS.search(handle.read(512))
    except OSError:
        return 0
    return int(match.group(1)) if match else 0


def complete_from_data_files(
    site: Path, store: Store, files: list[Path] | None = None, say: Callable[[str], None] | None = None
) -> list[str]:
    """Add to ``store`` every day of the site's data files that it lacks, and the papers a
    stored day lacks when its data file lists more; return the days completed.

    The archive is the source of the files, so normally there is nothing to do: this costs one
    query and a glance at each file's head. An archive restored from an old backup, or a new
    empty one, is brought level with what is published before anything is written from it.
    """
    from dailypapers.render import content_hash

    files = site_data_files(site) if files is None else files
    sizes = store.day_sizes()
    behind = [
        path
        for path in files
        if (day := path.stem.removeprefix("daily-")) not in sizes or _listed(path) > sizes[day]
    ]
    completed: list[str] = []
    for path in behind:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            day, papers, crawled_at = read_data_file(data)
        except (OSError, ValueError, KeyError, TypeError):
            continue  # `import` and `doctor` name the unreadable ones
        restore_model_summaries(store, data)
        stored = store.day_papers(day)
        merged, _ = merge_with_stored(stored, papers) if stored else (papers, [])
        if not merged or len(merged) == len(stored):
            continue
        store.save_day(
            day, merged, observed=papers, observed_at=crawled_at, content_hash=content_hash(day, merged)
        )
        completed.append(day)
    if completed:
        restore_empty_days(site, store)
    if completed and say:
        if sizes:
            say(
                f"the archive {store.path} lacked days or papers of {len(completed)} data files: "
                f"completed it from {files[0].parent}"
            )
        else:
            say(f"the archive {store.path} was missing or empty: rebuilt it from {files[0].parent}")
    return completed


def import_site(site: Path, store: Store) -> ImportResult:
    """Load every ``_data/papers/daily-*.json`` of ``site`` into ``store`` (one transaction per day)."""
    from dailypapers.render import content_hash

    result = ImportResult()
    for path in site_data_files(site):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            day, papers, crawled_at = read_data_file(data)
        except (OSError, ValueError, KeyError, TypeError) as error:
            result.skipped[path.name] = str(error) or type(error).__name__
            continue
        if not papers:
            continue
        store.save_day(
            day, papers, observed=papers, observed_at=crawled_at, content_hash=content_hash(day, papers)
        )
        restore_model_summaries(store, data)
        result.days.append(day)
        result.papers += len(papers)
    restore_empty_days(site, store)
    if not result.days and result.skipped:
        raise SiteError(f"no data file of {site} could be imported: {next(iter(result.skipped.values()))}")
    return result


def restore_model_summaries(store: Store, data: Any) -> int:
    """The language-model summaries a data file keeps, back in the archive: an archive rebuilt
    from the data files (kept out of git with ``init --ignore-db``) asks no model again."""
    records = data.get("model_summaries") if isinstance(data, dict) else None
    return store.restore_model_summaries(records) if isinstance(records, list) else 0


SUMMARY_GLOBS = ("weekly-*.json", "monthly-*.json")


def restore_empty_days(site: Path, store: Store) -> int:
    """Mark as empty the days that the site's weekly and monthly data files list as ``empty``
    (asked for once over, no papers): no daily data file remembers them. Returns how many."""
    directory = site / DATA_DIR
    empty: set[str] = set()
    for path in sorted(p for pattern in SUMMARY_GLOBS for p in directory.glob(pattern)):
        try:
            days = json.loads(path.read_text(encoding="utf-8")).get("days") or []
            empty.update(str(d["date"]) for d in days if isinstance(d, dict) and d.get("status") == "empty")
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            continue  # a summary is rewritten from the archive anyway
    marked = 0
    for day in sorted(empty):
        try:
            date = dt.date.fromisoformat(day if len(day) == 10 else "")
        except ValueError:
            continue
        store.mark_empty(day, f"{date + dt.timedelta(days=1)}T00:00:00Z")
        marked += 1
    return marked


def read_data_file(data: dict[str, Any]) -> tuple[str, list[Paper], str]:
    """(day, papers in Hub order, crawl time) from either data file format."""
    from dailypapers.render import papers_from_data

    day = str(data["date"])
    try:
        dt.date.fromisoformat(day if len(day) == 10 else "")
    except ValueError:
        raise ValueError(f"its date {day!r} is not a day in the form YYYY-MM-DD") from None
    crawled_at = _utc(str(data.get("crawled_at") or f"{day}T00:00:00Z"))
    records = data.get("papers") or []
    if all(isinstance(r, dict) and "id" in r and "hub_order" in r for r in records):
        papers = papers_from_data(data)
    else:
        papers = [p for p in map(paper_from_original_record, records) if p is not None]
    for paper in papers:  # bounded as the Hub's counts are: sums must fit SQLite's integers
        for name in ("upvotes", "num_comments", "github_stars"):
            count = getattr(paper, name)
            if count is not None and not 0 <= count <= MAX_COUNT:
                raise ValueError(f"paper {paper.id}: {name} {count} is beyond any real count ({MAX_COUNT:,})")
    return day, papers, crawled_at


def _utc(value: str) -> str:
    """The original wrote naive local times (``2026-02-05T14:45:48.826051``); keep them as given,
    trimmed to seconds with a Z, so observations sort with ours."""
    value = value.replace("+00:00", "Z")
    if value.endswith("Z"):
        return value
    return value.split(".")[0] + "Z"
