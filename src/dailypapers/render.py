"""Rendering: posts from Jinja2 templates (the data files: :mod:`dailypapers.datafile`).

Templates ship in the package (``templates/LANG/``); a site overrides any of them by
putting a file of the same name under ``SITE/_dailypapers/templates/LANG/``. Hub text goes
through the ``md`` filter (see :mod:`dailypapers.escape`) and front-matter values through
``yaml``. Output depends only on the inputs: no clock, fixed orders.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import jinja2

from dailypapers.config import Settings
from dailypapers.dates import date_of, utc_offset
from dailypapers.errors import SiteError
from dailypapers.escape import (
    code_span,
    escape_markdown,
    link_text,
    link_url,
    repo_name,
    yaml_scalar,
    yaml_text,
)
from dailypapers.latex import latex_text
from dailypapers.models import Paper, PaperInfo
from dailypapers.paperinfo import compact, hub_list_url
from dailypapers.paths import bib_path, pattern_fields
from dailypapers.words import first_author

SITE_TEMPLATES = Path("_dailypapers") / "templates"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates shared by the environments of one process. There is one
    environment per site (the site's own templates come first), and compiling the package's
    templates again for each cost most of a short run. An entry is found by template name
    and file and used only if the source is unchanged (Jinja checks its checksum)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def environment(site: Path | None = None, math: str = "raw") -> jinja2.Environment:
    """The templates of ``site`` (then the package's), with ``md`` escaping for the ``math``
    setting. A run builds it once (:attr:`dailypapers.site.Site.templates`); templates
    compiled by one environment are reused by the next (:class:`_CompiledTemplates`)."""
    loaders: list[jinja2.BaseLoader] = []
    if site is not None:
        loaders.append(jinja2.FileSystemLoader(str(site / SITE_TEMPLATES)))
    loaders.append(jinja2.PackageLoader("dailypapers", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown, not HTML: the `md` filter does the escaping
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_COMPILED,
    )
    env.filters["md"] = functools.partial(_markdown, math=math)
    env.filters["code"] = code_span  # keywords, as inline code
    env.filters["plain"] = latex_text  # LaTeX read as text, for front matter and messages
    env.filters["yaml"] = yaml_text  # what the templates put in front matter is shown
    env.filters["yaml_list"] = yaml_list
    env.filters["thousands"] = thousands
    env.filters["first_author"] = lambda authors, language: first_author(language, authors)
    env.filters["link_url"] = link_url
    env.filters["repo_name"] = repo_name
    env.filters["link_text"] = functools.partial(link_text, math=math)
    env.filters["outcome_parts"] = outcome_parts
    return env


def outcome_parts(info: PaperInfo, paper_id: str) -> list[tuple[str, str, str | None]]:
    """What the outcome line of a paper shows (see templates/_outcome.md.j2): (kind, count
    as shown, link or None) for each kind it has: models, datasets and Spaces (linked to the
    Hub's list of them), then ``stars`` (linked to the code, through :func:`link_url`)."""
    counts = {"models": info.models, "datasets": info.datasets, "spaces": info.spaces}
    parts = [
        (kind, compact(count), link_url(hub_list_url(kind, paper_id)))
        for kind, count in counts.items()
        if count > 0
    ]
    if info.github_stars:
        parts.append(("stars", compact(info.github_stars), link_url(info.github_repo)))
    return parts


# Whether the `md` filter wrote math during the render in progress (see render_template).
_MATH_WRITTEN: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar("math", default=None)


def _markdown(text: str, math: str) -> str:
    shown = escape_markdown(text, math)
    written = _MATH_WRITTEN.get()
    # Under MathJax, "$$" in escaped text is kramdown math and nothing else (text dollars are
    # inert spans): a fragment MathJax will typeset.
    if written is not None and math == "mathjax" and "$$" in shown:
        written.append(True)
    return shown


# The settings that change no file: how and when to fetch, where the archive is, whom to
# notify, how to reach the model (its name and prompt do change what posts show).
_SETTINGS_NOT_WRITTEN = frozenset(
    {
        "run_days",
        "concurrency",
        "retry_budget",
        "request_deadline",
        "max_response_mb",
        "database",
        "notify_webhook",
        "notify_format",
        "notify_top",
        "llm_base_url",
        "llm_budget",
        "llm_concurrency",
        "llm_timeout",
    }
)


def output_fingerprint(site: Path, settings: Settings) -> str:
    """What the site's files are written with besides the archive: the settings that change
    them, and the templates (the package's and the site's own). Two renders of one archive
    with the same fingerprint write the same bytes, so ``doctor`` tells a hand edit (same
    fingerprint as the last full render) from a template or setting change."""
    digest = hashlib.sha256()
    chosen = {name: value for name, value in vars(settings).items() if name not in _SETTINGS_NOT_WRITTEN}
    digest.update(repr(sorted(chosen.items())).encode("utf-8"))
    package = Path(__file__).parent / "templates"
    for root in (package, site / SITE_TEMPLATES):
        for path in sorted(root.rglob("*.j2")) if root.is_dir() else []:
            if path.is_file():
                name = path.relative_to(root).as_posix().encode("utf-8")
                digest.update(name + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def yaml_list(values: Sequence[str]) -> str:
    """A YAML flow sequence, ``[Daily Papers, 일간]`` as the original posts have it."""
    return "[" + ", ".join(yaml_text(value) for value in values) + "]"


def thousands(number: int | float, decimals: int = 0) -> str:
    """``12,345`` (every supported language groups digits by three with a comma)."""
    return f"{number:,.{decimals}f}"


def front_matter(kind: str, date: dt.date, settings: Settings) -> str:
    """The front-matter lines after ``title:``, from the settings for ``kind``."""
    post = settings.post(kind)
    offset = utc_offset(date, post.time, settings.timezone)
    lines = [
        f"date: {date.isoformat()} {post.time}:00 {offset}",
        f"categories: {yaml_list(post.categories)}",
        f"tags: {yaml_list(post.tags)}",
    ]
    if settings.author:
        lines.append(f"author: {yaml_text(settings.author)}")
    fields = pattern_fields(date)
    slug = post.slug.format(**fields) if post.slug else ""
    if slug:
        lines.append(f"slug: {yaml_scalar(slug)}")
    if post.permalink:
        lines.append(f"permalink: {yaml_scalar(post.permalink.format(**fields, slug=slug))}")
    if settings.math == "mathjax":
        # Chirpy and other MathJax themes load MathJax for this post; render_template drops
        # the line from a post that shows no math.
        lines.append(MATH_LINE.rstrip("\n"))
    return "".join(line + "\n" for line in lines)


MATH_LINE = "math: true\n"


def render_template(env: jinja2.Environment, names: Sequence[str], **context: object) -> str:
    """The first of ``names`` that exists, rendered with ``context``. A template that does not
    parse or uses what it is not given (a site's own, most likely) is a :class:`SiteError`
    naming the file and the line."""
    template: jinja2.Template | None = None
    written: list[bool] = []
    token = _MATH_WRITTEN.set(written)
    try:
        template = env.select_template(list(names))
        text = template.render(**context)
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name} line {error.lineno}"
        raise SiteError(f"the template {where} is not valid: {error.message}; {_FIX_TEMPLATE}") from None
    except jinja2.TemplateError as error:
        where = (template.filename if template else None) or names[0]
        raise SiteError(f"the template {where} failed: {error}; {_FIX_TEMPLATE}") from None
    finally:
        _MATH_WRITTEN.reset(token)
    front = context.get("front_matter")
    if not written and isinstance(front, str) and MATH_LINE in front:
        # MathJax only where it has math to typeset: its front matter without "math: true".
        text = text.replace(front, front.replace(MATH_LINE, "", 1), 1)
    return text


_FIX_TEMPLATE = "fix it, or delete the site's copy to use the package's"


def render_daily(
    day: str,
    papers: Sequence[Paper],
    settings: Settings | None = None,
    *,
    site: Path | None = None,
    starred: Collection[str] = frozenset(),
    more: Sequence[tuple[int, Paper]] = (),
    final: bool = False,
    summaries: Mapping[str, str] | None = None,
    paper_info: Mapping[str, PaperInfo] | None = None,
    templates: jinja2.Environment | None = None,
) -> str:
    """The daily post for ``day`` listing ``papers`` in the given (ranked) order.

    ``starred``: ids of the papers marked ⭐; ``more``: starred papers ranked below the
    list, with their place, for a section of their own; ``final``: the ranking is settled;
    ``summaries``: the language model's, by paper id (see :mod:`dailypapers.llm`);
    ``paper_info``: what came of the papers, by id (setting ``paper_info``, final posts only).
    ``templates``: the run's (:attr:`dailypapers.site.Site.templates`), else ``site``'s.
    """
    settings = settings or Settings()
    date = date_of(day)
    return render_template(
        templates or environment(site, settings.math),
        [f"{settings.language}/daily.md.j2"],
        date=day,
        day=date,
        papers=list(papers),
        front_matter=front_matter("daily", date, settings),
        starred=frozenset(starred),
        more=list(more),
        links=settings.links,
        final=final,
        settle_days=settings.settle_days,
        summaries=summaries or {},
        paper_info=paper_info or {},
        ai_summary=settings.ai_summary,
        first_author=settings.organization_fallback == "first_author",
        # setting bibtex: the day's .bib (see dailypapers.bibtex), linked under the baseurl
        bib_url=bib_path(day).as_posix() if settings.bibtex else None,
    )
