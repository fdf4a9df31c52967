"""Merging a fresh answer of the Hub with what the archive holds: a short or partial answer
never shrinks a stored day (papers it did not list stay; fields it left out or gave empty
keep their stored values)."""

from __future__ import annotations

import dataclasses
from typing import Any

from dailypapers.models import Organization, Paper


def merge_with_stored(fetched: list[Paper], stored: list[Paper]) -> tuple[list[Paper], list[str]]:
    """Never let a short answer shrink a day: keep stored papers the Hub did not list this time."""
    fetched_ids = {paper.id for paper in fetched}
    missing = [paper for paper in stored if paper.id not in fetched_ids]
    if not missing:
        return fetched, []
    warning = (
        f"the Hub listed {len(fetched)} papers where {len(stored)} are stored; "
        f"kept the {len(missing)} stored papers it did not list"
    )
    return fetched + missing, [warning]


# What an answer may leave out or give empty without it counting as news: the stored value
# stays. (A title is never empty: an entry without one is skipped.)
KEPT_FIELDS = (
    "summary",
    "authors",
    "organization",
    "github_repo",
    "github_stars",
    "project_page",
    "ai_summary",
    "ai_keywords",
    "published_at",
    "submitted_at",
)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == ()


def keep_stored_fields(
    fresh: Paper, stored: Paper, absent: frozenset[str] = frozenset()
) -> tuple[Paper, list[str]]:
    """``fresh`` with every field it lacks or gives empty taken from ``stored``; and those fields' names.

    ``absent`` names the counts (upvotes, num_comments) the answer did not give at all: a
    count of 0 is news, a missing one is not.
    """
    kept: dict[str, Any] = {}  # Paper fields by name, each of its field's type
    for name in KEPT_FIELDS:
        if _empty(getattr(fresh, name)) and not _empty(getattr(stored, name)):
            kept[name] = getattr(stored, name)
    new_org, old_org = fresh.organization, stored.organization
    if (
        new_org
        and old_org
        and new_org.name in ("", old_org.name)
        and not new_org.fullname
        and old_org.fullname
    ):
        # The same organization with its full name left out (or only the full name given).
        kept["organization"] = Organization(new_org.name or old_org.name, old_org.fullname)
    for name in sorted(absent):
        if getattr(stored, name) != getattr(fresh, name):
            kept[name] = getattr(stored, name)
    return (dataclasses.replace(fresh, **kept), list(kept)) if kept else (fresh, [])


def merge_fields(
    fetched: list[Paper], stored: list[Paper], absent: dict[str, frozenset[str]]
) -> tuple[list[Paper], list[str]]:
    """Each fetched paper with the stored values of the fields the answer lacks; one warning
    naming those fields (a day's answer is judged once, however many papers it spares)."""
    by_id = {paper.id: paper for paper in stored}
    merged, fields, papers = [], set(), 0
    for paper in fetched:
        old = by_id.get(paper.id)
        if old is None:
            merged.append(paper)
            continue
        paper, kept = keep_stored_fields(paper, old, absent.get(paper.id, frozenset()))
        merged.append(paper)
        if kept:
            fields.update(kept)
            papers += 1
    if not fields:
        return merged, []
    names = ", ".join(name for name in (*KEPT_FIELDS, "upvotes", "num_comments") if name in fields)
    return merged, [f"the Hub's answer lacks {names} for {papers} stored papers; kept the stored values"]
