"""The site a command works on, passed through the stages: where it is, its settings, its
archive, the writer of its files (a dry run's writes nothing), and what a run derives from
them once: the templates, the reader's interests, the summary prompt and the model client."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import jinja2

from dailypapers.config import Settings
from dailypapers.interests import Interests
from dailypapers.llm import ModelClient, Prompt, prompt_for
from dailypapers.render import environment
from dailypapers.store import Store
from dailypapers.write import FileResult, FileWriter


@dataclass(frozen=True)
class Site:
    root: Path
    settings: Settings
    store: Store
    writer: FileWriter
    model: ModelClient | None = None  # the language model a run asks for summaries, if any

    @functools.cached_property
    def templates(self) -> jinja2.Environment:
        """The site's templates, then the package's, escaping for the ``math`` setting."""
        return environment(self.root, self.settings.math)

    @functools.cached_property
    def interests(self) -> Interests:
        return Interests.from_settings(self.settings)

    @functools.cached_property
    def prompt(self) -> Prompt | None:
        """The summary prompt and its key; None when no model is set up."""
        return prompt_for(self.settings, self.templates)

    @property
    def dry_run(self) -> bool:
        return self.writer.dry_run

    def write(self, relative: str | Path, content: str | bytes) -> FileResult:
        return self.writer.write(relative, content)
