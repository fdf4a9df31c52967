"""``math = "mathjax"`` as a reader meets it: a real Jekyll build, MathJax typesetting in Chromium.

The site loads MathJax 3 as Chirpy does for a post with ``math: true`` (same delimiters), from
a local copy (``.ci/run`` unpacks the npm package into ``.cache/mathjax``; elsewhere set
``DAILYPAPERS_MATHJAX`` to its ``tex-svg.js``), and shows the daily posts of the recorded
days with LaTeX. Every math fragment of the posts must become typeset math, with no TeX
error and no delimiter left as text. The screenshot is kept under ``.artifacts/math/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import REPO, browser, open_page, screenshot, serve
from dailypapers.config import Settings
from dailypapers.jekyll import new_site_files
from dailypapers.models import rank
from dailypapers.render import render_daily
from sites import jekyll
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


MINIMA_HEAD = """<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {%- seo -%}
  <link rel="stylesheet" href="{{ "/assets/main.css" | relative_url }}">
  {%- feed_meta -%}
</head>
"""


def test_mathjax_typesets_every_math_fragment(tmp_path: Path) -> None:
    if not MATHJAX.is_file():
        pytest.skip(f"no MathJax at {MATHJAX} (.ci/run unpacks it; or set DAILYPAPERS_MATHJAX)")
    site = tmp_path / "site"
    for relative, content in new_site_files().items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(content, encoding="utf-8")
    # minima 2.5's head, and MathJax where the post asks for it, as Chirpy's head does.
    head = site / "_includes" / "head.html"
    head.parent.mkdir(parents=True, exist_ok=True)
    head.write_text(MINIMA_HEAD.replace("</head>", "{% if page.math %}" + HEAD + "{% endif %}</head>"))
    (site / "assets" / "js").mkdir(parents=True)
    shutil.copy(MATHJAX, site / "assets" / "js" / "tex-svg.js")
    fragments = {}
    for day in DAYS:
        post = render_daily(day, rank(day_papers(day), 10), Settings(math="mathjax"))
        (site / "_posts" / f"{day}-daily-papers.md").parent.mkdir(exist_ok=True)
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
