"""Words of each language used outside the post templates: names of weeks, months and
weekdays, and the text of the charts.

A week is named after the month holding its Thursday, and numbered within that month (the
first week of a month is the one with the month's first Thursday, as ISO 8601 counts the
weeks of a year): the week of 2026-02-09 is "2026년 2월 2주차 (2/9–2/15)". The ISO week
(``2026-W07``) stays in the data files and the file names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LANGUAGES = ("ko", "en", "ja", "zh")

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

WEEKDAYS = {
    "ko": ("월", "화", "수", "목", "금", "토", "일"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ja": ("月", "火", "水", "木", "金", "土", "日"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


@dataclass(frozen=True, slots=True)
class ChartWords:
    per_day: str  # what the chart shows, after the period's name
    papers: str  # the upper panel
    upvotes: str  # the lower panel
    not_collected: str  # the legend of a day the archive does not hold
    upcoming: str  # a day not over yet, in the chart's description
    papers_unit: str  # "{n}" replaced: a day's papers in the chart's description
    upvotes_unit: str


CHART_WORDS = {
    "ko": ChartWords(
        "일별 논문 수와 좋아요 수", "논문 수", "좋아요 수 (그날 목록 기준)", "수집하지 않은 날",
        "아직 오지 않은 날", "논문 {n}개", "좋아요 {n}",
    ),
    "en": ChartWords(
        "papers and upvotes per day", "Papers", "Upvotes (as listed that day)", "not collected",
        "to come", "{n} papers", "{n} upvotes",
    ),
    "ja": ChartWords(
        "日別の論文数といいね数", "論文数", "いいね数（その日の掲載時点）", "未収集の日",
        "これからの日", "論文{n}件", "いいね{n}",
    ),
    "zh": ChartWords(
        "每日论文数与点赞数", "论文数", "点赞数（当天列表）", "未收录的日子",
        "尚未到来", "论文 {n} 篇", "点赞 {n}",
    ),
}  # fmt: skip


def week_in_month(monday: dt.date) -> tuple[int, int, int]:
    """(year, month, number) of the week starting ``monday``: the month holding its Thursday."""
    thursday = monday + dt.timedelta(days=3)
    return thursday.year, thursday.month, (thursday.day - 1) // 7 + 1


def _short_en(day: dt.date) -> str:
    return f"{MONTHS_EN[day.month - 1][:3]} {day.day}"


def week_title(language: str, monday: dt.date) -> str:
    """The week's name as a reader of ``language`` writes it, with its first and last day."""
    sunday = monday + dt.timedelta(days=6)
    year, month, number = week_in_month(monday)
    days = f"{monday.month}/{monday.day}–{sunday.month}/{sunday.day}"
    if language == "en":
        end = str(sunday.day) if sunday.month == monday.month else _short_en(sunday)
        return f"Week {number} of {MONTHS_EN[month - 1]} {year} ({_short_en(monday)}–{end})"
    if language == "ja":
        return f"{year}年{month}月第{number}週（{monday.month}/{monday.day}〜{sunday.month}/{sunday.day}）"
    if language == "zh":
        return f"{year}年{month}月第{number}周（{days}）"
    return f"{year}년 {month}월 {number}주차 ({days})"


def month_title(language: str, year: int, month: int) -> str:
    if language == "en":
        return f"{MONTHS_EN[month - 1]} {year}"
    if language in ("ja", "zh"):
        return f"{year}年{month}月"
    return f"{year}년 {month}월"


def short_date(language: str, day: dt.date) -> str:
    """A day of the period in running text: ``2/9`` (``Feb 9`` in English)."""
    return _short_en(day) if language == "en" else f"{day.month}/{day.day}"


def first_author(language: str, authors: tuple[str, ...] | list[str]) -> str:
    """A paper's authors when it names no organization: the first and how many in all
    (``Jane Doe 외 437명``, ``Jane Doe et al. (438 authors)``); a sole author alone."""
    name, count, others = next((a.strip() for a in authors if a.strip()), ""), len(authors), len(authors) - 1
    if not name:  # only blank names: how many there are
        return {
            "en": f"{count:,} author{'s' if count != 1 else ''}",
            "ja": f"著者{count:,}名",
            "zh": f"{count:,} 位作者",
        }.get(language, f"저자 {count:,}명")
    if others == 0:
        return name
    if language == "en":
        return f"{name} et al. ({len(authors):,} authors)"
    if language == "ja":
        return f"{name} ほか{others:,}名"
    if language == "zh":
        return f"{name} 等 {len(authors):,} 位作者"
    return f"{name} 외 {others:,}명"
