"""Charts for the summary posts: papers and upvotes per day, as SVG from a Jinja2 template.

The geometry is computed here and ``templates/chart.svg.j2`` writes the elements, so a site
can restyle its charts with its own copy of the template (``SITE/_dailypapers/templates/``,
looked up by :mod:`dailypapers.summary` through the posts' environment).
The labels are real ``<text>`` in the post's language (selectable, read by screen readers,
drawn in the reader's fonts) and the SVG has a ``<title>`` and an ``aria-label``.

Colours: the bars are mid-tones that read on light and dark pages; the text, axes and
grid use ``currentColor``, so a chart inlined in a post takes the page's text colour (and
follows a theme switch). Opened on its own (or through ``<img>``) the chart is the root
element and paints its own background, light or dark after ``prefers-color-scheme``.

Every value is written with fixed rounding, so the same data gives the same bytes. A chart
costs well under a millisecond (``benchmarks/charts.py``): matplotlib took 70 ms.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from dailypapers.words import CHART_WORDS, WEEKDAYS, short_date

TEMPLATE = "chart.svg.j2"
WIDTH, HEIGHT = 720, 400
LEFT, RIGHT = 56, 12  # room for the tick labels on the left
PAPERS_COLOR = "#4c78a8"  # mid-tone blue and orange: readable on white and on near-black
UPVOTES_COLOR = "#e8730c"
VALUE_FONT = 10  # px: the value labels above the bars
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
) -> dict[str, Any]:
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


def chart_context(title: str, points: Sequence[DayPoint], *, language: str, weekly: bool) -> dict[str, Any]:
    """Everything the template writes: positions as strings, texts in ``language``."""
    words = CHART_WORDS[language]
    plot_width = WIDTH - LEFT - RIGHT
    band = plot_width / max(1, len(points))
    centres = [LEFT + band * (n + 0.5) for n in range(len(points))]
    papers_panel, upvotes_panel = _Panel(62, 176), _Panel(218, 332)
    panels = [
        {
            **_panel(papers_panel, [p.papers for p in points], centres, band, words.papers),
            "kind": "papers",
            "color": PAPERS_COLOR,
        },
        {
            **_panel(upvotes_panel, [p.upvotes for p in points], centres, band, words.upvotes),
            "kind": "upvotes",
            "color": UPVOTES_COLOR,
        },
    ]
    missing, days, description = [], [], []
    for point, centre in zip(points, centres, strict=True):
        date = dt.date.fromisoformat(point.day)
        lines = (
            [WEEKDAYS[language][date.weekday()], short_date(language, date)] if weekly else [str(date.day)]
        )
        lines_dy = [(0 if n == 0 else 13, line) for n, line in enumerate(lines)]
        days.append({"x": _n(centre), "lines": lines_dy, "collected": point.collected})
        if point.collected:
            description.append(
                f"{short_date(language, date)}: {words.papers_unit.format(n=_thousands(point.papers or 0))}, "
                f"{words.upvotes_unit.format(n=_thousands(point.upvotes or 0))}"
            )
        elif point.upcoming:
            description.append(f"{short_date(language, date)}: {words.upcoming}")
        else:
            description.append(f"{short_date(language, date)}: {words.not_collected}")
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
    items = [("papers", PAPERS_COLOR, words.papers), ("upvotes", UPVOTES_COLOR, words.upvotes)]
    if missing:  # the dashed box is explained only where there is one
        items.append(("missing", "none", words.not_collected))
    for kind, fill, text in items:
        legend.append({"kind": kind, "fill": fill, "x": _n(x), "text_x": _n(x + 16), "text": text})
        x += 16 + _text_width(text, 11) + 22
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "language": language,
        "fonts": FONTS[language],
        "title": title,
        "title_x": _n(WIDTH / 2),
        "description": "; ".join(description),
        "panels": panels,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "missing": missing,
        "days": days,
        "day_y": 348,
        "legend": legend,
        "legend_y": 386,
        "papers_color": PAPERS_COLOR,
        "upvotes_color": UPVOTES_COLOR,
    }


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
) -> bytes:
    """Two bar charts sharing the days: papers listed per day above, their upvotes below.

    ``weekly`` labels each day with its weekday and date, otherwise with its day of the
    month. A day not collected is a dashed box, a day collected with no papers a ``0``, a
    day still to come is left blank.
    ``template``: ``chart.svg.j2`` as the site may override it (default: the package's).
    """
    template = template or _package_template()
    return template.render(chart_context(title, points, language=language, weekly=weekly)).encode("utf-8")
