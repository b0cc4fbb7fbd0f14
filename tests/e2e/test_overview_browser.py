"""The Overview page, the date range and the report download, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS

ALL_DAYS = "Days used: all days, from 2023-01-02 to 2024-12-31, 730 days."
LAST_YEAR = "Days used: the last 12 months, from 2024-01-01 to 2024-12-31, 366 days."


def _choose_range(dashboard, choice: str) -> None:
    """Pick a date range in the sidebar's "Days to use"."""
    page = dashboard.page
    page.get_by_test_id("stSidebar").get_by_text("Days to use").wait_for()
    page.get_by_test_id("stSidebar").locator("[data-testid='stSelectbox']").click()
    page.get_by_role("option", name=choice, exact=True).click()
    dashboard.idle()


def test_the_overview_of_the_sample_shows_outcomes_findings_and_what_next(
    empty_workspace, dashboard
) -> None:
    page = dashboard.page
    dashboard.open("Overview")
    expect(page.get_by_text(ALL_DAYS)).to_be_visible()
    charts = page.locator("[data-testid='stVegaLiteChart']")
    expect(charts).to_have_count(6)  # recovery, two HRVs, resting HR, sleep performance, asleep
    expect(charts.first.locator("svg path").first).to_be_attached()
    # each chart follows the width of its column (half the page, beside the sidebar)
    column = page.locator("[data-testid='stColumn']").first.bounding_box()
    drawing = charts.first.locator("svg").first.bounding_box()
    assert column is not None
    assert drawing is not None
    assert column["width"] - 40 <= drawing["width"] <= column["width"] + 1
    expect(
        page.get_by_text(
            re.compile(r"After 'Have any alcoholic drinks\?' = yes, Recovery score the next day")
        )
    ).to_be_visible()
    expect(page.get_by_text("No goal tree has been fitted on these days yet")).to_be_visible()
    expect(page.get_by_role("link", name="Fit a goal tree")).to_be_visible()
    expect(page.get_by_text("This is the sample person: import your own exports")).to_be_visible()
    dashboard.screenshot("overview-sample")


def test_the_date_range_reaches_every_page(empty_workspace, dashboard) -> None:
    page = dashboard.page
    dashboard.open("Overview")
    _choose_range(dashboard, "The last 12 months")
    expect(page.get_by_text(LAST_YEAR)).to_be_visible()
    dashboard.screenshot("overview-last-12-months")
    dashboard.open("Data")
    expect(page.get_by_text(LAST_YEAR)).to_be_visible()
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text("366")
    dashboard.open("Behaviours")
    expect(page.get_by_text(LAST_YEAR)).to_be_visible()
    _choose_range(dashboard, "From one date to another")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("spinbutton", name="year, From").click()
    page.keyboard.type("20240601")  # year, month and day in turn
    page.get_by_role("heading", name="Behaviours", exact=True).click()  # leaving it sets it
    dashboard.idle()
    expect(page.get_by_text(re.compile(r"Days used: from one date to another, from 2024-06-01 "
                                       r"to 2024-12-31, 214 days\."))).to_be_visible()  # fmt: skip
    dashboard.screenshot("behaviours-custom-range")
    _choose_range(dashboard, "All days")
    expect(page.get_by_text(ALL_DAYS)).to_be_visible()


def test_the_report_downloads_as_one_self_contained_file(
    empty_workspace, dashboard, tmp_path
) -> None:
    page = dashboard.page
    dashboard.open("Overview")
    button = page.get_by_role("button", name="Download the report")
    expect(button).to_be_visible()
    with page.expect_download() as waiting:
        button.click()
    download = waiting.value
    assert re.fullmatch(r"pga-report-\d{4}-\d{2}-\d{2}\.html", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "http://" not in text
    assert "https://" not in text
    assert "<script" not in text
    assert ALL_DAYS in text
    for section in ('id="overview"', 'id="behaviours"', 'id="goals"', 'id="limits"'):
        assert section in text
    # the report opens on its own, offline, in the browser
    report = page.context.new_page()
    report.route(re.compile(r"^https?://"), lambda route: route.abort())
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    report.goto(saved.as_uri())
    expect(report.get_by_role("heading", name="Strongest findings")).to_be_visible()
    expect(report.locator("svg").first).to_be_visible()
    report.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
