"""The browser helper itself: its server sends no charset, so only a page that declares
its encoding shows Korean text intact in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import artifacts_dir, browser, open_page, screenshot, serve

KOREAN = "총 10개의 논문이 수집되었습니다 📊"


@pytest.mark.browser
def test_server_sends_no_charset_and_chromium_reads_the_declared_one(tmp_path: Path) -> None:
    (tmp_path / "declared.html").write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body><p>{KOREAN}</p>',
        encoding="utf-8",
    )
    (tmp_path / "undeclared.html").write_text(f"<!DOCTYPE html><p>{KOREAN}</p>", encoding="utf-8")
    import urllib.request

    with serve(tmp_path) as url, browser() as chromium:
        with urllib.request.urlopen(f"{url}/declared.html") as answer:
            assert answer.headers["Content-Type"] == "text/html"
        declared = open_page(chromium, f"{url}/declared.html")
        assert declared.inner_text("p") == KOREAN
        shot = screenshot(declared, "declared.png", "browser-helper")
        assert shot.stat().st_size > 1000 and shot.parent == artifacts_dir("browser-helper")
        # Without a declaration the bytes are decoded otherwise: what this helper exists to catch.
        undeclared = open_page(chromium, f"{url}/undeclared.html")
        assert undeclared.inner_text("p") != KOREAN
