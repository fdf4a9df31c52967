"""Charts for the summary posts: papers and upvotes per day, as SVG from a Jinja2 template.

The geometry is computed here and ``templates/chart.svg.j2`` writes the elements, so a site
can restyle its charts with its own copy of the template (``SITE/_dailypapers/templates/``,
looked up by :mod:`dailypapers.summary` through the posts' environment).
The labels are real ``<text>`` in the post's language (selectable, read by screen readers,
drawn in the reader's fonts) and the SVG has a ``<title>`` and an ``aria-label``.

Two layouts of the same data: ``columns`` (720 wide: a bar per day, the days side by side)
for a column of 720 px or more, and ``rows`` (320 wide: the chart on its side, a row per day,
papers and upvotes side by side), so that a phone shows 12 px text, not a 720-wide chart
shrunk to half. A post inlines both and its own CSS shows one after the width of the screen
(:func:`dailypapers.summary.post_chart`); the chart file is the ``columns`` one.

Colours come from the page: text, axes, bars and the chart's background are CSS variables
(``--dpc-fg``, ``--dpc-bg``, ``--dpc-papers``, ``--dpc-upvotes``) with light values, dark ones
under ``prefers-color-scheme: dark`` and Chirpy's ``data-mode`` switch; a site may set them.
The chart paints its own background, so its text keeps its contrast on a page whose colours
it cannot know, and under Chromium's forced dark mode (which recolours the page but leaves
inline SVG alone). Every pair keeps WCAG AA contrast: 4.5:1 for text, 3:1 for bars.

Every value is written with fixed rounding, so the same data gives the same bytes. A chart
costs well under a millisecond (``benchmarks/charts.py``): matplotlib took 70 ms.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypedDict

import jinja2

from dailypapers.dates import date_of
from dailypapers.words import CHART_WORDS, WEEKDAYS, ChartWords, short_date

TEMPLATE = "chart.svg.j2"
WIDTH, HEIGHT = 720, 400
LEFT, RIGHT = 56, 12  # room for the tick labels on the left
VALUE_FONT = 11  # px: the value labels above the bars
# The light and dark palettes (background, text, papers, upvotes): text 4.5:1, bars 3:1 or more.
LIGHT = {"bg": "#ffffff", "fg": "#1f2328", "papers": "#3b6ea8", "upvotes": "#c65d00"}
PAPERS_COLOR, UPVOTES_COLOR = LIGHT["papers"], LIGHT["upvotes"]
DARK = {"bg": "#16181d", "fg": "#e6edf3", "papers": "#6f9fd8", "upvotes": "#f08c2e"}
# The chart on its side, for narrow screens: 320 wide, shown below NARROW_SCREEN px.
ROWS_WIDTH = 320
ROWS_FONT = 12  # px: every text of the rows layout (a 320 px screen shows 10.9 px at least)
ROW_HEIGHT = 22
NARROW_SCREEN = 720
ROWS_MAX_WIDTH = 480  # px: the rows layout grows with the screen up to this width
FONTS = {
    "ko": "'Noto Sans KR','Noto Sans CJK KR','Apple SD Gothic Neo','Malgun Gothic',system-ui,sans-serif",
    "ja": "'Noto Sans JP','Noto Sans CJK JP','Hiragino Sans','Yu Gothic',system-ui,sans-serif",
    "zh": "'Noto Sans SC','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',system-ui,sans-serif",
    "en": "system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif",
}


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: str  # YYYY-MM-DD
    papers: int | None  # None: the archive does not hold this day (not collected, or to come)
    upvotes: int | None  # the day's listings' upvotes as of that day
    upcoming: bool = False  # not over yet (and not collected): left blank, not a dashed box

    @property
    def collected(self) -> bool:
        return self.papers is not None


def _n(value: float) -> str:
    """A coordinate with one decimal at most: the same bytes on every machine."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _thousands(value: int) -> str:
    return f"{value:,}"


def nice_step(maximum: int, count: int = 4) -> int:
    """A tick step of 1, 2 or 5 times a power of ten giving about ``count`` steps up to ``maximum``.

    Whole numbers only; the top tick is the first multiple of the step at or above the
    highest bar, so a bar of 10 meets a tick of 10 (never ticks at 0, 3, 6, 9).
    """
    if maximum <= 0:
        return 1
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return max(1, int(step))


def _text_width(text: str, size: float) -> float:
    """An estimate of the width of ``text`` (wide for CJK, narrow for digits and Latin)."""
    return sum(size if ord(char) >= 0x2E80 else size * 0.6 for char in text)


@dataclass(frozen=True, slots=True)
class _Panel:
    top: float
    bottom: float


def _panel(
    panel: _Panel, values: Sequence[int | None], centres: Sequence[float], band: float, label: str
) -> dict[str, object]:
    numbers = [v for v in values if v is not None]
    highest = max(numbers, default=0)
    step = nice_step(highest)
    ceiling = max(step, math.ceil(highest / step) * step)
    texts = [_thousands(v) if v is not None else "" for v in values]
    widest = max((_text_width(t, VALUE_FONT) for t in texts), default=0.0)
    # Value labels stand above their bars; turned upright when they are wider than a bar.
    upright = widest > band - 2
    headroom = widest + 6 if upright else VALUE_FONT + 6
    zone = panel.bottom - panel.top - headroom

    def y(value: float) -> float:
        return panel.bottom - value / ceiling * zone

    bar_width = band * 0.64
    bars, labels = [], []
    for value, text, centre in zip(values, texts, centres, strict=True):
        if value is None:
            continue
        top = y(value)
        if value > 0:
            bars.append(
                {
                    "x": _n(centre - bar_width / 2),
                    "y": _n(top),
                    "w": _n(bar_width),
                    "h": _n(panel.bottom - top),
                }
            )
        x, y_text = _n(centre), _n(top - 4)
        # Upright: from the bar's top upwards, centred on the bar (dy after the turn).
        turn = f' dy="3.5" transform="rotate(-90 {x} {y_text})"' if upright else ' text-anchor="middle"'
        labels.append({"x": x, "y": y_text, "text": text, "turn": turn})
    ticks = [{"y": _n(y(v)), "text": _thousands(v)} for v in range(0, ceiling + 1, step)]
    return {
        "label": label,
        "label_y": _n(panel.top - 6),
        "bottom": _n(panel.bottom),
        "ticks": ticks,
        "bars": bars,
        "labels": labels,
    }


def _description(points: Sequence[DayPoint], language: str) -> str:
    """The chart's ``<desc>``: every day's figures in words."""
    words = CHART_WORDS[language]
    parts = []
    for point in points:
        day = short_date(language, date_of(point.day))
        if point.collected:
            parts.append(
                f"{day}: {words.papers_unit.format(n=_thousands(point.papers or 0))}, "
                f"{words.upvotes_unit.format(n=_thousands(point.upvotes or 0))}"
            )
        else:
            parts.append(f"{day}: {words.upcoming if point.upcoming else words.not_collected}")
    return "; ".join(parts)


def _legend_items(words: ChartWords, missing: bool) -> list[tuple[str, str]]:
    items = [("papers", words.papers), ("upvotes", words.upvotes)]
    if missing:  # the dashed box is explained only where there is one
        items.append(("missing", words.not_collected))
    return items


def _common(language: str, title: str, points: Sequence[DayPoint]) -> dict[str, object]:
    return {
        "language": language,
        "fonts": FONTS[language],
        "title": title,
        "description": _description(points, language),
        "light": LIGHT,
        "dark": DARK,
        "narrow_screen": NARROW_SCREEN,
        "rows_max_width": ROWS_MAX_WIDTH,
    }


def chart_context(
    title: str, points: Sequence[DayPoint], *, language: str, weekly: bool
) -> dict[str, object]:
    """Everything the ``columns`` layout writes: positions as strings, texts in ``language``."""
    words = CHART_WORDS[language]
    plot_width = WIDTH - LEFT - RIGHT
    band = plot_width / max(1, len(points))
    centres = [LEFT + band * (n + 0.5) for n in range(len(points))]
    papers_panel, upvotes_panel = _Panel(62, 176), _Panel(218, 332)
    panels = [
        {**_panel(papers_panel, [p.papers for p in points], centres, band, words.papers), "kind": "papers"},
        {
            **_panel(upvotes_panel, [p.upvotes for p in points], centres, band, words.upvotes),
            "kind": "upvotes",
        },
    ]
    missing, days = [], []
    for point, centre in zip(points, centres, strict=True):
        date = date_of(point.day)
        lines = (
            [WEEKDAYS[language][date.weekday()], short_date(language, date)] if weekly else [str(date.day)]
        )
        lines_dy = [(0 if n == 0 else 13, line) for n, line in enumerate(lines)]
        days.append({"x": _n(centre), "y": 348, "lines": lines_dy, "collected": point.collected})
        if not point.collected and not point.upcoming:
            for panel in (papers_panel, upvotes_panel):
                missing.append(
                    {
                        "x": _n(centre - band * 0.42),
                        "y": _n(panel.top),
                        "w": _n(band * 0.84),
                        "h": _n(panel.bottom - panel.top),
                    }
                )
    legend, x = [], float(LEFT)
    for kind, text in _legend_items(words, bool(missing)):
        legend.append({"kind": kind, "x": _n(x), "y": 386, "box_y": 377, "text_x": _n(x + 16), "text": text})
        x += 16 + _text_width(text, 11) + 22
    return {
        **_common(language, title, points),
        "layout": "columns",
        "width": WIDTH,
        "height": HEIGHT,
        "title_lines": [{"x": _n(WIDTH / 2), "y": 24, "text": title}],
        "panels": panels,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "missing": missing,
        "days": days,
        "legend": legend,
    }


def _wrapped(text: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` (broken between words; a long word stays whole)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def rows_context(title: str, points: Sequence[DayPoint], *, language: str, weekly: bool) -> dict[str, object]:
    """The chart on its side (``rows``): a row per day, its papers and upvotes side by side.

    Every text is ROWS_FONT px in a 320-wide drawing: a phone's column (290 to 400 px)
    shows it at 11 to 15 px. Each value stands after its bar, in room kept for the widest.
    """
    words = CHART_WORDS[language]
    day_names = [
        (f"{WEEKDAYS[language][date.weekday()]} {short_date(language, date)}" if weekly else str(date.day))
        for date in (date_of(p.day) for p in points)
    ]
    title_lines = [
        {"x": _n(ROWS_WIDTH / 2), "y": 20 + 22 * n, "text": line}
        for n, line in enumerate(_wrapped(title, ROWS_FONT + 2, ROWS_WIDTH - 2 * _Rows.margin))
    ]
    rows = _Rows.below(
        len(title_lines), max((_text_width(name, ROWS_FONT) for name in day_names), default=0.0)
    )
    columns = [
        rows.column(0, "papers", words.papers, [p.papers for p in points]),
        rows.column(1, "upvotes", words.upvotes, [p.upvotes for p in points]),
    ]
    rows.fit_headers(columns)
    days, missing = rows.days(points, day_names)
    legend, bottom = rows.legend(_legend_items(words, bool(missing)), len(points))
    return {
        **_common(language, title, points),
        "layout": "rows",
        "width": ROWS_WIDTH,
        "height": _n(bottom),
        "title_lines": title_lines,
        "columns": columns,
        "rows_top": _n(rows.first_row),
        "rows_bottom": _n(rows.first_row + ROW_HEIGHT * len(points)),
        "missing": missing,
        "days": days,
        "legend": legend,
    }


class _Column(TypedDict):
    """A column of the ``rows`` layout: its header's lines (placed by :meth:`_Rows.fit_headers`),
    bars and values."""

    kind: str
    x: str
    label_lines: list[dict[str, str | float]]
    bars: list[dict[str, str | int]]
    labels: list[dict[str, str | int]]


@dataclass
class _Rows:
    """Where things go in the ``rows`` layout: the column headers at ``header_y``, the first
    row at ``first_row``, the two columns of bars from ``column_x``, each ``column_width``."""

    size: ClassVar[float] = ROWS_FONT
    margin: ClassVar[float] = 8.0
    gap: ClassVar[float] = 12.0  # between the two columns
    header_y: float
    first_row: float
    column_x: float
    column_width: float

    @classmethod
    def below(cls, title_lines: int, day_width: float) -> _Rows:
        """The rows under a title of ``title_lines``, after day names ``day_width`` wide."""
        header_y = 20 + 22 * title_lines + 8
        column_x = cls.margin + day_width + 8
        column_width = (ROWS_WIDTH - cls.margin - column_x - cls.gap) / 2
        return cls(header_y, header_y + 8, column_x, column_width)

    def middle(self, row: int) -> float:
        return self.first_row + ROW_HEIGHT * (row + 0.5)

    def column(self, n: int, kind: str, label: str, values: Sequence[int | None]) -> _Column:
        """Column ``n``: a bar per day with a value (none for 0), each value after its bar."""
        x0 = self.column_x + n * (self.column_width + self.gap)
        texts = [_thousands(v) if v is not None else "" for v in values]
        room = self.column_width - max((_text_width(t, self.size) for t in texts), default=0.0) - 4
        highest = max((v for v in values if v is not None), default=0) or 1
        bars: list[dict[str, str | int]] = []
        labels: list[dict[str, str | int]] = []
        for row, (value, text) in enumerate(zip(values, texts, strict=True)):
            if value is None:
                continue
            length = value / highest * room
            if value > 0:
                bars.append({"x": _n(x0), "y": _n(self.middle(row) - 6), "w": _n(max(length, 1.0)), "h": 12})
            labels.append(
                {"x": _n(x0 + length + 4), "y": _n(self.middle(row) + self.size * 0.35), "text": text}
            )
        return {
            "kind": kind,
            "x": _n(x0),
            "label_lines": [{"text": line} for line in _wrapped(label, self.size, self.column_width)],
            "bars": bars,
            "labels": labels,
        }

    def fit_headers(self, columns: list[_Column]) -> None:
        """The column headers placed in lines; a header of two lines pushes the rows down."""
        shift = 18 * (max(len(c["label_lines"]) for c in columns) - 1)
        self.first_row += shift
        for column in columns:
            column["label_lines"] = [
                {"y": self.header_y + 18 * n, "text": line["text"]}
                for n, line in enumerate(column["label_lines"])
            ]
            for item in (*column["bars"], *column["labels"]):
                item["y"] = _n(float(item["y"]) + shift)

    def days(
        self, points: Sequence[DayPoint], names: Sequence[str]
    ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        """Each row's day name, and a box across each row of a day not collected."""
        days, missing = [], []
        for row, (point, name) in enumerate(zip(points, names, strict=True)):
            y = self.middle(row)
            days.append(
                {
                    "x": _n(self.column_x - 8),
                    "y": _n(y + self.size * 0.35),
                    "text": name,
                    "collected": point.collected,
                }
            )
            if not point.collected and not point.upcoming:
                width = ROWS_WIDTH - self.margin - self.column_x + 3
                missing.append({"x": _n(self.column_x - 3), "y": _n(y - 8), "w": _n(width), "h": 16})
        return days, missing

    def legend(self, items: Iterable[tuple[str, str]], rows: int) -> tuple[list[dict[str, str]], float]:
        """The legend under ``rows`` rows, its items wrapped in lines; and the drawing's height."""
        legend, x, y = [], self.margin, self.first_row + ROW_HEIGHT * rows + 6 + 18
        for kind, text in items:
            width = 16 + _text_width(text, self.size)
            if x > self.margin and x + width > ROWS_WIDTH - self.margin:
                x, y = self.margin, y + 20
            legend.append(
                {
                    "kind": kind,
                    "x": _n(x),
                    "y": _n(y),
                    "box_y": _n(y - 10),
                    "text_x": _n(x + 16),
                    "text": text,
                }
            )
            x += width + 14
        return legend, y + 16


LAYOUTS = {"columns": chart_context, "rows": rows_context}


@functools.cache
def _package_template() -> jinja2.Template:
    loader = jinja2.PackageLoader("dailypapers", "templates")
    env = jinja2.Environment(loader=loader, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template(TEMPLATE)


def daily_chart_svg(
    title: str,
    points: Sequence[DayPoint],
    *,
    language: str = "ko",
    weekly: bool = False,
    template: jinja2.Template | None = None,
    layout: str = "columns",
) -> bytes:
    """Two bar charts sharing the days: papers listed per day, and their upvotes.

    ``layout``: ``columns`` (papers above, upvotes below, a bar per day) or ``rows`` (on its
    side, for narrow screens). ``weekly`` labels each day with its weekday and date,
    otherwise with its day of the month. A day not collected is a dashed box, a day
    collected with no papers a ``0``, a day still to come is left blank.
    ``template``: ``chart.svg.j2`` as the site may override it (default: the package's).
    """
    template = template or _package_template()
    context = LAYOUTS[layout](title, points, language=language, weekly=weekly)
    return template.render(context).encode("utf-8")
