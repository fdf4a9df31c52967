"""The offline demo: the whole pipeline against a replay hub serving bundled sample days."""

from __future__ import annotations

import contextlib
from importlib import resources
from pathlib import Path

from dailypapers.archive import open_store
from dailypapers.config import Settings
from dailypapers.hub import HubClient
from dailypapers.pipeline import CollectResult, collect
from dailypapers.replay import ReplayHub
from dailypapers.write import dry_run as write_dry_run
from dailypapers.write import write_file

SAMPLE_DAYS = resources.files("dailypapers") / "sample_days"

_CONFIG = """\
# A minimal Jekyll site made by dailypapers. Build it with `jekyll build` or `jekyll serve`.
title: Hugging Face Daily Papers
markdown: kramdown
future: true
"""

_LAYOUT = """\
<!DOCTYPE html>
<html lang="ko">
<head><meta charset="utf-8"><title>{{ page.title | default: site.title }}</title></head>
<body>
<main>
{{ content }}
</main>
</body>
</html>
"""

_INDEX = """\
---
layout: default
title: Hugging Face Daily Papers
---
<h1>{{ site.title }}</h1>
<ul>
{% for post in site.posts %}  <li><a href="{{ post.url | relative_url }}">{{ post.title }}</a></li>
{% endfor %}</ul>
"""

SCAFFOLD = {
    "_config.yml": _CONFIG,
    "_layouts/default.html": _LAYOUT,
    "_layouts/post.html": "---\nlayout: default\n---\n{{ content }}\n",
    "index.html": _INDEX,
}


def sample_days() -> list[str]:
    names = (entry.name for entry in SAMPLE_DAYS.iterdir())
    return sorted(name.removesuffix(".json") for name in names if name.endswith(".json"))


def run_demo(site: Path, *, author: str | None = None, dry_run: bool = False) -> CollectResult:
    """Write a small Jekyll site to ``site`` from the bundled days, with no network.

    With ``dry_run``, do everything but write (see :func:`dailypapers.write.dry_run`).
    """
    with contextlib.ExitStack() as stack:
        if dry_run:
            stack.enter_context(write_dry_run())
        else:
            site.mkdir(parents=True, exist_ok=True)
        for relative, content in SCAFFOLD.items():
            if not (site / relative).exists():  # never overwrite a file the user may have edited
                write_file(site, relative, content)
        return _collect_samples(site, author, dry_run)


def _collect_samples(site: Path, author: str | None, scratch: bool) -> CollectResult:
    with (
        resources.as_file(SAMPLE_DAYS) as directory,
        ReplayHub(Path(directory)) as hub,
        open_store(site, scratch=scratch) as store,
    ):
        client = HubClient(hub.url, token=False)
        return collect(site, sample_days(), client, store, Settings(author=author))
