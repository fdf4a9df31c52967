"""Bounded and finite: settings are finite numbers in range, the model's answer is read under
the same deadline and size cap as the Hub's, a host name no lookup can take is one line,
and a full disk is named as a full disk."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import invoke, seed_source
from dailypapers.errors import ModelError
from dailypapers.llm import ModelClient
from dailypapers.replay import ReplayHub
from hostile import HostileHub, dripping, raw_answer

DAY = "2026-02-05"
MESSAGES = [{"role": "user", "content": "Abstract: One. Two."}]


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "-1", "86400"])
def test_retry_budget_must_be_a_finite_number_in_range(site: Path, value: str) -> None:
    # `nan` compared false with every deadline: a Retry-After of 999999 s was waited out in full.
    quiet = "http://127.0.0.1:9"  # nothing listens there: nothing may be asked anyway
    from_env = invoke("run", "--site", str(site), endpoint=quiet, env={"DAILYPAPERS_RETRY_BUDGET": value})
    assert from_env.exit_code == 1 and "Traceback" not in from_env.output
    assert from_env.stderr.startswith("Error: $DAILYPAPERS_RETRY_BUDGET: retry_budget") and "0 to 3600" in (
        from_env.stderr
    )
    (site / "dailypapers.toml").write_text(f"retry_budget = {value}\n", encoding="utf-8")
    from_file = invoke("run", "--site", str(site), endpoint=quiet)
    assert from_file.exit_code == 1 and "retry_budget" in from_file.stderr and "0 to 3600" in from_file.stderr


def test_an_option_must_be_finite_too(site: Path) -> None:
    done = invoke("run", "--site", str(site), "--retry-budget", "nan", endpoint="http://127.0.0.1:9")
    assert done.exit_code == 1
    assert done.stderr == "Error: option: --retry-budget = nan: expected a number of seconds from 0 to 3600\n"


def test_the_lock_wait_must_be_finite(site: Path) -> None:
    done = invoke("render", "--all", "--site", str(site), env={"DAILYPAPERS_LOCK_WAIT": "inf"})
    assert done.exit_code == 1 and "DAILYPAPERS_LOCK_WAIT='inf' is not a number of seconds" in done.stderr


# --- the model's answer, through dailypapers.http -------------------------------------------------


def test_a_model_answer_over_the_size_cap_is_refused_not_read_whole() -> None:
    # InferenceClient read any answer whole: two answers of 300 MB took 2.2 GB.
    body = b'{"choices": [{"message": {"content": "' + b"x" * (3 * 1024 * 1024) + b'"}}]}'
    with HostileHub(lambda day, request: raw_answer(body)) as model:
        client = ModelClient(f"{model.url}/v1", "m", timeout=10, max_bytes=1024 * 1024)
        with pytest.raises(ModelError, match=r"failed: the answer is larger than 1 MB"):
            client.complete(MESSAGES)


def test_a_dripping_model_is_cut_at_the_deadline_and_leaves_no_thread() -> None:
    # The old client ran each request in a thread abandoned at its deadline, still reading.
    answer = b'{"choices": [{"message": {"content": "slow"}}]}'
    with HostileHub(lambda day, request: dripping(answer, 0.2), drip=0.2) as model:
        client = ModelClient(f"{model.url}/v1", "m", timeout=0.5)
        before = set(threading.enumerate())
        with pytest.raises(ModelError, match=r"did not answer within 0\.5 s"):
            client.complete(MESSAGES)
        left = [thread.name for thread in set(threading.enumerate()) - before]
        assert [name for name in left if "(_handle)" not in name] == []  # the stand-in's own may remain


def test_the_model_url_keeps_its_query_and_gets_the_chat_path() -> None:
    from dailypapers.llm import chat_url

    assert chat_url("http://h/v1") == "http://h/v1/chat/completions"
    assert chat_url("http://h/v1/") == "http://h/v1/chat/completions"
    assert chat_url("http://h") == "http://h/v1/chat/completions"
    assert chat_url("http://h/openai") == "http://h/openai/v1/chat/completions"
    assert (
        chat_url("http://h/v1/chat/completions?api-version=2") == "http://h/v1/chat/completions?api-version=2"
    )
    assert chat_url("http://h/v1?api-version=2") == "http://h/v1/chat/completions?api-version=2"


# --- host names no lookup can take ------------------------------------------------------------


def test_a_host_name_no_lookup_can_take_is_one_line(site: Path) -> None:
    # An empty label ("hooks..slack.com") or one over 63 characters: the name lookup's
    # UnicodeError escaped its thread, one traceback per try.
    long_label = "a" * 64  # the URL is shown with its host masked: it is not a host name
    with ReplayHub(seed_source) as hub:
        (site / "dailypapers.toml").write_text(
            f'[notify]\nwebhook = "https://hooks..slack.com/services/x"\n[llm]\n'
            f'base_url = "http://{long_label}.example/v1"\nmodel = "m"\nbudget = 1\n',
            encoding="utf-8",
        )
        env = {**os.environ, "HF_ENDPOINT": hub.url, "DAILYPAPERS_NOW": "2026-02-06T01:00:00Z"}
        command = [sys.executable, "-m", "dailypapers", "run", "--site", str(site), "--date", DAY]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "UnicodeError" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("Warning: ")]
    assert "Warning: the webhook did not take the message: its host name is not valid" in done.stderr
    assert "Warning: the model at http://***/v1 failed: its host name is not valid" in done.stderr
    assert len(done.stderr.splitlines()) == len(warnings), done.stderr


# --- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A tmpfs of 400 kB (mounting needs root: skipped without it)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point = Path(tempfile.mkdtemp(prefix="dailypapers-small-disk-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount_point)])
    if mounted.returncode != 0:
        mount_point.rmdir()
        pytest.skip("could not mount a tmpfs")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)
        mount_point.rmdir()


def big_day(day: str) -> list[Any]:
    """400 papers with long abstracts: more than the small disk holds in one transaction."""
    base = seed_source(DAY) or []
    entries = []
    for index in range(400):
        entry = copy.deepcopy(base[index % len(base)])
        entry["paper"]["id"] = f"2602.{index:05d}"
        entry["paper"]["summary"] = "word " * 400 + str(index)
        entries.append(entry)
    return entries


def test_a_full_disk_during_a_big_day_is_named_as_such(small_disk: Path) -> None:
    # SQLite rolls the transaction back itself on SQLITE_FULL; our ROLLBACK then failed with
    # "cannot rollback - no transaction is active", which was the only line shown.
    site = small_disk / "site"
    site.mkdir()
    with ReplayHub(big_day) as hub:
        env = {**os.environ, "HF_ENDPOINT": hub.url, "DAILYPAPERS_NOW": "2026-02-06T01:00:00Z"}
        command = [sys.executable, "-m", "dailypapers", "run", "--site", str(site), "--date", DAY]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith("Error: the disk is full"), done.stderr
    assert "no transaction is active" not in done.stderr and "Traceback" not in done.stderr
