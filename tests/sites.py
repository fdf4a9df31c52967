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


# jekyll-theme-chirpy's starter workflow (.github/workflows/pages-deploy.yml): Pages deployed
# through Actions, on a push and by hand.
CHIRPY_DEPLOY_WORKFLOW = """\
name: "Build and Deploy"
on:
  push:
    branches:
      - main
      - master
    paths-ignore:
      - .gitignore
      - README.md
      - LICENSE

  # Allows you to run this workflow manually from the Actions tab
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

# Allow one concurrent deployment
concurrency:
  group: "pages"
  cancel-in-progress: true

jobs:
  build:
    runs-on: ubuntu-latest

    steps:
      - name: Checkout
        uses: actions/checkout@v4
        with:
          fetch-depth: 0

      - name: Setup Pages
        id: pages
        uses: actions/configure-pages@v4

      - name: Setup Ruby
        uses: ruby/setup-ruby@v1
        with:
          ruby-version: 3.3
          bundler-cache: true

      - name: Build site
        run: bundle exec jekyll b -d "_site${{ steps.pages.outputs.base_path }}"
        env:
          JEKYLL_ENV: "production"

      - name: Upload site artifact
        uses: actions/upload-pages-artifact@v3
        with:
          path: "_site${{ steps.pages.outputs.base_path }}"

  deploy:
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    runs-on: ubuntu-latest
    needs: build
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"""


def add_deploy_workflow(
    site: Path, name: str = "pages-deploy.yml", text: str = CHIRPY_DEPLOY_WORKFLOW
) -> Path:
    path = site / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
