"""Does a built post show every paper's Hub text exactly, and nothing the template did not put there?

Shared by the Markdown-level tests (markdown-it-py standing in for kramdown) and the real
Jekyll build. The check needs no knowledge of the template: the same papers are rendered a
second time with each Hub text replaced by a plain marker (the *placeholder* post). A correct
post has exactly the placeholder's elements and attributes in the same order, and the element
that holds a marker in the placeholder holds the Hub text in the real post, with the same
template text around it.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import html
import json
import re
import urllib.parse
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hypothesis
import lxml.html
from hypothesis import strategies as st
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from dailypapers import render
from dailypapers.config import Settings
from dailypapers.escape import link_url, math_tex, repo_name
from dailypapers.interests import Interests, select_daily
from dailypapers.latex import latex_text, math_pieces
from dailypapers.models import Organization, Paper, collapse_whitespace, papers_from_entries, rank
from dailypapers.text import BIDI_CONTROLS

# Hub entries (the shape of GET /api/daily_papers) that each put one hazard, or several, in
# the title, the organization and the abstract. Two extra keys, which the models ignore:
# "_hazard" names the case; "_raw" says what the unescaped text does to a real Jekyll build:
# "breaks" (wrong text or extra elements), "fatal" (Liquid stops the build) or "harmless"
# (plain text, or syntax kramdown leaves alone where the template puts it).
HAZARDS = Path(__file__).parent / "data" / "hazards" / "entries.json"
# What a backslash escapes in Jekyll's kramdown (ESCAPED_CHARS_GFM, kramdown-parser-gfm 1.1),
# written out here rather than imported, so the stand-in does not share escape.py's mistakes.
KRAMDOWN_GFM_ESCAPES = frozenset("\\.*_+`<>()[]{}#!:|\"'$=-~")

# kramdown's typographic output (smart quotes, dashes, ellipsis, guillemets), mapped back to
# the ASCII a paper would have typed; applied to both sides, so a paper typing "—" also matches.
_TYPOGRAPHY = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "—": "---", "–": "--", "…": "...", "«": "<<", "»": ">>"}
)


def normalise(text: str) -> str:
    return collapse_whitespace(text.translate(_TYPOGRAPHY))


def hazard_cases() -> list[dict[str, Any]]:
    """The hazard fixtures: Hub entries, each with a ``_hazard`` name (ignored by the models)."""
    return json.loads(HAZARDS.read_text(encoding="utf-8"))


def hazard_papers(cases: Sequence[dict[str, Any]]) -> list[Paper]:
    papers, warnings = papers_from_entries(list(cases))
    assert not warnings and len(papers) == len(cases), warnings
    return papers


# --- placeholders -------------------------------------------------------------------------


def _marker(field: str, index: int) -> str:
    # Letters and digits only: no Markdown, Liquid or typographic meaning anywhere.
    return f"Zq{field}{index}qZ"


def placeholders(
    papers: Sequence[Paper],
    shown: Callable[[str], str] = str,
    links: Sequence[str] = (),
    hidden: Collection[str] = (),
    hub_summaries: bool = True,
) -> tuple[list[Paper], dict[str, str]]:
    """The papers with every shown Hub text replaced by a marker, and marker -> Hub text
    (as ``shown`` makes it: with ``math = "text"``, its LaTeX read as text).

    The shape stays: a paper without a summary or organization gets no marker for it.
    ``links``: the setting (a repository's name is shown with a code link); ``hidden``: ids
    of papers the post leaves out (muted), which have placeholders but show no marker;
    ``hub_summaries``: the post shows the Hub's AI summaries (setting ``ai_summary``).
    """
    fake: list[Paper] = []
    texts: dict[str, str] = {}
    for index, paper in enumerate(papers):
        if paper.id in hidden:
            fake.append(paper)  # not shown: the post is the same whatever its text
            continue
        title, summary, org = (_marker(field, index) for field in ("T", "S", "O"))
        hub_summary = _marker("A", index)
        if paper.ai_summary and hub_summaries:
            texts[hub_summary] = shown(paper.ai_summary)
        texts[title] = shown(paper.title)
        if paper.summary:
            texts[summary] = shown(paper.summary)
        named = paper.organization is not None and paper.organization.display_name
        if named:
            texts[org] = shown(paper.organization.display_name)
        # The repository's name is Hub text: a placeholder repository shows a marker instead.
        repo = _marker("R", index)
        if "code" in links and link_url(paper.github_repo):
            texts[repo] = repo_name(paper.github_repo or "")
        # Authors stay: without an organization, templates show their count instead.
        fake.append(
            dataclasses.replace(
                paper,
                title=title,
                summary=summary if paper.summary else "",
                ai_summary=hub_summary if paper.ai_summary else None,
                organization=Organization(org, org) if named else paper.organization,
                **_fake_links(paper, index, links),
            )
        )
    return fake, texts


def summary_placeholders(
    summaries: Mapping[str, str], shown: Callable[[str], str] = str
) -> tuple[dict[str, str], dict[str, str]]:
    """Language-model summaries (paper id -> text) replaced by markers, and marker -> text."""
    fake, texts = {}, {}
    for index, (paper_id, text) in enumerate(sorted(summaries.items())):
        fake[paper_id] = _marker("L", index)
        texts[fake[paper_id]] = shown(text)
    return fake, texts


def _fake_links(paper: Paper, index: int, links: Sequence[str]) -> dict[str, str | None]:
    """Placeholder code and project URLs (plain, shown as they are) for those a post links
    (``links``: the setting); a URL the post does not link stays as it is."""
    fake: dict[str, str | None] = {}
    if "code" in links and link_url(paper.github_repo):
        fake["github_repo"] = f"https://{_marker('R', index)}/"  # its name is the marker
    if "project" in links and link_url(paper.project_page):
        fake["project_page"] = f"https://project{index}.example/"
    return fake


def placeholder_urls(papers: Sequence[Paper], links: Sequence[str] = ()) -> dict[str, str]:
    """Placeholder URL -> the Hub's URL it stands for (see :func:`placeholders`)."""
    urls: dict[str, str] = {}
    for index, paper in enumerate(papers):
        for key, fake in _fake_links(paper, index, links).items():
            urls[fake or ""] = getattr(paper, key)
    return urls


# Code and project URLs a Hub could give: Markdown, Liquid and HTML syntax in every place.
HOSTILE_LINKS = [
    "https://github.com/a_b/c*d_e*",
    "https://github.com/{{site.title}}/{%raw%}",
    "https://github.com/x/y)](javascript:alert(1)",
    "https://github.com/<script>/x",
    "https://github.com/a|b/c||d",
    "https://example.org/p?q=1&lt;2&amp;x=%zz&y=%41",
    "https://example.org/$$x$$/~~y~~/`z`",
    "https://example.org/ü/😀/\\x",
    "https://github.com/owner/name'\"/x",
    "javascript:alert(1)",
    "https://example.org/a[b]{:c}",
    "https://github.com/solo",
]


def with_links(papers: Sequence[Paper]) -> list[Paper]:
    """The papers with hostile code and project URLs, stars and comments."""
    count = len(HOSTILE_LINKS)
    return [
        dataclasses.replace(
            paper,
            github_repo=HOSTILE_LINKS[index % count],
            project_page=HOSTILE_LINKS[(index + 5) % count],
            github_stars=index * 1000,
            num_comments=index,
        )
        for index, paper in enumerate(papers)
    ]


# --- checking built HTML -------------------------------------------------------------------


def _elements(root: etree._Element) -> list[etree._Element]:
    # Comments and processing instructions count: a paper must not add those either.
    return list(root.iter())


def _signature(
    node: etree._Element, urls: Mapping[str, str] | None = None
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """An element's tag and attributes. A link's address counts as what a browser asks for
    (percent-escapes decoded), and a placeholder's address (in ``urls``) as the Hub's URL it
    stands for: a post's link must lead where the Hub's does."""
    tag = node.tag if isinstance(node.tag, str) else type(node).__name__
    if not isinstance(node.tag, str):
        return tag, ()
    attributes = dict(node.attrib)
    if "href" in attributes:
        href = attributes["href"]
        attributes["href"] = urllib.parse.unquote((urls or {}).get(href, href))
    return tag, tuple(sorted(attributes.items()))


# Every element and attribute a built daily post may have: the templates' Markdown (headings,
# with kramdown's ids, paragraphs, lists, bold, links) in the page's wrapper, and nothing else.
ALLOWED_MARKUP: dict[str, frozenset[str]] = {
    "main": frozenset(),
    "div": frozenset(),
    "h1": frozenset({"id"}),
    "h2": frozenset({"id"}),
    "p": frozenset(),
    "ol": frozenset({"start"}),  # CommonMark numbers a list that resumes; kramdown does not
    "ul": frozenset(),
    "li": frozenset(),
    "strong": frozenset(),
    "code": frozenset({"class"}),  # the Hub's AI keywords (ai_summary); rouge adds a class
    "a": frozenset({"href"}),
}
_WEB_LINK = re.compile(r"https?://[^\s]+")
# The one site path a template links: the day's BibTeX file (setting bibtex), named by the
# date alone, under the site's baseurl.
_SITE_LINK = re.compile(r"(/[\w.-]+)*/bib/daily-\d{4}-\d{2}-\d{2}\.bib")


def markup_outside_whitelist(root: etree._Element) -> list[str]:
    """Elements and attributes a post must not have, and links that are not http(s)."""
    found = []
    for node in _elements(root):
        tag = node.tag if isinstance(node.tag, str) else type(node).__name__
        if tag not in ALLOWED_MARKUP:
            found.append(f"element {tag}")
            continue
        found += [f"attribute {tag} {name}" for name in node.attrib if name not in ALLOWED_MARKUP[tag]]
        href = node.attrib.get("href")
        if href is not None and not (_WEB_LINK.fullmatch(href) or _SITE_LINK.fullmatch(href)):
            found.append(f"link to {href!r}")
    return found


def without_inert_spans(root: etree._Element) -> etree._Element:
    """A copy of ``root`` with the spans ``math = "mathjax"`` puts around each "$" and
    backslash of text (a lone character MathJax cannot pair) replaced by their character.
    Any other span stays, and is markup no template writes."""
    root = copy.deepcopy(root)
    for span in list(root.iter("span")):
        if span.attrib or len(span) or span.text not in ("$", "\\"):
            continue
        parent, text = span.getparent(), (span.text or "") + (span.tail or "")
        previous = span.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(span)
    return root


_MARKER = re.compile(r"Zq[TSOALR]\d+qZ")


def _holders(root: etree._Element) -> dict[str, list[tuple[int, etree._Element]]]:
    """Marker -> the innermost elements showing it, with their place in document order.

    A marker has no markup inside, so it sits in its holder's own text (the element's text
    or the tail of one of its children), never split across elements.
    """
    found: dict[str, list[tuple[int, etree._Element]]] = {}
    for position, node in enumerate(_elements(root)):
        if isinstance(node.tag, str):
            own = (node.text or "") + "".join(child.tail or "" for child in node)
            for marker in set(_MARKER.findall(own)):
                found.setdefault(marker, []).append((position, node))
    return found


_PAPER_LINK = re.compile(r"https://(huggingface\.co/papers|arxiv\.org/abs)/")


def check_post(
    real: etree._Element,
    placeholder: etree._Element,
    papers: Sequence[Paper],
    texts: dict[str, str],
    urls: Mapping[str, str] | None = None,
) -> list[str]:
    """Every way ``real`` differs from what the template makes of ``papers``; empty when faithful.

    ``urls``: the placeholder's code and project URLs and the Hub's each stands for.
    """
    real = without_inert_spans(real)
    if outside := markup_outside_whitelist(real):
        return [f"markup no template writes: {outside[:3]}"]
    expected = [_signature(node, urls) for node in _elements(placeholder)]
    found = [_signature(node) for node in _elements(real)]
    if found != expected:
        first = next(
            (i for i, pair in enumerate(zip(found, expected, strict=False)) if pair[0] != pair[1]),
            min(len(found), len(expected)),
        )
        return [
            f"elements differ from the template's at #{first}: "
            f"{found[first : first + 3]} instead of {expected[first : first + 3]}"
        ]
    failures = []
    nodes = _elements(real)
    holders_of = _holders(placeholder)
    for marker, text in texts.items():
        holders = holders_of.get(marker, [])
        if not holders:
            failures.append(f"the template shows no {marker}")
        for position, holder in holders:
            around = holder.text_content()
            want = normalise(around.replace(marker, collapse_whitespace(text)))
            got = normalise(nodes[position].text_content())
            if got != want:
                failures.append(f"{marker}: shows {got!r}, Hub text {want!r}")
    hrefs = [href for href in real.xpath(".//a/@href") if _PAPER_LINK.match(href)]
    links = [url for paper in papers for url in (paper.hf_url, paper.arxiv_url) if url]
    if hrefs != links:
        failures.append(f"links {hrefs} instead of {links}")
    return failures


def text_reading(text: str) -> str:
    """What a post shows of Hub text with ``math = "text"`` (line breaks collapse first)."""
    return latex_text(collapse_whitespace(text))


def mathjax_reading(text: str) -> str:
    """What a built post shows of Hub text with ``math = "mathjax"``: each math fragment as
    kramdown hands it to MathJax, ``\\(TeX\\)``, and the rest read as text."""
    parts = []
    for piece, is_math in math_pieces(collapse_whitespace(text)):
        tex = math_tex(piece) if is_math else None
        if tex is not None:
            parts.append(f"\\({tex}\\)")
        else:
            parts.append(latex_text(f"${piece}$") if is_math else piece)
    return "".join(parts)


def liquid_starts(markdown: str) -> int:
    # Liquid reads the raw file before kramdown: every "{{" or "{%" is a tag, escaped or not.
    return len(re.findall(r"\{[{%]", markdown))


# --- rendering posts ----------------------------------------------------------------------


def render_post(
    day: str,
    papers: Sequence[Paper],
    settings: Settings | None = None,
    summaries: Mapping[str, str] | None = None,
    *,
    like: Sequence[Paper] | None = None,
    final: bool = False,
) -> str:
    """A daily post through the real render path: all ``papers``, ranked, but with the
    settings' interests (⭐, mutes, then ``daily.top`` and a section of the papers of interest
    below it) when they have any. ``like``: the papers whose text decides the interests (a
    placeholder twin has the ⭐ of its real post)."""
    settings = settings or Settings()
    shown, more, starred = post_order(papers, settings, like)
    return render.render_daily(
        day, shown, settings, summaries=summaries, starred=starred, more=more, final=final
    )


def post_order(
    papers: Sequence[Paper], settings: Settings, like: Sequence[Paper] | None = None
) -> tuple[list[Paper], list[tuple[int, Paper]], frozenset[str]]:
    """The papers a post shows (:func:`render_post`): the list, the section below, the ⭐."""
    interests = Interests.from_settings(settings)
    if interests == Interests():
        return rank(papers), [], frozenset()
    selection = select_daily(like if like is not None else papers, settings.daily.top, interests)
    by_id = {paper.id: paper for paper in papers}
    more = [(place, by_id[paper.id]) for place, paper in selection.more]
    return [by_id[paper.id] for paper in selection.shown], more, selection.starred


def shown_in_order(papers: Sequence[Paper], settings: Settings | None = None) -> list[Paper]:
    """The papers of a post in the order it shows them (what :func:`check_post` expects)."""
    shown, more, _ = post_order(papers, settings or Settings())
    return shown + [paper for _, paper in more]


@contextmanager
def links_unescaped() -> Iterator[None]:
    """Render links as they come, only checked for http(s), and repository names unescaped
    (for the proof that the link escaping is needed)."""
    original = render.environment

    def unescaped(site: Path | None = None, math: str = "raw") -> Any:
        env = original(site, math).overlay(cache_size=0)
        raw = lambda url: url if link_url(url) else None  # noqa: E731
        env.filters = {**env.filters, "link_url": raw, "link_text": lambda text: text}
        return env

    render.environment = unescaped  # type: ignore[assignment]
    try:
        yield
    finally:
        render.environment = original


@contextmanager
def escaping_off() -> Iterator[None]:
    """Render with an identity ``md`` filter, as the original system did (for proof tests).

    Jinja binds filters when it compiles a template, so this swaps in a fresh environment.
    """
    original = render.environment

    def unescaped(site: Path | None = None, math: str = "raw") -> Any:
        env = original(site, math).overlay(cache_size=0)
        env.filters = {**env.filters, "md": lambda text: text}
        return env

    render.environment = unescaped  # type: ignore[assignment]
    try:
        yield
    finally:
        render.environment = original


def body(post: str) -> str:
    """A post without its front matter."""
    match = re.match(r"---\n.*?\n---\n", post, re.DOTALL)
    assert match, "the post has no front matter"
    return post[match.end() :]


# --- markdown-it-py as a fast stand-in for kramdown ------------------------------------------


def _kramdown_rules(md: MarkdownIt) -> None:
    """Teach markdown-it where kramdown differs, so the stand-in errs on kramdown's side.

    - A backslash escapes only kramdown's characters (CommonMark escapes all ASCII
      punctuation): elsewhere it stays, as ``\\%`` does in kramdown.
    - ``$$`` (math), ``{:`` (attribute lists, extensions) and ``|`` (any line with a pipe is
      a table row) are kramdown syntax; reaching them unescaped yields an element here.
    """

    def rule(state: StateInline, silent: bool) -> bool:
        src, pos = state.src, state.pos
        char, following = src[pos], src[pos + 1 : pos + 2]
        if char == "\\" and following and following not in KRAMDOWN_GFM_ESCAPES and following != "\n":
            if not silent:
                state.push("text", "", 0).content = "\\"
            state.pos += 1
            return True
        syntax = {"$": following == "$", "{": following == ":", "|": True}.get(char, False)
        if not syntax:
            return False
        if not silent:
            state.push("html_inline", "", 0).content = "<kramdown-syntax></kramdown-syntax>"
            state.push("text", "", 0).content = char
        state.pos += 1
        return True

    md.inline.ruler.before("escape", "kramdown", rule)


# markdown-it's own "text" rule swallows "|" as inert text; stop there too so the rule above runs.
_TEXT = re.compile(r"[^\n!#$%&*+\-:<=>@\[\\\]^_`{|}~]+")


def _text(state: StateInline, silent: bool) -> bool:
    match = _TEXT.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    if not silent:
        state.pending += match.group()
    state.pos = match.end()
    return True


@functools.cache
def markdown_it() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.inline.ruler.at("text", _text)
    _kramdown_rules(md)
    return md


def parse_fragment(html: str) -> etree._Element:
    return lxml.html.fragment_fromstring(html, create_parent="main")


def markdown_failures(
    papers: Sequence[Paper], settings: Settings | None = None, shown: Callable[[str], str] = str
) -> list[str]:
    """:func:`check_post` for a post rendered by markdown-it, plus Liquid tags the papers added."""
    settings = settings or Settings()
    order = shown_in_order(papers, settings)
    hidden = {paper.id for paper in papers} - {paper.id for paper in order}
    fake, texts = placeholders(papers, shown, settings.links, hidden, settings.ai_summary)
    post = render_post("2030-01-01", papers, settings)
    template = render_post("2030-01-01", fake, settings, like=papers)
    md = markdown_it()
    failures = check_post(
        parse_fragment(md.render(body(post))),
        parse_fragment(md.render(body(template))),
        order,
        texts,
        placeholder_urls(papers, settings.links),
    )
    if liquid_starts(post) != liquid_starts(template):
        failures.append(f"{liquid_starts(post) - liquid_starts(template)} Liquid tag starts from paper text")
    return failures


# --- Hub-like text for property tests -------------------------------------------------------

# Pieces of syntax, so that short random strings hit the hazards and their combinations often.
SYNTAX = [
    "{{", "{%", "%}", "}}", "{:", "{::", "{", "}", "$$", "$", "\\", "\\\\", "`", "``", "''", "|", "||",
    "<", ">", "</", "<s>", "<think>", "<b>", "<!--", "-->", "<http://a.b>", "&", "&amp;", "&#123;",
    "&#x41;", ";", "*", "**", "_", "__", "~", "~~", "[", "]", "(", ")", "![", "[^1]", "[a](b)", "#",
    "-", "--", "---", "...", "<<", ">>", "'", '"', ":", "=", "+", "!", "^", " ", "  ", "\n", "\t",
    "\r\n", "  \n", "\\\n", "a", "x1", "한국", "😀", "\u00a0", "\u2028",
    # LaTeX in abstracts: a backslash before punctuation, which kramdown may take for an escape
    *("\\" + char for char in "!{}()[]*_~|#$`<>+-=.:'\"%&^"),
]  # fmt: skip
# Any character but the C0/C1 controls other than whitespace (no HTML page can show them:
# a parser drops or replaces them), lone surrogates (not encodable in a UTF-8 file) and the
# characters text.clean drops on every way out (bidirectional controls, U+FFFE, U+FFFF:
# tests/test_clean_text.py shows them gone).
CHARACTERS = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters=[*sorted(BIDI_CONTROLS), "\ufffe", "\uffff"]
) | st.sampled_from("\t\n\r")


def hub_text() -> st.SearchStrategy[str]:
    piece = st.sampled_from(SYNTAX) | st.text(CHARACTERS, min_size=1, max_size=4)
    return st.lists(piece, max_size=14).map("".join)


def hub_papers(count: int) -> st.SearchStrategy[list[Paper]]:
    """Papers with random titles, abstracts and organization names (titles never blank)."""
    paper = st.tuples(hub_text().filter(collapse_whitespace), hub_text(), hub_text())
    return st.lists(paper, min_size=1, max_size=count).map(
        lambda fields: [
            Paper(
                id=f"2601.{index:05d}",
                title=collapse_whitespace(title),
                summary=summary.strip(),
                organization=Organization("org", org) if collapse_whitespace(org) else None,
            )
            for index, (title, summary, org) in enumerate(fields)
        ]
    )


def drawn(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` values of ``strategy``, the same on every run (for the Jekyll build)."""
    values: list[Any] = []

    @hypothesis.settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
        deadline=None,
    )
    @hypothesis.given(strategy)
    def collect(value: Any) -> None:
        values.append(value)

    collect()
    return values


# --- hostile TeX under MathJax ---------------------------------------------------------------

# Each would run script or style the page if MathJax typeset it; the number in each
# alert(...) tells which one got through.
HOSTILE_TEX = [
    r"\$\href{javascript:alert(1)}{click}\$",  # kramdown turns \$ into $
    r"\\$\href{javascript:alert(2)}{click}\\$",
    r"\begin{equation}\href{javascript:alert(3)}{click}\end{equation}",  # no dollar at all
    r"\begin {align*} \href{javascript:alert(4)}{a} \end {align*}",
    r"$a {b$ \href{javascript:alert(5)}{g} $c}$",  # a pair split around a refused command
    r"\verb|$|\href{javascript:alert(6)}{x}$",
    r"$\verb|$| \href{javascript:alert(7)}{x}$",
    r"\(\href{javascript:alert(8)}{x}\)",
    r"\[\href{javascript:alert(9)}{x}\]",
    r"$$\href{javascript:alert(10)}{x}$$",
    r"\\(\href{javascript:alert(11)}{x}\\)",
    r"$\text{$\href{javascript:alert(12)}{x}$}$",
    r"$\text{\(\href{javascript:alert(13)}{x}\)}$",
    r"$\def\h{\href}\h{javascript:alert(14)}{x}$",
    r"$\newcommand{\h}[1]{\href{javascript:alert(15)}{#1}}\h{x}$",
    r"$\require{html}\href{javascript:alert(16)}{x}$",
    r"$\class{x}{\href{javascript:alert(17)}{x}}$",
    r"$\style{position:fixed;top:0;left:0;font-size:90px}{\text{Log in}}$",
    r"$\cssId{x}{y}$ $\unicode{x41}$ $\mmlToken{mi}[href='javascript:alert(18)']{x}$",
    r"$\bbox[background:url(javascript:alert(19))]{a}$",
    r"\ref{javascript:alert(20)} \eqref{x}",
    r"$\url{javascript:alert(21)}$",
    r"$\csname href\endcsname{javascript:alert(22)}{x}$",
    r"$\href {javascript:alert(23)} {x}$",
    r"$\href{JaVaScRiPt:alert(24)}{x}$",
    r"$\href{java&#x09;script:alert(25)}{x}$",
    r"\$\$\href{javascript:alert(26)}{x}\$\$",
    r"$$ \href{javascript:alert(27)}{x} $$",
    r"$x$ \$\href{javascript:alert(28)}{x}$",
    r"$x\$ \href{javascript:alert(29)}{x} \$y$",
    r"$x\\$ \href{javascript:alert(30)}{x} $",
    r"$\toggle{\href{javascript:alert(31)}{a}}{b}\endtoggle$",
    r"$\mathtip{a}{\href{javascript:alert(32)}{b}}$ $\texttip{a}{b}$",
    r"$\color{red}{x}$ $\colorbox{red}{x}$ $\Huge x$ $\rule{9999em}{9999em}$",
    r"$a$\href{javascript:alert(33)}{x}$b$",
    r"$\{$ \href{javascript:alert(34)}{x} $\}$",
    r"$\left\{ \right. $\href{javascript:alert(35)}{x}$",
    r"`$\href{javascript:alert(36)}{x}$`",
    r"**$\href{javascript:alert(37)}{x}$**",
    r"[$\href{javascript:alert(38)}{x}$](javascript:alert(39))",
    r"<span>$</span>\href{javascript:alert(40)}{x}<span>$</span>",
    r"&#36;\href{javascript:alert(41)}{x}&#36;",
    r"$x$ \\ $\href{javascript:alert(42)}{x}$",
    r"$\\[-100em]\href{javascript:alert(43)}{x}$",
    r"$a\)\href{javascript:alert(44)}{x}\(b$",
    r"$\begin{matrix}\href{javascript:alert(45)}{x}\end{matrix}$",
    r"$\begin{array}{@{\href{javascript:alert(46)}{x}}c}a\end{array}$",
    r"$\frac{a}{b\$ \href{javascript:alert(47)}{x}$",
    r"$x^{\$}$\href{javascript:alert(48)}{x}$",
    r"$$x$$ \$$\href{javascript:alert(49)}{x}$\$",
    r"\begin{equation}\label{javascript:alert(50)}x\end{equation} \ref{javascript:alert(50)}",
]
# Real math among them, which must still be typeset.
REAL_TEX = [r"2.56$\times$ faster", r"$\frac{a}{b}$ with $\mathbb{R}^n$", r"$\pi_{0.5}$ and \(x \le 4\%\)"]

# Pieces of TeX soup: delimiters, escapes, braces, refused and allowed commands.
_SOUP = [
    "$", "$$", "\\$", "\\\\", "\\", "\\(", "\\)", "\\[", "\\]", "{", "}", "\\{", "\\}", "%", "\\%", "|",
    "\\begin{equation}", "\\end{equation}", "\\begin{matrix}", "\\end{matrix}", "\\begin{x}", "\\end{x}",
    "\\begin", "\\end", "\\verb|", "\\verb+", "+", "\\text{", "\\mbox{", "\\ref{", "\\eqref{", "\\label{",
    "\\href{javascript:alert(90)}{x}", "\\href{javascript:alert(91)}", "\\href", "javascript:alert(92)",
    "\\url{javascript:alert(93)}", "\\class{a}", "\\style{color:red}", "\\cssId{i}", "\\require{html}",
    "\\unicode{65}", "\\bbox[red]", "\\mmlToken{mi}", "\\def\\x", "\\newcommand", "\\toggle", "\\endtoggle",
    "\\times", "\\frac{1}{2}", "\\mathbf{x}", "x^2", "_i", "\\alpha", "\\left(", "\\right)", "&", "\\\\[1em]",
    "891K", "$5", " ", "a", "1", "*", "_", "`", "[", "](", ")", "<", ">", "{{", "{%", "~~", "&#36;", "&#92;",
]  # fmt: skip


# What opens and closes math, for MathJax or kramdown, written every way a Hub could.
_DELIMITERS = [
    "$", "$$", "\\$", "\\\\$", "\\(", "\\)", "\\[", "\\]", "\\\\(", "\\\\)", "{", "}", "\\{", "\\}",
    "\\begin{equation}", "\\end{equation}", "\\begin{align*}", "\\end{align*}", "\\begin{matrix}",
    "\\end{matrix}", "\\verb|", "|", "\\text{", "\\ref{", "&#36;", "` ", "**",
]  # fmt: skip
# Commands that would act outside the formula if MathJax obeyed them.
_PAYLOADS = [
    "\\href{javascript:alert(90)}{x}", "\\class{a}{\\href{javascript:alert(91)}{y}}",
    "\\url{javascript:alert(92)}", "\\style{position:fixed}{z}", "\\require{html}\\cssId{i}{w}",
    "\\unicode{65}", "\\toggle{\\href{javascript:alert(93)}{t}}{u}\\endtoggle",
]  # fmt: skip


def tex_soup() -> st.SearchStrategy[str]:
    """Strings of TeX pieces that open, close and split math every way MathJax knows: free
    soups, and soups of delimiters around a command that acts outside the formula."""
    piece = st.sampled_from(_SOUP) | st.text(st.sampled_from("$\\{}()[] ax1%|"), min_size=1, max_size=3)
    noise = st.lists(piece, max_size=4).map("".join)
    delimiters = st.lists(st.sampled_from(_DELIMITERS) | piece, min_size=1, max_size=4).map("".join)
    around = st.tuples(noise, delimiters, st.sampled_from(_PAYLOADS), delimiters, noise).map("".join)
    return around | st.lists(piece, min_size=1, max_size=16).map("".join)


# --- what MathJax finds --------------------------------------------------------------------

# MathJax 3's FindTeX (ts/input/tex/FindTeX.ts) with Chirpy's delimiters and its defaults
# (processEscapes, processEnvironments, processRefs): the openings, longest first, then
# environments, then escapes and references; an end is searched past braced groups and
# control sequences.
_FIND_START = re.compile(r"\$\$|\\\(|\\\[|\$|\\begin\s*\{([^}]*)\}|(\\([\\$])|\\(?:eq)?ref\s*\{[^}]*\})")
_FIND_CLOSE = {"$$": "$$", "\\(": "\\)", "\\[": "\\]", "$": "$"}


def _find_end(text: str, start: int, close: str) -> int | None:
    """Where the math opened before ``start`` ends (after its ``close`` pattern), if it does."""
    braces = 0
    for match in re.finditer(f"({close})" + r"|\\(?:[a-zA-Z]|.)|[{}]", text[start:], re.DOTALL):
        if match.group(1) is not None and braces == 0:
            return start + match.end()
        if match.group(0) == "{":
            braces += 1
        elif match.group(0) == "}" and braces:
            braces -= 1
    return None


def mathjax_finds(strings: Sequence[str]) -> list[str]:
    """What MathJax 3 takes for math (or an escape) in each of ``strings`` (the text between
    two tags of a page): each item's whole source, delimiters included."""
    found = []
    for text in strings:
        position = 0
        while match := _FIND_START.search(text, position):
            if match.group(1) is not None:
                close = r"\\end\s*\{" + re.escape(match.group(1)) + r"\}"
            elif match.group(2) is not None:
                found.append(match.group(0))
                position = match.end()
                continue
            else:
                close = re.escape(_FIND_CLOSE[match.group(0)])
            end = _find_end(text, match.end(), close)
            if end is None:
                position = match.end()
                continue
            found.append(text[match.start() : end])
            position = end
    return found


_KRAMDOWN_SPAN = re.compile(r"\$\$(.*?)\$\$|<span>(&#36;|&#92;)</span>|\\(.)|(&#?\w+;)", re.DOTALL)


def page_strings(markdown: str) -> tuple[list[str], list[str]]:
    """What a page shows of one line of escaped Hub text (:func:`escape_markdown`): the text
    between two tags, as MathJax reads it, and the TeX of each kramdown math span, which
    kramdown hands on as ``\\(TeX\\)``. A model of kramdown for this output only: math spans,
    the inert spans (an element of their own), backslash escapes and character references."""
    strings, maths, current = [], [], []
    position = 0
    for match in _KRAMDOWN_SPAN.finditer(markdown):
        current.append(markdown[position : match.start()])
        position = match.end()
        math, inert, escaped, reference = match.groups()
        if math is not None:
            maths.append(math.strip())
            current.append(f"\\({math.strip()}\\)")
        elif inert is not None:
            strings += ["".join(current), html.unescape(inert)]
            current = []
        elif escaped is not None:
            current.append(escaped if escaped in KRAMDOWN_GFM_ESCAPES else "\\" + escaped)
        else:
            current.append(html.unescape(reference))
    current.append(markdown[position:])
    strings.append("".join(current))
    return strings, maths
