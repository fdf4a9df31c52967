"""A Hub answer that lacks a field, or gives it empty, never erases what is published.

The real command runs against a replay hub serving the seed day with fields dropped or
emptied; the published post, data file and archive must keep every stored value, and a
field the Hub does give (non-empty) must still update them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from archive_rows import dump
from conftest import invoke as invoke_command
from conftest import published_files, seed_source
from dailypapers.paths import data_path, post_path
from dailypapers.store import Store

DAY = "2026-02-05"
NOW = "2026-02-06T00:00:00Z"


def invoke(*args: str, endpoint: str) -> Result:
    return invoke_command(*args, endpoint=endpoint, env={"DAILYPAPERS_NOW": NOW})


def served(change: Callable[[dict[str, Any]], None]) -> Callable[[str], list[Any] | None]:
    """The seed snapshots with ``change`` applied to every entry of DAY."""

    def source(day: str) -> list[Any] | None:
        entries = copy.deepcopy(seed_source(day))
        if day == DAY and entries is not None:
            for entry in entries:
                change(entry)
        return entries

    return source


def archived(site: Path) -> dict[str, Any]:
    with Store(site / ".dailypapers" / "papers.db") as store:
        content = dump(store)
        del content["observations"]  # a new fetch adds observations, by design
        return content


@pytest.fixture
def published(site: Path, seed_hub: Any) -> Path:
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=seed_hub.url)
    assert done.exit_code == 0, done.output
    post = (site / post_path("daily", DAY)).read_text(encoding="utf-8")
    assert post.count("Abstract:") == 10 and "기관:" in post
    return site


def drop(entry: dict[str, Any]) -> None:
    """Every optional field left out, at both levels of the entry."""
    for part in (entry, entry["paper"]):
        for key in ("summary", "organization", "githubRepo", "projectPage", "ai_summary", "ai_keywords",
                    "publishedAt", "githubStars", "numComments"):  # fmt: skip
            part.pop(key, None)
    for key in ("authors", "upvotes", "submittedOnDailyAt"):
        entry["paper"].pop(key, None)


def empty(entry: dict[str, Any]) -> None:
    """Every optional field given, but empty."""
    entry["summary"] = entry["paper"]["summary"] = ""
    entry["paper"]["authors"] = []
    entry["organization"] = entry["paper"]["organization"] = {"name": "", "fullname": ""}
    entry["paper"]["ai_keywords"] = []
    entry["paper"]["publishedAt"] = None


@pytest.mark.parametrize("change", [drop, empty], ids=["missing", "empty"])
def test_missing_or_empty_fields_keep_the_published_values(
    published: Path, replay: Any, change: Callable[[dict[str, Any]], None]
) -> None:
    before, stored = published_files(published), archived(published)
    hub = replay(served(change))
    done = invoke("run", "--site", str(published), "--date", DAY, endpoint=hub.url)
    assert done.exit_code == 0, done.output
    assert published_files(published) == before
    assert archived(published) == stored
    [warning] = done.stderr.splitlines()
    assert warning.startswith(f"Warning: {DAY}: the Hub's answer lacks summary, authors, organization")
    assert warning.endswith("for 10 stored papers; kept the stored values")
    if change is drop:
        assert "upvotes" in warning


def test_a_present_value_still_updates_and_only_missing_ones_are_kept(published: Path, replay: Any) -> None:
    first = (seed_source(DAY) or [])[0]["paper"]

    def change(entry: dict[str, Any]) -> None:
        drop(entry)
        if entry["paper"]["id"] == first["id"]:
            entry["paper"]["summary"] = "A new abstract from the Hub."
            entry["organization"] = {"name": "neworg", "fullname": "New Org"}

    hub = replay(served(change))
    done = invoke("run", "--site", str(published), "--date", DAY, endpoint=hub.url)
    assert done.exit_code == 0, done.output
    data = json.loads((published / data_path("daily", DAY)).read_text(encoding="utf-8"))
    by_id = {record["id"]: record for record in data["papers"]}
    assert by_id[first["id"]]["abstract"] == "A new abstract from the Hub."
    assert by_id[first["id"]]["institution"] == "New Org"
    assert by_id[first["id"]]["authors"] == [author["name"] for author in first["authors"]]
    assert by_id[first["id"]]["upvotes"] == first["upvotes"]
    post = (published / post_path("daily", DAY)).read_text(encoding="utf-8")
    assert post.count("Abstract:") == 10 and "A new abstract from the Hub." in post
    assert "for 10 stored papers" in done.stderr


def test_a_full_name_left_out_keeps_the_stored_one(published: Path, replay: Any) -> None:
    entries = seed_source(DAY) or []
    orgs = [e.get("organization") or e["paper"].get("organization") for e in entries]
    assert any(org and org["fullname"] and org["fullname"] != org["name"] for org in orgs)

    def change(entry: dict[str, Any]) -> None:
        for part in (entry, entry["paper"]):
            if part.get("organization"):
                part["organization"] = {"name": part["organization"]["name"]}

    before = published_files(published)
    done = invoke("run", "--site", str(published), "--date", DAY, endpoint=replay(served(change)).url)
    assert done.exit_code == 0, done.output
    assert published_files(published) == before
    assert "lacks organization for" in done.stderr
