"""A run derives what it needs from the settings once and carries it in its ``Site``: the
template environment, the reader's interests and the language-model client are each built
once per command, however many days, summaries, feeds and notifications it writes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

from conftest import invoke, seed_source
from dailypapers.interests import Interests
from dailypapers.llm import ModelClient
from dailypapers.replay import ReplayHub

DAYS = ("2026-01-27", "2026-01-28", "2026-02-05")  # seed days: 30 papers, two weeks, two months


def counting(counts: Counter[str], name: str, original: Any) -> Any:
    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        counts[name] += 1
        original(self, *args, **kwargs)

    return counted


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many of each are built: their constructors wrapped (they still run)."""
    counts: Counter[str] = Counter()
    for cls in (jinja2.Environment, Interests, ModelClient):
        monkeypatch.setattr(cls, "__init__", counting(counts, cls.__name__, cls.__init__))
    return counts


@pytest.fixture
def hub() -> Iterator[ReplayHub]:
    with ReplayHub(seed_source) as started:
        yield started


def configure(site: Path, hub: ReplayHub) -> None:
    """Everything that reads the templates or the interests: LaTeX read as text (its own
    escaping), model summaries, ⭐ and muted papers, feeds and .bib files."""
    (site / "dailypapers.toml").write_text(
        'math = "text"\nfeeds = true\nbibtex = true\n'
        f'[llm]\nbase_url = "{hub.url}/v1"\nmodel = "replay-model"\n'
        '[interests]\nkeywords = ["video"]\nmute = ["benchmark"]\n',
        encoding="utf-8",
    )


def command(site: Path, hub: ReplayHub, *args: str) -> None:
    now = (dt.date.fromisoformat(DAYS[-1]) + dt.timedelta(days=1)).isoformat() + "T01:00:00Z"
    done = invoke(*args, "--site", str(site), endpoint=hub.url, env={"DAILYPAPERS_NOW": now})
    assert done.exit_code == 0, done.output


def test_each_command_builds_its_templates_interests_and_model_client_once(
    site: Path, hub: ReplayHub, built: Counter[str]
) -> None:
    configure(site, hub)
    command(site, hub, "backfill", "--since", DAYS[0], "--until", DAYS[-1])
    assert hub.chat_requests  # the model was asked: summaries are in the posts
    assert (site / "feeds").is_dir() and (site / "bib").is_dir()
    assert built == {"Environment": 1, "Interests": 1, "ModelClient": 1}
    built.clear()
    command(site, hub, "run", "--date", DAYS[-1])
    assert built == {"Environment": 1, "Interests": 1, "ModelClient": 1}
    built.clear()
    command(site, hub, "render", "--all")
    assert built == {"Environment": 1, "Interests": 1}  # render asks no model
