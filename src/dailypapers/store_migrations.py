"""The archive's schema, one migration per version (``PRAGMA user_version``), oldest first.

:class:`~dailypapers.store.Store` runs those an archive lacks when it opens it; a migration
is never changed once released (archives out there were made with it): a change of schema is
a new one at the end.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE papers (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        authors TEXT NOT NULL DEFAULT '[]',
        org_name TEXT,
        org_fullname TEXT,
        upvotes INTEGER NOT NULL DEFAULT 0,
        num_comments INTEGER NOT NULL DEFAULT 0,
        github_repo TEXT,
        github_stars INTEGER,
        project_page TEXT,
        ai_summary TEXT,
        ai_keywords TEXT NOT NULL DEFAULT '[]',
        published_at TEXT,
        submitted_at TEXT,
        last_day TEXT NOT NULL
    );
    CREATE TABLE days (
        day TEXT PRIMARY KEY,
        crawled_at TEXT NOT NULL,
        content_hash TEXT NOT NULL
    );
    CREATE TABLE listings (
        day TEXT NOT NULL REFERENCES days(day) ON DELETE CASCADE,
        paper_id TEXT NOT NULL REFERENCES papers(id),
        position INTEGER NOT NULL,
        upvotes INTEGER NOT NULL,
        num_comments INTEGER NOT NULL,
        PRIMARY KEY (day, paper_id)
    );
    CREATE INDEX listings_paper ON listings(paper_id);
    CREATE TABLE observations (
        paper_id TEXT NOT NULL REFERENCES papers(id),
        observed_at TEXT NOT NULL,
        day TEXT NOT NULL,
        upvotes INTEGER NOT NULL,
        num_comments INTEGER NOT NULL,
        PRIMARY KEY (paper_id, observed_at, day)
    );
    CREATE VIRTUAL TABLE papers_fts USING fts5(
        id UNINDEXED, title, summary, keywords, organization, tokenize = 'unicode61'
    );
    """,
    # 2: papers.fts_rowid, the paper's row in papers_fts. The index's `id` column is not
    # indexed, so replacing an entry by `id` scanned the whole index: one scan per stored
    # paper made a backfill quadratic (1.9 s of 3.4 s for the recorded days).
    """
    ALTER TABLE papers ADD COLUMN fts_rowid INTEGER;
    UPDATE papers SET fts_rowid = f.rowid FROM papers_fts f WHERE f.id = papers.id
    """,
    # 3: days.fetched_at, the time of a day's latest fetch (crawled_at moves only when the
    # content changes): a day fetched again once it is settle_days old has a final ranking.
    """
    ALTER TABLE days ADD COLUMN fetched_at TEXT;
    UPDATE days SET fetched_at = crawled_at
    """,
    # 4: days asked for after they ended that listed no paper, with the time of the first check.
    """
    CREATE TABLE empty_days (day TEXT PRIMARY KEY, checked_at TEXT NOT NULL)
    """,
    # 5: summaries written by a language model, once per paper, language, model and prompt.
    """
    CREATE TABLE model_summaries (
        paper_id TEXT NOT NULL,
        language TEXT NOT NULL,
        model TEXT NOT NULL,
        prompt TEXT NOT NULL,
        summary TEXT NOT NULL,
        made_at TEXT NOT NULL,
        PRIMARY KEY (paper_id, language, model, prompt)
    )
    """,
    # 6: what the site's files were last written under (see Store.render_mark): the date
    # that decided which weeks and months were over, and the settings and templates.
    """
    CREATE TABLE render_marks (name TEXT PRIMARY KEY, value TEXT NOT NULL)
    """,
    # 7: papers whose stored fields or model summaries changed since the files showing them
    # were last written (see Store.unrendered): a run killed before writing them leaves them
    # for the next one.
    """
    CREATE TABLE unrendered (paper_id TEXT PRIMARY KEY)
    """,
    # 8: what came of each paper (see dailypapers.paperinfo): one answer of /api/papers/{id}
    # per paper a settled day's post shows, with the time it was asked (counts NULL and
    # `error` set when the answer could not be used: it is not asked again); and the stars
    # the day's list gave at each fetch, so that code growth is measured from the listing.
    """
    CREATE TABLE paper_info (
        paper_id TEXT NOT NULL,
        day TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        models INTEGER,
        datasets INTEGER,
        spaces INTEGER,
        github_repo TEXT,
        github_stars INTEGER,
        error TEXT,
        PRIMARY KEY (paper_id, day)
    );
    ALTER TABLE observations ADD COLUMN github_stars INTEGER
    """,
)
