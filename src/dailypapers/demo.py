"""The offline demo: the whole pipeline against a replay hub serving bundled sample days, and
standing in for a language model (see :func:`dailypapers.replay.stand_in_answer`)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from dailypapers.archive import open_store
from dailypapers.config import CONFIG_FILE, Settings
from dailypapers.hub import HubClient
from dailypapers.jekyll import new_site_files
from dailypapers.llm import ModelClient
from dailypapers.pipeline import CollectResult, collect
from dailypapers.replay import ReplayHub
from dailypapers.site import Site
from dailypapers.write import writer_for

SAMPLE_DAYS = resources.files("dailypapers") / "sample_days"
STAND_IN_MODEL = "replay-stand-in"
# Where `dailypapers replay` serves its stand-in model by default: the demo site's settings
# name it, so that `run` there works while `replay` runs, and `render` finds the summaries.
REPLAY_MODEL_URL = "http://127.0.0.1:8089/v1"


def sample_days() -> list[str]:
    names = (entry.name for entry in SAMPLE_DAYS.iterdir())
    return sorted(name.removesuffix(".json") for name in names if name.endswith(".json"))


def demo_settings_text(author: str | None) -> str:
    """The demo site's ``dailypapers.toml``: the settings its posts are made with, so that a
    later ``render`` or ``doctor`` agrees with them (summaries included)."""
    lines = [
        "# The settings `dailypapers demo` made this site's posts with (see the README for all).",
        "# The summaries come from the stand-in model that `dailypapers replay` serves.",
    ]
    if author:
        lines.append(f"author = {json.dumps(author, ensure_ascii=False)}")  # a TOML basic string
    lines += ["", "[llm]", f'base_url = "{REPLAY_MODEL_URL}"', f'model = "{STAND_IN_MODEL}"', ""]
    return "\n".join(lines)


def run_demo(site: Path, *, author: str | None = None, dry_run: bool = False) -> CollectResult:
    """Write a small Jekyll site to ``site`` from the bundled days, with no network.

    With ``dry_run``, do everything but write (a :class:`~dailypapers.write.DryRunWriter`).
    """
    writer = writer_for(site, dry_run=dry_run)
    if not dry_run:
        site.mkdir(parents=True, exist_ok=True)
    if not (site / "_config.yml").exists():  # never touch a site the user already has
        for relative, content in new_site_files(author=author).items():
            writer.write(relative, content)
        if not (site / CONFIG_FILE).exists():
            writer.write(CONFIG_FILE, demo_settings_text(author))
    with (
        resources.as_file(SAMPLE_DAYS) as directory,
        ReplayHub(Path(directory)) as hub,
        open_store(site, scratch=dry_run) as store,
    ):
        client = HubClient(hub.url, token=False)
        # The replay hub also stands in for a language model: the posts show its summaries.
        settings = Settings(
            author=author,
            llm_base_url=f"{hub.url}/v1",
            llm_model=STAND_IN_MODEL,
            llm_budget=1000,  # every shown paper: the stand-in costs nothing
            llm_concurrency=4,
        )
        model = ModelClient.from_settings(settings)
        return collect(Site(site, settings, store, writer, model), sample_days(), client)
