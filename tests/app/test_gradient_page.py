"""The Personal gradient page in AppTest: the offer to fit, levers, control and what-if."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pga_core.data import Workspace
from pga_core.goals import GoalTree, default_tree, fit_tree, leverage, starter_tree
from pga_core.views import _data as dashboard
from pga_core.views import fit_document, fit_json, levers_in_words
from pga_core.words import signed
from tests.app.page_text import run, shown, texts

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
GRADIENT = "app_pages/gradient.py"
N_BOOT = 10
ALCOHOL = "gradient_slider_have_any_alcoholic_drinks"


@pytest.fixture
def open_gradient(open_page):
    """The Personal gradient page in a fresh session, with few bootstrap resamples."""
    return lambda: open_page(GRADIENT, fit_n_boot=N_BOOT)


@pytest.fixture(scope="module")
def sample_fit():
    """The starter tree fitted on the sample person, as the page fits it."""
    sample = dashboard.load_sample()
    return fit_tree(starter_tree(sample).tree, sample, n_boot=N_BOOT)


def root_metric(app: AppTest) -> str:
    (metric,) = [m for m in app.metric if shown(m.label).startswith("Predicted change in")]
    return metric.value


def lever_lines(app: AppTest) -> list[str]:
    return [t for t in texts(app.markdown) if re.match(r"\d+\. ", t)]


def test_with_nothing_fitted_the_page_offers_to_fit_a_starter_tree(
    open_gradient, sample_fit
) -> None:
    app = open_gradient()
    assert [t.value for t in app.title] == ["Personal gradient"]
    assert app.info[0].value == dashboard.SAMPLE_NOTICE
    assert any(t.startswith("No goal tree has been fitted on the sample person yet") for t in
               texts(app.info))  # fmt: skip
    assert not app.slider
    app.button(key="gradient_fit_starter").click()
    run(app)
    assert not [t for t in texts(app.info) if t.startswith("No goal tree has been fitted")]
    assert len(lever_lines(app)) == len(leverage(sample_fit))
    assert root_metric(app) == "0 points"


def test_the_levers_are_ranked_in_plain_words_after_a_fit(open_gradient, sample_fit) -> None:
    app = open_gradient()
    app.button(key="gradient_fit_starter").click()
    run(app)
    levers = levers_in_words(leverage(sample_fit), sample_fit)
    expected = [f"{rank}. {s}" for rank, s in enumerate(levers["sentence"], start=1)]
    assert sorted(lever_lines(app)) == sorted(expected)
    controlled = levers.loc[levers["controllable"], "input"].tolist()
    assert [s.key for s in app.slider] == [f"gradient_slider_{c}" for c in controlled]
    assert app.multiselect(key="gradient_you_control_goals").value == controlled


def test_moving_a_slider_changes_the_top_goals_prediction(open_gradient, sample_fit) -> None:
    app = open_gradient()
    app.button(key="gradient_fit_starter").click()
    run(app)
    start = app.slider(key=ALCOHOL).value
    app.slider(key=ALCOHOL).set_value(start - 1.0)
    run(app)
    per_unit = leverage(sample_fit).set_index("input").loc["have_any_alcoholic_drinks", "per_unit"]
    # one fewer drinking day a week, through a linear top goal: its weight times −1/7
    assert root_metric(app) == f"{signed(-per_unit / 7)} points"
    assert root_metric(app).startswith("+")
    table = next(t.value for t in app.dataframe if "Before" in t.value.columns)
    assert table["Goal"].tolist() == ["Day strain", "Zone-5 time", "VO₂ max", "Overall health"]
    assert table["Change"].tolist() == ["0", "0", "0", signed(-per_unit / 7)]

    app.button(key="gradient_reset").click()
    run(app)
    assert app.slider(key=ALCOHOL).value == start
    assert root_metric(app) == "0 points"


def test_a_change_deep_in_the_tree_reaches_the_top_goal(open_gradient) -> None:
    app = open_gradient()
    app.button(key="gradient_fit_starter").click()
    run(app)
    water = app.slider(key="gradient_slider_hydration_l")
    water.set_value(round(water.value + 0.5, 2))
    run(app)
    table = next(t.value for t in app.dataframe if "Before" in t.value.columns)
    changes = table.set_index("Goal")["Change"]
    # water feeds zone-5 time, then VO₂ max, then the top goal; the day strain is not on its way
    assert all(changes[g].startswith("+") for g in ("Zone-5 time", "VO₂ max", "Overall health"))
    assert changes["Day strain"] == "0"
    assert root_metric(app) == f"{table['Change'].iloc[-1]} points"


def test_what_the_person_controls_can_be_changed(open_gradient) -> None:
    app = open_gradient()
    app.button(key="gradient_fit_starter").click()
    run(app)
    control = app.multiselect(key="gradient_you_control_goals")
    chosen = [c for c in control.value if c != "have_any_alcoholic_drinks"] + ["asleep_min"]
    control.set_value(chosen)
    run(app)
    assert ALCOHOL not in [s.key for s in app.slider]
    assert "gradient_slider_asleep_min" in [s.key for s in app.slider]
    alcohol = next(t for t in lever_lines(app) if "alcoholic" in t)
    assert alcohol.endswith("— not something you set directly")
    sleep = next(t for t in lever_lines(app) if t.split(". ", 1)[1].startswith("Asleep"))
    assert "not something you set directly" not in sleep


def test_a_saved_fit_of_own_data_is_shown_without_fitting(open_gradient, workspace) -> None:
    workspace.import_sources([SAMPLE / name for name in dashboard.SAMPLE_EXPORTS])
    fit = fit_tree(default_tree(), workspace.daily(), n_boot=N_BOOT)
    revision = dashboard.workspace_revision(workspace)
    workspace.save_goals("goals", default_tree().to_json())
    workspace.save_fit("goals", fit_document(fit, imports=revision))
    app = open_gradient()
    assert dashboard.SAMPLE_NOTICE not in [i.value for i in app.info]
    assert "gradient_fit_starter" not in [b.key for b in app.button]
    sentences = levers_in_words(leverage(fit), fit)["sentence"]
    expected = [f"{r}. {s}" for r, s in enumerate(sentences, start=1)]
    assert sorted(lever_lines(app)) == sorted(expected)
    assert not [w for w in texts(app.warning) if w.startswith("Your data changed")]

    Workspace(workspace.path).remove_import(int(revision[-1]))
    later = open_gradient()
    assert any(w.startswith("Your data changed since this fit") for w in texts(later.warning))


def test_a_fit_from_the_command_line_is_shown_with_a_note(open_gradient, workspace) -> None:
    workspace.import_sources([SAMPLE / name for name in dashboard.SAMPLE_EXPORTS])
    fit = fit_tree(default_tree(), workspace.daily(), n_boot=N_BOOT)
    workspace.save_goals("goals", default_tree().to_json())
    workspace.save_fit("goals", fit_json(fit))  # as `python -m pga_core fit` saves it
    app = open_gradient()
    assert len(lever_lines(app)) == len(leverage(fit))
    assert any(c.startswith("This fit does not record which imports") for c in texts(app.caption))
    assert not [w for w in texts(app.warning) if w.startswith("Your data changed")]


def test_data_no_tree_can_be_built_from_say_why_and_offer_no_fit(open_gradient, workspace) -> None:
    workspace.import_sources([SAMPLE / "habits.csv"])  # no measurement at all in a habit sheet
    app = open_gradient()
    (warning,) = texts(app.warning)
    assert warning.startswith(
        "No goal tree has been fitted on your data, and none can be built from these data: no "
        "starter goal tree: the data hold no measurement"
    )
    assert "gradient_fit_starter" not in [b.key for b in app.button]
    assert not texts(app.error)
    assert workspace.load_fit("goals") is None


def test_with_several_fitted_trees_the_person_chooses_one(open_gradient, workspace) -> None:
    workspace.import_sources([SAMPLE / name for name in dashboard.SAMPLE_EXPORTS])
    revision = dashboard.workspace_revision(workspace)
    small = {"name": "Sleep", "target": "asleep_min", "inputs": ["have_any_caffeine", "steps"]}
    for name, document in (("goals", default_tree().to_json()), ("sleep", small)):
        fit = fit_tree(GoalTree.from_json(document), workspace.daily(), n_boot=N_BOOT)
        workspace.save_goals(name, document)
        workspace.save_fit(name, fit_document(fit, imports=revision))
    app = open_gradient()
    choice = app.selectbox(key="gradient_tree")
    assert choice.options == ["goals", "sleep"]
    assert choice.value == "goals"
    assert len(lever_lines(app)) == 11
    choice.set_value("sleep")
    run(app)
    lines = lever_lines(app)
    assert len(lines) == 2
    assert all("of Asleep duration" in line for line in lines)


def test_names_like_markdown_are_shown_literally(open_gradient, workspace) -> None:
    tricky = "**bold** <b>x</b> [link](http://x)"
    rng = np.random.default_rng(0)
    days = pd.date_range("2024-01-01", periods=120, freq="D")
    yes = rng.integers(0, 2, len(days))
    score = 50 + 5 * yes + rng.normal(0, 2, len(days))
    rows = "".join(
        f"{d:%Y-%m-%d},{'yes' if y else 'no'},{s:.1f}\n"
        for d, y, s in zip(days, yes, score, strict=True)
    )
    workspace.import_sources([("log.csv", f"date,{tricky},score\n{rows}".encode())])
    column = next(n for n, v in workspace.daily().registry.items() if v.label == tricky)
    tree = {"name": tricky, "target": "score", "inputs": [column]}
    fit = fit_tree(GoalTree.from_json(tree), workspace.daily(), n_boot=N_BOOT)
    workspace.save_goals("goals", tree)
    workspace.save_fit("goals", fit_document(fit, imports=dashboard.workspace_revision(workspace)))
    app = open_gradient()
    (slider,) = app.slider
    assert shown(slider.label) == f"{tricky} (days per week)"
    (line,) = lever_lines(app)
    assert line.startswith(f"1. {tricky}: yes on one more day a week")
    for element in (*app.markdown, *app.caption, *app.warning, *app.info):
        assert tricky not in element.value, element.value
    assert tricky not in slider.label


def test_a_whoop_only_person_gets_levers_and_a_working_what_if(open_gradient, workspace) -> None:
    workspace.import_sources([SAMPLE / "whoop_export.zip"])
    app = open_gradient()
    app.button(key="gradient_fit_starter").click()
    run(app)
    daily = workspace.daily()
    fit = fit_tree(starter_tree(daily).tree, daily, n_boot=N_BOOT)
    levers = levers_in_words(leverage(fit), fit)
    assert sorted(lever_lines(app)) == sorted(
        f"{rank}. {s}" for rank, s in enumerate(levers["sentence"], start=1)
    )
    assert any("Have any alcoholic drinks?: yes on one fewer day a week" in t
               for t in lever_lines(app))  # fmt: skip
    assert root_metric(app) == "0 points"
    start = app.slider(key=ALCOHOL).value
    app.slider(key=ALCOHOL).set_value(start - 1.0)
    run(app)
    per_unit = leverage(fit).set_index("input").loc["have_any_alcoholic_drinks", "per_unit"]
    assert root_metric(app) == f"{signed(-per_unit / 7)} points"
    assert root_metric(app).startswith("+")
