"""`--db PATH`: every command that takes it uses the archive there (docs/commands.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import invoke
from dailypapers.cli import cli

DAY = "2026-02-05"
NOW = {"DAILYPAPERS_NOW": "2026-02-06T00:00:00Z"}
# Each command with --db, as a user would first type it.
COMMANDS = {
    "run": ["--date", DAY],
    "backfill": ["--since", DAY, "--until", DAY],
    "render": ["--all"],
    "import": [],
    "search": ["ERNIE"],
    "days": [],
    "stats": ["--since", DAY, "--until", DAY],
    "doctor": [],
    "update-history": [],
}


def test_every_command_with_db_is_listed_here() -> None:
    taking = {name for name, command in cli.commands.items() if any("--db" in p.opts for p in command.params)}
    assert taking == set(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_db_puts_the_archive_where_it_says(name: str, site: Path, tmp_path: Path, seed_hub: Any) -> None:
    archive = tmp_path / "elsewhere" / "papers.db"
    archive.parent.mkdir()
    made = invoke(
        "run", "--site", str(site), "--date", DAY, "--db", str(archive), endpoint=seed_hub.url, env=NOW
    )
    assert made.exit_code == 0, made.output
    assert archive.is_file() and not (site / ".dailypapers" / "papers.db").exists()
    done = invoke(
        name, "--site", str(site), "--db", str(archive), *COMMANDS[name], endpoint=seed_hub.url, env=NOW
    )
    assert "Error" not in done.output, done.output
    assert done.exit_code == 0, done.output
    assert not (site / ".dailypapers" / "papers.db").exists()  # the default one was never made
    if name in ("search", "days", "stats"):
        assert "ERNIE 5.0 Technical Report" in done.stdout  # read from the archive given
