"""Escaping of Hub text: plain text untouched, escapes undone exactly, every text shown verbatim.

Fidelity is checked here with markdown-it-py taught kramdown's differences (see
:mod:`fidelity`), which is fast enough for property tests; ``test_jekyll.py`` checks the
same with a real Jekyll build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers import escape
from dailypapers.config import Settings
from dailypapers.datafile import daily_data, daily_from_json, to_json
from dailypapers.escape import escape_markdown, shown_text, unescape_markdown, yaml_scalar, yaml_text
from dailypapers.models import Paper, collapse_whitespace
from dailypapers.text import clean
from fidelity import hazard_cases, hazard_papers, hub_papers, hub_text, markdown_failures, render_post

CASES = hazard_cases()

# Characters that are syntax nowhere, alone or next to each other, in Liquid or kramdown.
PLAIN = st.characters(categories=("L", "N", "Zs"), include_characters=" .,;:!?'\"()%/+=#@^>}]-\n\t")


@given(st.text(PLAIN))
def test_plain_text_is_untouched(text: str) -> None:
    assert escape_markdown(text) == collapse_whitespace(text)


@given(hub_text() | st.text())
def test_unescape_undoes_exactly_the_escapes(text: str) -> None:
    assert unescape_markdown(escape_markdown(text)) == collapse_whitespace(clean(text))


def test_escapes_are_minimal_on_real_abstracts() -> None:
    # LaTeX the seeds carry: "\%" and "\textbf" keep their single backslash (kramdown shows
    # it), "$\times$" needs nothing; only the pipes of "||W||" are syntax.
    text = r"a 36\% speedup, \textbf{RelayGen}, 2.56$\times$ faster, AT$^2$PO, ~3.3x, norm ||W||."
    assert escape_markdown(text) == text.replace("|", r"\|")


@pytest.mark.parametrize("case", CASES, ids=[case["_hazard"] for case in CASES])
def test_hazard_shows_exactly(case: dict[str, Any]) -> None:
    assert markdown_failures(hazard_papers([case])) == []


def test_all_hazards_in_one_post_show_exactly() -> None:
    assert markdown_failures(hazard_papers(CASES)) == []


@settings(max_examples=300, deadline=None)
@given(hub_papers(3))
def test_any_hub_text_shows_exactly(papers: list[Paper]) -> None:
    assert markdown_failures(papers) == []


SEARCH = settings(
    max_examples=2000, database=None, derandomize=True, deadline=None, phases=[hypothesis.Phase.generate]
)
# The property above has teeth: drop any one escape and it finds a text that breaks.
MUTATIONS = {
    "a backslash before ~ left single": ("KRAMDOWN_ESCAPABLE", "~"),
    "no escape for pipes": ("_ALWAYS", "|"),
    "no escape for backticks": ("_ALWAYS", "`"),
    "no escape for asterisks": ("_ALWAYS", "*"),
    "no escape for less-than": ("_ALWAYS", "<"),
    "no escape for brackets": ("_ALWAYS", "["),
}


@pytest.mark.slow  # runs the property to its end once per mutation
@pytest.mark.parametrize("name", MUTATIONS)
def test_the_property_catches_a_missing_escape(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    attribute, char = MUTATIONS[name]
    monkeypatch.setattr(escape, attribute, getattr(escape, attribute) - {char})
    found = hypothesis.find(
        hub_papers(1),
        lambda papers: bool(markdown_failures(papers)),
        settings=SEARCH,
    )
    assert char in found[0].title + found[0].summary + found[0].institution


# --- front matter ---------------------------------------------------------------------------


@given(st.text() | hub_text())
def test_yaml_scalar_reads_back_as_the_same_string(value: str) -> None:
    assert yaml.safe_load(f"author: {yaml_scalar(value)}\n") == {"author": value}
    # What a reader sees is the same string once cleaned (dailypapers.text), with no markup.
    assert yaml.safe_load(f"author: {yaml_text(value)}\n") == {"author": shown_text(value)}
    assert not set("<>") & set(shown_text(value))


@pytest.mark.parametrize(
    "value", ["a\x7fb", "NEL\x85x", "CSI\x9b", "LS\u2028PS\u2029", "\ufeffbom", "\ufffe\uffff", "yes"]
)
def test_yaml_scalar_escapes_what_json_leaves_raw(value: str) -> None:
    quoted = yaml_scalar(value)
    assert not re.search("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]", quoted)
    assert yaml.safe_load(f"author: {quoted}\n") == {"author": value}


def test_a_lone_surrogate_becomes_the_replacement_character() -> None:
    # Not encodable in UTF-8, and Psych (unlike PyYAML) refuses even its escape.
    quoted = yaml_scalar("a\ud800b")
    assert "\\ud800" not in quoted and yaml.safe_load(f"author: {quoted}\n") == {"author": "a\ufffdb"}


def test_plain_names_stay_plain() -> None:
    names = ["lim4349", "Jane Doe", "김철수"]
    assert [yaml_scalar(name) for name in names] == names


@given(st.text().filter(bool))
def test_front_matter_is_valid_yaml_whatever_the_author(author: str) -> None:
    post = render_post("2026-01-09", hazard_papers(CASES[:1]), Settings(author=author))
    front = re.match(r"---\n(.*?\n)---\n", post, re.DOTALL)
    assert front, post[:200]
    values = yaml.safe_load(front.group(1))
    assert values["author"] == shown_text(author)
    assert values["title"] == "Hugging Face Daily Papers - 2026-01-09"


# --- the daily data file ----------------------------------------------------------------------


def test_data_file_keeps_every_character_of_the_hazards() -> None:
    papers = hazard_papers(CASES)
    data = daily_data("2030-01-01", papers, crawled_at="2030-01-01T00:00:00Z")
    text = to_json(data)
    assert json.loads(text) == data
    read = daily_from_json(json.loads(text), Path("daily-2030-01-01.json"))
    assert read.papers == papers and read.warnings == []
    # Each raw Hub string is in the file as it came (titles and names whitespace-collapsed).
    records = sorted(json.loads(text)["papers"], key=lambda record: record["hub_order"])
    for case, record in zip(CASES, records, strict=True):
        assert record["abstract"] == case["paper"]["summary"].strip()
        assert record["title"] == collapse_whitespace(case["title"])


@settings(deadline=None)
@given(hub_papers(3))
def test_data_file_keeps_any_text(papers: list[Paper]) -> None:
    text = to_json(daily_data("2030-01-01", papers, crawled_at=""))
    read = daily_from_json(json.loads(text), Path("daily-2030-01-01.json"))
    assert read.papers == papers and read.warnings == []
