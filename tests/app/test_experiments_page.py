"""The Experiments page in AppTest: plan on the sample, start on your data, follow, analyse."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pga_core import views
from pga_core.experiments import ExperimentPlan, analyse_experiment, draw_orders
from pga_core.sample import generate_person, write_sample
from pga_core.views import escape_markdown
from tests.app.page_text import run, shown, texts

PAGE = "app_pages/experiments.py"
ALCOHOL = "have_any_alcoholic_drinks"
TRICKY = "**dry** <b>x</b> [link](http://x) :red[no]"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    before = generate_person(60, seed=3, start="2024-01-01")
    during = generate_person(60, seed=4, start="2024-03-01")
    return {
        "before": write_sample(before, folder / "before")["whoop_export.zip"],
        "during": write_sample(during, folder / "during")["whoop_export.zip"],
    }


@pytest.fixture
def own_data(workspace, exports):
    workspace.import_sources([exports["before"]])
    return workspace


def markdown(app: AppTest) -> list[str]:
    return texts(app.markdown)


def start_experiment(app: AppTest, name: str = TRICKY) -> AppTest:
    """Plan alcohol against recovery (no drinks against drinks), 6 pairs, and start it."""
    app.selectbox(key="experiments_lever").set_value(ALCOHOL)
    run(app)
    app.text_input(key=f"experiments_on_{ALCOHOL}").input("no")
    app.text_input(key=f"experiments_off_{ALCOHOL}").input("yes")
    app.text_input(key=f"experiments_on_name_{ALCOHOL}").input("no drinks")
    app.number_input(key="experiments_weeks").set_value(7)  # 49 days: 6 pairs of 4 days
    app.number_input(key="experiments_seed").set_value(42)
    app.text_input(key="experiments_name").input(name)
    run(app)
    app.button(key="experiments_start_button").click()
    return run(app)


def test_on_the_sample_a_plan_and_its_power_are_shown_but_not_saved(open_page, workspace):
    app = open_page(PAGE)
    assert [t.value for t in app.title] == ["Experiments"]
    assert app.info[0].value == views.SAMPLE_NOTICE
    lines = markdown(app)
    assert any(line.startswith("Experiment 'My experiment': ") for line in lines)
    assert any("simulated trials of this design on your" in line for line in lines)
    assert any(t.startswith("Experiments are kept in your workspace") for t in texts(app.info))
    assert not [b for b in app.button if b.key == "experiments_start_button"]
    assert workspace.experiments() == []


def test_a_rule_that_cannot_be_read_is_an_error_not_a_crash(open_page, own_data) -> None:
    app = open_page(PAGE)
    app.selectbox(key="experiments_lever").set_value(ALCOHOL)
    run(app)
    app.text_input(key=f"experiments_on_{ALCOHOL}").input("maybe")
    run(app)
    assert any("condition A: rule 'maybe'" in t for t in texts(app.error))


def test_starting_saves_the_plan_and_shows_it_with_the_name_literal(open_page, own_data):
    app = start_experiment(open_page(PAGE))
    record = own_data.load_experiment(TRICKY)
    plan = ExperimentPlan.from_json(record["plan"])
    assert (plan.behaviour, plan.outcome, plan.seed) == (ALCOHOL, "recovery_score", 42)
    assert plan.orders == draw_orders(42, 6)
    assert [c.name for c in plan.conditions] == ["no drinks", "yes"]
    assert app.selectbox(key="experiments_open").value == TRICKY
    lines = markdown(app)
    assert views.plan_lines(plan)[0] in lines  # shown exactly, not as Markdown
    assert escape_markdown(views.plan_lines(plan)[0]) in [m.value for m in app.markdown]
    assert any(line.startswith("It starts on Fri 1 Mar 2024") for line in lines)
    assert any(t.startswith("No pair is complete yet") for t in texts(app.info))


def test_imported_weeks_show_adherence_and_the_result(open_page, own_data, exports) -> None:
    start_experiment(open_page(PAGE), name="dry")
    own_data.import_sources([exports["during"]])
    app = open_page(PAGE)
    assert app.selectbox(key="experiments_open").value == "dry"
    plan = ExperimentPlan.from_json(own_data.load_experiment("dry")["plan"])
    result = analyse_experiment(plan, own_data.daily())
    lines = markdown(app)
    for line in views.progress_lines(result.adherence, plan) + views.result_lines(result):
        assert line in lines
    assert "Result" in [h.value for h in app.header]
    comparison = next(t.value for t in app.dataframe if "Source" in t.value.columns)
    assert comparison["Source"].iloc[-2:].tolist() == [
        "This experiment, as planned", "This experiment, as done",
    ]  # fmt: skip
    stored = own_data.load_experiment("dry")
    assert stored["status"] == "complete"
    assert stored["result"] == result.to_json()


def test_an_experiment_can_be_abandoned_and_restarted(open_page, own_data) -> None:
    app = start_experiment(open_page(PAGE), name="dry")
    app.button(key="experiments_abandon").click()
    run(app)
    assert own_data.load_experiment("dry")["status"] == "abandoned"
    assert not [b for b in app.button if b.key == "experiments_abandon"]
    app.button(key="experiments_restart").click()
    run(app)
    record = own_data.load_experiment("dry")
    assert record["status"] == "active"
    assert ExperimentPlan.from_json(record["plan"]).orders == draw_orders(record["seed"], 6)


def test_a_name_already_taken_cannot_be_started_twice(open_page, own_data) -> None:
    app = start_experiment(open_page(PAGE), name="dry")
    app.selectbox(key="experiments_open").set_value("Plan a new experiment")
    run(app)
    app.text_input(key="experiments_name").input("dry")
    run(app)
    assert app.button(key="experiments_start_button").disabled
    assert any("An experiment named 'dry' exists" in t for t in texts(app.warning))
    assert shown(app.warning[0].value) == app.warning[0].value.replace("\\", "")
