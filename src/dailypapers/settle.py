"""Settled rankings: a day's upvotes keep moving for days, so each run fetches once more every
day that has reached ``settle_days`` (default 7) since the last time it was fetched, and
from then on its ranking is final.

A day is final when its latest fetch came at least ``settle_days`` after the day began (UTC):
one definition, used for choosing the days to fetch and for saying "final" in the post and
the data file. It depends on the archive and the setting only, never on the clock, so
rendering twice gives the same files. A backfill of an old day is final at once.
"""

from __future__ import annotations

import datetime as dt

from dailypapers.dates import date_of, timestamp
from dailypapers.store import Store


def settled_at(day: str, settle_days: int) -> str:
    """The time from which a fetch of ``day`` gives its final ranking."""
    moment = dt.datetime.combine(date_of(day), dt.time(), dt.UTC)
    return timestamp(moment + dt.timedelta(days=settle_days))


def is_final(day: str, fetched_at: str | None, settle_days: int) -> bool:
    return fetched_at is not None and fetched_at >= settled_at(day, settle_days)


def days_to_settle(store: Store, now: dt.datetime, settle_days: int) -> list[str]:
    """Stored days that are ``settle_days`` old at ``now`` and were not fetched since: each is
    fetched once more, after which it is final and never chosen again."""
    current = timestamp(now)
    return [
        day
        for day, fetched_at in store.fetch_times().items()
        if settled_at(day, settle_days) <= current and not is_final(day, fetched_at, settle_days)
    ]
