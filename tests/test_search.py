"""The search page's data (setting ``search``): every paper of the archive (but muted ones) in
a file per year with a manifest, each with the fields the page shows, the model's summary in
the reader's language when there is one, text from strangers cleaned, the same bytes from
the same archive (never rewritten unchanged), nothing without the setting; and the page that
``init`` makes on a new site and on a Chirpy site. The page in a browser:
tests/test_search_browser.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from conftest import DATA, invoke
from dailypapers.cli import cli
from dailypapers.config import load_settings
from dailypapers.interests import Interests
from dailypapers.latex import latex_text
from dailypapers.models import Paper, papers_from_entries
from dailypapers.replay import ReplayHub
from dailypapers.search_index import FIELDS, MINISEARCH, excerpt, search_include
from dailypapers.store import Store
from reader_days import DAYS, day_entries
from test_clean_text import EVERY_UNSAFE, UNSAFE
from test_feeds import NOW, backfill, make_site

SETTINGS = """\
language = "en"
search = true

[interests]
keywords = ["diffusion"]
organizations = ["MHUGLab"]
mute = ["jailbreak"]
"""
SEARCH = Path("assets/dailypapers/search")


def read_rows(root: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The manifest, and every row of the year files by paper id (as dicts of FIELDS)."""
    index = json.loads((root / SEARCH / "index.json").read_text(encoding="utf-8"))
    rows: dict[str, dict[str, Any]] = {}
    for shard in index["shards"]:
        for row in json.loads((root / SEARCH / shard["file"]).read_text(encoding="utf-8"))["papers"]:
            assert row[0] not in rows
            rows[row[0]] = dict(zip(index["fields"], row, strict=True))
    return index, rows


def archive_papers(root: Path) -> dict[str, tuple[Paper, int, str]]:
    with Store(root / ".dailypapers" / "papers.db") as store:
        days = store.stored_days()
        return {
            paper.id: (paper, best, day) for paper, best, day, _ in store.listed_papers(days[0], days[-1])
        }


def stamps(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(root)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted((root / "assets" / "dailypapers").rglob("*"))
        if path.is_file()
    }


def test_every_paper_of_the_archive_but_muted_ones_with_what_the_page_shows(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    root = make_site(tmp_path / "site", SETTINGS)
    backfill(root, replay(day_entries))
    index, rows = read_rows(root)
    assert index["fields"] == list(FIELDS) and index["language"] == "en"
    assert [shard["file"] for shard in index["shards"]] == ["papers-2026.json"]
    assert (index["shards"][0]["since"], index["shards"][0]["until"]) == DAYS
    papers = archive_papers(root)
    interests = Interests.from_settings(load_settings(root, environ={}))
    muted = {paper_id for paper_id, (paper, _, _) in papers.items() if interests.muted(paper)}
    assert muted and set(rows) == set(papers) - muted
    assert index["shards"][0]["papers"] == len(rows)
    for paper_id, row in rows.items():
        paper, best, day = papers[paper_id]
        assert row["title"] == latex_text(paper.title)
        assert row["organization"] == (paper.organization_name or "")
        assert row["upvotes"] == best and row["day"] == day
        assert row["starred"] == int(interests.starred(paper))
        assert row["post"] == f"/posts/daily-papers-{day}/"  # under the site's permalink
        assert row["keywords"] == ", ".join(paper.ai_keywords)
        assert row["summary"] == excerpt(" ".join(latex_text(paper.summary).split()), 300)
    assert rows["2603.00001"]["starred"] == 1 and rows["2603.00001"]["keywords"] == "diffusion"
    # Ranked as everywhere: upvotes first.
    order = [row["upvotes"] for row in rows.values()]
    assert order == sorted(order, reverse=True)


def test_the_same_archive_gives_the_same_bytes_never_rewritten(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    root = make_site(tmp_path / "site", SETTINGS)
    hub = replay(day_entries)
    backfill(root, hub)
    first = stamps(root)
    assert len(first) == 3  # the year's file, the manifest, the script
    assert (root / "_includes" / "dailypapers-search.html").is_file()
    backfill(root, hub, env={"DAILYPAPERS_NOW": "2026-03-07T09:00:00Z"})
    assert stamps(root) == first  # same bytes, same modification times: not rewritten
    for path in (root / SEARCH).iterdir():
        path.unlink()
    result = invoke("render", "--site", str(root), "--all", env=NOW)
    assert result.exit_code == 0, result.output
    assert {name: data for name, (data, _) in stamps(root).items()} == {
        name: data for name, (data, _) in first.items()
    }


def test_no_search_files_without_the_setting(tmp_path: Path, replay: Callable[..., ReplayHub]) -> None:
    root = make_site(tmp_path / "site", 'language = "en"\n')
    backfill(root, replay(day_entries))
    assert not (root / "assets" / "dailypapers").exists()
    assert not (root / "_includes").exists()


def test_the_model_summary_in_the_readers_language_when_there_is_one(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    from korean_model import korean_answer

    hub = replay(day_entries, chat=korean_answer)
    root = make_site(
        tmp_path / "site",
        'search = true\n[llm]\nbase_url = "' + hub.url + '/v1"\nmodel = "stand-in"\nbudget = 100\n',
    )
    backfill(root, hub)
    _, rows = read_rows(root)
    assert rows and all(row["summary"].startswith("이 논문은 ") for row in rows.values())
    assert "확산을" in rows["2603.00001"]["summary"]  # "Scaling Diffusion Transformers"


def test_text_from_strangers_is_cleaned_and_stays_text(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    hazards = json.loads((DATA / "hazards" / "entries.json").read_text(encoding="utf-8"))
    hazards[0]["paper"]["title"] = hazards[0]["title"] = f"Right-to-left \u202egnp.exe {EVERY_UNSAFE} title"
    hazards[0]["paper"]["summary"] = hazards[0]["summary"] = f"Abstract {EVERY_UNSAFE}."
    root = make_site(tmp_path / "site", "search = true\n[daily]\ntop = 100\n")
    backfill(root, replay(lambda day: hazards if day == DAYS[0] else None))
    _, rows = read_rows(root)
    papers, _ = papers_from_entries(hazards)
    assert len(rows) == len(papers)
    for row in rows.values():
        for value in row.values():
            assert not isinstance(value, str) or UNSAFE.search(value) is None, value
    titles = {row["title"] for row in rows.values()}
    assert 'Title <img src="x" onerror="alert(1)"> done' in titles  # as text: the page uses textContent
    assert "Title <script>alert(1)</script> done" in titles


def test_the_include_loads_minisearch_from_the_cdn_with_its_integrity_hash() -> None:
    from dailypapers.config import Settings

    for language in ("ko", "en", "ja", "zh"):
        text = search_include(Settings(language=language))
        assert (
            f'<script src="{MINISEARCH.url}" integrity="{MINISEARCH.integrity}" crossorigin="anonymous">'
            in text
        )
        assert MINISEARCH.url.startswith("https://cdn.jsdelivr.net/npm/minisearch@")
        assert f'lang="{language}"' in text and '<label for="dps-query">' in text
        # Included from a Markdown page (Chirpy's tabs): no blank line, no indented line.
        assert all(line and not line.startswith((" ", "\t")) for line in text.splitlines())


def test_init_makes_the_page_on_a_new_site_and_a_tab_on_chirpy(tmp_path: Path) -> None:
    from test_init import chirpy_site

    new = tmp_path / "new"
    done = CliRunner().invoke(cli, ["init", str(new), "--package", "dailypapers"])
    assert done.exit_code == 0, done.output
    assert "search = true" in (new / "dailypapers.toml").read_text().splitlines()
    page = (new / "search.html").read_text(encoding="utf-8")
    assert page.startswith('---\nlayout: page\ntitle: "논문 검색"\npermalink: /search/\n---\n')
    assert page.endswith("{% include dailypapers-search.html %}\n")
    assert "header_pages: [archive.html, categories.html, search.html, about.md]" in (
        new / "_config.yml"
    ).read_text(encoding="utf-8")
    assert (new / "_includes" / "dailypapers-search.html").read_text(encoding="utf-8") == search_include(
        load_settings(new, environ={})
    )

    chirpy = chirpy_site(tmp_path / "blog")
    done = CliRunner().invoke(cli, ["init", str(chirpy), "--package", "dailypapers"])
    assert done.exit_code == 0, done.output
    tab = (chirpy / "_tabs" / "search.md").read_text(encoding="utf-8")
    assert "\nlayout: page\n" in tab and "\nicon: fas fa-search\norder: 5\n" in tab
    assert (chirpy / "_includes" / "dailypapers-search.html").is_file()


def test_a_dry_run_shows_the_papers_that_changed_one_a_line(
    tmp_path: Path, replay: Callable[..., ReplayHub]
) -> None:
    root = make_site(tmp_path / "site", SETTINGS)
    backfill(root, replay(day_entries))
    settings = root / "dailypapers.toml"
    settings.write_text(settings.read_text().replace('keywords = ["diffusion"]', 'keywords = ["reasoning"]'))
    result = invoke("render", "--site", str(root), "--all", "--dry-run", env=NOW)
    assert result.exit_code == 0, result.output
    assert "would update assets/dailypapers/search/papers-2026.json" in " ".join(result.output.split())
    changed = [line for line in result.output.splitlines() if line.startswith(('+["', '-["'))]
    _, before = read_rows(root)
    assert invoke("render", "--site", str(root), "--all", env=NOW).exit_code == 0
    _, after = read_rows(root)
    moved = [paper_id for paper_id, row in before.items() if after[paper_id] != row]  # their ⭐
    # Each changed row once removed and once added: not the whole year.
    assert 0 < len(moved) < len(before) and len(changed) == 2 * len(moved), result.output[-3000:]
    assert '"Diffusion-Free Image Editing"' in " ".join(changed)
