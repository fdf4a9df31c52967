"""What dailypapers knows of Jekyll sites: the files of a new one, and reading ``_config.yml``.

A new site is what ``jekyll new`` makes and GitHub Pages builds without a plugin of its
own: the ``minima`` theme (2.5) with ``jekyll-feed``, ``jekyll-seo-tag`` and
``jekyll-paginate``. Its layouts give every page ``<meta charset="utf-8">``, a ``<title>``, a
viewport and SEO tags, and the feed lists every post with its ``description:`` as summary.
On top of minima: a home page of post cards (title, date, description) ten to a page, an
archive by month, a page of categories and tags and an about page in the header's menu
(which phones open from its button), every label in the site's language, the date under
each post's title, and dark colours after the reader's ``prefers-color-scheme`` (minima 2.5
has no dark skin: a few CSS rules in ``assets/main.scss``).
"""

from __future__ import annotations

import fnmatch
import html
import json
import string
from pathlib import Path

import yaml

from dailypapers.bounded import YAMLRefused, load_yaml, read_capped, typed_keys
from dailypapers.config import CONFIG_FILE
from dailypapers.errors import ConfigError

JEKYLL_CONFIG = "_config.yml"

SITE_DESCRIPTIONS = {
    "ko": "Hugging Face Daily Papers의 논문을 매일 좋아요 순으로 정리합니다.",
    "en": "The Hugging Face Daily Papers, ranked by upvotes, every day.",
    "ja": "Hugging Face Daily Papers の論文を毎日いいね順にまとめます。",
    "zh": "每天按点赞数整理 Hugging Face Daily Papers 的论文。",
}

# Dates under posts' titles, the language's way (minima's default is English).
DATE_FORMATS = {"ko": "%Y년 %-m월 %-d일", "en": "%b %-d, %Y", "ja": "%Y年%-m月%-d日", "zh": "%Y年%-m月%-d日"}
MONTH_FORMATS = {"ko": "%Y년 %-m월", "en": "%B %Y", "ja": "%Y年%-m月", "zh": "%Y年%-m月"}
POSTS_PER_PAGE = 10

# The labels of a new site's pages (minima's own are English: "Posts", "subscribe via RSS").
SITE_WORDS = {
    "ko": {
        "posts": "글 목록", "newer": "← 최근 글", "older": "이전 글 →", "page": "{page} / {pages} 쪽",
        "feed": "RSS로 구독하기", "archive": "월별 보관함", "categories": "카테고리와 태그",
        "category_heading": "카테고리", "tag_heading": "태그", "about": "소개", "pages": "쪽 이동",
        "about_text": "Hugging Face Daily Papers에 오른 논문을 매일 좋아요 순으로 정리하고, "
        "주간·월간 요약을 씁니다. 모든 글은 dailypapers가 Hugging Face의 공개 API에서 자동으로 만듭니다.",
    },
    "en": {
        "posts": "Posts", "newer": "← Newer", "older": "Older →", "page": "Page {page} of {pages}",
        "feed": "Subscribe via RSS", "archive": "Archive", "categories": "Categories and tags",
        "category_heading": "Categories", "tag_heading": "Tags", "about": "About", "pages": "Pages",
        "about_text": "The papers of the Hugging Face Daily Papers, ranked by upvotes every day, "
        "with weekly and monthly summaries. Every post is made by dailypapers from the Hub's public API.",
    },
    "ja": {
        "posts": "記事一覧", "newer": "← 新しい記事", "older": "古い記事 →",
        "page": "{page} / {pages} ページ",
        "feed": "RSS で購読", "archive": "月別アーカイブ", "categories": "カテゴリーとタグ",
        "category_heading": "カテゴリー", "tag_heading": "タグ", "about": "このサイトについて",
        "pages": "ページ移動",
        "about_text": "Hugging Face Daily Papers に載った論文を毎日いいね順にまとめ、"
        "週間・月間のまとめを書きます。"
        "記事はすべて dailypapers が Hugging Face の公開 API から自動で作ります。",
    },
    "zh": {
        "posts": "文章列表", "newer": "← 较新文章", "older": "较早文章 →", "page": "第 {page} / {pages} 页",
        "feed": "通过 RSS 订阅", "archive": "按月归档", "categories": "分类与标签",
        "category_heading": "分类", "tag_heading": "标签", "about": "关于", "pages": "翻页",
        "about_text": "每天按点赞数整理 Hugging Face Daily Papers 上的论文，并撰写每周与每月总结。"
        "所有文章均由 dailypapers 根据 Hugging Face 的公开 API 自动生成。",
    },
}  # fmt: skip

# Jekyll's YAML reader (Psych) takes JSON scalars; json.dumps quotes any text safely.
_CONFIG = """\
# A Jekyll site made by `dailypapers init`: the minima theme with jekyll-feed,
# jekyll-seo-tag and jekyll-paginate, as GitHub Pages builds them. Build it with
# `jekyll build` or `jekyll serve`.
title: {title}
description: {description}
lang: {lang}
timezone: {timezone}
{author}baseurl: ""  # the site's path under its host, e.g. "/blog" for user.github.io/blog
url: ""  # e.g. "https://user.github.io", for absolute links in the feed and SEO tags
# The original blog's URLs: /posts/daily-papers-2026-02-05/ (every post has its slug).
permalink: /posts/:title/
defaults:
  - scope: {{path: "", type: posts}}
    values: {{layout: post}}
theme: minima
minima:
  date_format: {date_format}
# The menu of the header (on a phone, behind its button).
header_pages: [archive.html, categories.html, search.html, about.md]
# The home page lists the posts {per_page} to a page: /, /page2/, /page3/...
paginate: {per_page}
paginate_path: "/page:num/"
plugins:
  - jekyll-feed
  - jekyll-seo-tag
  - jekyll-paginate
# Posts are dated 09:15 in the site's time zone: show them even if built a little earlier.
future: true
exclude: [{config_file}]
"""

# jekyll-paginate pages index.html only (not index.md).
_INDEX = """\
---
layout: home
---
"""

# minima's home layout made a list of cards: the title, the date under it and the post's
# description, ten to a page with links to newer and older pages; labels in the language.
_HOME_LAYOUT = string.Template("""\
---
layout: default
---
<div class="home">
  {{ content }}
  {%- assign posts = paginator.posts | default: site.posts -%}
  {%- if posts.size > 0 %}
  <h2 class="post-list-heading">${posts}</h2>
  <ul class="post-list">
    {%- assign date_format = site.minima.date_format | default: "%b %-d, %Y" -%}
    {%- for post in posts %}
    <li class="post-card">
      <h3><a class="post-link" href="{{ post.url | relative_url }}">{{ post.title | escape }}</a></h3>
      <p class="post-meta">
        <time datetime="{{ post.date | date_to_xmlschema }}">{{ post.date | date: date_format }}</time>
      </p>
      {%- if post.description %}
      <p class="post-description">{{ post.description | escape }}</p>
      {%- endif %}
    </li>
    {%- endfor %}
  </ul>
  {%- if paginator.total_pages > 1 %}
  <nav class="pagination" aria-label="${pages}">
    {%- if paginator.previous_page %}
    <a class="pagination-newer" rel="prev"
      href="{{ paginator.previous_page_path | relative_url }}">${newer}</a>
    {%- endif %}
    <span class="pagination-page">${page}</span>
    {%- if paginator.next_page %}
    <a class="pagination-older" rel="next"
      href="{{ paginator.next_page_path | relative_url }}">${older}</a>
    {%- endif %}
  </nav>
  {%- endif %}
  <p class="rss-subscribe"><a href="{{ "/feed.xml" | relative_url }}">${feed}</a></p>
  {%- endif %}
</div>
""")

# The posts by month, newest first.
_ARCHIVE = string.Template("""\
---
layout: page
title: ${archive}
permalink: /archive/
---
{%- assign date_format = site.minima.date_format | default: "%b %-d, %Y" -%}
{%- assign months = site.posts | group_by_exp: "post", "post.date | date: '%Y-%m'" -%}
<nav class="archive-months">
{%- for month in months %}
  {%- assign first = month.items | first %}
  <a href="#{{ month.name }}">{{ first.date | date: ${month_format} }}</a>
{%- endfor %}
</nav>
{%- for month in months %}
{%- assign first = month.items | first %}
<h2 id="{{ month.name }}">{{ first.date | date: ${month_format} }}</h2>
<ul class="archive-list">
  {%- for post in month.items %}
  <li><a href="{{ post.url | relative_url }}">{{ post.title | escape }}</a>
    <span class="post-meta">{{ post.date | date: date_format }}</span></li>
  {%- endfor %}
</ul>
{%- endfor %}
""")

# Every category and tag with its posts.
_CATEGORIES = string.Template("""\
---
layout: page
title: ${categories}
permalink: /categories/
---
{%- assign date_format = site.minima.date_format | default: "%b %-d, %Y" -%}
{%- for group in (1..2) %}
{%- if group == 1 %}{%- assign entries = site.categories | sort %}{%- assign kind = "category" %}
<h2>${category_heading}</h2>
{%- else %}{%- assign entries = site.tags | sort %}{%- assign kind = "tag" %}
<h2>${tag_heading}</h2>
{%- endif %}
<p class="taxonomy-index">
{%- for entry in entries %}
  <a href="#{{ kind }}-{{ entry[0] | slugify: 'unicode' }}">
    {{- entry[0] | escape }} ({{ entry[1].size }})</a>
{%- endfor %}
</p>
{%- for entry in entries %}
<h3 id="{{ kind }}-{{ entry[0] | slugify: 'unicode' }}">{{ entry[0] | escape }}</h3>
<ul class="archive-list">
  {%- for post in entry[1] limit: 50 %}
  <li><a href="{{ post.url | relative_url }}">{{ post.title | escape }}</a>
    <span class="post-meta">{{ post.date | date: date_format }}</span></li>
  {%- endfor %}
</ul>
{%- endfor %}
{%- endfor %}
""")

_ABOUT = string.Template("""\
---
layout: page
title: ${about}
permalink: /about/
---
${about_text}

[RSS]({{ "/feed.xml" | relative_url }})
""")

# minima's post layout, with one change: a post whose content starts with its own <h1>
# (every dailypapers post does) does not get a second one from the layout: its own heading
# goes first, then the date and author, then the rest of the post.
_POST_LAYOUT = """\
---
layout: default
---
<article class="post h-entry" itemscope itemtype="http://schema.org/BlogPosting">

  <header class="post-header">
    {%- assign opening = content | strip | slice: 0, 3 -%}
    {%- if opening == "<h1" %}
    {%- assign heading = content | split: "</h1>" | first %}
    {{ heading | strip }}</h1>
    {%- assign body = content | remove_first: heading | remove_first: "</h1>" %}
    {%- else %}
    <h1 class="post-title p-name" itemprop="name headline">{{ page.title | escape }}</h1>
    {%- assign body = content %}
    {%- endif %}
    <p class="post-meta">
      <time class="dt-published" datetime="{{ page.date | date_to_xmlschema }}" itemprop="datePublished">
        {%- assign date_format = site.minima.date_format | default: "%b %-d, %Y" -%}
        {{ page.date | date: date_format }}
      </time>
      {%- if page.author -%}
        • <span itemprop="author" itemscope itemtype="http://schema.org/Person">
          <span class="p-author h-card" itemprop="name">{{ page.author }}</span></span>
      {%- endif -%}</p>
  </header>

  <div class="post-content e-content" itemprop="articleBody">
    {{ body }}
  </div>

  <a class="u-url" href="{{ page.url | relative_url }}" hidden></a>
</article>
"""


# minima's stylesheet; Korean lines broken between words as Korean is written (the default
# breaks inside words: "주\n간"); the cards and page links of the home page; and dark
# colours after the reader's preference. `color-scheme` tells the browser the site has its
# own dark colours (Chromium's forced dark then leaves it alone). The --dpc-* variables
# give the summary charts the page's colours (see dailypapers/charts.py).
_STYLE = """\
---
---
// minima's link blue and grey, darkened to WCAG AA contrast (4.5:1) on its background.
$brand-color: #1a64c8;
$grey-color: #6a6a6a;
@import "minima";

:lang(ko) {
  word-break: keep-all;
  overflow-wrap: break-word;
}

:root {
  color-scheme: light dark;
  --dpc-bg: #{$background-color};
  --dpc-fg: #{$text-color};
}

.post-list .post-card {
  margin-bottom: $spacing-unit;
  h3 { margin-bottom: 0; }
  .post-meta { margin-bottom: 4px; }
}
.post-description { margin-bottom: 0; }
.pagination {
  display: flex;
  justify-content: space-between;
  align-items: center;
  gap: 10px;
  margin-bottom: $spacing-unit;
  .pagination-page { color: $grey-color; }
}
.archive-months a, .taxonomy-index a { display: inline-block; margin-right: 12px; }

@media (prefers-color-scheme: dark) {
  :root {
    --dpc-bg: #16181d;
    --dpc-fg: #e6edf3;
  }
  body { color: #e6edf3; background-color: #16181d; }
  .site-header { border-top-color: #3a3f47; border-bottom-color: #30343b; }
  .site-footer { border-top-color: #30343b; }
  .site-title, .site-title:visited, .site-nav .page-link { color: #e6edf3; }
  .site-nav { background-color: #16181d; border-color: #3a3f47; }
  .site-nav .menu-icon > svg { fill: #c9d1d9; }
  a, a:visited { color: #7ab4ff; }
  a:hover { color: #a8ceff; }
  .post-link, .post-link:visited { color: #e6edf3; }
  .post-meta, .rss-subscribe, .footer-col-wrapper, .pagination .pagination-page,
  blockquote { color: #a8b1bb; }
  blockquote { border-left-color: #3a3f47; }
  pre, code, .highlight { background-color: #22262d; border-color: #3a3f47; color: #e6edf3; }
  table { color: #e6edf3; border-color: #3a3f47; }
  table th { background-color: #22262d; border-color: #3a3f47; }
  table td { border-color: #3a3f47; }
  table tr:nth-child(even) { background-color: #1c1f25; }
  hr { border-color: #30343b; }
}
"""


def new_site_files(
    *, language: str = "ko", timezone: str = "Asia/Seoul", author: str | None = None
) -> dict[str, str]:
    """The files of a new Jekyll site (relative path -> content) for posts in ``language``."""
    config = _CONFIG.format(
        title=json.dumps("Hugging Face Daily Papers"),
        description=json.dumps(SITE_DESCRIPTIONS[language], ensure_ascii=False),
        lang=language,
        timezone=json.dumps(timezone),
        author=f"author: {json.dumps(author, ensure_ascii=False)}\n" if author else "",
        config_file=CONFIG_FILE,
        date_format=json.dumps(DATE_FORMATS[language], ensure_ascii=False),
        per_page=POSTS_PER_PAGE,
    )
    words = {key: html.escape(value) for key, value in SITE_WORDS[language].items()}
    page = words["page"].format(page="{{ paginator.page }}", pages="{{ paginator.total_pages }}")
    month_format = json.dumps(MONTH_FORMATS[language], ensure_ascii=False)
    return {
        JEKYLL_CONFIG: config,
        "index.html": _INDEX,
        "_layouts/home.html": _HOME_LAYOUT.substitute(words, page=page),
        "_layouts/post.html": _POST_LAYOUT,
        "archive.html": _ARCHIVE.substitute(words, month_format=month_format),
        "categories.html": _CATEGORIES.substitute(words),
        "about.md": _ABOUT.substitute(words),
        "assets/main.scss": _STYLE,
    }


# The keys of `_config.yml` dailypapers reads, each with the type it must have; the rest of
# the file is Jekyll's and the theme's business.
SITE_KEYS: dict[str, type | tuple[type, ...]] = {
    "lang": str,
    "timezone": str,
    "theme": str,
    "remote_theme": str,
    "collections": (dict, list),
    "exclude": list,
    "include": list,
    "defaults": list,
    "permalink": str,
    "future": bool,
    "github": dict,  # Chirpy: the owner's account (init's _data/authors.yml entry links it)
    "social": dict,  # Chirpy: the owner's name
    "url": str,  # the feeds' absolute ids and links (dailypapers.feeds)
    "baseurl": str,
}


def read_site_config(site: Path) -> dict[str, object] | None:
    """The keys of the site's ``_config.yml`` that dailypapers reads (:data:`SITE_KEYS`);
    None when there is none. A key of another type is left out
    (see :func:`read_site_config_checked`)."""
    found = read_site_config_checked(site)
    return None if found is None else found[0]


def site_config_or_empty(site: Path) -> dict[str, object]:
    """:func:`read_site_config` where the command goes on without it: ``{}`` when there is no
    ``_config.yml`` or it cannot be read (``doctor`` and ``init`` say why)."""
    try:
        return read_site_config(site) or {}
    except ConfigError:
        return {}


def read_site_config_checked(site: Path) -> tuple[dict[str, object], list[str]] | None:
    """:data:`SITE_KEYS` of the site's ``_config.yml``, read within bounds (size, depth,
    aliases: :mod:`dailypapers.bounded`), and one line for each key left out for its type;
    None when there is no ``_config.yml``.

    Raises :class:`ConfigError` when it cannot be read, is beyond the bounds or is not a
    YAML mapping.
    """
    path = site / JEKYLL_CONFIG
    try:
        text = read_capped(path).decode("utf-8-sig")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    try:
        data = load_yaml(text, what=str(path))
    except YAMLRefused as error:
        raise ConfigError(f"{path} is not read: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"{path} is not valid YAML{where}") from None
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        raise ConfigError(f"{path} is not a YAML mapping of settings")
    kept, ignored = typed_keys(data, SITE_KEYS)
    return kept, [f"{path}: {line}" for line in ignored]


def publishes(config: dict[str, object], name: str) -> bool:
    """Whether Jekyll copies the top-level file ``name`` into the built site: not excluded by
    ``exclude`` (as Jekyll matches it: a glob or a leading part of the path) unless ``include``
    names it again."""

    def listed(key: str) -> bool:
        entries = config.get(key)
        if not isinstance(entries, list):
            return False
        patterns = [str(entry).lstrip("/") for entry in entries if entry is not None]
        return any(
            fnmatch.fnmatchcase(name, pattern) or name.startswith(pattern) for pattern in patterns if pattern
        )

    return listed("include") or not listed("exclude")


def site_language(config: dict[str, object], languages: tuple[str, ...]) -> str | None:
    """The posts' language that fits the site's ``lang`` (``ko-KR`` -> ``ko``), if supported."""
    lang = config.get("lang")
    if not isinstance(lang, str):
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code in languages else None
