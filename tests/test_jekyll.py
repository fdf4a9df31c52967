"""A real Jekyll build shows every paper exactly as the Hub wrote it, and nothing else (issue 3).

One site, one ``jekyll build`` (Debian's jekyll 4.3 with kramdown 2.4; ``.ci/run`` installs
it), with Jekyll's default kramdown settings (GFM input) as a Chirpy blog has them. Posts go
through the real render path: the five seed days, every recorded day in ../shared/hub when
it is there, the hazard fixtures in every language, and a fixed sample of generated text.
Each post is built next to its placeholder twin (see :mod:`fidelity`), which is what the
template alone makes of the same papers.

The proof that the check can fail is in the same build: each hazard, rendered with the
escaping switched off, breaks its post; those that make Liquid stop the whole build get a
tiny build each, run alongside.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml
from hypothesis import strategies as st
from lxml import etree

from conftest import SEED_SNAPSHOTS, SHARED_HUB, seed_source, site_context
from dailypapers import render
from dailypapers.config import LANGUAGES, LINK_KINDS, Settings, build_settings
from dailypapers.escape import shown_text
from dailypapers.jekyll import new_site_files
from dailypapers.latex import latex_text
from dailypapers.models import Paper, collapse_whitespace, papers_from_entries, rank
from dailypapers.summary import code_span
from fidelity import (
    check_post,
    drawn,
    escaping_off,
    hazard_cases,
    hazard_papers,
    hub_papers,
    hub_text,
    mathjax_reading,
    placeholder_urls,
    placeholders,
    render_post,
    shown_in_order,
    summary_placeholders,
    text_reading,
    with_links,
)
from reader_days import DAYS as READER_DAYS
from reader_days import day_entries

# One build of every page (about 5 s) shared by the module's tests.
pytestmark = [pytest.mark.jekyll, pytest.mark.slow]

JEKYLL = shutil.which("jekyll")
KEYWORDS = "_posts/2030-01-05-keywords.md"
# What a language model might answer, by accident or because a paper told it to.
HOSTILE_ANSWERS = [
    "Summary: {{ site.title }} and {% include footer.html %} and {%- raw -%} {{ page | jsonify }}",
    '<script>alert(1)</script><img src=x onerror="alert(2)"> <b>bold</b> <!-- comment --> &lt;',
    "| model | score |\n|---|---|\n| ours | 99.1 |\n\nA table, then text.",
    "```python\nprint('fenced code')\n```\n~~~\nmore\n~~~",
    "# A heading\n\n- a list item\n> a quote\n1. numbered\n\n---\n",
    "</think>The answer: [a link](javascript:alert(1)) ![an image](x.png) <https://evil.example> [^1]",
    "Math $$x^2$$ and \\(y\\) and {::comment} hidden {:/} and {: .class} and *emphasis* __strong__",
]
CASES = hazard_cases()

# Jekyll's own kramdown defaults stay (input: GFM); Chirpy adds rouge, as here. Every page
# gets a layout that marks its content with the source file, so results map back to posts.
CONFIG = """
kramdown:
  syntax_highlighter: rouge
defaults:
  - scope: {path: ""}
    values: {layout: check}
"""
LAYOUTS = {
    "_layouts/check.html": """---
layout: default
---
<div data-source="{{ page.path }}">
{{ content }}
</div>
""",
    # The author as Jekyll read it from the front matter, as JSON so that any character shows.
    "_layouts/author.html": """<div data-source="{{ page.path }}">
<pre>{{ page.author | jsonify | xml_escape }}</pre>
</div>
""",
    "_layouts/description.html": """<div data-source="{{ page.path }}">
<pre>{{ page.description | jsonify | xml_escape }}</pre>
<p class="card">{{ page.description | jsonify }}</p><h2 class="card">{{ page.title }}</h2>
</div>
""",
}


@dataclass
class Post:
    source: str  # the post, relative to the site
    template: str  # its placeholder twin
    papers: list[Paper]  # in the order the post shows them
    texts: dict[str, str]
    urls: dict[str, str] = field(default_factory=dict)  # placeholder link -> Hub URL


@dataclass
class Site:
    root: Path
    posts: dict[str, list[Post]] = field(default_factory=dict)  # group -> posts
    authors: dict[str, str] = field(default_factory=dict)  # source -> author value
    titles: dict[str, str] = field(default_factory=dict)  # source -> title in the description
    keywords: list[str] = field(default_factory=list)
    pages: dict[str, etree._Element] = field(default_factory=dict)  # source -> built content
    fatal: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)

    def write(self, relative: str, content: str) -> None:
        if relative.startswith("_posts/"):
            # Many posts here share a date, hence a slug: their file names keep them apart.
            content = re.sub(r"(?m)^slug: .*\n", "", content, count=1)
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")

    def add(
        self,
        group: str,
        day: str,
        slug: str,
        papers: Sequence[Paper],
        settings: Settings | None = None,
        shown: Callable[[str], str] = str,
        summaries: Mapping[str, str] | None = None,
        *,
        final: bool = False,
    ) -> None:
        """A post of ``papers`` and its placeholder twin (rendered with the escaping as it is);
        ``shown`` is what the post should show of a Hub text (see the ``math`` setting);
        ``summaries`` are language-model summaries by paper id."""
        settings = settings or Settings()
        order = shown_in_order(papers, settings)
        hidden = {paper.id for paper in papers} - {paper.id for paper in order}
        fake, texts = placeholders(papers, shown, settings.links, hidden, settings.ai_summary)
        fake_summaries, summary_texts = summary_placeholders(summaries or {}, shown)
        texts.update(summary_texts)
        source, template = f"_posts/{day}-{slug}.md", f"_posts/{day}-{slug}-template.md"
        self.write(source, render_post(day, papers, settings, summaries, final=final))
        self.write(template, render_post(day, fake, settings, fake_summaries, like=papers, final=final))
        urls = placeholder_urls(papers, settings.links)
        post = Post(source, template, order, texts, urls)
        self.posts.setdefault(group, []).append(post)

    def failures(self, group: str) -> dict[str, list[str]]:
        found = {}
        for post in self.posts[group]:
            page, twin = self.pages.get(post.source), self.pages.get(post.template)
            if page is None or twin is None:
                found[post.source] = ["Jekyll wrote no page for it"]
            elif failures := check_post(page, twin, post.papers, post.texts, post.urls):
                found[post.source] = failures
        return found


def scaffold(root: Path) -> Site:
    site = Site(root)
    for relative, content in new_site_files().items():
        site.write(relative, content)
    # The new site's settings, but for URLs: several posts here share a date and a title.
    config = {
        **yaml.safe_load(new_site_files()["_config.yml"]),
        **yaml.safe_load(CONFIG),
        "permalink": "date",
    }
    site.write("_config.yml", yaml.safe_dump(config, allow_unicode=True))
    for relative, content in LAYOUTS.items():
        site.write(relative, content)
    return site


def jekyll(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(JEKYLL), "build", "--source", str(root), "--destination", str(root / "_site")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def built_pages(root: Path) -> Iterator[tuple[str, etree._Element]]:
    for path in (root / "_site").rglob("*.html"):
        for node in lxml.html.document_fromstring(path.read_text(encoding="utf-8")).iter("div"):
            source = node.attrib.pop("data-source", None)
            if source:
                yield source, node


def recorded_days() -> list[tuple[str, list[Paper]]]:
    days = []
    for path in sorted((SHARED_HUB / "daily_papers").glob("*.json")):
        papers, _ = papers_from_entries(json.loads(path.read_text(encoding="utf-8")))
        days.append((path.stem, papers))
    return days


def random_papers(count: int) -> list[Paper]:
    """A fixed sample of generated papers (the property test's strategy), with distinct ids."""
    sample = [paper for papers in drawn(hub_papers(1), count) for paper in papers]
    return [dataclasses.replace(paper, id=f"2601.{index:05d}") for index, paper in enumerate(sample)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    if JEKYLL is None:
        pytest.skip("jekyll is not on PATH (.ci/run installs Debian's jekyll package)")
    site = scaffold(tmp_path_factory.mktemp("jekyll") / "site")
    seed_papers, corpus_papers = [], []
    for day in SEED_SNAPSHOTS:
        day_papers = papers_from_entries(seed_source(day) or [])[0]
        site.add("seeds", day, "seed", day_papers)
        seed_papers += day_papers
    if (SHARED_HUB / "daily_papers").is_dir():
        for day, day_papers in recorded_days():
            if day_papers:
                site.add("corpus", day, "daily-papers", day_papers)
                corpus_papers += day_papers
    papers = hazard_papers(CASES)
    for language in LANGUAGES:
        site.add("hazards", "2030-01-01", f"hazards-{language}", papers, Settings(language=language))
    site.add("random", "2030-01-02", "random", random_papers(80))

    # Language-model answers are untrusted text too: hostile ones under every hazard paper.
    answers = [*HOSTILE_ANSWERS, *(case["title"] for case in CASES)]
    summaries = {paper.id: answers[index % len(answers)] for index, paper in enumerate(papers)}
    site.add("model", "2030-01-09", "model-answers", papers, summaries=summaries)
    extra = [dataclasses.replace(paper, id=f"2601.9{index:04d}") for index, paper in enumerate(papers)]
    extra_summaries = {
        paper.id: answers[(index + len(papers)) % len(answers)] for index, paper in enumerate(extra)
    }
    site.add("model", "2030-01-10", "model-answers-2", extra, summaries=extra_summaries)

    # The Hub's one-line summaries and keywords (setting ai_summary), made of the hazards.
    with_hub_summaries = [
        dataclasses.replace(paper, ai_summary=paper.summary or paper.title, ai_keywords=(paper.title,))
        for paper in papers
    ]
    site.add("ai_summary", "2030-01-07", "ai-summary", with_hub_summaries, Settings(ai_summary=True))

    # A reader's settings: ⭐ and their section, mutes, code, project and comment links, final
    # rankings; over days with every Hub field, and over the hazards with hostile links.
    for language in ("ko", "en"):
        for day in READER_DAYS:
            day_papers = papers_from_entries(day_entries(day) or [])[0]
            site.add("reader", day, f"reader-{language}", day_papers, reader_settings(language), final=True)
        settings = reader_settings(language, HAZARD_INTERESTS)
        site.add("reader", "2030-01-07", f"links-{language}", with_links(papers), settings, final=True)

    # The math setting: every recorded paper with LaTeX, the hazards and generated text.
    # (in the order a post shows them, once each: checks compare the links in that order)
    with_latex = {p.id: p for p in seed_papers + corpus_papers if re.search(r"[$\\]", p.title + p.summary)}
    latex = rank(with_latex.values())
    chunks = [latex[start : start + 25] for start in range(0, len(latex), 25)]
    # Each post its own date: posts of one date share a slug, hence a URL.
    dates = ((dt.date(2030, 2, 1) + dt.timedelta(days=n)).isoformat() for n in itertools.count())
    for mode, shown in (("text", text_reading), ("mathjax", mathjax_reading)):
        settings = Settings(math=mode)
        for index, chunk in enumerate(chunks):
            site.add(f"math:{mode}", next(dates), f"{mode}-{index}", chunk, settings, shown)
        site.add(f"math:{mode}", next(dates), f"{mode}-hazards", papers, settings, shown)
        site.add(f"math:{mode}", next(dates), f"{mode}-random", random_papers(80), settings, shown)

    # Front matter: authors made of hazards and of arbitrary text (controls included).
    values = [case["title"] for case in CASES] + drawn(st.text(min_size=1) | hub_text().filter(bool), 40)
    for index, author in enumerate(values):
        source = f"_posts/2030-01-03-author-{index}.md"
        front = render.front_matter("daily", dt.date(2030, 1, 3), Settings(author=author))
        site.write(source, f"---\ntitle: author {index}\nlayout: author\n{front}---\n")
        site.authors[source] = author
    # Descriptions name the top paper: its title, raw, inside a quoted YAML scalar.
    for index, title in enumerate(values):
        source = f"_posts/2030-01-06-description-{index}.md"
        post = render_post("2030-01-06", [dataclasses.replace(papers[0], title=title)])
        site.write(source, post.replace("---\n", "---\nlayout: description\n", 1))
        site.titles[source] = title

    # Keywords, as the weekly and monthly summaries list them (in code spans).
    keywords = [keyword for paper in papers for keyword in (*paper.ai_keywords, paper.title)]
    lines = "".join(f"{index}. {code_span(keyword)} - 1\n" for index, keyword in enumerate(keywords, 1))
    site.write(KEYWORDS, f"---\ntitle: keywords\n---\n\n{lines}")
    site.keywords = keywords

    # The proof: every hazard alone, unescaped. Those that stop Liquid get a site of their own.
    fatal: dict[str, subprocess.Popen[str]] = {}
    with escaping_off():
        for case, paper in zip(CASES, papers, strict=True):
            if case["_raw"] == "fatal":
                alone = scaffold(site.root.parent / f"fatal-{case['_hazard']}")
                alone.write("_posts/2030-01-04-raw.md", render_post("2030-01-04", [paper]))
                fatal[case["_hazard"]] = jekyll(alone.root)
            else:
                site.add("raw:" + case["_raw"], "2030-01-04", f"raw-{case['_hazard']}", [paper])

    main = jekyll(site.root)
    output = main.communicate()[0]
    assert main.returncode == 0 and "done in" in output, output[:3000]  # the cause first, then Ruby's stack
    for name, process in fatal.items():
        stdout = process.communicate()[0]
        site.fatal[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout)
    site.pages = dict(built_pages(site.root))
    return site


READER = {
    "links": LINK_KINDS,
    "daily.top": 3,
    "interests.keywords": ("in-context learning", "diffusion"),
    "interests.organizations": ("MHUGLab",),
    "interests.mute": ("jailbreak",),
}
# For the hazards (ranked by their upvotes, 99 down): some ⭐ inside the top 4, some below.
HAZARD_INTERESTS = {
    "daily.top": 4,
    "interests.keywords": ("energy", "norm", "LaTeX"),
    "interests.mute": ("token",),
}


def reader_settings(language: str, changes: dict[str, Any] | None = None) -> Settings:
    return build_settings({**READER, "language": language, **(changes or {})})


def describe(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{source}: {problems[:3]}" for source, problems in list(failures.items())[:5])


def test_seed_posts_show_every_title_and_abstract_exactly(built: Site) -> None:
    assert len(built.posts["seeds"]) == len(SEED_SNAPSHOTS)
    assert not (failures := built.failures("seeds")), describe(failures)


def test_hazards_show_exactly_in_every_language(built: Site) -> None:
    assert len(built.posts["hazards"]) == len(LANGUAGES)
    assert not (failures := built.failures("hazards")), describe(failures)


def test_interests_mutes_and_links_show_exactly(built: Site) -> None:
    """⭐ sections and code, project and comment links: only the template's markup, every
    repository name exactly, every link to the Hub's URL (or none: javascript:)."""
    posts = built.posts["reader"]
    assert len(posts) == 6
    assert not (failures := built.failures("reader")), describe(failures)
    shown = {post.source: built.pages[post.source] for post in posts}
    hazards = shown["_posts/2030-01-07-links-en.md"]
    assert hazards.xpath("count(.//h2[starts-with(., '⭐')])") == 1  # the section is there
    hrefs = hazards.xpath(".//a/@href")
    assert "https://github.com/a_b/c*d_e*" in [urllib.parse.unquote(href) for href in hrefs]
    assert not [href for href in hrefs if not href.startswith(("https://", "http://"))]
    reader = shown["_posts/2026-03-06-reader-ko.md"]
    assert "⭐ Scaling Diffusion Transformers - 👍 120 · 💬 7" in reader.xpath("string(.//ol[1]/li[1])")
    assert reader.xpath(".//a[. = 'marco-garosi/CIRCLE']/@href") == ["https://github.com/marco-garosi/CIRCLE"]


def test_generated_text_shows_exactly(built: Site) -> None:
    assert len(built.posts["random"][0].papers) >= 80
    assert not (failures := built.failures("random")), describe(failures)


@pytest.mark.corpus
def test_every_recorded_day_shows_exactly(built: Site, shared_hub: Path) -> None:
    days = [day for day, papers in recorded_days() if papers]
    expected = [f"_posts/{day}-daily-papers.md" for day in days]
    assert [post.source for post in built.posts["corpus"]] == expected
    assert not (failures := built.failures("corpus")), describe(failures)


def test_hostile_model_answers_show_literally(built: Site) -> None:
    posts = built.posts["model"]
    shown = sum(1 for post in posts for marker in post.texts if marker.startswith("ZqL"))
    assert shown == 2 * len(CASES)
    assert not (failures := built.failures("model")), describe(failures)


def test_hub_summaries_and_keywords_show_exactly(built: Site) -> None:
    post = built.posts["ai_summary"][0]
    assert len([text for marker, text in post.texts.items() if marker.startswith("ZqA")]) == len(CASES)
    assert not (failures := built.failures("ai_summary")), describe(failures)
    codes = [node.text_content() for node in built.pages[post.source].iter("code")]
    assert codes == [collapse_whitespace(paper.title) for paper in post.papers]


@pytest.mark.parametrize("mode", ["text", "mathjax"])
def test_math_settings_show_what_they_promise(built: Site, mode: str) -> None:
    """``text``: LaTeX read as Unicode; ``mathjax``: every math fragment reaches MathJax as
    kramdown's ``\\(TeX\\)`` and the rest shows as text, with no element from paper text."""
    assert len(built.posts[f"math:{mode}"]) >= 3
    assert not (failures := built.failures(f"math:{mode}")), describe(failures)


def test_mathjax_output_is_kramdown_math_markup(built: Site) -> None:
    pages = [built.pages[post.source] for post in built.posts["math:mathjax"]]
    shown = " ".join(page.text_content() for page in pages)
    # kramdown 2.4 hands inline math to MathJax as \(...\), HTML-escaped, no <script> element
    assert shown.count("\\(") >= 10
    assert "\\(\\times\\)" in shown
    assert not any(page.xpath(".//script") for page in pages)


def test_front_matter_reaches_jekyll_unchanged(built: Site) -> None:
    wrong = {}
    for source, author in built.authors.items():
        page = built.pages.get(source)
        shown = page.findtext("pre") if page is not None else None
        # No <pre>: Jekyll could not read the front matter and fell back to the default layout.
        read = json.loads(shown) if shown is not None else "(front matter not read)"
        if read != shown_text(author):  # what may be shown: no control character, no markup
            wrong[source] = (author, read)
    assert not wrong, list(wrong.items())[:5]


def test_descriptions_reach_jekyll_with_the_title_intact(built: Site) -> None:
    wrong = {}
    for source, title in built.titles.items():
        page = built.pages.get(source)
        shown = page.findtext("pre") if page is not None else None
        read = json.loads(shown) if shown is not None else "(front matter not read)"
        # LaTeX read as text, whatever the math setting (feeds and cards show no math)
        # and no control character, nor a bracket that could open markup in a theme
        expected = shown_text(f"논문 1개. 좋아요 1위: {latex_text(title)} (👍 ")
        if not (isinstance(read, str) and read.startswith(expected)):
            wrong[source] = (title, read)
    assert not wrong, list(wrong.items())[:5]


def test_no_description_makes_markup_where_a_theme_prints_it_raw(built: Site) -> None:
    """Chirpy's home cards print the description through `jsonify` alone and the title raw
    (the `card` lines of the layout): no hazard title becomes an element there."""
    made = {}
    for source in built.titles:
        page = built.pages.get(source)
        cards = page.find_class("card") if page is not None else []
        elements = [node.tag for card in cards for node in card.iterdescendants()]
        if len(cards) != 2 or elements:
            made[source] = elements
    assert not made, list(made.items())[:5]


def test_keywords_show_exactly_in_their_code_spans(built: Site) -> None:
    items = built.pages[KEYWORDS].xpath("./ol/li")
    assert len(items) == len(built.keywords)
    wrong = []
    for keyword, item in zip(built.keywords, items, strict=True):
        tags = [node.tag for node in item.iter() if node is not item]
        if tags != ["code"] or item[0].text_content() != collapse_whitespace(keyword):
            wrong.append((keyword, tags, item[0].text_content() if len(item) else item.text_content()))
    assert not wrong, wrong[:5]


def test_without_escaping_every_hazard_breaks_the_post(built: Site) -> None:
    """The checker above fails when the escaping is off: the proof that it can fail."""
    broken = built.failures("raw:breaks")
    unbroken = [post.source for post in built.posts["raw:breaks"] if post.source not in broken]
    assert not unbroken, f"these hazards show right even unescaped: {unbroken}"
    # The plain cases pass unescaped: the checker does not cry wolf.
    assert not (failures := built.failures("raw:harmless")), describe(failures)
    assert built.fatal, "no fatal cases"
    for name, result in built.fatal.items():
        assert result.returncode != 0 and "Liquid" in result.stdout, (name, result.stdout[-1000:])


# --- data files: Jekyll reads `_data/*.json` with its YAML parser (Psych) ----------------------

# What JSON leaves raw but Psych refuses (DEL, C1 controls, U+FFFE/U+FFFF) or folds (NEL, U+2028,
# U+2029), a byte order mark and an escape sequence. (A lone surrogate never gets this far:
# neither SQLite nor a UTF-8 file can hold one; test_escape covers what the writer does.)
CONTROLS = "\x7f\x80\x85\x9b\x9f\u2028\u2029\ufeff\ufffe\uffff\x1b[2J"


def _hostile(text: str) -> str:
    return f"{text} {CONTROLS} end"


def test_data_files_with_controls_in_every_text_field_build_and_read_back(tmp_path: Path) -> None:
    """The daily, weekly and monthly data files of papers with YAML-hostile characters in every
    text field: `jekyll build` passes and Jekyll's `site.data` holds exactly the written data."""
    if JEKYLL is None:
        pytest.skip("jekyll is not on PATH (.ci/run installs Debian's jekyll package)")
    from dailypapers.datafile import content_hash
    from dailypapers.models import Organization
    from dailypapers.pipeline import publish_day
    from dailypapers.store import Store
    from dailypapers.summary import publish_summaries

    day = "2030-01-08"
    papers = [
        Paper(
            id=f"2601.0000{n}",
            title=_hostile(f"Title {n}"),
            summary=_hostile("Abstract"),
            authors=(_hostile("Author"), _hostile("Other")),
            organization=Organization(_hostile("org"), _hostile("Org Full")),
            upvotes=10 - n,
            github_repo=_hostile("https://github.com/a/b"),
            project_page=_hostile("https://example.org/p"),
            ai_summary=_hostile("AI summary"),
            ai_keywords=(_hostile("keyword"),),
            published_at=_hostile("2030-01-07T00:00:00Z"),
            submitted_at=_hostile("2030-01-08T00:00:00Z"),
        )
        for n in range(3)
    ]
    root = tmp_path / "site"
    site = scaffold(root)
    site.write("data.json", "---\nlayout: null\n---\n{{ site.data.papers | jsonify }}\n")
    with Store(root / ".dailypapers" / "papers.db") as store:
        store.save_day(
            day,
            papers,
            observed=papers,
            observed_at=f"{day}T01:00:00Z",
            content_hash=content_hash(day, papers),
        )
        publish_day(site_context(root, store), day)
        publish_summaries(site_context(root, store), [day], today=dt.date.fromisoformat(day))
    written = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in (root / "_data" / "papers").glob("*.json")
    }
    assert sorted(written) == ["daily-2030-01-08", "monthly-2030-01", "weekly-2030-W02"]
    record = written["daily-2030-01-08"]["papers"][0]
    for key in (
        "title",
        "abstract",
        "institution",
        "ai_summary",
        "published_at",
        "submitted_at",
        "github_repo",
    ):
        assert record[key].endswith(CONTROLS + " end"), key
    process = jekyll(root)
    output = process.communicate()[0]
    assert process.returncode == 0 and "done in" in output, output[:3000]
    assert json.loads((root / "_site" / "data.json").read_text(encoding="utf-8")) == written


def test_the_same_data_files_unescaped_break_the_build(tmp_path: Path) -> None:
    """The proof that the check above can fail: raw DEL in a data file stops Jekyll."""
    if JEKYLL is None:
        pytest.skip("jekyll is not on PATH (.ci/run installs Debian's jekyll package)")
    root = tmp_path / "site"
    site = scaffold(root)
    site.write("_data/papers/daily-2030-01-08.json", json.dumps({"title": "a\x7fb"}, ensure_ascii=False))
    process = jekyll(root)
    output = process.communicate()[0]
    assert process.returncode != 0 and "Psych::SyntaxError" in output, output[:3000]
