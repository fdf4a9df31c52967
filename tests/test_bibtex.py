"""The BibTeX files (setting ``bibtex``), read by bibtexparser as a reference manager would:
every shown paper's arXiv id in its day's file and every ⭐ paper in ``starred.bib``, stable
keys, a post linking its file, and hostile titles that cannot break an entry."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, invoke
from dailypapers.bibtex import bib_entry, bibtex_text
from dailypapers.latex import latex_text
from dailypapers.models import Paper, papers_from_entries
from dailypapers.replay import ReplayHub
from reader_days import DAYS, day_entries
from test_feeds import NOW, backfill, make_site, shown

SETTINGS = """\
bibtex = true

[interests]
keywords = ["diffusion"]
organizations = ["MHUGLab"]
"""


def parse(text: str) -> Any:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return library


def test_each_day_has_a_bib_of_its_shown_papers(tmp_path: Path, replay: Callable[..., ReplayHub]) -> None:
    root = make_site(tmp_path / "site", SETTINGS)
    backfill(root, replay(day_entries))
    papers = shown(root)
    found: dict[str, str] = {}
    for day in DAYS:
        library = parse((root / "bib" / f"daily-{day}.bib").read_text(encoding="utf-8"))
        for entry in library.entries:
            assert entry.fields_dict["archivePrefix"].value == "arXiv"
            assert entry.key == f"arXiv:{entry.fields_dict['eprint'].value}"
            found[entry.fields_dict["eprint"].value] = day
        post = (root / "_posts" / f"{day}-daily-papers.md").read_text(encoding="utf-8")
        assert f"({{{{ '/bib/daily-{day}.bib' | relative_url }}}})" in post
    assert set(found) == set(papers)
    starred = parse((root / "bib" / "starred.bib").read_text(encoding="utf-8"))
    assert {entry.fields_dict["eprint"].value for entry in starred.entries} == {
        paper_id for paper_id, (_, star) in papers.items() if star
    }
    # The same archive gives the same files: render --all rewrites none, and makes them again.
    result = invoke("render", "--site", str(root), "--all", env=NOW)
    assert result.exit_code == 0 and "0 files written" in result.output, result.output
    files = {path: path.read_bytes() for path in (root / "bib").iterdir()}
    for path in files:
        path.unlink()
    result = invoke("render", "--site", str(root), "--all", env=NOW)
    assert f"{len(files)} files written" in result.output, result.output
    assert {path: path.read_bytes() for path in files} == files


def test_no_bib_and_no_link_without_the_setting(tmp_path: Path, replay: Callable[..., ReplayHub]) -> None:
    root = make_site(tmp_path / "site", 'language = "ko"\n')
    backfill(root, replay(day_entries))
    assert not (root / "bib").exists()
    assert "bib" not in (root / "_posts" / f"{DAYS[-1]}-daily-papers.md").read_text(encoding="utf-8")


def decoded(text: str) -> Any:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return library


def test_hostile_titles_stay_inside_their_entries(tmp_path: Path, replay: Callable[..., ReplayHub]) -> None:
    hazards = json.loads((DATA / "hazards" / "entries.json").read_text(encoding="utf-8"))
    root = make_site(tmp_path / "site", "bibtex = true\n[daily]\ntop = 100\n")
    backfill(root, replay(lambda day: hazards if day == DAYS[0] else None))
    papers, _ = papers_from_entries(hazards)
    library = decoded((root / "bib" / f"daily-{DAYS[0]}.bib").read_text(encoding="utf-8"))
    assert len(library.entries) == len(papers)
    by_key = {entry.key: entry for entry in library.entries}
    for paper in papers:
        key = f"arXiv:{paper.id}" if paper.arxiv_url else f"hf:{paper.id}"
        # pylatexenc reads \textasciicircum (LaTeX's "^") as U+02C6, its spacing form, and drops
        # \textbraceleft: a brace without its pair (test_bibtex_text) is left out of the comparison.
        title = by_key[key].fields_dict["title"].value.replace("\u02c6", "^")
        assert braceless(title) == braceless(expected(latex_text(paper.title))), paper.title
        if nested(paper.title):
            assert " ".join(title.split()) == expected(latex_text(paper.title)), paper.title


def nested(text: str) -> bool:
    """Whether every brace of ``text`` has its pair."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def braceless(text: str) -> str:
    return " ".join(text.replace("{", " ").replace("}", " ").split())


def expected(text: str) -> str:
    """What a reader gets back: the text on one line, without control characters."""
    import re

    return " ".join(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text).split())


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(deadline=None)  # a loaded machine is slow: no test depends on its speed
@given(TEXT, TEXT)
def test_any_title_and_author_make_one_readable_entry(title: str, author: str) -> None:
    abstract = "{ % # & \\ } $ _ ^ ~ @misc{x,"
    paper = Paper("2602.01234", title or "t", summary=abstract, authors=(author or "a",))
    text = "\n" + bib_entry(paper, "2026-02-05") + bib_entry(Paper("2602.05678", "two"), "2026-02-05")
    library = parse(text)
    # Each value is read whole, as written: no text ends its entry or starts another.
    assert [entry.key for entry in library.entries] == ["arXiv:2602.01234", "arXiv:2602.05678"]
    fields = library.entries[0].fields_dict
    assert fields["eprint"].value == "2602.01234"
    assert fields["archivePrefix"].value == "arXiv"
    for name, value in (("title", paper.title), ("author", paper.authors[0]), ("abstract", abstract)):
        if latex_text(value).strip():
            assert fields[name].value == bibtex_text(latex_text(value))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a {b", r"a \textbraceleft{}b"),
        ("{a}} {", r"\{a\}\textbraceright{} \textbraceleft{}"),
        ("100% & #1", r"100\% \& \#1"),
        ("C:\\x", r"C:\textbackslash{}x"),
    ],
)
def test_bibtex_text(text: str, escaped: str) -> None:
    assert bibtex_text(text) == escaped


@pytest.mark.corpus
@pytest.mark.slow
def test_render_all_writes_readable_feeds_and_bibs_for_the_recorded_corpus(
    full_backfill: Path, tmp_path: Path
) -> None:
    """Over every recorded day: `render --all` of a site with feeds and BibTeX turned on (and
    interests) writes a .bib per day that bibtexparser reads whole, each shown paper's arXiv id
    in it, and feeds that feedparser reads without error."""
    import shutil

    import feedparser

    root = tmp_path / "site"
    shutil.copytree(full_backfill, root)
    (root / "_config.yml").write_text('url: "https://reader.example.org"\n')
    (root / "dailypapers.toml").write_text(
        'feeds = true\nbibtex = true\n[interests]\nkeywords = ["agent", "diffusion"]\n', encoding="utf-8"
    )
    result = invoke("render", "--site", str(root), "--all", env={"DAILYPAPERS_NOW": "2026-09-01T00:00:00Z"})
    assert result.exit_code == 0, result.output
    papers = shown(root)
    found: set[str] = set()
    days = sorted(path for path in (root / "bib").glob("daily-*.bib"))
    assert len(days) == 248
    for path in days:
        library = parse(path.read_text(encoding="utf-8"))
        found |= {
            entry.fields_dict["eprint"].value for entry in library.entries if "eprint" in entry.fields_dict
        }
    assert {paper_id for paper_id, (paper, _) in papers.items() if paper.arxiv_url} <= found
    starred = parse((root / "bib" / "starred.bib").read_text(encoding="utf-8"))
    assert len(starred.entries) > 100
    for kind in ("papers", "starred"):
        feed = feedparser.parse((root / "feeds" / f"{kind}.xml").read_bytes())
        assert not feed.bozo and feed.entries
