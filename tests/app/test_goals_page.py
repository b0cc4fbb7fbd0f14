"""The Goals page in AppTest: the default tree, its check, edits, fitting, saving and loading."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pga_core.data import Workspace
from pga_core.goals import default_tree, fit_tree, repair_tree, starter_tree
from pga_core.views import _data as dashboard
from pga_core.views import fitted_imports, input_label
from tests.app.page_text import run, shown, texts

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
GOALS = "app_pages/goals.py"
#: Few resamples keep these runs quick; people get 200.
N_BOOT = 10
TRICKY = "**bold** <b>x</b> [link](http://x)"
GOAL_NAMES = ["Overall health", "VO₂ max", "Zone-5 time"]


@pytest.fixture
def open_fresh(open_page):
    """The Goals page in a fresh session, with few bootstrap resamples."""
    return lambda: open_page(GOALS, fit_n_boot=N_BOOT)


@pytest.fixture
def open_goals(open_page):
    """The Goals page in a fresh session editing the default tree, with few resamples."""
    return lambda: open_page(GOALS, fit_n_boot=N_BOOT, goals_tree=default_tree())


def import_sample(workspace: Workspace) -> None:
    """The sample person's exports, imported as if they were the person's own."""
    workspace.import_sources([SAMPLE / name for name in dashboard.SAMPLE_EXPORTS])


def default_document() -> dict:
    """The default tree's JSON object."""
    return default_tree().to_json()


def edited_document(app: AppTest) -> dict:
    """The JSON object of the tree the page is editing."""
    return app.session_state["goals_tree"].to_json()


def check_table(app: AppTest) -> pd.DataFrame:
    return next(t.value for t in app.dataframe if "Can be fitted" in t.value.columns)


def apply_json(app: AppTest, document: dict) -> AppTest:
    app.text_area(key="goals_json").input(json.dumps(document)).run()
    app.button(key="goals_apply_json").click()
    return run(app)


def test_a_first_visit_shows_the_starter_tree_built_from_the_data(open_fresh) -> None:
    app = open_fresh()
    assert [t.value for t in app.title] == ["Goals"]
    assert app.info[0].value == dashboard.SAMPLE_NOTICE
    starter = starter_tree(dashboard.load_sample())
    assert edited_document(app) == starter.tree.to_json()
    assert check_table(app)["Can be fitted"].tolist() == ["yes"] * len(starter.tree.nodes)
    assert app.selectbox(key="goals_load_choice").value == " starter"
    assert any(c.startswith("A starter tree, built from the columns") for c in texts(app.caption))
    assert not app.button(key="goals_fit").disabled


def test_the_default_tree_is_shown_and_can_be_fitted(open_fresh, workspace) -> None:
    app = open_fresh()
    app.selectbox(key="goals_load_choice").set_value("").run()
    app.button(key="goals_load").click()
    run(app)
    assert "Loaded the default tree." in texts(app.success)
    assert [t.value for t in app.title] == ["Goals"]
    assert app.info[0].value == dashboard.SAMPLE_NOTICE
    assert edited_document(app) == default_document()
    table = check_table(app)
    assert table["Goal"].tolist() == GOAL_NAMES
    assert table["Predicts"].tolist() == ["recovery_score", "vo2_max", "zone5_min"]
    assert table["Can be fitted"].tolist() == ["yes", "yes", "yes"]
    assert "All 3 goals can be fitted." in texts(app.success)
    assert app.selectbox(key="goals_edit_goal").options == GOAL_NAMES
    assert app.text_input(key="goals_goal_name").value == "Overall health"
    assert app.text_input(key="goals_save_name").value == "goals"
    inputs = next(t.value for t in app.dataframe if "Meaning" in t.value.columns)
    assert inputs["Input"].tolist() == default_document()["inputs"]
    assert "Not fitted yet: press Fit above to fit this tree." in texts(app.info)
    assert json.loads(app.text_area(key="goals_json").value) == default_document()


def test_an_unknown_column_stops_its_goal_and_the_others_still_fit(open_goals) -> None:
    document = default_document()
    document["children"][0]["children"][0]["inputs"].append("sleep_hours@lag1")
    app = apply_json(open_goals(), document)
    assert check_table(app)["Can be fitted"].tolist() == ["yes", "yes", "no"]
    assert any(t.startswith("2 of 3 goals can be fitted") for t in texts(app.warning))
    problems = [t for t in texts(app.markdown) if "sleep_hours" in t]
    assert problems == [  # no "did you mean": no column is close enough to be a misspelling
        "- goal 'Zone-5 time': feature 'sleep_hours@lag1': no column named 'sleep_hours' in the "
        "data"
    ]
    app.button(key="goals_fit").click()
    run(app)
    assert [shown(t.label) for t in app.tabs] == ["Overall health", "VO₂ max"]
    assert any(t.startswith("Not fitted: goal 'Zone-5 time'") for t in texts(app.warning))


def test_a_cycle_is_refused_before_anything_is_fitted(open_goals) -> None:
    document = default_document()
    document["children"][0]["children"][0]["inputs"].append("recovery_score@lag1")
    app = apply_json(open_goals(), document)
    assert "The tree must be mended before any goal can be fitted:" in texts(app.error)
    assert app.button(key="goals_fit").disabled


def test_fitting_the_sample_shows_scores_and_weights_and_saves_nothing(
    open_goals, workspace
) -> None:
    app = open_goals()
    app.button(key="goals_fit").click()
    run(app)
    assert "Fitted; the fit is kept for this visit only." in texts(app.success)
    reference = fit_tree(default_tree(), dashboard.load_sample(), n_boot=N_BOOT)
    assert [shown(t.label) for t in app.tabs] == GOAL_NAMES
    root = reference.fits["Overall health"]
    metrics = {m.label: m.value for m in app.metric[:2]}
    assert metrics == {
        "Model, r² (higher is better)": f"{root.score_oos:.3f}".replace("-", "−"),
        "Predicting the mean, r²": f"{root.score_baseline:.3f}".replace("-", "−"),
    }
    sentences = [t for t in texts(app.success) if t.startswith("On the ")]
    assert len(sentences) == 3
    assert all(s.endswith("It beats the mean.") for s in sentences)
    weights = [t.value for t in app.dataframe if "Per SD" in t.value.columns]
    assert [w["Expression"].tolist()[0] for w in weights] == [
        reference.weights_table(n).set_index("input")["weight_sd"].abs().idxmax()
        for n in GOAL_NAMES
    ]
    # inputs in words, the expression one click away (the table's last column)
    assert weights[0]["Input"].tolist()[0] == input_label(weights[0]["Expression"][0], reference)
    assert "Have any alcoholic drinks? (the day before)" in weights[0]["Input"].tolist()
    assert workspace.goal_names() == []
    assert workspace.load_fit("goals") is None


def test_a_goal_that_does_not_beat_the_mean_says_so(open_goals) -> None:
    document = default_document()
    document["children"][0]["children"][0]["model"] = "perceptron"
    app = apply_json(open_goals(), document)
    app.button(key="goals_fit").click()
    run(app)
    zone5 = [t for t in texts(app.warning) if "Time in HR zone 5" in t]
    assert len(zone5) == 1
    assert zone5[0].endswith(
        "It does not beat the mean: its weights describe the past, not a pattern to rely on."
    )


def test_fitting_own_data_saves_the_tree_and_its_fit(open_goals, workspace) -> None:
    import_sample(workspace)
    app = open_goals()
    app.button(key="goals_fit").click()
    run(app)
    assert "Fitted; the fit is kept in your workspace as 'goals'." in texts(app.success)
    assert workspace.goal_names() == ["goals"]
    assert workspace.load_goals("goals") == default_document()
    saved = workspace.load_fit("goals")
    assert fitted_imports(saved) == dashboard.workspace_revision(workspace)
    assert saved["settings"]["n_boot"] == N_BOOT

    later = open_goals()  # a new visit shows the saved fit without fitting again
    assert [shown(t.label) for t in later.tabs] == GOAL_NAMES
    assert "Not fitted yet: press Fit above to fit this tree." not in texts(later.info)


def test_a_tree_edited_after_its_fit_says_the_results_are_older(open_goals) -> None:
    app = open_goals()
    app.button(key="goals_fit").click()
    run(app)
    app.selectbox(key="goals_remove_input_choice").set_value("meditate@lag1")
    app.button(key="goals_remove_input").click()
    run(app)
    assert "Removed meditate@lag1." in texts(app.success)
    assert "meditate@lag1" not in edited_document(app)["inputs"]
    assert any(t.startswith("These results are of the tree as it was") for t in texts(app.warning))


def test_saving_and_loading_a_tree(open_goals, workspace) -> None:
    app = open_goals()
    app.selectbox(key="goals_edit_goal").set_value("VO₂ max").run()
    app.selectbox(key="goals_new_input_column").set_value("steps").run()
    app.selectbox(key="goals_new_input_transform").set_value("mean").run()
    app.number_input(key="goals_new_input_days").set_value(14).run()
    app.button(key="goals_add_input").click()
    run(app)
    assert "Added the input steps@mean14." in texts(app.success)
    app.text_input(key="goals_save_name").input("my tree").run()
    app.button(key="goals_save").click()
    run(app)
    assert "Saved the tree as 'my tree' in your workspace." in texts(app.success)
    assert workspace.goal_names() == ["my tree"]
    saved = workspace.load_goals("my tree")
    assert saved["children"][0]["inputs"][-1] == "steps@mean14"

    app.selectbox(key="goals_load_choice").set_value("").run()
    app.button(key="goals_load").click()
    run(app)
    assert edited_document(app) == default_document()
    assert "Loaded the default tree." in texts(app.success)

    app.selectbox(key="goals_load_choice").set_value("my tree").run()
    app.button(key="goals_load").click()
    run(app)
    assert edited_document(app) == saved
    assert app.text_input(key="goals_save_name").value == "my tree"

    app.button(key="goals_delete").click()
    run(app)
    assert "Deleted the saved tree 'my tree' and its fit from your workspace." in texts(app.success)
    assert workspace.goal_names() == []
    assert app.button(key="goals_delete").disabled  # the default tree cannot be deleted


def test_goals_are_added_renamed_and_removed_through_the_editor(open_goals) -> None:
    app = open_goals()
    app.selectbox(key="goals_edit_goal").set_value("Zone-5 time").run()
    app.text_input(key="goals_new_goal_name").input("Workouts").run()
    app.selectbox(key="goals_new_goal_target").set_value("workout_min").run()
    app.selectbox(key="goals_new_goal_input").set_value("steps").run()
    app.button(key="goals_add_goal").click()
    run(app)
    assert app.selectbox(key="goals_edit_goal").value == "Workouts"
    assert check_table(app)["Goal"].tolist() == [*GOAL_NAMES, "Workouts"]
    zone5 = edited_document(app)["children"][0]["children"][0]
    assert zone5["inputs"][-1] == "workout_min"

    app.text_input(key="goals_goal_name").input("Training").run()
    assert not app.exception
    assert check_table(app)["Goal"].tolist() == [*GOAL_NAMES, "Training"]
    app.selectbox(key="goals_goal_model").set_value("perceptron").run()
    assert check_table(app).set_index("Goal").loc["Training", "Model"] == "perceptron"

    app.button(key="goals_remove_goal").click()
    run(app)
    assert "Removed the goal 'Training' and its sub-goals." in texts(app.success)
    assert check_table(app)["Goal"].tolist() == GOAL_NAMES
    app.selectbox(key="goals_edit_goal").set_value("Overall health").run()
    assert app.button(key="goals_remove_goal").disabled


def test_a_refused_edit_says_why_and_changes_nothing(open_goals) -> None:
    app = open_goals()
    before = edited_document(app)
    app.selectbox(key="goals_remove_input_choice").set_value("vo2_max@mean7").run()
    app.button(key="goals_remove_input").click()
    run(app)
    assert texts(app.error) == [
        "vo2_max@mean7 is modelled by the sub-goal 'VO₂ max'; remove that sub-goal first"
    ]
    assert edited_document(app) == before


def test_bad_json_is_refused_with_its_line_and_column(open_goals) -> None:
    app = open_goals()
    app.text_area(key="goals_json").input('{"name": "H",\n "target": }').run()
    app.button(key="goals_apply_json").click()
    run(app)
    assert texts(app.error) == ["the JSON: not valid JSON (line 2, column 12: Expecting value)"]
    assert edited_document(app) == default_document()
    # what was typed stays, to be mended
    assert app.text_area(key="goals_json").value == '{"name": "H",\n "target": }'


def test_a_goal_named_like_markdown_is_shown_literally(open_goals) -> None:
    document = default_document()
    document["name"] = TRICKY
    app = apply_json(open_goals(), document)
    app.button(key="goals_fit").click()
    run(app)
    assert shown(app.tabs[0].label) == TRICKY
    assert shown(app.subheader[0].value) == f"{TRICKY} — predicts Recovery score"
    for element in (*app.markdown, *app.success, *app.warning, *app.error, *app.subheader,
                    *app.caption):  # fmt: skip
        assert TRICKY not in element.value, element.value


# --- a person with only a WHOOP strap ------------------------------------------------------------
def test_a_whoop_only_person_sees_a_starter_tree_that_fits(open_fresh, workspace) -> None:
    workspace.import_sources([SAMPLE / "whoop_export.zip"])
    app = open_fresh()
    assert dashboard.SAMPLE_NOTICE not in [i.value for i in app.info]
    starter = starter_tree(workspace.daily())
    assert edited_document(app) == starter.tree.to_json()
    assert check_table(app)["Can be fitted"].tolist() == ["yes", "yes"]
    assert "All 2 goals can be fitted." in texts(app.success)
    left = [c for c in texts(app.caption) if c.startswith("Left out: ")]
    assert left == [f"Left out: {x.message}" for x in starter.left_out]
    app.button(key="goals_fit").click()
    run(app)
    assert "Fitted; the fit is kept in your workspace as 'goals'." in texts(app.success)
    assert [shown(t.label) for t in app.tabs] == ["Overall health", "Day strain"]
    assert shown(app.subheader[0].value) == "Overall health — predicts Health index"
    weights = next(t.value for t in app.dataframe if "Per SD" in t.value.columns)
    assert "have_any_alcoholic_drinks@lag1" in weights.to_string()
    assert workspace.load_goals("goals") == starter.tree.to_json()


def test_a_tree_the_data_cannot_fit_is_repaired_in_one_step(open_goals, workspace) -> None:
    workspace.import_sources([SAMPLE / "whoop_export.zip"])
    app = open_goals()  # the default tree, written for data with VO₂ max and a habit sheet
    assert "No goal can be fitted on these data:" in texts(app.error)
    assert app.button(key="goals_fit").disabled
    assert not [t for t in texts(app.markdown) if "did you mean" in t]  # no far-fetched guesses
    repair = repair_tree(default_tree(), workspace.daily())
    would = [c for c in texts(app.caption) if c.startswith("Would drop: ")]
    assert would == [f"Would drop: {x.message}" for x in repair.dropped]
    app.button(key="goals_repair").click()
    run(app)
    assert edited_document(app) == repair.tree.to_json()
    assert any(t.startswith(f"Dropped {len(repair.dropped)} inputs") for t in texts(app.success))
    assert "The goal can be fitted." in texts(app.success)
    assert not app.button(key="goals_fit").disabled
    assert "goals_repair" not in [b.key for b in app.button]


def test_a_tree_whose_top_goal_is_not_in_the_data_points_to_the_starter(
    open_goals, workspace
) -> None:
    workspace.import_sources([SAMPLE / "apple_health" / "export.zip"])  # no recovery score
    app = open_goals()
    assert app.button(key="goals_fit").disabled
    assert any("predicts 'recovery_score', which is not in the data" in t for t in texts(app.info))
    app.button(key="goals_use_starter").click()
    run(app)
    assert edited_document(app) == starter_tree(workspace.daily()).tree.to_json()
    assert not app.button(key="goals_fit").disabled
