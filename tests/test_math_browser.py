"""``math = "mathjax"`` as a reader meets it: a real Jekyll build, MathJax typesetting in Chromium.

The site loads MathJax 3 as Chirpy does for a post with ``math: true`` (same delimiters), from
a local copy (``.ci/run`` unpacks the npm package into ``.cache/mathjax``; elsewhere set
``DAILYPAPERS_MATHJAX`` to its ``tex-svg.js``), and shows the daily posts of the recorded
days with LaTeX. Every math fragment of the posts must become typeset math, with no TeX
error and no delimiter left as text. The screenshot is kept under ``.artifacts/math/``.

The attack: hostile TeX (:data:`fidelity.HOSTILE_TEX` and generated TeX soups) in titles,
abstracts, organizations, repository names, the Hub's AI summaries and language-model
answers. After MathJax has typeset the page, no link anywhere (HTML or SVG) may lead
elsewhere than http(s), every link is clicked, and no dialog may open.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from browser import REPO, artifacts_dir, browser, open_page, screenshot, serve
from dailypapers.config import Settings
from dailypapers.jekyll import new_site_files
from dailypapers.models import Organization, Paper, rank
from dailypapers.render import render_daily
from fidelity import HOSTILE_TEX, REAL_TEX, drawn, tex_soup
from sites import jekyll, jekyll_build
from test_math import day_papers

pytestmark = [pytest.mark.browser, pytest.mark.jekyll]

MATHJAX = Path(os.environ.get("DAILYPAPERS_MATHJAX") or REPO / ".cache/mathjax/package/es5/tex-svg.js")
DAYS = ("2026-02-05", "2026-02-09", "2026-01-02")  # \times, pipes in math, bold math
# Chirpy's MathJax settings (assets/js/data/mathjax.js), loaded only where `math: true`.
HEAD = """<script>
MathJax = {tex: {
  inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']]
}};
</script>
<script id="MathJax-script" src="{{ '/assets/js/tex-svg.js' | relative_url }}"></script>
"""
# Chirpy 7 also numbers equations (tags: 'ams', so \ref and \eqref make links) and loads the
# CommonHTML output; the attack pages load either output (the `mathjax` front-matter key).
ATTACK_HEAD = """<script>
MathJax = {tex: {
  inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
  tags: 'ams'
}};
</script>
{% assign mathjax = '/assets/js/' | append: page.mathjax | append: '.js' %}
<script id="MathJax-script" src="{{ mathjax | relative_url }}"></script>
"""


MINIMA_HEAD = """<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {%- seo -%}
  <link rel="stylesheet" href="{{ "/assets/main.css" | relative_url }}">
  {%- feed_meta -%}
</head>
"""


def mathjax_site(root: Path, head: str = HEAD) -> Path:
    """A new site (minima) whose posts load MathJax with ``head`` where they say ``math: true``,
    as Chirpy's head does; skips without MathJax."""
    if not MATHJAX.is_file():
        pytest.skip(f"no MathJax at {MATHJAX} (.ci/run unpacks it; or set DAILYPAPERS_MATHJAX)")
    site = root / "site"
    for relative, content in new_site_files().items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(content, encoding="utf-8")
    # minima 2.5's head, and MathJax where the post asks for it, as Chirpy's head does.
    include = site / "_includes" / "head.html"
    include.parent.mkdir(parents=True, exist_ok=True)
    include.write_text(MINIMA_HEAD.replace("</head>", "{% if page.math %}" + head + "{% endif %}</head>"))
    # The components beside tex-svg.js too, as a CDN serves them: MathJax loads extensions
    # (html, action, verb...) when the TeX asks for them.
    unused = shutil.ignore_patterns("sre", "*-full*", "mml-*", "node-main.js", "latest.js")
    shutil.copytree(MATHJAX.parent, site / "assets" / "js", ignore=unused)
    (site / "_posts").mkdir(exist_ok=True)
    return site


def test_mathjax_typesets_every_math_fragment(tmp_path: Path) -> None:
    site = mathjax_site(tmp_path)
    fragments = {}
    for day in DAYS:
        post = render_daily(day, rank(day_papers(day), 10), Settings(math="mathjax"))
        (site / "_posts" / f"{day}-daily-papers.md").write_text(post, encoding="utf-8")
        fragments[day] = len(re.findall(r"\$\$.+?\$\$", post))
    built = subprocess.run(
        [jekyll(), "build", "-s", str(site), "-d", str(site / "_site")], capture_output=True
    )
    assert built.returncode == 0, built.stderr.decode()[-2000:]
    with serve(site / "_site") as url, browser() as chromium:
        for day in DAYS:
            page = open_page(chromium, _post_url(site, url, day), height=1200)
            page.wait_for_function(
                "window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000
            )
            page.evaluate("MathJax.startup.promise")
            typeset = page.locator("mjx-container").count()
            errors = page.locator("mjx-container [data-mjx-error], mjx-merror").count()
            text = page.inner_text("article")
            screenshot(page, f"daily-{day}.png", "math")
            assert fragments[day] > 0 and typeset == fragments[day], (day, typeset, fragments[day])
            assert errors == 0, day
            assert "\\(" not in text and "$$" not in text, day
            page.close()


def _post_url(site: Path, url: str, day: str) -> str:
    """Where Jekyll wrote the day's post (the new site's permalink style)."""
    [path] = [p for p in (site / "_site").rglob("*.html") if f"daily-papers-{day}" in str(p)]
    return f"{url}/{path.relative_to(site / '_site').as_posix()}"


# --- the attack: hostile TeX everywhere a stranger writes -------------------------------------

SOUPS = 160  # generated TeX soups, on top of the hand-written corpus
PER_POST = 45  # papers (fragments) per post; each shows its fragment in five places
ATTACK_SETTINGS = Settings(math="mathjax", ai_summary=True, links=("code",))
# What MathJax may have typeset: none of these commands may be in a typeset formula's TeX.
REFUSED_TEX = re.compile(
    r"\\(href|url|class|style|cssId|require|html\w*|unicode|verb|bbox|mmlToken|data|def|"
    r"newcommand|renewcommand|let|toggle|mathtip|texttip|ref|eqref|label|tag|color|colorbox|rule)(?![A-Za-z])"
)
# Every link and URL-bearing attribute after typesetting, HTML and SVG (xlink:href) alike,
# resolved as the browser would follow it; and a click on every link (SVG anchors have no
# click(): a dispatched click event activates them).
INSPECT = """() => {
  const found = [];
  for (const node of document.querySelectorAll('*')) {
    for (const attribute of node.attributes) {
      if (!/^(href|xlink:href|src|action|formaction|data|poster|background)$/i.test(attribute.name)) continue;
      let protocol;
      try { protocol = new URL(attribute.value, document.baseURI).protocol; }
      catch (e) { protocol = 'invalid'; }
      found.push([node.localName, attribute.name, attribute.value, protocol]);
    }
  }
  return found;
}"""
CLICK_ALL = """async () => {
  const anchors = Array.from(document.getElementsByTagNameNS('*', 'a'));
  for (const anchor of anchors) {
    anchor.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
    // A link's navigation runs in a task of its own; the next click would cancel it.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return anchors.length;
}"""
TYPESET_TEX = "() => Array.from(MathJax.startup.document.math).map((item) => item.math)"


def attack_papers(texts: list[str], first: int) -> tuple[list[Paper], dict[str, str]]:
    """One paper per text, which is its title, abstract, organization, the Hub's AI summary
    and keyword, its repository's name and the language model's answer about it."""
    papers, answers = [], {}
    for index, text in enumerate(texts, first):
        paper_id = f"2601.{index:05d}"
        papers.append(
            Paper(
                id=paper_id,
                title=text,
                summary=f"Abstract {index}: {text}",
                organization=Organization(f"org{index}", text),
                ai_summary=text,
                ai_keywords=(text,),
                github_repo=f"https://github.com/{text}/x",
                upvotes=1000 - index,
            )
        )
        answers[paper_id] = f"Answer {index}: {text}"
    return papers, answers


@pytest.mark.slow
def test_no_tex_from_strangers_runs_script_or_leads_elsewhere(tmp_path: Path) -> None:
    site = mathjax_site(tmp_path, ATTACK_HEAD)
    texts = HOSTILE_TEX + [soup for soup in drawn(tex_soup(), SOUPS) if soup.strip()]
    days = []
    for number, start in enumerate(range(0, len(texts), PER_POST)):
        day = f"2030-03-{number + 1:02d}"
        # Real math on every post, so that each asks for MathJax, which then sees the rest.
        real = REAL_TEX[number % len(REAL_TEX)]
        papers, answers = attack_papers([*texts[start : start + PER_POST], real], start)
        post = render_daily(day, papers, ATTACK_SETTINGS, summaries=answers)
        output = "tex-svg" if number % 2 == 0 else "tex-chtml"
        (site / "_posts" / f"{day}-daily-papers.md").write_text(
            post.replace("---\n", f"---\nmathjax: {output}\n", 1), encoding="utf-8"
        )
        days.append(day)
    built = jekyll_build(site)
    assert built.returncode == 0, built.stderr[-2000:]
    problems: list[str] = []
    typeset: list[str] = []
    with serve(site / "_site") as url, browser() as chromium:
        for day in days:
            found, formulas = attack_page(chromium, _post_url(site, url, day), f"attack-{day}.png")
            problems += [f"{day}: {problem}" for problem in found]
            typeset += formulas
    dialogs = sorted({problem for problem in problems if "dialog" in problem})
    assert not problems, f"{len(problems)} problems; dialogs: {dialogs}; first: {problems[:10]}"
    # Real math is still typeset.
    assert {r"\frac{a}{b}", r"\times", r"x \le 4\%"} <= set(typeset), typeset[:20]


def attack_page(chromium: Any, page_url: str, name: str) -> tuple[list[str], list[str]]:
    """What is wrong with the page at ``page_url`` once MathJax has typeset it and every link
    was clicked (links that do not lead to http(s), dialogs, refused TeX typeset), and the TeX
    of every formula MathJax typeset."""
    page = chromium.new_page(viewport={"width": 1000, "height": 1200})
    dialogs: list[str] = []
    followed: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("popup", lambda popup: followed.append(popup.url))

    def navigation(route: Any) -> None:
        # A link followed: noted and answered with 204 No Content, so the page stays.
        if route.request.is_navigation_request() and route.request.url != page_url:
            followed.append(route.request.url)
            route.fulfill(status=204)
        else:
            route.continue_()

    page.route("**/*", navigation)
    response = page.goto(page_url, wait_until="load")
    assert response is not None and response.ok, page_url
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
    page.evaluate("MathJax.startup.promise")
    typeset: list[str] = page.evaluate(TYPESET_TEX)
    problems = [
        f"<{node} {attribute}={value!r}>"
        for node, attribute, value, protocol in page.evaluate(INSPECT)
        if protocol not in ("http:", "https:")
    ]
    problems += [f"typeset {tex!r}" for tex in typeset if REFUSED_TEX.search(tex)]
    clicked = page.evaluate(CLICK_ALL)
    page.wait_for_timeout(500)
    assert clicked > PER_POST, (page_url, clicked)  # the HF and arXiv links at least
    problems += [f"dialog {message!r}" for message in dialogs]
    problems += [f"followed {target!r}" for target in followed if not target.startswith(("http:", "https:"))]
    # The viewport only: on a page where MathJax obeyed \\rule{9999em}..., a full page is huge.
    page.screenshot(path=str(artifacts_dir("math") / name))
    page.close()
    return problems, typeset
