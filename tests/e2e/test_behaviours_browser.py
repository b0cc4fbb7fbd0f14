"""The Behaviours page in a real browser: after a WHOOP upload, the alcohol bar and its interval."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SAMPLE_ZIP = Path(__file__).resolve().parents[2] / "data" / "sample" / "whoop_export.zip"
ALCOHOL = "Have any alcoholic drinks?"
#: Vega writes numbers with a real minus sign.
MINUS = "\u2212"


def _number(label: str, field: str) -> float:
    """A number from a mark's ARIA label (``field: −21.1; …``)."""
    match = re.search(rf"(?:^|; ){re.escape(field)}: ([{MINUS}\-+]?[\d.]+)", label)
    assert match, f"no {field!r} in {label!r}"
    return float(match.group(1).replace(MINUS, "-"))


def test_after_a_whoop_upload_the_impact_chart_shows_the_alcohol_bar_and_its_interval(
    empty_workspace, dashboard
) -> None:
    page = dashboard.page
    dashboard.upload(str(SAMPLE_ZIP))
    dashboard.click("Import")
    page.get_by_text("Imported from WHOOP").wait_for()

    dashboard.open("Behaviours")
    assert page.get_by_text("You are looking at a sample person").count() == 0
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    bar = chart.locator(f"g.mark-rect path[aria-label*='row: {ALCOHOL};']")
    bar.wait_for()
    label = bar.get_attribute("aria-label") or ""
    change = _number(label, "change")
    low, high = _number(label, "interval from"), _number(label, "interval to")
    assert low < change < high < 0
    assert "finding: likely effect: lower" in label

    # the interval: a whisker across the alcohol row, from beyond the bar's end to inside it
    whisker = chart.locator(f"g.mark-rule line[aria-label*='row: {ALCOHOL};']")
    assert whisker.count() == 1
    bar_box, whisker_box = bar.bounding_box(), whisker.bounding_box()
    assert bar_box is not None
    assert whisker_box is not None
    middle = whisker_box["y"] + whisker_box["height"] / 2
    assert bar_box["y"] < middle < bar_box["y"] + bar_box["height"]
    bar_left, bar_right = bar_box["x"], bar_box["x"] + bar_box["width"]
    whisker_left, whisker_right = whisker_box["x"], whisker_box["x"] + whisker_box["width"]
    assert whisker_left < bar_left < whisker_right < bar_right
    assert whisker_box["width"] / bar_box["width"] == pytest.approx(
        (high - low) / abs(change), rel=0.05
    )
    badge = chart.locator("g.mark-text text").filter(has_text=re.compile(r"^likely · q = "))
    assert badge.count() == 1
    dashboard.screenshot("behaviours-impact")

    dashboard.click("Scan lags 0 to 7 days")
    page.get_by_role("heading", name="Lag scan").wait_for()
    page.get_by_text("q-values now count").wait_for()
    dashboard.screenshot("behaviours-lag-scan")
