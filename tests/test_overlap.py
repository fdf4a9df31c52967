"""Days are written as their answers arrive, while other fetches go on, and the files do not
depend on the order the answers came in: a day written before a later answer changed one of
its papers is written again."""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import fast_client, published_files, seed_source, site_context
from dailypapers.config import Settings
from dailypapers.paths import data_path, post_path
from dailypapers.pipeline import collect
from dailypapers.replay import ReplayHub
from dailypapers.site import Site
from dailypapers.store import Store
from dailypapers.write import FileResult, FileWriter, Status

# Seed days; LATER's first paper is also listed on FIRST. More than two days apart, so that
# neither waits for the other's answer (a day waits for the next two, see pipeline._Run).
FIRST, LATER = "2026-01-27", "2026-02-05"
# Asked first, and alone (a client's first request tells it the Hub's rate limit before the
# others follow): then FIRST and LATER are asked at once.
OPENING = "2026-01-09"
CLOCK = lambda: dt.datetime(2026, 2, 6, tzinfo=dt.UTC)  # noqa: E731
OLD_TITLE = "An older title of the same paper"
DAY_FILES = (lambda day: data_path("daily", day), lambda day: post_path("daily", day))
WAIT = 3.0  # seconds an answer waits for the other day's post (under the client's timeout)


def answers() -> dict[str, list[Any]]:
    """FIRST also lists LATER's first paper, under an older title: the later day's text is
    what the archive keeps (the newest listing sets a paper's text), so FIRST's post shows
    the new title however the answers arrive."""
    first, later = seed_source(FIRST), seed_source(LATER)
    assert first and later
    shared = copy.deepcopy(later[0])
    shared["title"] = shared["paper"]["title"] = OLD_TITLE
    return {OPENING: seed_source(OPENING) or [], FIRST: [*first, shared], LATER: later}


def answering_after(site: Path, held: str) -> tuple[Callable[[str], list[Any] | None], dict[str, bool]]:
    """A source that answers ``held`` only once the other day's post is on disk (or after
    :data:`WAIT`); ``seen`` records whether it was there by then."""
    days = answers()
    other = FIRST if held == LATER else LATER
    seen: dict[str, bool] = {}

    def source(day: str) -> list[Any] | None:
        if day == held:
            stop = time.monotonic() + WAIT
            while not (site / post_path("daily", other)).is_file() and time.monotonic() < stop:
                time.sleep(0.01)
            seen[other] = (site / post_path("daily", other)).is_file()
        return days.get(day)

    return source, seen


def backfill(root: Path, source: Callable[[str], list[Any] | None], concurrency: int) -> Any:
    root.mkdir()
    with ReplayHub(source) as hub, Store(root / ".dailypapers" / "papers.db") as store:
        return collect(
            site_context(root, store),
            [OPENING, FIRST, LATER],
            fast_client(hub.url),
            concurrency=concurrency,
            clock=CLOCK,
        )


def test_days_are_written_as_they_arrive_and_the_files_do_not_depend_on_the_order(
    tmp_path: Path,
) -> None:
    runs = {}
    for held in (LATER, FIRST):  # each day's answer in turn waits for the other day's post
        root = tmp_path / f"{held}-last"
        source, seen = answering_after(root, held)
        result = backfill(root, source, concurrency=2)
        # The other day was written while this one's request was still waiting for its answer.
        assert seen == {FIRST if held == LATER else LATER: True}
        assert result.ok and [done.day for done in result.days] == [OPENING, FIRST, LATER]
        runs[held] = (published_files(root), result)
    one_at_a_time = tmp_path / "in-order"
    backfill(one_at_a_time, lambda day: answers().get(day), concurrency=1)
    expected = published_files(one_at_a_time)
    assert runs[LATER][0] == expected
    assert runs[FIRST][0] == expected
    first_post = expected[post_path("daily", FIRST).as_posix()].decode("utf-8")
    later_title = (seed_source(LATER) or [])[0]["paper"]["title"]
    assert OLD_TITLE not in first_post and later_title.split(":")[0] in first_post
    # FIRST's post, written twice when LATER came last, is reported once, as created.
    for _, result in runs.values():
        statuses = [(str(file.path), file.status) for done in result.days for file in done.files]
        days = [
            (kind(day).as_posix(), Status.CREATED) for day in (OPENING, FIRST, LATER) for kind in DAY_FILES
        ]
        assert sorted(statuses) == sorted(days)


class CountingWriter(FileWriter):
    """Writes as usual and counts the writes of each file."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.writes: Counter[str] = Counter()

    def write(self, relative: str | Path, content: str | bytes) -> FileResult:
        self.writes[Path(relative).as_posix()] += 1
        return super().write(relative, content)


def test_a_day_waits_for_the_next_days_answers_so_that_none_is_written_twice(tmp_path: Path) -> None:
    """FIRST's answer comes first (a client's first request goes alone), and the next day's
    answer changes a paper FIRST lists: FIRST is written once that answer is in, not before."""
    days = answers()
    following = (dt.date.fromisoformat(FIRST) + dt.timedelta(days=1)).isoformat()
    days[following] = days.pop(LATER)
    root = tmp_path / "site"
    root.mkdir()
    writer = CountingWriter(root)
    with ReplayHub(days.get) as hub, Store(root / ".dailypapers" / "papers.db") as store:
        result = collect(
            Site(root, Settings(), store, writer), [FIRST, following], fast_client(hub.url), clock=CLOCK
        )
    assert result.ok and hub.requests[0].startswith(f"/api/daily_papers?date={FIRST}&")
    post = (root / post_path("daily", FIRST)).read_text(encoding="utf-8")
    assert OLD_TITLE not in post
    assert writer.writes[post_path("daily", FIRST).as_posix()] == 1
    assert writer.writes[data_path("daily", FIRST).as_posix()] == 1
