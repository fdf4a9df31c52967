"""Clean text on every way out (dailypapers.text): no C0 or C1 control, DEL, U+FFFE/U+FFFF,
bidirectional control or lone surrogate reaches a post, its front matter, the feed, a link's
text or a webhook message; the archive and the data files keep the Hub's text as it was."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from conftest import invoke, seed_source
from dailypapers.bibtex import bibtex_text
from dailypapers.config import Settings
from dailypapers.escape import link_text, link_url, yaml_text
from dailypapers.feeds import xml_text
from dailypapers.mail import MailPaper, compose
from dailypapers.models import Organization, Paper, paper_from_entry
from dailypapers.notify import message
from dailypapers.text import clean, escape_json
from fidelity import render_post
from sites import jekyll_build

DAY = "2026-02-05"
NOW = {"DAILYPAPERS_NOW": "2026-02-06T00:00:00Z"}
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Every character that may not leave, once each: C0, DEL, C1, bidirectional controls, noncharacters.
EVERY_UNSAFE = "".join(map(chr, range(0x20))) + "".join(map(chr, range(0x7F, 0xA0))) + BIDI + "\ufffe\uffff"
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}\ufffe\uffff\ud800-\udfff]")


@given(st.text())
def test_clean_leaves_nothing_that_may_not_leave(text: str) -> None:
    cleaned = clean(text)
    assert UNSAFE.search(cleaned) is None and not {"\t", "\n"} & set(cleaned)
    assert UNSAFE.search(clean(text, lines=True)) is None
    assert clean(cleaned) == cleaned


def test_controls_become_spaces_and_invisible_characters_go() -> None:
    assert clean("a\x1b[2Jb\x07c\u202edcba\u2066e\u2069\ufffef\ud800") == "a [2Jb cdcbaef\ufffd"
    assert clean("one\ttwo\nthree", lines=True) == "one\ttwo\nthree"
    assert clean("plain text, 한국어, emoji 👍, math ∑") == "plain text, 한국어, emoji 👍, math ∑"


def test_feeds_and_bibtex_files_carry_none() -> None:
    """The paper feeds and the .bib files are published files too (a bidi control reversed
    a title in a feed reader or a reference manager)."""
    title = f"Title {EVERY_UNSAFE} end"
    assert UNSAFE.search(xml_text(title)) is None
    assert UNSAFE.search(bibtex_text(title)) is None


def test_the_email_carries_none() -> None:
    """Both parts of the email of new papers are a way out too: a bidi control in a title
    reversed it in the reader's mail client, and a control character reached it as it was."""
    paper = Paper(
        id="2602.00001",
        title=f"Right-to-left \u202egnp.exe {EVERY_UNSAFE} title",
        summary=f"Abstract {EVERY_UNSAFE}.",
        organization=Organization("org", f"Org {EVERY_UNSAFE}"),
        upvotes=3,
    )
    settings = Settings(email_host="127.0.0.1", email_from="a@example.org", email_to=("b@example.org",))
    email = compose([MailPaper(paper, DAY, False, f"Model {EVERY_UNSAFE} summary")], settings)
    for kind in ("plain", "html"):
        part = email.get_body((kind,))
        assert part is not None
        text = part.get_content()
        assert "exe" in text and "Model" in text and "Org" in text
        assert UNSAFE.search(text) is None, (kind, [c for c in text if UNSAFE.match(c)])


def test_json_for_a_terminal_escapes_them_and_reads_back_the_same() -> None:
    text = json.dumps({"title": EVERY_UNSAFE}, ensure_ascii=False)
    escaped = escape_json(text)
    assert UNSAFE.search(escaped) is None and json.loads(escaped) == {"title": EVERY_UNSAFE}


def test_front_matter_link_text_and_posts_carry_none() -> None:
    title = f"Title {EVERY_UNSAFE} end"
    assert UNSAFE.search(yaml_text(title)) is None
    assert UNSAFE.search(link_text(f"owner/{BIDI}repo")) is None
    paper = Paper(id="2602.00001", title=title, summary=f"Abstract {EVERY_UNSAFE}.", upvotes=3)
    assert UNSAFE.search(render_post(DAY, [paper], Settings(author=f"me{BIDI}"))) is None


@pytest.mark.parametrize("kind", ["slack", "discord"])
def test_webhook_messages_carry_none(kind: str) -> None:
    paper = Paper(id="2602.00001", title=f"Right-to-left \u202egnp.exe {EVERY_UNSAFE} title", upvotes=3)
    payload = message(DAY, [paper], Settings(notify_format=kind))
    text = payload["text" if kind == "slack" else "content"]
    assert "exe" in text and UNSAFE.search(text) is None


def test_links_with_an_upper_case_scheme_are_kept() -> None:
    # The scheme and host of a URL ignore case: HTTPS://GITHUB.COM/... was dropped.
    entry = copy.deepcopy((seed_source(DAY) or [])[0])
    entry["paper"]["githubRepo"] = "HTTPS://GITHUB.COM/Owner/Repo"
    entry["paper"]["projectPage"] = "Http://Example.ORG/page"
    paper = paper_from_entry(entry)
    assert paper.github_repo == "HTTPS://GITHUB.COM/Owner/Repo"
    assert paper.project_page == "Http://Example.ORG/page"
    assert link_url(paper.github_repo) == "HTTPS://GITHUB.COM/Owner/Repo"
    post = render_post(DAY, [paper], Settings(links=("code", "project")))
    assert "(HTTPS://GITHUB.COM/Owner/Repo)" in post and "(Http://Example.ORG/page)" in post


def every_control_in_titles(day: str) -> list[Any] | None:
    """The day's papers, each title, abstract and organization holding every unsafe character."""
    entries = copy.deepcopy(seed_source(day))
    for index, entry in enumerate(entries or []):
        title = f"Paper {index} {EVERY_UNSAFE} ends"
        entry["title"] = entry["paper"]["title"] = title
        entry["paper"]["summary"] = f"Abstract {EVERY_UNSAFE} of {index}."
        entry["organization"] = {"name": f"org{index}", "fullname": f"Org {EVERY_UNSAFE}"}
    return entries


@pytest.mark.jekyll
@pytest.mark.slow
def test_the_feed_is_well_formed_xml_whatever_the_titles(tmp_path: Path, replay: Any) -> None:
    # ESC or BEL in a title went through the post into feed.xml (jekyll-feed), which then was
    # not XML: feed readers drop the whole feed.
    site = tmp_path / "site"
    assert invoke("init", str(site), "--author", "lim4349").exit_code == 0
    hub = replay(every_control_in_titles)
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=hub.url, env=NOW)
    assert done.exit_code == 0, done.output
    built = jekyll_build(site)
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    feed = (site / "_site" / "feed.xml").read_bytes()
    root = etree.fromstring(feed)  # raises on a character XML does not allow
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries and "Paper 0" in etree.tostring(entries[0], encoding="unicode")
    assert UNSAFE.search(feed.decode("utf-8")) is None
    # The data file keeps the Hub's text (whitespace collapsed; DEL and C1 as \u escapes).
    data = json.loads((site / "_data" / "papers" / f"daily-{DAY}.json").read_text(encoding="utf-8"))
    kept = data["papers"][0]["title"]
    assert all(char in kept for char in "\x00\x07\x1b\x7f\x9b\u202e\u2066\ufffe\uffff"), kept
