"""Asking the Hub what came of the papers of a day that has settled (setting ``paper_info``).

When a day fetched by a run is final (see :mod:`dailypapers.settle`), each paper its post shows
(the top list and the ⭐ papers below it) is asked about once: ``GET /api/papers/{id}``, through
the Hub client (same deadline, size cap, retries and rate-limit budget as the days). Each
answer is stored with the time it came (:meth:`Store.save_paper_info`), a failed one too, so a
paper is never asked twice for one day: a rerun asks nothing. Storing marks the paper
unrendered, so its day's post and its week and month are written again by the usual step.

Cost: at most ``top`` + ⭐ requests per day, once in the day's life (about 10 a day, 300 a month
with the default settings); a backfill of settled days asks as much per day it fetches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from dailypapers.dates import timestamp
from dailypapers.errors import ANSWER_ERRORS, HubError
from dailypapers.hub import HubClient
from dailypapers.interests import select_daily
from dailypapers.models import PaperInfo
from dailypapers.paperinfo import info_from_answer
from dailypapers.settle import is_final
from dailypapers.site import Site


@dataclass
class OutcomesReport:
    """What a run asked: papers observed, and the failures (paper id: one line)."""

    observed: int = 0
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def asked(self) -> int:
        return self.observed + len(self.failed)


def papers_to_ask(site: Site, days: Sequence[str]) -> list[tuple[str, str]]:
    """(day, paper id) for each paper shown by the post of each final day of ``days`` that was
    not asked about when that day settled; in day order, then the post's order."""
    store, settings = site.store, site.settings
    interests = site.interests
    wanted: list[tuple[str, str]] = []
    for day in sorted(days):
        if day in store.held_days or not is_final(day, store.fetched_at(day), settings.settle_days):
            continue
        selection = select_daily(store.day_papers(day), settings.daily.top, interests)
        asked = store.asked_paper_info(day)
        shown = selection.listed
        wanted += [(day, paper.id) for paper in shown if paper.id not in asked]
    return wanted


def ask_one(hub: HubClient, paper_id: str, now: dt.datetime) -> PaperInfo | str:
    """The counts of one paper, or the line saying why there are none."""
    try:
        answer = hub.fetch_paper(paper_id)
        return info_from_answer(answer, observed_at=timestamp(now))
    except HubError as error:
        return str(error)
    except ANSWER_ERRORS as error:  # BadInfo is a ValueError
        return f"{paper_id}: {str(error)[:160]}"


def observe_outcomes(
    site: Site, days: Sequence[str], hub: HubClient, *, now: dt.datetime, concurrency: int = 4
) -> OutcomesReport:
    """Ask about the papers of the final ``days`` not asked yet (see the module), at most
    ``concurrency`` at once, and store each answer as it comes (in this thread)."""
    report = OutcomesReport()
    wanted = papers_to_ask(site, days)
    if not wanted:
        return report
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="paper")
    try:
        answers = pool.map(lambda item: ask_one(hub, item[1], now), wanted)
        for (day, paper_id), answer in zip(wanted, answers, strict=True):
            if isinstance(answer, PaperInfo):
                site.store.save_paper_info(paper_id, day, answer)
                report.observed += 1
            else:
                site.store.save_paper_info(paper_id, day, None, error=answer[:300])
                report.failed[paper_id] = answer
    finally:  # on Ctrl-C, no wait for the requests under way (the caller cancels the client)
        pool.shutdown(wait=False, cancel_futures=True)
    return report
