"""Pacing by the Hub's own numbers: the RateLimit headers of every answer (issue: never
rate-limited). The real command and client run against the replay hub's fixed window on
127.0.0.1; nothing is mocked."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import DATA, invoke, load_json
from dailypapers.ratelimit import MAX_WAIT, RateBudget, read_window
from dailypapers.replay import Fault, FaultPlan, FixedWindow, ReplayHub

DAY = load_json(DATA / "hub" / "2026-02-03.json")


def every_day(day: str) -> list[Any]:
    """The same recorded papers listed on every day (one request per day)."""
    return [entry for entry in DAY]


def days(count: int, start: dt.date = dt.date(2025, 1, 1)) -> tuple[str, str]:
    return start.isoformat(), (start + dt.timedelta(days=count - 1)).isoformat()


def backfill(site: Path, hub: ReplayHub, count: int, *options: str) -> Result:
    """The real command: a backfill of ``count`` days from 2025-01-01 against ``hub``."""
    since, until = days(count)
    return invoke(
        "backfill", "--site", str(site), "--since", since, "--until", until, *options, endpoint=hub.url
    )


# --- reading the headers --------------------------------------------------------------------


def test_headers_are_read_as_the_hub_sends_them() -> None:
    window = read_window(
        {"RateLimit": '"api";r=41;t=298', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
    )
    assert window is not None
    assert (window.remaining, window.reset_in, window.limit, window.seconds) == (41, 298.0, 500, 300)
    assert read_window({"ratelimit": '"api";r=0;t=55'}) == read_window({"RateLimit": '"api";r=0;t=55'})
    assert read_window({"content-type": "application/json"}) is None


@pytest.mark.parametrize(
    "value",
    ['"api";r=' + "9" * 5000 + ";t=1", '"api";r=1;t=' + "9" * 5000, "garbage", '"api";r=-1;t=-5', ""],
)
def test_hostile_headers_are_bounded_or_ignored(value: str) -> None:
    window = read_window({"RateLimit": value})
    assert window is None or (window.remaining >= 0 and 0 <= window.reset_in <= MAX_WAIT)


def test_a_huge_reset_is_waited_on_for_at_most_the_cap() -> None:
    window = read_window({"RateLimit": '"api";r=0;t=99999999'})
    assert window is not None and window.reset_in == MAX_WAIT


def test_a_spent_budget_holds_requests_until_the_window_ends() -> None:
    now = [100.0]
    budget = RateBudget(clock=lambda: now[0])
    with budget.sending():
        budget.observe({"RateLimit": '"api";r=0;t=30'})
    released = threading.Event()

    def second() -> None:
        with budget.sending():
            released.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not released.wait(0.6), "a request went out in a spent window"
    now[0] += 30  # the window ends
    assert released.wait(5)
    thread.join()
    assert budget.waits == 1


def test_a_cancelled_client_stops_waiting() -> None:
    from dailypapers.http import Cancelled

    budget = RateBudget(clock=lambda: 0.0)
    with budget.sending():
        budget.observe({"RateLimit": '"api";r=0;t=300'})
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(Cancelled), budget.sending(cancelled):
        pass


def test_without_headers_nothing_is_paced() -> None:
    budget = RateBudget(clock=lambda: 0.0)
    for _ in range(100):
        with budget.sending():
            budget.observe({})
    assert budget.waits == 0


# --- the replay hub's fixed window -------------------------------------------------------------


def test_the_replay_hub_announces_and_enforces_its_window(replay: Callable[..., ReplayHub]) -> None:
    import httpx2

    clock = [0.0]
    window = FixedWindow(2, 10, clock=lambda: clock[0])
    hub = replay(every_day, rate_limit=window)
    answers = [httpx2.get(f"{hub.url}/api/daily_papers?date=2026-02-03") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["ratelimit"] == '"api";r=1;t=10'
    assert answers[0].headers["ratelimit-policy"] == '"fixed window";"api";q=2;w=10'
    assert answers[2].headers["ratelimit"] == '"api";r=0;t=10'
    assert "retry-after" not in answers[2].headers  # as the Hub's may: only RateLimit
    clock[0] = 10.5  # the next window
    again = httpx2.get(f"{hub.url}/api/daily_papers?date=2026-02-03")
    assert again.status_code == 200 and again.headers["ratelimit"] == '"api";r=1;t=10'
    assert window.refused == 1


@pytest.mark.parametrize("text", ["60", "0/10", "5/0", "a/b", "1/2/3"])
def test_a_bad_rate_limit_option_is_a_usage_error(tmp_path: Path, text: str) -> None:
    result = invoke("replay", str(tmp_path), "--rate-limit", text)
    assert result.exit_code == 2
    assert "--rate-limit" in result.output


# --- the real command against a rate-limited hub ------------------------------------------------


def test_a_backfill_is_never_refused_by_the_window(replay: Callable[..., ReplayHub], site: Path) -> None:
    """12 days at 4 requests a second, 8 at once: every request waits for its window instead
    of being sent and refused."""
    window = FixedWindow(4, 1)
    hub = replay(every_day, rate_limit=window)
    result = backfill(site, hub, 12)
    assert result.exit_code == 0, result.output
    assert "12 days: 12 fetched" in result.output
    assert window.refused == 0
    assert len(hub.requests) == 12


def test_a_long_wait_is_said_on_the_terminal(replay: Callable[..., ReplayHub], site: Path) -> None:
    hub = replay(every_day, rate_limit=FixedWindow(2, 3))
    result = backfill(site, hub, 3, "--concurrency", "1")
    assert result.exit_code == 0, result.output
    assert "rate limit: 0 of 2 left, waiting " in result.stderr


def test_a_429_with_only_ratelimit_waits_its_t_and_no_day_fails(
    replay: Callable[..., ReplayHub], site: Path
) -> None:
    """The first request for each of 4 days is refused with `RateLimit: "api";r=0;t=1` and no
    Retry-After: each is asked again only after the 1 s it was told (not after a backoff of
    its own: 0.5 s here), and every day is written."""
    refused_once = {day: [Fault.RATE_LIMITED_WINDOW] for day in day_names(4)}
    hub = replay(every_day, faults=FaultPlan(days=refused_once, retry_after="1"))
    result = backfill(site, hub, 4, "--retry-budget", "60")
    assert result.exit_code == 0, result.output
    assert "4 days: 4 fetched" in result.output
    assert [fault for _, fault in hub.faults] == [Fault.RATE_LIMITED_WINDOW] * 4
    for day in day_names(4):
        first, second = (hub.request_times[i] for i, path in enumerate(hub.requests) if f"date={day}" in path)
        assert second - first >= 1.0, f"{day} was asked again {second - first:.2f} s after a 429 saying t=1"


def day_names(count: int, start: dt.date = dt.date(2025, 1, 1)) -> list[str]:
    return [(start + dt.timedelta(days=offset)).isoformat() for offset in range(count)]
