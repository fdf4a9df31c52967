"""dailypapers.toml is not for the public: `init` and `doctor` say when Jekyll would publish it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke
from dailypapers.doctor import diagnose
from sites import jekyll_build

STOCK = "title: Blog\npermalink: /posts/:title/\n"  # Chirpy's stock _config.yml excludes no such file
CASES = [
    ("", True),
    ("exclude: [docs, README.md]\n", True),
    ("exclude: [dailypapers.toml]\n", False),
    ("exclude: ['*.toml']\n", False),
    ("exclude: [dailypapers]\n", False),  # Jekyll also matches a leading part of the path
    ("exclude: ['*.toml']\ninclude: [dailypapers.toml]\n", True),
]


def blog(root: Path, extra: str) -> Path:
    (root / "_config.yml").write_text(STOCK + extra, encoding="utf-8")
    (root / "dailypapers.toml").write_text('author = "lim4349"\n', encoding="utf-8")
    return root


@pytest.mark.parametrize("extra, published", CASES)
def test_doctor_warns_when_jekyll_would_publish_the_settings(
    tmp_path: Path, extra: str, published: bool
) -> None:
    site_finding = diagnose(blog(tmp_path, extra))[0]
    assert site_finding.check == "site"
    assert (site_finding.level.value == "warn") is published, site_finding.line()
    if published:
        assert "add dailypapers.toml to `exclude:` in _config.yml" in site_finding.line()


def test_init_on_an_existing_site_says_so_and_a_new_site_excludes_it(tmp_path: Path) -> None:
    chirpy = tmp_path / "chirpy"
    chirpy.mkdir()
    (chirpy / "_config.yml").write_text(STOCK, encoding="utf-8")
    done = invoke("init", str(chirpy))
    assert done.exit_code == 0, done.output
    assert "Jekyll would publish dailypapers.toml with the site" in done.stderr
    fresh = invoke("init", str(tmp_path / "new"))
    assert fresh.exit_code == 0, fresh.output
    assert "publish dailypapers.toml" not in fresh.output


@pytest.mark.jekyll
@pytest.mark.parametrize("extra, published", CASES)
def test_jekyll_agrees(tmp_path: Path, extra: str, published: bool) -> None:
    site = blog(tmp_path, extra)
    built = jekyll_build(site)
    assert built.returncode == 0, built.stderr
    assert (site / "_site" / "dailypapers.toml").exists() is published
