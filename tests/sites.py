"""Jekyll sites for tests: Chirpy's stock configuration, a real ``jekyll build``, the pages built.

The Chirpy theme itself is not installed here; what decides a post's URL is its
``_config.yml`` (``permalink`` and the ``defaults`` for posts), copied below from the
theme's stock file, with stand-in layouts.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

# From jekyll-theme-chirpy's _config.yml (v7): the settings that decide posts' URLs and layouts.
CHIRPY_CONFIG = """\
title: Chirpy
lang: en
timezone: Asia/Seoul
baseurl: ""
permalink: /posts/:title/
collections:
  tabs:
    output: true
    sort_by: order
defaults:
  - scope:
      path: ""
      type: posts
    values:
      layout: post
      comments: true
      toc: true
      permalink: /posts/:title/
  - scope:
      path: _drafts
    values:
      comments: false
  - scope:
      path: ""
      type: tabs
    values:
      layout: page
      permalink: /:title/
sass:
  style: compressed
compress_html:
  clippings: all
  comments: all
  endings: all
  profile: false
  blanklines: false
  ignore:
    envs: [development]
exclude:
  - "*.gem"
  - "*.gemspec"
  - docs
  - tools
  - README.md
  - LICENSE
  - purgecss.js
  - rollup.config.js
  - "package*.json"
jekyll-archives:
  enabled: [categories, tags]
  layouts:
    category: category
    tag: tag
  permalinks:
    tag: /tags/:name/
    category: /categories/:name/
"""
CHIRPY_LAYOUTS = {
    "_layouts/default.html": '<!DOCTYPE html><html><head><meta charset="utf-8">'
    "<title>{{ page.title }}</title></head><body>{{ content }}</body></html>\n",
    "_layouts/post.html": "---\nlayout: default\n---\n<article>{{ content }}</article>\n",
    "_layouts/page.html": "---\nlayout: default\n---\n{{ content }}\n",
}


def chirpy_site(root: Path) -> Path:
    """``root`` with Chirpy's stock ``_config.yml`` and stand-in layouts."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(CHIRPY_CONFIG, encoding="utf-8")
    for relative, content in CHIRPY_LAYOUTS.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(content, encoding="utf-8")
    return root


def jekyll() -> str:
    found = shutil.which("jekyll")
    if found is None:
        pytest.skip("jekyll is not installed (.ci/run installs Debian's package)")
    return found


def jekyll_build(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``jekyll build`` of ``site`` into ``site/_site``; the caller checks the result."""
    return subprocess.run(
        [jekyll(), "build", "--source", str(site), "--destination", str(site / "_site"), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )


def built_pages(site: Path) -> list[str]:
    """The URLs of the HTML pages Jekyll wrote (``/posts/x/`` for ``posts/x/index.html``)."""
    out = site / "_site"
    urls = []
    for path in sorted(out.rglob("*.html")):
        relative = path.relative_to(out).as_posix()
        urls.append("/" + (relative.removesuffix("index.html") if path.name == "index.html" else relative))
    return urls
