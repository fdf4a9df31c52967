"""What dailypapers knows of Jekyll sites: the files of a new one, and reading ``_config.yml``.

A new site is what ``jekyll new`` makes and GitHub Pages builds without a plugin of its
own: the ``minima`` theme with ``jekyll-feed`` and ``jekyll-seo-tag``. Its layouts give
every page ``<meta charset="utf-8">``, a ``<title>``, a viewport and SEO tags, and the feed
lists every post with its ``description:`` as summary.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

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

# Jekyll's YAML reader (Psych) takes JSON scalars; json.dumps quotes any text safely.
_CONFIG = """\
# A Jekyll site made by `dailypapers init`: the minima theme with jekyll-feed and
# jekyll-seo-tag, as `jekyll new` makes and GitHub Pages builds. Build it with
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
plugins:
  - jekyll-feed
  - jekyll-seo-tag
# Posts are dated 09:15 in the site's time zone: show them even if built a little earlier.
future: true
exclude: [{config_file}]
"""

_INDEX = """\
---
layout: home
---
"""

# minima's post layout, with one change: a post whose content starts with its own <h1>
# (every dailypapers post does) does not get a second one from the layout.
_POST_LAYOUT = """\
---
layout: default
---
<article class="post h-entry" itemscope itemtype="http://schema.org/BlogPosting">

  <header class="post-header">
    {%- assign opening = content | strip | slice: 0, 3 -%}
    {%- unless opening == "<h1" %}
    <h1 class="post-title p-name" itemprop="name headline">{{ page.title | escape }}</h1>
    {%- endunless %}
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
    {{ content }}
  </div>

  <a class="u-url" href="{{ page.url | relative_url }}" hidden></a>
</article>
"""


# minima's stylesheet, and Korean lines broken between words as Korean is written (the
# default breaks inside words: "주\n간").
_STYLE = """\
---
---
@import "minima";

:lang(ko) {
  word-break: keep-all;
  overflow-wrap: break-word;
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
    )
    return {
        JEKYLL_CONFIG: config,
        "index.md": _INDEX,
        "_layouts/post.html": _POST_LAYOUT,
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
}


def read_site_config(site: Path) -> dict[str, Any] | None:
    """The keys of the site's ``_config.yml`` that dailypapers reads (:data:`SITE_KEYS`);
    None when there is none. A key of another type is left out
    (see :func:`read_site_config_checked`)."""
    found = read_site_config_checked(site)
    return None if found is None else found[0]


def read_site_config_checked(site: Path) -> tuple[dict[str, Any], list[str]] | None:
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


def publishes(config: dict[str, Any], name: str) -> bool:
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


def site_language(config: dict[str, Any], languages: tuple[str, ...]) -> str | None:
    """The posts' language that fits the site's ``lang`` (``ko-KR`` -> ``ko``), if supported."""
    lang = config.get("lang")
    if not isinstance(lang, str):
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code in languages else None
