"""Dates and periods: days as ``YYYY-MM-DD`` text, ISO weeks, months, time zones and the clock.

A day is always UTC and always text in the archive, the file names and the data files. Text
from outside (an option, a file name) is checked once by :func:`parse_day`; a day already
checked becomes a date through :func:`date_of`. Week labels (``2026-W07``) are built by
:func:`week_label` alone, and the periods (weeks, months, ranges) of the summaries and of
``stats`` here; so are the time zones of the posts' ``date:`` lines.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
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
        start, end = date_of(self.since), date_of(self.until)
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


def date_of(day: str) -> dt.date:
    """The date of a day already checked (the archive's, a data file's, :func:`parse_day`'s);
    ValueError if it is not ``YYYY-MM-DD``."""
    return dt.date.fromisoformat(day)


def iso_week(date: dt.date) -> tuple[int, int]:
    """The ISO year and week number of ``date`` (the first days of January may be in the
    previous year's last week)."""
    year, week, _ = date.isocalendar()
    return year, week


def week_label(date: dt.date) -> str:
    """``2026-W07``: the ISO week of ``date``, as file names, URLs and ``--week`` write it."""
    year, week = iso_week(date)
    return f"{year:04d}-W{week:02d}"


def week_of(day: str) -> str:
    return week_label(date_of(day))


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
    start, end = date_of(parse_day(since)), date_of(parse_day(until))
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


# --- time zones --------------------------------------------------------------------------


def time_zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA time zone ``name`` (``Asia/Seoul``, ``UTC``); ValueError when there is none."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"no time zone {name!r}") from None


def listed_time_zone(name: str) -> bool:
    """Whether ``name`` is in the time zone database's list (a file such as ``localtime`` is not)."""
    return name in zoneinfo.available_timezones()


def hour_minute(text: str) -> str:
    """``09:15``: a time of day as the settings write it; ValueError when ``text`` is none."""
    return dt.time.fromisoformat(text).strftime("%H:%M")


def local_time(day: dt.date, time: str, timezone: str) -> dt.datetime:
    """``time`` (HH:MM) on ``day`` in ``timezone``: when a post of that day is dated."""
    return dt.datetime.combine(day, dt.time.fromisoformat(time), time_zone(timezone))


def utc_offset(day: dt.date, time: str, timezone: str) -> str:
    """``+0900``: the offset of ``timezone`` at ``time`` on ``day`` (follows daylight saving)."""
    return local_time(day, time, timezone).strftime("%z")
