"""The Goals and Personal gradient pages in a real browser: fit the sample, then try a change."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from pga_core.goals import default_tree, fit_tree, leverage
from pga_core.views import _data as core_dashboard
from pga_core.words import signed

#: The top goal's change while every slider is at its start.
NO_CHANGE = "0 points"


def test_fit_the_default_tree_then_move_a_what_if_slider(empty_workspace, dashboard) -> None:
    page = dashboard.page
    dashboard.open("Goals")
    page.get_by_text("All 3 goals can be fitted.").wait_for()
    dashboard.click("Fit")
    page.get_by_text("Fitted; the fit is kept for this visit only.").wait_for()
    for goal in ("Overall health", "VO₂ max", "Zone-5 time"):
        page.get_by_role("tab", name=goal).wait_for()
    panel = page.get_by_role("tabpanel").first
    expect(
        panel.get_by_role("heading", name="Overall health — predicts Recovery score")
    ).to_be_visible()
    expect(panel.get_by_text("It beats the mean.")).to_be_visible()
    # the weights, the climb and predicted vs actual, each a chart
    charts = panel.locator("[data-testid='stVegaLiteChart']")
    expect(charts).to_have_count(3)
    weights = charts.first.locator("svg text")
    for expression in default_tree().root.inputs:
        expect(weights.filter(has_text=expression)).to_have_count(1)
    expect(panel.locator("[data-testid='stMetricValue']").first).to_have_text(
        re.compile(r"0\.\d{3}")
    )
    dashboard.screenshot("goals-fitted")

    dashboard.open("Personal gradient")
    page.get_by_role("heading", name="What if").wait_for()
    headline = page.locator("[data-testid='stMetricValue']").first
    expect(headline).to_have_text(NO_CHANGE)
    expect(
        page.get_by_text("1. Have any alcoholic drinks?: yes on one fewer day a week")
    ).to_be_visible()
    alcohol = page.get_by_role("slider").first  # the top lever: drinking, in days per week
    alcohol.focus()
    page.keyboard.press("ArrowLeft")  # half a drinking day fewer a week
    page.keyboard.press("ArrowLeft")
    dashboard.idle()
    # one fewer drinking day a week through the linear top goal: its weight per unit × −1/7
    fit = fit_tree(default_tree(), core_dashboard.load_sample(), n_boot=0)
    per_unit = leverage(fit).set_index("input").loc["have_any_alcoholic_drinks", "per_unit"]
    expect(headline).to_have_text(f"{signed(-per_unit / 7)} points")
    dashboard.screenshot("gradient-what-if")
