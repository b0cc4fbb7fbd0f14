"""Charts as inline SVG text, for the report that must open offline.

Two small drawings, written by hand so that the report needs no script, font or library: rows
of estimates with their intervals (a bar from zero, a whisker, a dot) and an outcome over time
(the day-to-day line, its weekly mean and the marked days). Every text is HTML-escaped; there
is no ``xmlns`` or any other address (inline SVG in HTML needs none).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pga_core.words import number

__all__ = ["IntervalRow", "intervals_svg", "timeline_svg"]

#: Drawing sizes in pixels.
SVG_WIDTH = 760
LABEL_WIDTH = 300
ROW_HEIGHT = 24
AXIS_HEIGHT = 28
TIMELINE_HEIGHT = 130
MARGIN = 8
#: Characters of a row label before it is cut with an ellipsis (the table beside has it whole).
LABEL_CHARS = 44
#: Ticks along the estimate axis.
TICKS = 5
GRID_COLOUR = "#999999"
TEXT_COLOUR = "#222222"
LINE_COLOUR = "#2166ac"
MARK_COLOUR = "#e08214"
FONT = 'font-family="sans-serif" font-size="12"'


@dataclass(frozen=True)
class IntervalRow:
    """One row of an interval chart: a label, an estimate with its interval, and a colour."""

    label: str
    estimate: float
    low: float
    high: float
    colour: str


def _text(value: object) -> str:
    """Text safe inside SVG and HTML."""
    return html.escape(str(value), quote=True)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _nice_ticks(low: float, high: float, count: int = TICKS) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering ``low``–``high``."""
    span = high - low
    if not math.isfinite(span) or span <= 0:
        return [low]
    raw = span / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = min((1.0, 2.0, 5.0, 10.0), key=lambda m: abs(m * power - raw)) * power
    first = math.ceil(low / step) * step
    return [float(v) for v in np.arange(first, high + step / 2, step) if low <= v <= high]


def intervals_svg(rows: Sequence[IntervalRow], *, unit: str, title: str) -> str:
    """Rows of estimates: a bar from zero to the estimate, the interval as a whisker, a dot.

    Parameters
    ----------
    rows : in the order drawn, top to bottom; rows without a finite estimate are left out.
    unit : written after the axis' numbers (``" %"``, ``" points"``, or ``""``).
    title : what the chart shows, for screen readers (escaped).
    """
    drawn = [r for r in rows if math.isfinite(r.estimate)]
    if not drawn:
        return ""
    ends = [v for r in drawn for v in (r.estimate, r.low, r.high) if math.isfinite(v)]
    low, high = min(*ends, 0.0), max(*ends, 0.0)
    pad = 0.05 * (high - low or 1.0)
    low, high = low - pad, high + pad
    left, right = LABEL_WIDTH, SVG_WIDTH - MARGIN

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    height = len(drawn) * ROW_HEIGHT + AXIS_HEIGHT
    parts = [
        f'<svg viewBox="0 0 {SVG_WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{_text(title)}" {FONT}>',
        f"<title>{_text(title)}</title>",
    ]
    bottom = len(drawn) * ROW_HEIGHT
    parts.extend(
        f'<line x1="{x(tick):.1f}" y1="0" x2="{x(tick):.1f}" y2="{bottom}" '
        f'stroke="{GRID_COLOUR}" stroke-width="{1.5 if tick == 0 else 0.5}"/>'
        f'<text x="{x(tick):.1f}" y="{bottom + 16}" text-anchor="middle" '
        f'fill="{TEXT_COLOUR}">{_text(number(tick, unit, trim=True))}</text>'
        for tick in _nice_ticks(low, high)
    )
    for position, row in enumerate(drawn):
        middle = position * ROW_HEIGHT + ROW_HEIGHT / 2
        start, end = sorted((x(0.0), x(row.estimate)))
        parts.append(
            f'<text x="{left - 8}" y="{middle + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{_text(_short(row.label))}</text>'
            f'<rect x="{start:.1f}" y="{middle - 7:.1f}" width="{end - start:.1f}" height="14" '
            f'fill="{row.colour}" fill-opacity="0.3"/>'
        )
        if math.isfinite(row.low) and math.isfinite(row.high):
            parts.append(
                f'<line x1="{x(row.low):.1f}" y1="{middle:.1f}" x2="{x(row.high):.1f}" '
                f'y2="{middle:.1f}" stroke="{row.colour}" stroke-width="2"/>'
            )
        parts.append(
            f'<circle cx="{x(row.estimate):.1f}" cy="{middle:.1f}" r="4" fill="{row.colour}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(series: pd.DataFrame, marks: pd.DatetimeIndex, *, unit: str, title: str) -> str:
    """An outcome over time: each day (faint), the smoothed line (bold), marked days (lines).

    Parameters
    ----------
    series : ``date, value, smoothed`` (as :func:`pga_core.views.outcome_series` gives).
    marks : days to mark with a faint vertical line (those outside the series are left out).
    unit : written after the highest and lowest value on the axis.
    title : what the chart shows, for screen readers (escaped).
    """
    if series.empty:
        return ""
    dates = pd.DatetimeIndex(series["date"])
    first, last = dates.min(), dates.max()
    values = series["value"].to_numpy(dtype=float)
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    if high == low:
        low, high = low - 1.0, high + 1.0
    left, right = 56.0, SVG_WIDTH - MARGIN
    top, bottom = MARGIN, TIMELINE_HEIGHT - 20
    days = max((last - first).days, 1)

    def x(day: pd.Timestamp) -> float:
        return left + (day - first).days / days * (right - left)

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    parts = [
        f'<svg viewBox="0 0 {SVG_WIDTH} {TIMELINE_HEIGHT}" width="100%" role="img" '
        f'aria-label="{_text(title)}" {FONT}>',
        f"<title>{_text(title)}</title>",
    ]
    parts.extend(
        f'<line x1="{x(day):.1f}" y1="{top}" x2="{x(day):.1f}" y2="{bottom}" '
        f'stroke="{MARK_COLOUR}" stroke-opacity="0.35"/>'
        for day in marks[(marks >= first) & (marks <= last)]
    )
    for column, width, opacity in (("value", 1, 0.45), ("smoothed", 2.5, 1.0)):
        path = _path(dates, series[column].to_numpy(dtype=float), x, y)
        if path:
            parts.append(
                f'<path d="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="{width}" '
                f'stroke-opacity="{opacity}"/>'
            )
    parts.extend(
        f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
        f'fill="{TEXT_COLOUR}">{_text(number(value, unit, digits=3, trim=True))}</text>'
        for value in (low, high)
    )
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{TIMELINE_HEIGHT - 4}" text-anchor="{anchor}" '
            f'fill="{TEXT_COLOUR}">{day:%Y-%m-%d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _path(
    dates: pd.DatetimeIndex,
    values: np.ndarray,
    x: Callable[[pd.Timestamp], float],
    y: Callable[[float], float],
) -> str:
    """An SVG path through the finite values, broken where a day has none."""
    commands = []
    pen_down = False
    previous: pd.Timestamp | None = None
    for day, value in zip(dates, values, strict=True):
        gap = previous is not None and (day - previous).days > 1
        if not math.isfinite(value) or gap:
            pen_down = False
        if math.isfinite(value):
            commands.append(f"{'L' if pen_down else 'M'}{x(day):.1f},{y(value):.1f}")
            pen_down = True
        previous = day
    return "".join(commands)
