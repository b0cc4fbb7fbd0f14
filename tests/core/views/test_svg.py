"""Inline SVG charts of the report: well-formed, escaped, placed by the numbers."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from pga_core import views
from pga_core.views._svg import LABEL_WIDTH, SVG_WIDTH, _nice_ticks

ROWS = [
    views.IntervalRow("<b>x</b>", -20.0, -25.0, -15.0, "#b2182b"),
    views.IntervalRow("caffeine", 5.0, -2.0, 12.0, "#777777"),
    views.IntervalRow("nothing yet", math.nan, math.nan, math.nan, "#777777"),
]


def test_interval_rows_are_well_formed_escaped_and_placed_by_value() -> None:
    drawing = views.intervals_svg(ROWS, unit=" %", title="Impact <on> recovery")
    root = ET.fromstring(drawing)  # well-formed XML, so well-formed inline SVG
    assert root.tag == "svg"
    assert "xmlns" not in drawing
    assert "http" not in drawing
    assert root.find("title").text == "Impact <on> recovery"
    labels = [t.text for t in root.iter("text") if t.get("text-anchor") == "end"]
    assert labels == ["<b>x</b>", "caffeine"]  # the row without an estimate is left out
    dots = [float(c.get("cx")) for c in root.iter("circle")]
    whiskers = [
        (float(w.get("x1")), float(w.get("x2")))
        for w in root.iter("line")
        if w.get("stroke-width") == "2"
    ]
    # x is linear in the value: the dot sits where the estimate falls between the whisker ends
    for (low, high), dot, row in zip(whiskers, dots, ROWS, strict=False):
        share = (row.estimate - row.low) / (row.high - row.low)
        assert dot == pytest.approx(low + share * (high - low), abs=0.2)
    assert all(LABEL_WIDTH <= d <= SVG_WIDTH for d in dots)
    ticks = [t.text for t in root.iter("text") if t.get("text-anchor") == "middle"]
    assert "0 %" in ticks


def test_nothing_to_draw_is_no_drawing() -> None:
    assert views.intervals_svg(ROWS[2:], unit="", title="x") == ""
    empty = pd.DataFrame({"date": pd.to_datetime([]), "value": [], "smoothed": []})
    assert views.timeline_svg(empty, pd.DatetimeIndex([]), unit="", title="x") == ""


def test_nice_ticks_are_round_and_inside() -> None:
    assert _nice_ticks(-26.0, 14.0) == [-20.0, -10.0, 0.0, 10.0]
    assert _nice_ticks(0.0, 1.0) == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert _nice_ticks(3.0, 3.0) == [3.0]


def test_the_timeline_breaks_at_gaps_and_marks_the_days() -> None:
    dates = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-06", "2024-01-07"])
    series = pd.DataFrame(
        {"date": dates, "value": [50.0, 60.0, 55.0, 70.0, 40.0], "smoothed": [math.nan] * 5}
    )
    marks = pd.DatetimeIndex(["2024-01-02", "2024-01-06", "2025-01-01"])
    drawing = views.timeline_svg(series, marks, unit=" %", title="Recovery & HRV")
    root = ET.fromstring(drawing)
    (path,) = list(root.iter("path"))  # no smoothed values: one line only
    assert path.get("d").count("M") == 2  # a new stroke after the three missing days
    assert path.get("d").count("L") == 3
    marked = list(root.iter("line"))
    assert len(marked) == 2  # the mark outside the days is left out
    texts = [t.text for t in root.iter("text")]
    assert texts == ["40 %", "70 %", "2024-01-01", "2024-01-07"]
    assert root.find("title").text == "Recovery & HRV"
