"""The ``math`` setting: LaTeX in Hub text kept (raw), read as Unicode (text) or typeset (mathjax).

Golden files: ``tests/data/expected/math/{text,mathjax}/`` hold the daily posts of the recorded
days with LaTeX (four seed days and ``tests/data/math/``); regenerate them with
``UPDATE_GOLDEN=1 python -m pytest tests/test_math.py`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, seed_source
from dailypapers import latex
from dailypapers.config import ConfigError, Settings, load_settings
from dailypapers.escape import escape_markdown, link_text, unescape_markdown
from dailypapers.latex import latex_text, math_pieces, typesettable
from dailypapers.models import Organization, Paper, collapse_whitespace, papers_from_entries, rank
from dailypapers.notify import message
from dailypapers.render import front_matter, render_daily
from fidelity import (
    HOSTILE_TEX,
    REAL_TEX,
    hazard_cases,
    hazard_papers,
    hub_papers,
    hub_text,
    markdown_failures,
    mathjax_finds,
    mathjax_reading,
    page_strings,
    tex_soup,
    text_reading,
)

EXPECTED = DATA / "expected" / "math"
MATH_DAYS = {
    # the seed days with LaTeX, and two recorded days with more of it (bold math, \mu, pipes)
    "2026-01-09": None,
    "2026-01-28": None,
    "2026-02-05": None,
    "2026-02-10": None,
    "2026-01-02": DATA / "math" / "2026-01-02.json",
    "2026-02-09": DATA / "math" / "2026-02-09.json",
}


def day_papers(day: str) -> list[Paper]:
    path = MATH_DAYS[day]
    entries = json.loads(path.read_text(encoding="utf-8")) if path else seed_source(day)
    papers, _ = papers_from_entries(entries or [])
    return papers


def math_post(day: str, mode: str) -> str:
    return render_daily(day, rank(day_papers(day), 10), Settings(author="lim4349", math=mode))


# --- text: readable Unicode ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"achieves 2.56$\times$ speedup", "achieves 2.56× speedup"),
        (r"nearly 100\% of full-KV", "nearly 100% of full-KV"),
        (r"We propose $\textbf{DLCM}$, a", "We propose DLCM, a"),
        (r"We present \textbf{RelayGen}, a", "We present RelayGen, a"),
        (r"AT$^2$PO", "AT^2PO"),
        (r"$\le 4\%$ overhead", "≤ 4% overhead"),
        (r"$14{,}056$ problems", "14,056 problems"),
        (r"$Q_\phi(Z|X,Y)$", "Q_ϕ(Z|X,Y)"),
        (r"$\pi_{0.5}$ and $\mathcal{N}(0,1)$", "π_0.5 and 𝒩(0,1)"),
    ],
)
def test_text_reads_latex_as_unicode(latex: str, text: str) -> None:
    assert latex_text(latex) == text


@pytest.mark.parametrize(
    "text",
    [
        "costs 100% of the rest",  # a bare % is a percent sign, not a comment eating the rest
        "3--5 times, ~3.3x, ``quoted''",  # typography stays as typed
        r"our \method{} beats \ours",  # macros pylatexenc does not know stay as written
        r"see \href{a}{b}",  # a macro pylatexenc fails on stays as written
        "set {x} and $5 without a closing dollar",
        "plain $$ text",
    ],
)
def test_text_keeps_what_is_not_latex_as_written(text: str) -> None:
    assert latex_text(text) == text


@given(st.text(st.characters(exclude_characters="\\$")))
def test_text_without_backslash_or_dollar_is_untouched(text: str) -> None:
    assert latex_text(text) == text


@settings(max_examples=200, deadline=None)
@given(hub_papers(3))
def test_any_hub_text_shows_as_its_text_reading(papers: list[Paper]) -> None:
    failures = markdown_failures(papers, Settings(math="text"), shown=text_reading)
    assert failures == []


def test_hazards_show_as_their_text_reading() -> None:
    papers = hazard_papers(hazard_cases())
    assert markdown_failures(papers, Settings(math="text"), shown=text_reading) == []


def test_notifications_read_latex_as_text_whatever_the_setting() -> None:
    paper = Paper(id="2602.00001", title=r"$\textbf{DLCM}$: 2.56$\times$ faster", upvotes=3)
    for mode in ("raw", "mathjax"):
        slack = message("2026-02-05", [paper], Settings(math=mode))["text"]
        assert "DLCM: 2.56× faster" in slack
        discord = message("2026-02-05", [paper], Settings(math=mode, notify_format="discord"))["content"]
        assert r"DLCM\: 2.56× faster" in discord


# --- mathjax: kramdown math ---------------------------------------------------------------


def test_mathjax_writes_math_as_kramdown_math_and_the_rest_as_text() -> None:
    text = r"We propose \textbf{X}: 2.56$\times$ faster with 18.9\% of $\mathbf{k}(\mathbf{X})$."
    assert escape_markdown(text, "mathjax") == (
        r"We propose X: 2.56$$\times$$ faster with 18.9% of $$\mathbf{k}(\mathbf{X})$$."
    )
    assert math_pieces(r"a $x$ b $$y$$ c \(z\)") == [
        ("a ", False), ("x", True), (" b ", False), ("y", True), (" c ", False), ("z", True)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("latex", "markdown"),
    [
        # kramdown reads a line with a bare pipe as a table row, even inside math
        (r"$P(h|b)$", r"$$P(h\vert b)$$"),
        (r"$a\|b$", r"$$a\|b$$"),
        # Liquid reads {{ and {% anywhere; in TeX math a space after the brace changes nothing
        (r"$\frac{{a}}{b}$", r"$$\frac{ {a}}{b}$$"),
        # a bare % in math would be a TeX comment: the Hub meant a percent sign
        ("$10%$", r"$$10\%$$"),
        # a dollar or backslash of text stands alone in an element: MathJax pairs nothing there
        (r"costs \$5 and $x$", r"costs <span>&#36;</span>5 and $$x$$"),
        ("plain $$ text", "plain <span>&#36;</span><span>&#36;</span> text"),
        (r"our \method{}", "our <span>&#92;</span>method{}"),
    ],
)
def test_mathjax_keeps_liquid_and_kramdown_out_of_the_math(latex: str, markdown: str) -> None:
    assert escape_markdown(latex, "mathjax") == markdown


def test_mathjax_posts_ask_for_mathjax_in_their_front_matter() -> None:
    day = dt.date(2026, 2, 5)
    assert "math: true\n" in front_matter("daily", day, Settings(math="mathjax"))
    for mode in ("raw", "text"):
        assert "math:" not in front_matter("daily", day, Settings(math=mode))


def test_raw_is_the_default_and_leaves_latex_alone() -> None:
    assert Settings().math == "raw"
    paper = Paper(id="2602.00001", title=r"2.56$\times$ \textbf{X}", organization=Organization("o"))
    assert r"**2.56$\times$ \textbf{X}**" in render_daily("2026-02-05", [paper])


def test_the_setting_comes_from_file_and_environment(tmp_path: Path) -> None:
    (tmp_path / "dailypapers.toml").write_text('math = "text"\n', encoding="utf-8")
    assert load_settings(tmp_path, environ={}).math == "text"
    assert load_settings(tmp_path, environ={"DAILYPAPERS_MATH": "mathjax"}).math == "mathjax"
    with pytest.raises(ConfigError, match=re.escape("$DAILYPAPERS_MATH: math = 'tex'")):
        load_settings(tmp_path, environ={"DAILYPAPERS_MATH": "tex"})


@pytest.mark.parametrize(
    "text",
    [
        r"Click $\href{javascript:alert(1)}{here}$ now",
        r"$x \style{position:fixed;top:0}{\text{Log in}}$",
        r"$\require{html} \htmlClass{x}{y}$",
        r"$$\class{overlay}{a} + \cssId{id}{b}$$",
        r"\(\url{javascript:alert(1)}\)",
        r"$\bbox[background:url(x)]{a}$ and $\csname href\endcsname{javascript:x}{y}$",
    ],
)
def test_mathjax_never_gets_math_that_reaches_outside_the_formula(text: str) -> None:
    # MathJax obeys \href{javascript:...} (a live link), \style and \class (CSS on the page)
    # and \require unless the site loads its ui/safe extension: such math is shown as text.
    shown = escape_markdown(text, "mathjax")
    assert "$$" not in shown.replace("\\$", "")
    assert (
        markdown_failures(
            [Paper(id="2601.00001", title="t", summary=text)], Settings(math="mathjax"), shown=mathjax_reading
        )
        == []
    )


@pytest.mark.parametrize(
    "tex",
    [
        r"\times", r"\textbf{DLCM}", r"\mathbf{k}(\mathbf{X})", r"14{,}056", r"10\%", r"\frac{ {a}}{b}",
        r"P(h\vert b)", r"a\|b", r"\left\{ x \right.", r"\begin{pmatrix} a \\ b \end{pmatrix}",
        r"\operatorname{softmax}(x)", r"\text{if } x \le 4", r"\mathbb{R}^{n \times d}", r"x_{i}^{2}",
    ],
)  # fmt: skip
def test_mathjax_may_typeset_ordinary_math(tex: str) -> None:
    assert typesettable(tex)


@pytest.mark.parametrize(
    "tex",
    [
        r"\href{javascript:alert(1)}{x}", r"\url{x}", r"\class{a}{b}", r"\style{color:red}{b}",
        r"\cssId{a}{b}", r"\require{html}", r"\htmlClass{a}{b}", r"\unicode{65}", r"\verb|x|",
        r"\bbox[red]{a}", r"\mmlToken{mi}{x}", r"\def\a{b}", r"\newcommand{\a}{b}",
        r"\toggle{a}{b}\endtoggle", r"\ref{a}", r"\eqref{a}", r"\label{a}", r"\tag{a}", r"\color{red}",
        r"\rule{9em}{9em}", r"\Huge x", r"\hspace{-9em}", r"\csname href\endcsname",
        r"a \$ b", r"a $ b", r"a % comment", r"a\\% comment", r"a\)\href{x}{y}\(b", r"\[x\]",
        r"a{b", r"a}b{", "x\\", r"\begin{equation}x\end{equation}", r"\begin{matrix}x",
        r"\begin{matrix}x\end{pmatrix}", r"a \\[-9em] b", r"a \\*[9em] b",
        r"\text{\(\href{javascript:x}{y}\)}",
    ],
)  # fmt: skip
def test_mathjax_may_not_typeset_what_reaches_outside_the_formula(tex: str) -> None:
    assert not typesettable(tex)


@settings(max_examples=300, deadline=None)
@given(tex_soup() | hub_text())
def test_mathjax_finds_only_the_math_we_allow(text: str) -> None:
    """MathJax's own search (FindTeX, Chirpy's delimiters) over the text between two tags of
    what kramdown makes of the escaped text finds exactly our math spans, each allow-listed:
    no other "$", "\\(", "\\[", "\\begin", "\\ref" or escape, however the soup is cut."""
    strings, maths = page_strings(escape_markdown(text, "mathjax"))
    assert mathjax_finds(strings) == [f"\\({tex}\\)" for tex in maths]
    assert all(typesettable(tex.replace("{ ", "{").replace("\\vert ", "|")) for tex in maths)


@pytest.mark.parametrize("text", HOSTILE_TEX + REAL_TEX)
def test_mathjax_finds_no_hostile_tex(text: str) -> None:
    strings, maths = page_strings(escape_markdown(text, "mathjax"))
    assert mathjax_finds(strings) == [f"\\({tex}\\)" for tex in maths]
    assert not re.search(r"\\(href|url|class|style|require|verb|def|ref|label)", " ".join(maths))


def test_real_math_is_still_typeset() -> None:
    assert escape_markdown(r"2.56$\times$ faster and $\frac{a}{b}$", "mathjax") == (
        r"2.56$$\times$$ faster and $$\frac{a}{b}$$"
    )


def test_repository_names_are_inert_under_mathjax() -> None:
    assert link_text(r"$\href{javascript:x}{y}$/b]", "mathjax") == (
        r"<span>&#36;</span><span>&#92;</span>href{javascript:x}{y}<span>&#36;</span>/b\]"
    )


@pytest.mark.parametrize(
    "text",
    [
        "With $891K spent on environment construction and an additional $576K on trajectories",
        "between $5 and $10 a month",
        "a range of ($5-$10) per run",
    ],
)
def test_prices_stay_text(text: str) -> None:
    assert "$$" not in escape_markdown(text, "mathjax")
    assert unescape_markdown(escape_markdown(text, "mathjax")) == text
    assert latex_text(text) == text


@pytest.mark.parametrize(
    ("text", "math"),
    [
        (r"ImageNet 256$\times$256", [r"\times"]),
        (r"($\sim$110k) and $\leq$50K documents", [r"\sim", r"\leq"]),
        (r"costs $5 and $x^2$ more", ["x^2"]),
    ],
)
def test_math_beside_digits_and_prices_is_still_math(text: str, math: list[str]) -> None:
    assert [piece for piece, is_math in math_pieces(text) if is_math] == math


def test_math_true_only_on_posts_that_show_math() -> None:
    settings = Settings(math="mathjax")
    plain = Paper(id="2603.13023", title="Agents", summary="With $891K spent and an additional $576K on it")
    with_math = Paper(id="2602.00001", title=r"2.56$\times$ faster", summary="x")
    refused = Paper(id="2602.00002", title=r"$\href{javascript:alert(1)}{x}$", summary="x")
    assert "math: true" not in render_daily("2026-03-01", [plain, refused], settings)
    assert "math: true\n" in render_daily("2026-03-01", [plain, with_math], settings)
    answers = {plain.id: r"The loss is $\mathcal{L}$."}  # a model's answer with math counts
    assert "math: true\n" in render_daily("2026-03-01", [plain], settings, summaries=answers)


# pylatexenc's parser recurses once per nesting level: these raised RecursionError out of
# the post. What it cannot read is shown as written.
DEEP_LATEX = {
    "begin-without-end": "\\begin{equation} x " * 2000,
    "nested-sqrt": "\\sqrt{" * 3000 + "x",
    "nested-math-and-braces": "$\\frac{" * 1000,
    "nested-groups": "a{\\x " * 3000,
}


@pytest.mark.parametrize("mode", ["text", "mathjax"])
@pytest.mark.parametrize("text", DEEP_LATEX.values(), ids=list(DEEP_LATEX))
def test_deeply_nested_latex_shows_as_written(text: str, mode: str) -> None:
    assert unescape_markdown(escape_markdown(text, mode)) == collapse_whitespace(text)


@pytest.mark.parametrize("mode", ["text", "mathjax"])
def test_unclosed_braces_before_a_long_abstract_take_no_time(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Text after an unclosed "{" or "$" is read again: once per opening, this took 35 s. So
    # what is counted is how often pylatexenc reads the text, not the seconds it takes.
    reads = []
    monkeypatch.setattr(latex, "_nodes", lambda text, read=latex._nodes: reads.append(1) or read(text))
    text = "\\x { " * 300 + "words " * 7000
    shown = escape_markdown(text, mode)
    assert len(reads) <= 10, f"the text was read {len(reads)} times for 300 openings"
    assert unescape_markdown(shown).endswith("words words")


@given(hub_text())
def test_every_mode_keeps_liquid_out(text: str) -> None:
    for mode in ("text", "mathjax"):
        assert not re.search(r"\{[{%]", escape_markdown(text, mode))


# --- golden posts --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["text", "mathjax"])
@pytest.mark.parametrize("day", sorted(MATH_DAYS))
def test_math_post_matches_golden(day: str, mode: str) -> None:
    written = math_post(day, mode)
    golden = EXPECTED / mode / f"{day}-daily-papers.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


def test_the_golden_days_have_latex_and_lose_it_in_text() -> None:
    for day in MATH_DAYS:
        raw, text = math_post(day, "raw"), math_post(day, "text")
        assert re.search(r"\$|\\[a-z%]", raw), day
        assert not re.search(r"\$\\times\$|\\%|\\textbf", text), day
        assert ("$$" in math_post(day, "mathjax")) == ("$" in raw), day


@pytest.mark.parametrize("mode", ["raw", "mathjax"])
def test_descriptions_read_latex_as_text_whatever_the_setting(mode: str) -> None:
    paper = Paper(id="2602.00001", title=r"$\textbf{DLCM}$: 2.56$\times$ faster", upvotes=3)
    post = render_daily("2026-02-05", [paper], Settings(math=mode))
    assert 'description: "논문 1개. 좋아요 1위: DLCM: 2.56× faster (👍 3)"\n' in post


@pytest.mark.corpus
@pytest.mark.slow  # renders every recorded day twice
def test_only_recorded_days_with_math_ask_for_mathjax(shared_hub: Path) -> None:
    """Over the recorded corpus: ``math: true`` exactly on the posts that show a formula, and
    the price pair of 2603.13023 (``$891K spent ... an additional $576K``) is not one."""
    asking, showing = set(), set()
    for path in sorted((shared_hub / "daily_papers").glob("*.json")):
        papers, _ = papers_from_entries(json.loads(path.read_text(encoding="utf-8")) or [])
        if not papers:
            continue
        post = render_daily(path.stem, rank(papers, 10), Settings(math="mathjax"))
        if "\nmath: true\n" in post:
            asking.add(path.stem)
        if "$$" in post:
            showing.add(path.stem)
        for paper in papers:
            if paper.id == "2603.13023":
                assert "891K" in escape_markdown(paper.summary, "mathjax")
                assert "$$" not in escape_markdown(paper.summary, "mathjax")
    assert asking == showing
    assert 0 < len(asking) < 248  # some days have math, some have none
