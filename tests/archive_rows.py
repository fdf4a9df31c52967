"""What tests read of an archive that the package itself never asks: its whole content, a
paper's upvote history, row counts. Read through a second, read-only connection, so the
package's Store keeps only the queries the tool makes."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from dailypapers.store import Store

PAPER_COLUMNS = (
    "id, title, summary, authors, org_name, org_fullname, upvotes, num_comments, github_repo, "
    "github_stars, project_page, ai_summary, ai_keywords, published_at, submitted_at"
)


def _rows(store: Store | Path, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    path = store.path if isinstance(store, Store) else store
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    with contextlib.closing(connection):
        return [tuple(row) for row in connection.execute(sql, parameters)]


def dump(store: Store | Path) -> dict[str, object]:
    """The archive's content without wall-clock times, for comparing two archives."""
    return {
        "papers": _rows(store, f"SELECT {PAPER_COLUMNS} FROM papers ORDER BY id"),
        "days": [row[0] for row in _rows(store, "SELECT day FROM days ORDER BY day")],
        "listings": _rows(store, "SELECT * FROM listings ORDER BY day, position"),
        "observations": _rows(
            store, "SELECT paper_id, upvotes, num_comments FROM observations ORDER BY paper_id, observed_at"
        ),
    }


def observations(store: Store | Path, paper_id: str) -> list[tuple[str, int, int]]:
    """A paper's upvote history: (time, upvotes, comments), oldest first, one point per time."""
    rows = _rows(
        store,
        "SELECT observed_at, MAX(upvotes), MAX(num_comments) FROM observations "
        "WHERE paper_id = ? GROUP BY observed_at ORDER BY observed_at",
        (paper_id,),
    )
    return [(str(time), int(str(upvotes)), int(str(comments))) for time, upvotes, comments in rows]


def paper_ids(store: Store | Path) -> list[str]:
    return [str(row[0]) for row in _rows(store, "SELECT id FROM papers ORDER BY id")]


def model_summary_count(store: Store | Path) -> int:
    return int(str(_rows(store, "SELECT COUNT(*) FROM model_summaries")[0][0]))


def schema_version(store: Store | Path) -> int:
    return int(str(_rows(store, "PRAGMA user_version")[0][0]))
