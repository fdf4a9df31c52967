"""`dailypapers replay` as a user types it: a busy port, faults without a rate, an empty directory."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from conftest import invoke
from dailypapers.replay import ReplayHub

DAYS = Path(__file__).parent / "data" / "hub"


@pytest.fixture(autouse=True)
def no_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    # The command serves until Ctrl-C; here it returns as soon as it would start serving.
    monkeypatch.setattr(ReplayHub, "serve_forever", lambda self: None)


def test_a_port_in_use_is_one_line_naming_it() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = invoke("replay", str(DAYS), "--port", str(port))
    assert done.exit_code == 1
    assert done.stderr == f"Error: port {port} on 127.0.0.1 is in use: choose another with --port\n"


def test_faults_without_a_fail_rate_is_a_usage_error() -> None:
    done = invoke("replay", str(DAYS), "--faults", "500", "--port", "0")
    assert done.exit_code == 2
    assert "--faults picks the failures of --fail-rate R" in done.stderr


def test_a_directory_without_recorded_days_is_named(tmp_path: Path) -> None:
    done = invoke("replay", str(tmp_path), "--port", "0")
    assert done.exit_code == 0, done.output
    assert "holds no recorded day (YYYY-MM-DD.json)" in done.stderr
    served = invoke("replay", str(DAYS), "--port", "0")
    assert served.exit_code == 0 and "Warning" not in served.output
