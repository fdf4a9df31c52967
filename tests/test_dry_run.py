"""--dry-run: every writing command shows what it would write, as a diff, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke
from dailypapers.replay import ReplayHub

DAY = "2026-02-05"


def tree(site: Path) -> dict[str, bytes]:
    """Every file under the site with its content (the lock file's pid aside)."""
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name != "lock"
    }


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, seed_hub: ReplayHub) -> ReplayHub:
    monkeypatch.setenv("HF_ENDPOINT", seed_hub.url)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    return seed_hub


def test_dry_run_on_a_new_site_writes_nothing(site: Path, hub_env: ReplayHub) -> None:
    result = invoke("run", "--site", str(site), "--date", DAY, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"would create  _posts/{DAY}-daily-papers.md" in result.output
    assert f"+++ b/_posts/{DAY}-daily-papers.md" in result.output
    assert "+title: Hugging Face Daily Papers - 2026-02-05" in result.output
    assert tree(site) == {}
    assert len(hub_env.requests) == 1  # the Hub is asked, as a real run would


def test_dry_run_shows_the_diff_of_a_changed_post(site: Path, hub_env: ReplayHub) -> None:
    assert invoke("run", "--site", str(site), "--date", DAY).exit_code == 0
    before = tree(site)
    result = invoke("render", "--site", str(site), "--all", "--top", "3", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"would update  _posts/{DAY}-daily-papers.md" in result.output
    assert f"--- a/_posts/{DAY}-daily-papers.md" in result.output
    assert "\n-4. **" in result.output and "\n+4. **" not in result.output
    assert "daily-2026-02-05.json" not in result.output  # unchanged files are not listed
    assert result.output.rstrip().endswith("files would be written")
    assert tree(site) == before


def test_dry_run_backfill_and_import_leave_the_archive_alone(site: Path, hub_env: ReplayHub) -> None:
    assert invoke("run", "--site", str(site), "--date", DAY).exit_code == 0
    before = tree(site)
    result = invoke(
        "backfill", "--site", str(site), "--since", "2026-01-27", "--until", "2026-01-28", "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "would create  _posts/2026-01-27-daily-papers.md" in result.output
    assert "2 days: 2 fetched, 0 already stored, 0 failed;" in result.output
    assert tree(site) == before  # the archive included

    (site / ".dailypapers" / "papers.db").unlink()
    imported = invoke("import", "--site", str(site), "--dry-run")
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith("Would import 1 days")
    assert not (site / ".dailypapers" / "papers.db").exists()


def test_dry_run_init_and_demo_create_nothing(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "blog"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create  dailypapers.toml" in result.output
    assert "+# [daily]" in result.output
    assert "would create  .github/workflows/dailypapers.yml" in result.output
    demo = invoke("demo", "--site", str(tmp_path / "demo"), "--dry-run")
    assert demo.exit_code == 0, demo.output
    assert "would create  _posts/2026-02-05-daily-papers.md" in demo.output
    assert "would create  _posts/2026-02-01-monthly-papers-summary.md" in demo.output
    assert list(tmp_path.iterdir()) == []
