"""The Experiments page in a real browser: plan on your data, import the weeks after, read it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from pga_core import views
from pga_core.data import Workspace
from pga_core.experiments import ExperimentPlan, analyse_experiment
from pga_core.sample import generate_person, write_sample

NAME = "dry *week* [x](y)"
LEVER = "Have any alcoholic drinks?"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    """The sample generator's WHOOP exports: before the experiment, and its weeks."""
    folder = tmp_path_factory.mktemp("experiment-exports")
    before = generate_person(60, seed=3, start="2024-01-01")
    during = generate_person(60, seed=4, start="2024-03-01")
    return {
        "before": write_sample(before, folder / "before")["whoop_export.zip"],
        "during": write_sample(during, folder / "during")["whoop_export.zip"],
    }


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label)
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()


def type_into(page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Enter")


def test_plan_import_the_following_weeks_and_see_the_result(
    empty_workspace, dashboard, exports
) -> None:
    workspace = Workspace(empty_workspace)
    for name in workspace.experiment_names():
        workspace.delete_experiment(name)
    workspace.import_sources([exports["before"]])
    page = dashboard.page
    page.reload()
    page.wait_for_selector("h1")
    dashboard.idle()
    dashboard.open("Experiments")
    choose(page, "What to change", LEVER)
    dashboard.idle()
    type_into(page, "A: rule", "no")
    dashboard.idle()
    type_into(page, "B: rule", "yes")
    dashboard.idle()
    type_into(page, "How many weeks you can keep it up", "7")
    dashboard.idle()
    type_into(page, "Name of the experiment", NAME)
    dashboard.idle()
    page.get_by_text("simulated trials of this design on your Recovery score").wait_for()
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the calendar (.ics)").click()
    ics = Path(download.value.path()).read_bytes().decode("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert ics.count("BEGIN:VEVENT") == 48
    dashboard.screenshot("experiments-plan")

    dashboard.click("Start this experiment")
    page.get_by_text("It starts on Fri 1 Mar 2024").wait_for()
    (saved,) = workspace.experiments()
    plan = ExperimentPlan.from_json(saved["plan"])
    assert plan.name == NAME
    expect(page.get_by_text(views.plan_lines(plan)[0], exact=True)).to_be_visible()

    workspace.import_sources([exports["during"]])  # the weeks of the experiment come in
    page.reload()
    page.wait_for_selector("h1")
    dashboard.idle()
    dashboard.open("Experiments")
    page.get_by_role("heading", name="Result").wait_for()
    result = analyse_experiment(plan, workspace.daily())
    for line in views.progress_lines(result.adherence, plan)[:2]:
        expect(page.get_by_text(line, exact=True)).to_be_visible()
    expect(page.get_by_text(views.result_lines(result)[0], exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Beside what was known before")).to_be_visible()
    assert workspace.load_experiment(NAME)["status"] == "complete"
    dashboard.screenshot("experiments-result")
    workspace.delete_experiment(NAME)
