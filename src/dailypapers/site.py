"""The site a command works on, passed through the stages: where it is, its settings, its
archive, and the writer of its files (a dry run's writes nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dailypapers.config import Settings
from dailypapers.store import Store
from dailypapers.write import FileResult, FileWriter


@dataclass(frozen=True)
class Site:
    root: Path
    settings: Settings
    store: Store
    writer: FileWriter

    @property
    def dry_run(self) -> bool:
        return self.writer.dry_run

    def write(self, relative: str | Path, content: str | bytes) -> FileResult:
        return self.writer.write(relative, content)
