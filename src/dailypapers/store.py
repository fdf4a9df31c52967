"""The archive: an embedded SQLite database of every day, paper and upvote observation.

Default location ``SITE/.dailypapers/papers.db`` (Jekyll ignores dot-directories), or
``--db PATH`` / ``DAILYPAPERS_DB``. The schema is versioned with ``PRAGMA user_version``
and migrated forward on open. WAL mode lets readers work while a run writes; each day is
saved in one transaction, so a crash leaves every day either complete or untouched.

Tables:
- ``papers``: one row per paper: the metadata of its latest listed day and the highest
  upvotes seen (both independent of the order in which days are saved);
- ``days``: one row per stored day, with the time of the fetch that last changed it
  (``crawled_at``) and of its latest fetch (``fetched_at``);
- ``listings``: which papers a day lists, in the Hub's order, with their upvotes as of
  that day's latest fetch (a paper listed on two days keeps each day's figure);
- ``observations``: upvotes and comments of a paper each time a day listing it was fetched;
- ``empty_days``: days the Hub was asked for once they were over and listed no paper (so a
  summary tells a day with no papers from a day never collected);
- ``papers_fts``: full-text index (FTS5) over title, summary, keywords, organization;
- ``render_marks``: the date and the settings the site's files were last written with;
- ``unrendered``: papers changed since the files showing them were written;
- ``paper_info``: what came of each paper a settled day's post shows (models, datasets,
  Spaces, code stars: see :mod:`dailypapers.paperinfo`), asked once when the day settles.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from dailypapers.errors import ArchiveDamaged, SiteError
from dailypapers.models import Organization, Paper, PaperInfo
from dailypapers.store_migrations import MIGRATIONS

DB_ENV = "DAILYPAPERS_DB"
DEFAULT_DB = Path(".dailypapers") / "papers.db"

_PAPER_COLUMNS = (
    "id, title, summary, authors, org_name, org_fullname, upvotes, num_comments, github_repo, "
    "github_stars, project_page, ai_summary, ai_keywords, published_at, submitted_at"
)


# What SQLite says of a file that is not a database, or of damaged pages (extended codes
# reduced to their primary code).
_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def _archive_error(path: Path, error: sqlite3.DatabaseError, doing: str) -> SiteError:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code in _DAMAGE_CODES:
        return ArchiveDamaged(f"the archive {path} is damaged: {error}", reason=str(error))
    return SiteError(f"cannot {doing} the archive {path}: {error}")


def resolve_db_path(site: Path, db: Path | None = None) -> Path:
    """``--db`` if given, else ``DAILYPAPERS_DB``, else ``SITE/.dailypapers/papers.db``."""
    if db is not None:
        return db
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    return site / DEFAULT_DB


def _paper_row(paper: Paper) -> tuple[object, ...]:
    org = paper.organization
    return (
        paper.id,
        paper.title,
        paper.summary,
        json.dumps(list(paper.authors), ensure_ascii=False),
        org.name if org else None,
        org.fullname if org else None,
        paper.upvotes,
        paper.num_comments,
        paper.github_repo,
        paper.github_stars,
        paper.project_page,
        paper.ai_summary,
        json.dumps(list(paper.ai_keywords), ensure_ascii=False),
        paper.published_at,
        paper.submitted_at,
    )


def _info_counts(info: PaperInfo) -> tuple[int | None, int | None, int | None, str | None, int | None]:
    return (info.models, info.datasets, info.spaces, info.github_repo, info.github_stars)


def _info_from_row(row: sqlite3.Row) -> PaperInfo:
    return PaperInfo(
        models=row["models"],
        datasets=row["datasets"],
        spaces=row["spaces"],
        github_repo=row["github_repo"],
        github_stars=row["github_stars"],
        observed_at=row["observed_at"],
    )


def _paper(row: sqlite3.Row) -> Paper:
    """A paper from a row holding the ``papers`` columns by name (lists stored as JSON)."""
    org = None
    if row["org_name"] is not None or row["org_fullname"] is not None:
        org = Organization(row["org_name"] or "", row["org_fullname"] or "")
    return Paper(
        id=row["id"],
        title=row["title"],
        summary=row["summary"],
        authors=tuple(json.loads(row["authors"])),
        organization=org,
        upvotes=row["upvotes"],
        num_comments=row["num_comments"],
        github_repo=row["github_repo"],
        github_stars=row["github_stars"],
        project_page=row["project_page"],
        ai_summary=row["ai_summary"],
        ai_keywords=tuple(json.loads(row["ai_keywords"])),
        published_at=row["published_at"],
        submitted_at=row["submitted_at"],
    )


def _upsert_sql() -> str:
    columns = [*_PAPER_COLUMNS.split(", "), "last_day"]
    # Upvotes only grow on the Hub, so keep the maximum; other fields come from the
    # latest day listing the paper. Either way the result does not depend on the order
    # in which days are saved (backfill saves them as their fetches complete).
    updates = ", ".join(
        f"{c} = MAX({c}, excluded.{c})"
        if c in ("upvotes", "num_comments", "last_day")
        else f"{c} = CASE WHEN excluded.last_day >= last_day THEN excluded.{c} ELSE {c} END"
        for c in columns[1:]
    )
    return (
        f"INSERT INTO papers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates} RETURNING last_day, fts_rowid"
    )


_UPSERT_PAPER = _upsert_sql()


def _index_row(paper: Paper) -> tuple[str, str, str, str, str]:
    """A paper's full-text entry: id, title, summary, keywords, organization."""
    org = paper.organization
    organization = " ".join(filter(None, (org.name, org.fullname))) if org else ""
    return (paper.id, paper.title, paper.summary, " ".join(paper.ai_keywords), organization)


def _id_chunks(paper_ids: Sequence[str]) -> Iterator[list[str]]:
    """The distinct ids in batches of 500: SQLite caps the number of parameters of a query."""
    ids = list(dict.fromkeys(paper_ids))
    for start in range(0, len(ids), 500):
        yield ids[start : start + 500]


def _contains_text(haystack: str | None, needle: str) -> bool:
    """SQLite's LIKE and lower() fold ASCII letters only; this folds any."""
    return haystack is not None and needle.casefold() in haystack.casefold()


# search's filters on what came of a paper (paper_info rows that hold counts)
_INFO_FILTERS = {
    "models": ["EXISTS (SELECT 1 FROM paper_info i WHERE i.paper_id = p.id AND i.models > 0)"],
    "code": [
        "(p.github_repo IS NOT NULL OR EXISTS (SELECT 1 FROM paper_info i "
        "WHERE i.paper_id = p.id AND i.github_repo IS NOT NULL))"
    ],
}


def _search_filters(
    terms: Sequence[str],
    since: str | None,
    until: str | None,
    organization: str | None,
    min_upvotes: int | None,
    *,
    has_models: bool = False,
    has_code: bool = False,
) -> tuple[list[str], list[object]]:
    """The WHERE conditions of :meth:`Store.search` (papers ``p``, the index ``papers_fts``) and
    their parameters."""
    conditions: list[str] = ["1"]
    parameters: list[object] = []
    if terms:
        conditions.append("papers_fts MATCH ?")
        parameters.append(" ".join(f'"{term}"' for term in terms))
    if since is not None or until is not None:
        conditions.append(
            "EXISTS (SELECT 1 FROM listings l WHERE l.paper_id = p.id AND l.day BETWEEN ? AND ?)"
        )
        parameters += [since or "0000-00-00", until or "9999-99-99"]
    if organization is not None:
        conditions.append("(contains_text(p.org_name, ?) OR contains_text(p.org_fullname, ?))")
        parameters += [organization, organization]
    if min_upvotes is not None:
        conditions.append("p.upvotes >= ?")
        parameters.append(min_upvotes)
    conditions += _INFO_FILTERS["models"] if has_models else []
    conditions += _INFO_FILTERS["code"] if has_code else []
    return conditions, parameters


@dataclass(frozen=True, slots=True)
class SearchHit:
    paper: Paper
    days: tuple[str, ...]
    score: float

    def as_json(self) -> dict[str, object]:
        """The hit as ``search --json`` prints it."""
        return {
            "id": self.paper.id,
            "title": self.paper.title,
            "upvotes": self.paper.upvotes,
            **self.paper.credits_json(),
            "days": list(self.days),
            "url": self.paper.hf_url,
            "score": round(self.score, 4),
        }


class ListedPaper(NamedTuple):
    """A paper listed in a period (see :meth:`Store.listed_papers`)."""

    paper: Paper
    best_upvotes: int  # its most upvotes on a listing of the period
    first_day: str  # its first day listed in the period
    first_position: int  # its place in the Hub's list that day


class UpvoteChange(NamedTuple):
    """How a paper's upvotes moved over a period (see :meth:`Store.upvote_changes`)."""

    paper_id: str
    first: int
    last: int


class PaperOutcome(NamedTuple):
    """What came of a paper listed in a period (see :meth:`Store.period_outcomes`)."""

    paper_id: str
    info: PaperInfo  # its latest observation
    first_stars: int | None  # the code stars its first listed fetch gave, if any


class DayTotal(NamedTuple):
    """A day's listing in figures (see :meth:`Store.day_totals`)."""

    papers: int
    upvotes: int


@dataclass(frozen=True, slots=True)
class StoredDay:
    day: str
    papers: int
    top_id: str | None
    top_title: str | None
    top_upvotes: int | None
    crawled_at: str  # the fetch that last changed the day
    fetched_at: str | None  # the latest fetch


class Store:
    """A connection to the archive. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Daily data files the archive lacks papers of and that could not be read (file name:
        # the line saying so), and their days: set when the archive is completed from the data
        # files (archive.open_store). Nothing of a held day is written, nor its week's and
        # month's summaries: they would be published with fewer papers.
        self.unreadable: dict[str, str] = {}
        self.held_days: set[str] = set()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we open transactions ourselves, one per day.
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.create_function("contains_text", 2, _contains_text, deterministic=True)
            self._migrate()
        except sqlite3.DatabaseError as error:
            with contextlib.suppress(AttributeError, sqlite3.Error):
                self._db.close()
            raise _archive_error(path, error, "open") from None

    @classmethod
    def scratch_copy(cls, path: Path) -> Store:
        """An in-memory copy of the archive at ``path`` (empty if there is none): a dry run
        changes the copy as a real run would change the file, and the file stays as it was."""
        store = cls(Path(":memory:"))
        if path.exists():
            try:
                # Without a -wal file (the archive was closed cleanly) open it immutable: a
                # read-only open of a WAL database would otherwise leave -wal and -shm behind.
                mode = "ro" if Path(f"{path}-wal").exists() else "ro&immutable=1"
                source = sqlite3.connect(f"{path.absolute().as_uri()}?mode={mode}", uri=True)
                with contextlib.closing(source):
                    source.backup(store._db)
                store._migrate()
            except sqlite3.DatabaseError as error:
                store.close()
                raise _archive_error(path, error, "read") from None
        store.path = path
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def _schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self._schema_version
        if current > len(MIGRATIONS):
            raise SiteError(
                f"the archive {self.path} has schema version {current}, newer than this "
                f"dailypapers knows ({len(MIGRATIONS)}); upgrade dailypapers"
            )
        for version in range(current + 1, len(MIGRATIONS) + 1):
            with self._transaction():
                for statement in MIGRATIONS[version - 1].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version}")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            # SQLite rolls a transaction back by itself on some errors (a full disk: SQLITE_FULL);
            # a ROLLBACK then fails with "no transaction is active", which hid the real cause.
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

    # --- days ---------------------------------------------------------------------------

    def stored_days(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT day FROM days ORDER BY day")]

    def has_day(self, day: str) -> bool:
        return self._db.execute("SELECT 1 FROM days WHERE day = ?", (day,)).fetchone() is not None

    def day_papers(self, day: str) -> list[Paper]:
        """The papers listed on ``day``, in the Hub's order, with that day's upvotes."""
        columns = [c for c in _PAPER_COLUMNS.split(", ") if c not in ("upvotes", "num_comments")]
        rows = self._db.execute(
            f"SELECT {', '.join('p.' + c for c in columns)}, l.upvotes, l.num_comments FROM listings l "
            "JOIN papers p ON p.id = l.paper_id WHERE l.day = ? ORDER BY l.position",
            (day,),
        )
        return [_paper(row) for row in rows]

    def mark_empty(self, day: str, checked_at: str) -> None:
        """Record that ``day``, over by ``checked_at``, listed no paper on the Hub.

        The first check is kept: asking again changes nothing (a committed archive stays as it is).
        """
        if self._db.execute("SELECT 1 FROM empty_days WHERE day = ?", (day,)).fetchone() is None:
            with self._transaction() as db:
                db.execute("INSERT OR IGNORE INTO empty_days VALUES (?, ?)", (day, checked_at))

    def empty_days(self, since: str, until: str) -> set[str]:
        """The days from ``since`` to ``until`` recorded by :meth:`mark_empty` (a later fetch may
        have listed papers on one: :meth:`day_totals` tells)."""
        rows = self._db.execute("SELECT day FROM empty_days WHERE day BETWEEN ? AND ?", (since, until))
        return {row[0] for row in rows}

    def crawled_at(self, day: str) -> str | None:
        row = self._db.execute("SELECT crawled_at FROM days WHERE day = ?", (day,)).fetchone()
        return row[0] if row else None

    def fetched_at(self, day: str) -> str | None:
        """When ``day`` was last fetched (whether or not its content changed)."""
        row = self._db.execute("SELECT fetched_at FROM days WHERE day = ?", (day,)).fetchone()
        return row[0] if row else None

    def fetch_times(self) -> dict[str, str | None]:
        """Every stored day and its latest fetch, in date order."""
        return dict(self._db.execute("SELECT day, fetched_at FROM days ORDER BY day").fetchall())

    def overview(self, since: str | None = None, until: str | None = None) -> list[StoredDay]:
        """The stored days (between ``since`` and ``until`` if given), each with its paper count,
        its top paper (upvotes, then the Hub's order, as the daily post ranks) and fetch times."""
        rows = self._db.execute(
            """
            WITH ranked AS (
                SELECT day, paper_id, upvotes,
                       ROW_NUMBER() OVER (PARTITION BY day ORDER BY upvotes DESC, position) AS place,
                       COUNT(*) OVER (PARTITION BY day) AS papers
                FROM listings
            )
            SELECT d.day, d.crawled_at, d.fetched_at, COALESCE(r.papers, 0) AS papers,
                   r.paper_id, r.upvotes, p.title
            FROM days d
            LEFT JOIN ranked r ON r.day = d.day AND r.place = 1
            LEFT JOIN papers p ON p.id = r.paper_id
            WHERE d.day BETWEEN ? AND ?
            ORDER BY d.day
            """,
            (since or "0000-00-00", until or "9999-99-99"),
        )
        return [
            StoredDay(
                row["day"],
                row["papers"],
                row["paper_id"],
                row["title"],
                row["upvotes"],
                row["crawled_at"],
                row["fetched_at"],
            )
            for row in rows
        ]

    def save_day(
        self,
        day: str,
        papers: Sequence[Paper],
        *,
        observed: Sequence[Paper],
        observed_at: str,
        content_hash: str,
    ) -> set[str]:
        """Store ``day``'s listing (``papers``, Hub order) and one observation per ``observed`` paper;
        return the ids of the papers whose stored fields changed (every day listing one of
        them shows the change).

        ``content_hash`` is the answer's: the same answer again writes nothing but the fetch.
        ``crawled_at`` moves to ``observed_at`` only when the day as the archive gives it
        (:meth:`day_papers`) changes, so output rendered from the archive stays
        byte-identical while nothing changes, whatever other days were stored meanwhile.
        """
        changed: set[str] = set()
        with self._transaction() as db:
            row = db.execute("SELECT content_hash FROM days WHERE day = ?", (day,)).fetchone()
            same = row is not None and row[0] == content_hash
            # Same content as stored: rewriting it would change nothing but the file's pages
            # (and a committed archive would then change on every run).
            before = self.day_papers(day) if row is not None and not same else []
            if not same:
                changed = self._save_papers(day, papers)
            db.executemany(
                "INSERT OR IGNORE INTO observations VALUES (?, ?, ?, ?, ?, ?)",
                [(p.id, observed_at, day, p.upvotes, p.num_comments, p.github_stars) for p in observed],
            )
            if row is not None:
                self._record_fetch(day, observed_at)
            if same:
                return changed
            self._save_listing(
                day, papers, new=row is None, observed_at=observed_at, content_hash=content_hash
            )
            if row is not None and self.day_papers(day) != before:
                db.execute("UPDATE days SET crawled_at = ? WHERE day = ?", (observed_at, day))
        return changed

    def mark_fetched(self, day: str, at: str) -> None:
        """Record a fetch of ``day`` at ``at`` (a later stored one stays): a day restored from a
        data file that says it was fetched once settled."""
        with self._transaction():
            self._record_fetch(day, at)

    def _record_fetch(self, day: str, at: str) -> None:
        """``day``'s latest fetch is ``at`` unless a later one is stored. Inside a transaction."""
        self._db.execute(
            "UPDATE days SET fetched_at = MAX(COALESCE(fetched_at, ''), ?) WHERE day = ?", (at, day)
        )

    def _save_papers(self, day: str, papers: Sequence[Paper]) -> set[str]:
        """Upsert ``day``'s papers and their index entries; the ids of those whose stored row
        changed, marked unrendered. Inside :meth:`save_day`'s transaction."""
        ids = [paper.id for paper in papers]
        rows_before = self._paper_rows(ids)
        to_index: dict[str, tuple[Paper, int | None]] = {}
        for paper in papers:
            reindex, fts_rowid = self._upsert_paper(paper, day)
            if reindex:
                to_index[paper.id] = (paper, fts_rowid)
        self._index(list(to_index.values()))
        rows_after = self._paper_rows(ids)
        changed = {i for i in ids if rows_before.get(i) != rows_after[i]}
        self._db.executemany("INSERT OR IGNORE INTO unrendered VALUES (?)", [(i,) for i in changed])
        return changed

    def _save_listing(
        self, day: str, papers: Sequence[Paper], *, new: bool, observed_at: str, content_hash: str
    ) -> None:
        """``day``'s row and its listing (``papers``, Hub order). Inside :meth:`save_day`'s transaction."""
        if new:
            self._db.execute(
                "INSERT INTO days (day, crawled_at, content_hash, fetched_at) VALUES (?, ?, ?, ?)",
                (day, observed_at, content_hash, observed_at),
            )
        else:
            self._db.execute("UPDATE days SET content_hash = ? WHERE day = ?", (content_hash, day))
        self._db.execute("DELETE FROM listings WHERE day = ?", (day,))
        self._db.executemany(
            "INSERT INTO listings VALUES (?, ?, ?, ?, ?)",
            [(day, p.id, position, p.upvotes, p.num_comments) for position, p in enumerate(papers)],
        )

    def _paper_rows(self, paper_ids: Sequence[str]) -> dict[str, tuple[object, ...]]:
        """The stored rows of these papers (every column a file can show), by id."""
        rows: dict[str, tuple[object, ...]] = {}
        for chunk in _id_chunks(paper_ids):
            found = self._db.execute(
                f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
            rows.update((row[0], tuple(row)) for row in found)
        return rows

    def days_listing(self, paper_ids: Sequence[str]) -> list[str]:
        """The days that list any of these papers, in order: the days whose files show them."""
        days: set[str] = set()
        for chunk in _id_chunks(paper_ids):
            rows = self._db.execute(
                f"SELECT DISTINCT day FROM listings WHERE paper_id IN ({', '.join('?' * len(chunk))})", chunk
            )
            days.update(row[0] for row in rows)
        return sorted(days)

    def unrendered(self) -> list[str]:
        """Papers whose stored fields or model summaries changed (in the same transaction as the
        change) and whose files were not written since: a run killed in between leaves them
        to the next."""
        return [row[0] for row in self._db.execute("SELECT paper_id FROM unrendered ORDER BY paper_id")]

    def mark_rendered(self, paper_ids: Sequence[str] | None = None) -> None:
        """The files showing these papers (None: every paper) are written."""
        if paper_ids is not None and not paper_ids:
            return
        with self._transaction() as db:
            if paper_ids is None:
                db.execute("DELETE FROM unrendered")
            else:
                db.executemany("DELETE FROM unrendered WHERE paper_id = ?", [(i,) for i in paper_ids])

    def render_mark(self, name: str) -> str | None:
        """What the site's files were last written under (``today``, ``settings``), if known."""
        row = self._db.execute("SELECT value FROM render_marks WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_render_mark(self, name: str, value: str) -> None:
        if self.render_mark(name) != value:
            with self._transaction() as db:
                db.execute("INSERT OR REPLACE INTO render_marks VALUES (?, ?)", (name, value))

    def _upsert_paper(self, paper: Paper, day: str) -> tuple[bool, int | None]:
        """Insert or update ``paper``; return whether its index entry must be rewritten, and
        that entry's rowid (None: it has none yet). An entry stands when a later day than
        ``day`` already set the paper's text."""
        [(last_day, fts_rowid)] = self._db.execute(_UPSERT_PAPER, (*_paper_row(paper), day)).fetchall()
        return last_day == day, fts_rowid

    def _index(self, entries: Sequence[tuple[Paper, int | None]]) -> None:
        """Rewrite the full-text entries of these papers, once all of them are upserted.

        FTS5 writes the entries it holds in memory to disk whenever a later statement opens
        a savepoint, as the paper upsert (with RETURNING) does: indexing each paper right
        after its upsert cost 0.2 s over the recorded days; here they go out once a day.
        """
        insert = (
            "INSERT INTO papers_fts (rowid, id, title, summary, keywords, organization) "
            "VALUES (?, ?, ?, ?, ?, ?)"
        )
        known = [(rowid, *_index_row(paper)) for paper, rowid in entries if rowid is not None]
        self._db.executemany("DELETE FROM papers_fts WHERE rowid = ?", [row[:1] for row in known])
        self._db.executemany(insert, known)
        # New entries last: a rowid SQLite picks must not be one that is about to be reused.
        new = []
        for paper, rowid in entries:
            if rowid is None:
                cursor = self._db.execute(insert, (None, *_index_row(paper)))
                new.append((cursor.lastrowid, paper.id))
        self._db.executemany("UPDATE papers SET fts_rowid = ? WHERE id = ?", new)

    # --- queries ------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int | None = 20,
        *,
        since: str | None = None,
        until: str | None = None,
        organization: str | None = None,
        min_upvotes: int | None = None,
        has_models: bool = False,
        has_code: bool = False,
    ) -> list[SearchHit]:
        """Papers matching every word of ``query``, best first (FTS5 bm25; titles weigh most).

        Filters: listed on a day from ``since`` to ``until``; ``organization`` in the name or
        full name of the paper's organization (any case); at least ``min_upvotes`` (its
        highest); ``has_models``: the Hub linked a model to it when it was observed (see
        :mod:`dailypapers.paperinfo`); ``has_code``: it has a code repository (the list's, or
        an observation's). With an empty query every paper passing the filters matches (every
        paper, without filters), most upvoted first. ``limit`` None: no limit.
        """
        terms = [term.replace('"', '""') for term in query.split()]
        conditions, parameters = _search_filters(
            terms, since, until, organization, min_upvotes, has_models=has_models, has_code=has_code
        )
        score = "bm25(papers_fts, 0, 10.0, 1.0, 5.0, 3.0)" if terms else "0.0"
        source = "papers_fts f JOIN papers p ON p.id = f.id" if terms else "papers p"
        rows = self._db.execute(
            f"SELECT {', '.join('p.' + c for c in _PAPER_COLUMNS.split(', '))}, {score} AS score, "
            "(SELECT group_concat(day, ' ') FROM (SELECT day FROM listings WHERE paper_id = p.id "
            f"ORDER BY day)) AS days FROM {source} WHERE {' AND '.join(conditions)} "
            "ORDER BY score, p.upvotes DESC, p.id LIMIT ?",
            (*parameters, -1 if limit is None else limit),
        )
        return [SearchHit(_paper(row), tuple((row["days"] or "").split()), -row["score"]) for row in rows]

    def listed_day_count(self, since: str, until: str) -> int:
        """How many days from ``since`` to ``until`` (inclusive) list at least one paper."""
        row = self._db.execute(
            "SELECT COUNT(DISTINCT day) FROM listings WHERE day BETWEEN ? AND ?", (since, until)
        ).fetchone()
        return int(row[0])

    def listed_papers(self, since: str, until: str) -> list[ListedPaper]:
        """Each paper listed from ``since`` to ``until``: (paper, its best listed upvotes, its
        first day there, its place in the Hub's list that day), in the one order of every
        ranking: upvotes descending, then the Hub's order on the first listing (day, place)."""
        rows = self._db.execute(
            """
            WITH inside AS (SELECT * FROM listings WHERE day BETWEEN ? AND ?),
            firsts AS (
                SELECT paper_id, MIN(day) AS first_day, MAX(upvotes) AS best FROM inside GROUP BY paper_id
            )
            SELECT p.*, f.first_day, f.best, i.position AS first_position
            FROM firsts f
            JOIN inside i ON i.paper_id = f.paper_id AND i.day = f.first_day
            JOIN papers p ON p.id = f.paper_id
            ORDER BY f.best DESC, f.first_day, i.position
            """,
            (since, until),
        ).fetchall()
        return [
            ListedPaper(_paper(row), row["best"], row["first_day"], row["first_position"]) for row in rows
        ]

    def upvote_changes(self, paper_ids: Sequence[str], since: str, until: str) -> list[UpvoteChange]:
        """(id, first upvotes, last upvotes) of the papers among ``paper_ids`` observed more than
        once on their listings from ``since`` to ``until`` (observations of other days' listings
        do not count)."""
        if not paper_ids:
            return []
        marks = ",".join("?" * len(paper_ids))
        inside = "f.paper_id = o.paper_id AND f.day BETWEEN ? AND ?"
        bounds = (since, until)
        rows = self._db.execute(
            f"""
            SELECT paper_id,
                   (SELECT upvotes FROM observations f WHERE {inside}
                    ORDER BY observed_at, upvotes LIMIT 1) AS first,
                   (SELECT upvotes FROM observations f WHERE {inside}
                    ORDER BY observed_at DESC, upvotes DESC LIMIT 1) AS last
            FROM observations o WHERE paper_id IN ({marks}) AND day BETWEEN ? AND ?
            GROUP BY paper_id HAVING COUNT(*) > 1
            """,
            [*bounds, *bounds, *paper_ids, *bounds],
        ).fetchall()
        return [UpvoteChange(row[0], row[1], row[2]) for row in rows]

    def day_totals(self, since: str, until: str) -> dict[str, DayTotal]:
        """Each day from ``since`` to ``until`` that lists papers: (papers listed, their upvotes
        on that day)."""
        rows = self._db.execute(
            "SELECT day, COUNT(*), SUM(upvotes) FROM listings WHERE day BETWEEN ? AND ? GROUP BY day",
            (since, until),
        )
        return {row[0]: DayTotal(row[1], row[2]) for row in rows}

    def last_crawled_at(self, since: str, until: str) -> str | None:
        """The latest crawl time of the stored days from ``since`` to ``until``."""
        row = self._db.execute("SELECT MAX(crawled_at) FROM days WHERE day BETWEEN ? AND ?", (since, until))
        value = row.fetchone()[0]
        return str(value) if value is not None else None

    # --- language-model summaries ------------------------------------------------------

    def model_summaries(
        self, paper_ids: Sequence[str], language: str, model: str, prompt: str
    ) -> dict[str, str]:
        """The stored summaries of these papers made by ``model`` with ``prompt`` in ``language``."""
        found: dict[str, str] = {}
        for chunk in _id_chunks(paper_ids):
            rows = self._db.execute(
                "SELECT paper_id, summary FROM model_summaries WHERE language = ? AND model = ? "
                f"AND prompt = ? AND paper_id IN ({', '.join('?' * len(chunk))})",
                (language, model, prompt, *chunk),
            )
            found.update((row[0], row[1]) for row in rows)
        return found

    def save_model_summary(
        self, paper_id: str, language: str, model: str, prompt: str, summary: str, *, made_at: str
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO model_summaries VALUES (?, ?, ?, ?, ?, ?)",
                (paper_id, language, model, prompt, summary, made_at),
            )
            db.execute("INSERT OR IGNORE INTO unrendered VALUES (?)", (paper_id,))

    def model_summary_records(self, paper_ids: Sequence[str]) -> list[dict[str, str]]:
        """Every stored summary of these papers (any language, model or prompt), in a fixed order."""
        records: list[dict[str, str]] = []
        for chunk in _id_chunks(paper_ids):
            rows = self._db.execute(
                "SELECT paper_id, language, model, prompt, summary, made_at FROM model_summaries "
                f"WHERE paper_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            records += [
                {
                    "id": r[0],
                    "language": r[1],
                    "model": r[2],
                    "prompt": r[3],
                    "summary": r[4],
                    "made_at": r[5],
                }
                for r in rows
            ]
        return sorted(records, key=lambda r: (r["id"], r["language"], r["model"], r["prompt"]))

    def restore_model_summaries(self, records: Sequence[object]) -> int:
        """Store the summaries of a data file that the archive lacks; returns how many."""
        rows = [
            (r["id"], r["language"], r["model"], r["prompt"], r["summary"], r.get("made_at") or "")
            for r in records
            if isinstance(r, dict)
            and all(isinstance(r.get(key), str) for key in ("id", "language", "model", "prompt", "summary"))
        ]
        with self._transaction() as db:
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO model_summaries VALUES (?, ?, ?, ?, ?, ?)", rows)
            return db.total_changes - before

    # --- what came of each paper (dailypapers.paperinfo) ---------------------------------

    def asked_paper_info(self, day: str) -> set[str]:
        """The papers asked about when ``day`` settled (answered or not): never asked again."""
        rows = self._db.execute("SELECT paper_id FROM paper_info WHERE day = ?", (day,))
        return {row[0] for row in rows}

    def save_paper_info(self, paper_id: str, day: str, info: PaperInfo | None, *, error: str = "") -> None:
        """Record the answer about ``paper_id`` asked when ``day`` settled (``info`` None: it
        failed, ``error`` says why); the files showing the paper are written again."""
        if info is None:
            row: tuple[object, ...] = (paper_id, day, "", None, None, None, None, None, error or "failed")
        else:
            row = (paper_id, day, info.observed_at, *_info_counts(info), None)
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO paper_info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            if info is not None:
                db.execute("INSERT OR IGNORE INTO unrendered VALUES (?)", (paper_id,))

    def paper_info_of_day(self, day: str) -> dict[str, PaperInfo]:
        """What came of ``day``'s papers, as observed when it settled, by paper id."""
        rows = self._db.execute(
            "SELECT * FROM paper_info WHERE day = ? AND error IS NULL ORDER BY paper_id", (day,)
        )
        return {row["paper_id"]: _info_from_row(row) for row in rows}

    def restore_paper_info(self, day: str, infos: Mapping[str, PaperInfo]) -> int:
        """Store the observations of a data file that the archive lacks; returns how many."""
        rows = [(i, day, info.observed_at, *_info_counts(info), None) for i, info in infos.items()]
        if not rows:
            return 0
        with self._transaction() as db:
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO paper_info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            return db.total_changes - before

    def period_outcomes(self, since: str, until: str) -> list[PaperOutcome]:
        """Each paper listed from ``since`` to ``until`` with an observation: (id, its latest
        observation, the stars its first listed fetch gave, if any), by id."""
        rows = self._db.execute(
            """
            WITH inside AS (SELECT DISTINCT paper_id FROM listings WHERE day BETWEEN ? AND ?),
            latest AS (
                SELECT i.*, ROW_NUMBER() OVER (
                    PARTITION BY i.paper_id ORDER BY i.observed_at DESC, i.day DESC) AS place
                FROM paper_info i JOIN inside USING (paper_id) WHERE i.error IS NULL
            )
            SELECT l.*, (SELECT o.github_stars FROM observations o WHERE o.paper_id = l.paper_id
                         AND o.github_stars IS NOT NULL ORDER BY o.observed_at, o.day LIMIT 1) AS first_stars
            FROM latest l WHERE l.place = 1 ORDER BY l.paper_id
            """,
            (since, until),
        )
        return [PaperOutcome(row["paper_id"], _info_from_row(row), row["first_stars"]) for row in rows]

    def integrity_errors(self) -> list[str]:
        rows = self._db.execute("PRAGMA integrity_check").fetchall()
        return [row[0] for row in rows if row[0] != "ok"]

    def check_pages(self) -> None:
        """Raise :class:`ArchiveDamaged` if a page of the archive is damaged (``quick_check``:
        every page read once, without the index cross-checks of ``integrity_check``)."""
        try:
            rows = [row[0] for row in self._db.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as error:
            raise _archive_error(self.path, error, "read") from None
        if rows != ["ok"]:
            # One line: the first problem named (SQLite lists many, under a "*** in database" title).
            lines = [line.strip() for row in rows for line in str(row).splitlines()]
            reason = next((line for line in lines if line and not line.startswith("***")), "damaged pages")
            raise ArchiveDamaged(f"the archive {self.path} is damaged: {reason}", reason=reason)

    def holds(self, since: str, until: str) -> bool:
        """Whether a held day (see ``held_days``) is in ``since..until``."""
        return any(since <= day <= until for day in self.held_days)

    def day_sizes(self) -> dict[str, int]:
        """Each stored day and the number of papers it lists."""
        rows = self._db.execute(
            "SELECT d.day, COUNT(l.paper_id) FROM days d LEFT JOIN listings l ON l.day = d.day GROUP BY d.day"
        )
        return {row[0]: row[1] for row in rows}
