"""Hub text printed to a terminal carries no control character: a title with ESC/OSC/CSI
sequences cannot retitle the window, clear the screen or recolour the output."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import invoke, seed_source

DAY = "2026-02-05"
NOW = {"DAILYPAPERS_NOW": "2026-02-06T00:00:00Z"}
# OSC "set window title" ended by BEL, "clear screen", an 8-bit CSI, DEL, a carriage return,
# right-to-left override and isolate (the rest of the line reads backwards), a noncharacter.
HOSTILE = "Agents \x1b]0;pwned\x07 and \x1b[2J tools \x9b31m red\x7f \rover \u202egnp.exe\u2066x\u2069 \ufffe"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def hostile(day: str) -> list[Any] | None:
    entries = copy.deepcopy(seed_source(day))
    if day == DAY and entries:
        first = entries[0]
        first["title"] = first["paper"]["title"] = HOSTILE
        first["paper"]["summary"] = "Abstract " + HOSTILE
        first["organization"] = {"name": "org", "fullname": "Org " + HOSTILE}
        first["paper"]["ai_keywords"] = ["kw " + HOSTILE]
    return entries


@pytest.fixture
def site_with_hostile_text(site: Path, replay: Any) -> tuple[Path, str]:
    hub = replay(hostile)
    done = invoke("run", "--site", str(site), "--date", DAY, endpoint=hub.url, env=NOW)
    assert done.exit_code == 0, done.output
    return site, hub.url


def clean(output: str) -> bool:
    return CONTROL.search(output) is None


@pytest.mark.parametrize(
    "args",
    [
        ["search", "pwned"],
        ["search", "pwned", "--json"],
        ["stats"],
        ["stats", "--json"],
        ["stats", "--month", "2026-02"],
        ["days"],
        ["days", "--json"],
        ["doctor"],
        ["render", "--all", "--dry-run", "--language", "en"],
    ],
    ids=" ".join,
)
def test_no_control_character_reaches_the_terminal(
    site_with_hostile_text: tuple[Path, str], args: list[str]
) -> None:
    site, endpoint = site_with_hostile_text
    done = invoke(*args, "--site", str(site), endpoint=endpoint, env=NOW)
    assert done.exit_code in (0, 1), done.output
    assert "pwned" in done.output or args[0] in ("days", "doctor", "render")
    assert clean(done.stdout), done.stdout
    assert clean(done.stderr), done.stderr


def test_json_output_keeps_the_text_exactly(site_with_hostile_text: tuple[Path, str]) -> None:
    site, endpoint = site_with_hostile_text
    done = invoke("search", "pwned", "--json", "--site", str(site), endpoint=endpoint)
    assert done.exit_code == 0, done.output
    assert "\\u009b" in done.stdout and "\\u007f" in done.stdout and "\\u001b" in done.stdout
    [hit] = json.loads(done.stdout)
    assert hit["title"] == " ".join(HOSTILE.split())  # whitespace collapsed as in every post
