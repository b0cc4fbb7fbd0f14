"""The Goals and Personal gradient pages in a real browser: fit a tree, then try a change."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from pga_core.data import Workspace
from pga_core.data.readers import read_exports
from pga_core.goals import fit_tree, leverage, starter_tree
from pga_core.views import _data as core_dashboard
from pga_core.words import signed

SAMPLE_ZIP = Path(__file__).resolve().parents[2] / "data" / "sample" / "whoop_export.zip"
#: The top goal's change while every slider is at its start.
NO_CHANGE = "0 points"
ALCOHOL = "Have any alcoholic drinks?"


def alcohol_slider(page):
    """The drinking lever's what-if slider (in days per week)."""
    return (
        page.locator("[data-testid='stSlider']")
        .filter(has_text=f"{ALCOHOL} (days per week)")
        .get_by_role("slider")
    )


def one_fewer_drinking_day(dashboard, per_unit: float) -> None:
    """Move the drinking slider down a day a week; the top goal moves by its weight × −1/7."""
    page = dashboard.page
    headline = page.locator("[data-testid='stMetricValue']").first
    expect(headline).to_have_text(NO_CHANGE)
    slider = alcohol_slider(page)
    slider.focus()
    page.keyboard.press("ArrowLeft")  # half a drinking day fewer a week
    page.keyboard.press("ArrowLeft")
    dashboard.idle()
    expect(headline).to_have_text(f"{signed(-per_unit / 7)} points")


def test_fit_the_starter_tree_then_move_a_what_if_slider(empty_workspace, dashboard) -> None:
    page = dashboard.page
    dashboard.open("Goals")
    sample = core_dashboard.load_sample()
    tree = starter_tree(sample).tree
    page.get_by_text(f"All {len(tree.nodes)} goals can be fitted.").wait_for()
    dashboard.click("Fit")
    page.get_by_text("Fitted; the fit is kept for this visit only.").wait_for()
    for goal in tree.nodes:
        page.get_by_role("tab", name=goal.name).wait_for()
    panel = page.get_by_role("tabpanel").first
    expect(
        panel.get_by_role("heading", name="Overall health — predicts Health index")
    ).to_be_visible()
    expect(panel.get_by_text("It beats the mean.")).to_be_visible()
    # the weights, the climb and predicted vs actual, each a chart
    charts = panel.locator("[data-testid='stVegaLiteChart']")
    expect(charts).to_have_count(3)
    weights = charts.first.locator("svg text")
    expect(weights.filter(has_text=f"{ALCOHOL} (the day before)")).to_have_count(1)
    expect(panel.locator("[data-testid='stMetricValue']").first).to_have_text(
        re.compile(r"0\.\d{3}")
    )
    dashboard.screenshot("goals-fitted")

    dashboard.open("Personal gradient")
    page.get_by_role("heading", name="What if").wait_for()
    expect(
        page.get_by_text(re.compile(rf"\d+\. {re.escape(ALCOHOL)}: yes on one fewer day a week"))
    ).to_be_visible()
    fit = fit_tree(tree, sample, n_boot=0)
    per_unit = leverage(fit).set_index("input").loc["have_any_alcoholic_drinks", "per_unit"]
    one_fewer_drinking_day(dashboard, per_unit)
    dashboard.screenshot("gradient-what-if")


def test_a_whoop_only_person_fits_a_starter_tree_and_tries_a_change(
    empty_workspace, dashboard
) -> None:
    page = dashboard.page
    dashboard.upload(str(SAMPLE_ZIP))
    dashboard.click("Import")
    page.get_by_text("Imported from WHOOP: 718 new days, 0 updated.").wait_for()
    dashboard.open("Goals")
    page.get_by_text("All 2 goals can be fitted.").wait_for()
    assert page.get_by_text("No goal can be fitted").count() == 0
    dashboard.click("Fit")
    page.get_by_text("Fitted; the fit is kept in your workspace as 'goals'.").wait_for()
    page.get_by_role("tab", name="Day strain").wait_for()
    dashboard.screenshot("goals-whoop-only")

    dashboard.open("Personal gradient")
    page.get_by_role("heading", name="Levers").wait_for()
    expect(
        page.get_by_text(re.compile(rf"\d+\. {re.escape(ALCOHOL)}: yes on one fewer day a week"))
    ).to_be_visible()
    daily = read_exports([SAMPLE_ZIP])
    fit = fit_tree(starter_tree(daily).tree, daily, n_boot=0)
    per_unit = leverage(fit).set_index("input").loc["have_any_alcoholic_drinks", "per_unit"]
    one_fewer_drinking_day(dashboard, per_unit)
    dashboard.screenshot("gradient-whoop-only")
    Workspace(empty_workspace).delete_goals("goals")
