"""Dates and periods: days as ``YYYY-MM-DD`` text, ISO weeks, months, and the clock.

A day is always UTC and always text in the archive, the file names and the data files; these
helpers parse and validate it once, and build the periods (weeks, months, ranges) of the
summaries and of ``stats``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dailypapers.errors import ConfigError

NOW_ENV = "DAILYPAPERS_NOW"  # a fixed "now" (ISO 8601), for reproducible runs and tests


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # "2026-02", "2026-W07" or "2026-02-01..2026-02-14"
    since: str
    until: str  # inclusive

    def calendar_days(self) -> list[str]:
        """Every day from ``since`` to ``until``, in order."""
        start, end = dt.date.fromisoformat(self.since), dt.date.fromisoformat(self.until)
        return [(start + dt.timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def month_period(month: str) -> Period:
    if not re.fullmatch(r"\d{4}-\d{2}", month) or not 1 <= int(month[5:]) <= 12:
        raise ConfigError(f"{month!r} is not a month in the form YYYY-MM")
    year, number = int(month[:4]), int(month[5:])
    first = dt.date(year, number, 1)
    check_year(first, repr(month))
    after = dt.date(year + number // 12, number % 12 + 1, 1)
    return Period(month, first.isoformat(), (after - dt.timedelta(days=1)).isoformat())


def week_period(week: str) -> Period:
    match = re.fullmatch(r"(\d{4})-W(\d{2})", week)
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
    except ValueError:
        monday = None
    if monday is None:
        raise ConfigError(f"{week!r} is not an ISO week in the form YYYY-Www")
    check_year(monday, repr(week))
    return Period(week, monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())


def week_of(day: str) -> str:
    year, week, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def period_of(kind: str, label: str) -> Period:
    return week_period(label) if kind == "weekly" else month_period(label)


def labels_of(kind: str, days: Iterable[str]) -> list[str]:
    """The weeks (``2026-W06``) or months (``2026-02``) the given days fall in, in order."""
    return sorted({week_of(day) if kind == "weekly" else day[:7] for day in days})


def parse_day(value: str) -> str:
    """Validate a YYYY-MM-DD date and return it in that form."""
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # the form is right: the day does not exist
            raise ConfigError(f"{value!r} is not a date: the calendar has no such day")
        raise ConfigError(f"{value!r} is not a date in the form YYYY-MM-DD")
    check_year(day, repr(value))
    return day.isoformat()


# Weeks, months and the days around a day are computed from it: at the ends of Python's
# calendar (years 1 and 9999) they overflow. Any day the Hub can have is well inside.
FIRST_YEAR, LAST_YEAR = 1900, 9000


def check_year(day: dt.date, shown: str) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ConfigError(f"{shown} is not between the years {FIRST_YEAR} and {LAST_YEAR}")


def day_range(since: str, until: str) -> list[str]:
    start, end = dt.date.fromisoformat(parse_day(since)), dt.date.fromisoformat(parse_day(until))
    if end < start:
        raise ConfigError(f"--until {until} is before --since {since}")
    return Period(f"{since}..{until}", start.isoformat(), end.isoformat()).calendar_days()


def recent_days(count: int, today: dt.date) -> list[str]:
    """The last ``count`` UTC days ending with ``today``, oldest first."""
    return [(today - dt.timedelta(days=n)).isoformat() for n in reversed(range(count))]


def utc_now() -> dt.datetime:
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        try:
            moment = dt.datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(f"{NOW_ENV}={fixed!r} is not an ISO 8601 time") from None
        check_year(moment.date(), f"{NOW_ENV}={fixed!r}")
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC)


def timestamp(moment: dt.datetime) -> str:
    """The archive's form of a time (``crawled_at``, ``fetched_at``...): UTC, sorting as text."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
