"""Built sites as readers meet them: served over HTTP and opened in headless Chromium.

- :func:`serve` serves a directory (a built ``_site``) on 127.0.0.1 the way many servers do
  by default: ``Content-Type: text/html`` with NO charset, so a page shows its non-ASCII
  text correctly only if it declares its own encoding.
- :func:`browser` launches Debian's Chromium through Playwright (never a downloaded
  browser) and skips the test when either is missing.
- :func:`artifacts_dir` is where screenshots are kept: ``$DAILYPAPERS_ARTIFACTS``, default
  ``<repo>/.artifacts/`` (ignored by git).

    with serve(site / "_site") as url, browser() as chromium:
        page = open_page(chromium, f"{url}/posts/daily-papers-2026-02-05/")
        page.screenshot(path=artifacts_dir() / "daily.png", full_page=True)
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

CHROMIUM = os.environ.get("DAILYPAPERS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Chromium's forced dark mode (chrome://flags "Auto Dark Mode for Web Contents"), as a reader
# turns it on: it recolours a page that does not declare a dark scheme of its own, and
# leaves inline SVG as drawn.
FORCED_DARK = ("--force-dark-mode", "--enable-features=WebContentsForceDark")
REPO = Path(__file__).resolve().parent.parent


def artifacts_dir(*parts: str) -> Path:
    """``$DAILYPAPERS_ARTIFACTS`` (default ``<repo>/.artifacts``) joined with ``parts``, created."""
    root = Path(os.environ.get("DAILYPAPERS_ARTIFACTS") or REPO / ".artifacts")
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


class NoCharsetHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with a bare ``text/html`` (or ``application/xml``...) type: no charset."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html",
        ".xml": "application/xml",
        ".svg": "image/svg+xml",
        ".css": "text/css",
        ".js": "application/javascript",
        ".json": "application/json",
    }

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        # A directory URL serves index.html: same bare type, whatever the platform's tables say.
        guessed = super().guess_type(path)
        return guessed.split(";")[0].strip()

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1; yields the base URL (no trailing /)."""
    handler = functools.partial(NoCharsetHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def browser(*args: str) -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``) started with ``args`` besides CHROMIUM_ARGS
    (e.g. FORCED_DARK); skips the test without one."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *args], headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(
    chromium: Any, url: str, *, width: int = 1000, height: int = 800, color_scheme: str = "light"
) -> Any:
    """A new page at ``url``, loaded (HTTP status checked); close it with ``page.close()``."""
    page = chromium.new_page(viewport={"width": width, "height": height}, color_scheme=color_scheme)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: {response.status if response else 'no response'}"
    return page


def screenshot(page: Any, name: str, *parts: str) -> Path:
    """A full-page PNG of ``page`` saved as ``artifacts_dir(*parts)/name``; returns its path."""
    path = artifacts_dir(*parts) / name
    page.screenshot(path=str(path), full_page=True)
    return path
