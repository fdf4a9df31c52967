"""Days, weeks and time zones have one home, dates.py: other modules ask it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import dailypapers
from dailypapers.dates import date_of, local_time, utc_offset, week_label, week_of, week_period
from dailypapers.paths import pattern_fields

SRC = Path(dailypapers.__file__).parent
# Parsing a day or a time, the ISO calendar, time zones, and a week label written by hand.
DATE_WORK = re.compile(r"fromisoformat|isocalendar|zoneinfo|-W\{")


def test_only_dates_parses_days_builds_week_labels_and_opens_time_zones() -> None:
    elsewhere = sorted(
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "dates.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DATE_WORK.search(line)
    )
    assert elsewhere == []


def test_a_week_label_names_the_iso_week_that_holds_the_day() -> None:
    day = dt.date(2019, 12, 1)
    while day < dt.date(2028, 2, 1):
        label = week_of(day.isoformat())
        period = week_period(label)
        assert period.since <= day.isoformat() <= period.until
        assert label == week_label(day) == pattern_fields(day)["week"]
        day += dt.timedelta(days=1)
    assert week_label(date_of("2027-01-01")) == "2026-W53"
    assert week_label(date_of("2026-12-28")) == "2026-W53"


def test_a_posts_time_follows_its_zone_and_daylight_saving() -> None:
    assert utc_offset(dt.date(2026, 2, 5), "09:15", "Asia/Seoul") == "+0900"
    assert utc_offset(dt.date(2026, 7, 1), "09:15", "Europe/Paris") == "+0200"
    assert utc_offset(dt.date(2026, 1, 1), "09:15", "Europe/Paris") == "+0100"
    assert local_time(dt.date(2026, 2, 5), "09:15", "UTC").isoformat() == "2026-02-05T09:15:00+00:00"
