"""Opening the archive, and rebuilding it from a site's data files (``dailypapers import``).

Two data file formats are read: ours (``render.daily_data``) and the original crawler's
(``shared/original/daily-2026-02-05.json``: no ids, upvotes as ``likes``, and scraping junk
glued to the ``institution``). A site made by the original crawler migrates in one command.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers.errors import SiteError
from dailypapers.models import Organization, Paper, collapse_whitespace, is_safe_id
from dailypapers.store import Store, resolve_db_path

# pipeline and render (Jinja2, charts) are imported only where needed: `search` and `stats`
# open the archive, and importing them cost 55 ms, more than the search itself.

DATA_GLOB = "daily-*.json"
_AUTHORS = re.compile(r"·\s*(\d+)\s*authors?")
# The original scraper glued counters (stars like "2.37k", upvotes) onto organization names.
_JUNK_COUNTERS = re.compile(r"(?:\d+(?:\.\d+)?k?)+$")


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
) -> Store:
    """Open the site's archive; if there is none yet but the site has data files, rebuild it first.

    With ``scratch``, open an in-memory copy instead (for dry runs): the file is not touched.
    """
    path = resolve_db_path(site, db)
    existed = path.exists()
    store = Store.scratch_copy(path) if scratch else Store(path)
    if not existed and any(site_data_files(site)):
        if on_import:
            on_import(f"no archive at {path}: rebuilding it from {site_data_files(site)[0].parent}")
        import_site(site, store)
    return store


def site_data_files(site: Path) -> list[Path]:
    from dailypapers.pipeline import data_path

    return sorted((site / data_path("x").parent).glob(DATA_GLOB))


def import_site(site: Path, store: Store) -> ImportResult:
    """Load every ``_data/papers/daily-*.json`` of ``site`` into ``store`` (one transaction per day)."""
    from dailypapers.pipeline import content_hash

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
        result.days.append(day)
        result.papers += len(papers)
    if not result.days and result.skipped:
        raise SiteError(f"no data file of {site} could be imported: {next(iter(result.skipped.values()))}")
    return result


def read_data_file(data: dict[str, Any]) -> tuple[str, list[Paper], str]:
    """(day, papers in Hub order, crawl time) from either data file format."""
    from dailypapers.render import papers_from_data

    day = str(data["date"])
    crawled_at = _utc(str(data.get("crawled_at") or f"{day}T00:00:00Z"))
    records = data.get("papers") or []
    if all(isinstance(r, dict) and "id" in r and "hub_order" in r for r in records):
        return day, papers_from_data(data), crawled_at
    return day, [p for p in map(_paper_from_original, records) if p is not None], crawled_at


def _utc(value: str) -> str:
    """The original wrote naive local times (``2026-02-05T14:45:48.826051``); keep them as given,
    trimmed to seconds with a Z, so observations sort with ours."""
    value = value.replace("+00:00", "Z")
    if value.endswith("Z"):
        return value
    return value.split(".")[0] + "Z"


def _paper_from_original(record: Any) -> Paper | None:
    if not isinstance(record, dict):
        return None
    paper_id = str(record.get("url") or "").rstrip("/").rsplit("/", 1)[-1]
    if not is_safe_id(paper_id):
        return None
    institution = collapse_whitespace(str(record.get("institution") or ""))
    authors: tuple[str, ...] = ()
    organization = None
    if match := _AUTHORS.match(institution):
        # Only the count survived the scraper; placeholders keep the "·K authors" line right.
        authors = tuple(f"Author {n}" for n in range(1, int(match.group(1)) + 1))
    elif name := _JUNK_COUNTERS.sub("", institution).strip():
        organization = Organization(name, name)
    code_link = record.get("code_link") or None
    is_github = bool(code_link and "github.com/" in code_link)
    return Paper(
        id=paper_id,
        title=collapse_whitespace(str(record.get("title") or paper_id)),
        summary=str(record.get("abstract") or "").strip(),
        authors=authors,
        organization=organization,
        upvotes=int(record.get("likes") or 0),
        github_repo=code_link if is_github else None,
        project_page=code_link if code_link and not is_github else None,
    )
