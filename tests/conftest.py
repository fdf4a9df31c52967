"""Shared fixtures and helpers: bundled test data, a replay hub per test, the command run in
this process, the optional full corpus.

Markers (pyproject.toml): ``corpus`` for every test that reads the recorded corpus (they
skip without it; a test using the corpus fixtures without the marker is a collection
error), ``jekyll`` for real Jekyll builds, ``browser`` for Chromium, ``slow`` for tests of more
than 5 s and every ``jekyll`` or ``browser`` test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dailypapers.cli import cli
from dailypapers.config import Settings
from dailypapers.hub import HubClient, RetryPolicy
from dailypapers.replay import ReplayHub
from dailypapers.site import Site
from dailypapers.store import Store
from dailypapers.write import FileWriter

DATA = Path(__file__).parent / "data"
SHARED_HUB = Path(os.environ.get("DAILYPAPERS_SHARED_HUB", Path(__file__).parents[2] / "shared" / "hub"))

# The seed posts and the snapshot each was made from (shared/README.md).
SEED_SNAPSHOTS = {
    "2026-01-09": "20260109T1427Z",
    "2026-01-27": "20260127T0329Z",
    "2026-01-28": "20260128T0327Z",
    "2026-02-05": "20260205T1445Z",
    "2026-02-10": "20260210T0424Z",
}


def snapshot_time(day: str) -> dt.datetime:
    """When the seed post of ``day`` was made (its snapshot's time): the day was hours old,
    so its ranking was not final yet, and the post has no "final" line."""
    return dt.datetime.strptime(SEED_SNAPSHOTS[day], "%Y%m%dT%H%MZ").replace(tzinfo=dt.UTC)


def snapshot_clock(day: str) -> Callable[[], dt.datetime]:
    return lambda: snapshot_time(day)


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def published_files(site: Path) -> dict[str, bytes]:
    """Every file of the site but the archive's, by path relative to the site, with its bytes."""
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and ".dailypapers" not in p.parts
    }


def seed_source(day: str) -> list[Any] | None:
    snapshot = SEED_SNAPSHOTS.get(day)
    return load_json(DATA / "snapshots" / day / f"{snapshot}.json") if snapshot else None


@pytest.fixture
def site(tmp_path: Path) -> Path:
    path = tmp_path / "site"
    path.mkdir()
    return path


@pytest.fixture
def store(site: Path) -> Iterator[Store]:
    """The site's archive, at its default place."""
    with Store(site / ".dailypapers" / "papers.db") as opened:
        yield opened


@pytest.fixture
def seed_hub() -> Iterator[ReplayHub]:
    """A replay hub serving the snapshots the five seed posts were made from."""
    with ReplayHub(seed_source) as hub:
        yield hub


@pytest.fixture
def replay() -> Iterator[Callable[..., ReplayHub]]:
    """Start replay hubs over any source; all are stopped at the end of the test."""
    hubs: list[ReplayHub] = []

    def start(source: Any, **kwargs: Any) -> ReplayHub:
        hub = ReplayHub(source, **kwargs)
        hub.start()
        hubs.append(hub)
        return hub

    yield start
    for hub in hubs:
        hub.stop()


def site_context(root: Path, store: Store, settings: Settings | None = None) -> Site:
    """The site at ``root`` for the pipeline's functions: ``store`` as its archive, files written."""
    return Site(root, settings or Settings(), store, FileWriter(root))


def fast_client(url: str, **kwargs: Any) -> HubClient:
    """A real client for a local hub, with short waits so failing tests stay fast."""
    kwargs.setdefault("retry", RetryPolicy(attempts=3, backoff=0.01, max_wait=0.05, budget=2))
    kwargs.setdefault("timeout", 5.0)
    return HubClient(url, token=False, **kwargs)


def invoke(
    *args: str,
    endpoint: str | None = None,
    env: Mapping[str, str | None] | None = None,
    catch_exceptions: bool = True,
) -> Result:
    """The real command, in this process (fast); HF_TOKEN and the archive setting from outside unset."""
    environment: dict[str, str | None] = {"HF_TOKEN": None, "DAILYPAPERS_DB": None}
    if endpoint is not None:
        environment["HF_ENDPOINT"] = endpoint
    return CliRunner().invoke(
        cli, list(args), env={**environment, **(env or {})}, catch_exceptions=catch_exceptions
    )


# --- running the whole suite on every CPU ------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """A run of the whole suite (no test named) uses every CPU when pytest-xdist is installed
    (the test extra has it): most of its time is tests waiting for servers, subprocesses and
    backoffs. A named file or test, ``-n 0``, ``--pdb`` or ``-p no:xdist`` runs in this process."""
    if (
        getattr(config.option, "numprocesses", "absent") is None
        and config.args_source is pytest.Config.ArgsSource.TESTPATHS
        and not config.option.usepdb
        and "PYTEST_XDIST_WORKER" not in os.environ
    ):
        # Two workers a CPU: measured on 2 CPUs, the quick suite used 1.1 of them with one
        # worker each (the rest was waiting) and ran in 0.7 of the time with two.
        config.option.numprocesses = 2 * (os.cpu_count() or 1)


# --- the recorded corpus ---------------------------------------------------------------------

CORPUS_FIXTURES = {"shared_hub", "full_backfill"}


def corpus_missing() -> str | None:
    if (SHARED_HUB / "daily_papers").is_dir():
        return None
    return f"the recorded corpus is not at {SHARED_HUB} (set DAILYPAPERS_SHARED_HUB)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that use the corpus carry the ``corpus`` marker, so ``-m "not corpus"`` leaves them out.
    A test that builds with Jekyll or opens Chromium is ``slow`` as well, whatever its own time:
    ``-m "not slow"`` is the quick suite, of this process and the servers it starts."""
    for item in items:
        if item.get_closest_marker("jekyll") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
    unmarked = [
        item.nodeid
        for item in items
        if CORPUS_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("corpus") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests using the recorded corpus need @pytest.mark.corpus: " + ", ".join(unmarked)
        )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A ``corpus`` test skips, before any fixture runs, where the corpus is missing."""
    if item.get_closest_marker("corpus") is not None and (reason := corpus_missing()):
        pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_hub() -> Path:
    """The full recorded corpus beside the clone."""
    if reason := corpus_missing():
        pytest.skip(reason)
    return SHARED_HUB


# --- the whole recorded corpus, backfilled once per session --------------------------------

FIXED_NOW = {"DAILYPAPERS_NOW": "2026-09-01T00:00:00Z"}


def backfill_command(site: Path, endpoint: str, since: str, until: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "dailypapers", "backfill", "--site", str(site), "--since", since,
            "--until", until, "--retry-budget", "2", *extra]  # fmt: skip


def environment(endpoint: str) -> dict[str, str]:
    env = {**os.environ, "HF_ENDPOINT": endpoint, **FIXED_NOW}
    env.pop("HF_TOKEN", None)
    env.pop("DAILYPAPERS_DB", None)
    return env


def run_backfill(
    site: Path, endpoint: str, since: str, until: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """The installed command's backfill against ``endpoint``, to completion (into ``site``,
    made if missing: only init and demo create a site)."""
    site.mkdir(parents=True, exist_ok=True)
    command = backfill_command(site, endpoint, since, until, *extra)
    return subprocess.run(command, env=environment(endpoint), capture_output=True, text=True)


@pytest.fixture(scope="session")
def full_backfill(tmp_path_factory: pytest.TempPathFactory, shared_hub: Path) -> Path:
    """One backfill of every recorded day through the replay hub, by the real command.

    Shared by the test modules: they only read the site, or check that a rerun changes nothing.
    """
    site = tmp_path_factory.mktemp("full") / "site"
    with ReplayHub(shared_hub / "daily_papers") as hub:
        done = run_backfill(site, hub.url, "2025-11-01", "2026-08-31")
        assert done.returncode == 0, done.stderr
        # Paper days are one request each; the days with no papers are one request too.
        assert len(hub.requests) == 304
    assert done.stdout.strip().startswith("304 days: 304 fetched, 0 already stored, 0 failed")
    return site
