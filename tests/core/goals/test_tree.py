"""Goal trees as written, checked against a synthetic person's data, fitted, and as JSON."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Variable
from pga_core.goals import (
    DEFAULT_GOALS_FILE,
    FittedGoal,
    GoalTree,
    NodeFit,
    TreeFit,
    default_tree,
    fit_tree,
    leverage,
    read_tree,
    tree_text,
    what_if,
)
from pga_core.sample import generate_person
from tests.core.goals.trees import REPO, calendar, node


# --- the fitted tree ------------------------------------------------------------------------------
def test_a_fitted_goal_holds_its_fitted_sub_goals(planted_fit):
    top = planted_fit.top
    assert isinstance(top, FittedGoal)
    (vo2,) = top.children
    (zone5,) = vo2.children
    assert zone5.children == ()
    assert [g.name for g in top.walk()] == ["Health", "VO2", "Zone 5"]
    for goal, written in zip(top.walk(), planted_fit.tree.nodes, strict=True):
        assert isinstance(goal, FittedGoal)
        assert goal.goal is written
        assert isinstance(goal.fit, NodeFit)
        assert (goal.fit.name, goal.fit.target) == (written.name, written.target)
        assert goal.reaches_top
        assert planted_fit.fits[goal.name] is goal.fit
    assert list(planted_fit.fits) == ["Health", "VO2", "Zone 5"]
    assert planted_fit.root is top.fit
    assert top.fitted_child("vo2_max") is vo2
    assert vo2.fitted_child("zone5_min") is zone5
    assert top.fitted_child("asleep_min") is None


def test_the_fitted_tree_recovers_the_sign_of_every_planted_link(planted_fit):
    expected = {
        ("Health", "asleep_min"): 1,
        ("Health", "day_strain@lag1"): -1,
        ("Health", "have_any_alcoholic_drinks@lag1"): -1,
        ("Health", "vo2_max@mean7"): 1,
        ("VO2", "zone5_min@sum28"): 1,
        ("Zone 5", "hydration_l"): 1,
        ("Zone 5", "carbs_g"): 1,
        ("Zone 5", "lactate_threshold_test"): 1,
    }
    table = planted_fit.weights_table().set_index(["node", "input"])
    for key, sign in expected.items():
        row = table.loc[key]
        assert np.sign(row.weight_sd) == sign, key
        assert np.sign(row.ci_low) == np.sign(row.ci_high) == sign, key  # intervals exclude 0
    assert all(planted_fit.nodes_table()["beats_baseline"])


# --- validation -----------------------------------------------------------------------------------
def problems(document, daily):
    return GoalTree.from_json(document).validate(daily)


@pytest.mark.parametrize(("document", "kind", "message"), [
    (node("Health", "recovery_score", ["recovery_score@lag1", "asleep_min"]), "own_input",
     "goal 'Health': its target 'recovery_score' is also one of its inputs "
     "(recovery_score@lag1); a goal cannot explain itself"),
    (node("Health", "recovery_score", ["vo2_max"],
          [node("VO2", "vo2_max", ["recovery_score@lag1"])]), "cycle",
     "goal 'VO2': its input recovery_score@lag1 is the target of 'Health', which it feeds into"),
    (node("Health", "recovery_score", ["asleep_min"], [node("VO2", "vo2_max", ["steps"])]),
     "not_an_input",
     "goal 'VO2' predicts 'vo2_max', which is not an input of its parent goal 'Health'"),
    (node("Health", "recovery_score", ["vo2_max", "resting_hr"],
          [node("VO2", "vo2_max", ["steps"]), node("VO2", "resting_hr", ["steps"])]),
     "duplicate_name", "two goals are called 'VO2'"),
    (node("Health", "recovery_score", ["vo2_max", "steps"],
          [node("VO2", "vo2_max", ["zone5_min"]), node("Steps", "steps", ["zone5_min"],
                                                       [node("Z", "zone5_min", ["carbs_g"])])]),
     "target_elsewhere",
     "goal 'VO2': its input zone5_min is the target of goal 'Z', which is not one of its"),
    (node("Health", "recovery_score", ["asleep_min@avg7"]), "bad_expression",
     "goal 'Health': feature 'asleep_min@avg7': unknown transform 'avg'"),
    (node("Health", "recovery_score", ["resting_hr", "vo2_max"],
          [node("VO2", "vo2_max", ["resting_hr"], controllable={"resting_hr": False})],
          controllable={"resting_hr": True}), "controllable_conflict",
     "goals 'Health' and 'VO2' disagree on whether you control 'resting_hr' ('Health': yes, "
     "'VO2': no); make them agree or say it in one goal only"),
])  # fmt: skip
def test_tree_problems_name_the_goal_and_block_the_fit(short_person, document, kind, message):
    found = problems(document, short_person.daily)
    assert any(p.kind == kind and message in p.message for p in found), found
    assert all(p.blocks_tree for p in found if p.kind == kind)
    with pytest.raises(ValueError, match="goal"):
        fit_tree(GoalTree.from_json(document), short_person.daily, n_boot=0)


def test_goals_agreeing_on_what_you_control_is_no_problem(short_person):
    same = {"resting_hr": False}
    document = node("Health", "recovery_score", ["resting_hr", "vo2_max"],
                    [node("VO2", "vo2_max", ["resting_hr", "steps"], controllable=same)],
                    controllable=same)  # fmt: skip
    assert problems(document, short_person.daily) == []


def test_two_goals_predicting_the_same_column_are_refused(short_person):
    twins = [node("A", "vo2_max", ["zone5_min"]), node("B", "vo2_max", ["carbs_g"])]
    document = node("Health", "recovery_score", ["vo2_max"], twins)
    found = problems(document, short_person.daily)
    assert [(p.node, p.kind) for p in found] == [("B", "duplicate_target")]
    assert found[0].message == "goals 'A' and 'B' both predict 'vo2_max'; keep one of them"


def test_an_unknown_column_names_close_matches(short_person):
    found = problems(node("Health", "recovery_score", ["hydration_I", "asleep_min"]),
                     short_person.daily)  # fmt: skip
    assert [(p.kind, p.node, p.column) for p in found] == [
        ("unknown_column", "Health", "hydration_I")
    ]
    assert found[0].message == (
        "goal 'Health': feature 'hydration_I': no column named 'hydration_I' in the data; "
        "did you mean hydration_l?"
    )
    assert not found[0].blocks_tree


def test_too_few_days_names_the_goal_the_count_the_minimum_and_the_inputs_missing_most():
    person = generate_person(150, seed=4)
    document = node("VO2", "vo2_max", ["body_fat_pct", "resting_hr", "steps"])
    (problem,) = problems(document, person.daily)
    days = calendar(person.daily)
    with_target = days[days["vo2_max"].notna()]
    complete = with_target[["body_fat_pct", "resting_hr", "steps"]].notna().all(axis=1).sum()
    missing = with_target["body_fat_pct"].isna().sum()
    assert problem.kind == "too_few_rows"
    assert problem.message.startswith(
        f"goal 'VO2': {complete} days with the target and all inputs, at least 30 needed "
        f"(3 inputs); vo2_max has a value on {len(with_target)} days; of those, inputs missing "
        f"most often: body_fat_pct on {missing}"
    )


def test_a_yes_no_model_needs_a_yes_no_target_and_inputs_must_vary(short_person):
    found = problems(node("Sleep", "asleep_min", ["steps"], model="logistic"), short_person.daily)
    assert found[0].kind == "not_yes_no"
    assert "needs 'asleep_min' to be 1 (yes) on some days and 0 (no) on others" in found[0].message
    table = short_person.daily.table.assign(always=1.0)
    daily = DailyData(table, {**short_person.daily.registry, "always": Variable("always", "A")})
    (problem,) = problems(node("Sleep", "asleep_min", ["steps", "always"]), daily)
    assert problem.kind == "constant_input"
    assert "always is 1 on every one of the" in problem.message


# --- fitting what the data allow ---------------------------------------------------------------
def test_goals_the_data_cannot_support_are_left_out_and_the_rest_fitted(short_person):
    daily = short_person.daily
    table = daily.table.drop(columns="body_fat_pct")
    registry = {k: v for k, v in daily.registry.items() if k != "body_fat_pct"}
    tree = GoalTree.from_json(json.loads((REPO / "data" / "goals.json").read_text()))
    fit = fit_tree(tree, DailyData(table, registry), n_boot=10)
    assert list(fit.fits) == ["Overall health", "Zone-5 time"]
    # the goal that could not be fitted keeps its place, and its fitted sub-goal under it
    (vo2,) = fit.top.children
    (zone5,) = vo2.children
    assert vo2.fit is None
    assert fit.top.fitted_child("vo2_max") is None
    assert isinstance(zone5.fit, NodeFit)
    assert vo2.cut_off_at is zone5.cut_off_at is vo2.goal
    assert fit.top.reaches_top
    assert not zone5.reaches_top
    assert [(p.node, p.kind, p.column) for p in fit.problems] == [
        ("VO₂ max", "unknown_column", "body_fat_pct@mean28")
    ]
    nodes = fit.nodes_table().set_index("node")
    assert nodes.loc["VO₂ max", "verdict"].startswith("Not fitted: goal 'VO₂ max': feature")
    assert "hydration_l" not in set(leverage(fit)["input"])  # no path through the missing goal
    with pytest.raises(ValueError, match="goal 'VO₂ max' was not fitted"):
        fit.weights_table("VO₂ max")


def test_no_fittable_goal_at_all_is_an_error(short_person):
    with pytest.raises(ValueError, match="no column named 'sleep_score'"):
        fit_tree(GoalTree.from_json(node("H", "sleep_score", ["steps"])), short_person.daily)


def test_progress_reports_each_goal_from_zero_to_one(short_person):
    seen = []
    tree = GoalTree.from_json(json.loads((REPO / "data" / "goals.json").read_text()))
    fit_tree(tree, short_person.daily, n_boot=5, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert [m for _, m in seen if m.startswith("fitting")] == [
        "fitting Overall health", "fitting VO₂ max", "fitting Zone-5 time",
    ]  # fmt: skip


# --- JSON -----------------------------------------------------------------------------------------
def test_to_json_holds_the_fitted_goals_and_the_problems(planted_fit):
    document = json.loads(json.dumps(planted_fit.to_json(include_state=False), allow_nan=False))
    assert set(document) == {"nodes", "problems"}  # the levers are added by the views
    assert [n["name"] for n in document["nodes"]] == ["Health", "VO2", "Zone 5"]
    assert document["nodes"][0]["n_rows"] == planted_fit.fits["Health"].n_rows
    assert document["problems"] == []
    assert set(planted_fit.to_json()) == {"nodes", "problems", "tree", "variables", "settings"}


def test_a_fit_restored_from_json_shows_the_same_results_without_refitting(planted_fit):
    text = json.dumps(planted_fit.to_json(), allow_nan=False)
    restored = TreeFit.from_json(json.loads(text))
    assert [(g.name, g.fit is None) for g in restored.top.walk()] == [
        (g.name, g.fit is None) for g in planted_fit.top.walk()
    ]
    pd.testing.assert_frame_equal(leverage(restored), leverage(planted_fit))
    pd.testing.assert_frame_equal(restored.weights_table(), planted_fit.weights_table())
    pd.testing.assert_frame_equal(restored.nodes_table(), planted_fit.nodes_table())
    pd.testing.assert_frame_equal(
        restored.predictions_table("VO2"), planted_fit.predictions_table("VO2")
    )
    pd.testing.assert_frame_equal(restored.history_table("VO2"), planted_fit.history_table("VO2"))
    changes = {"hydration_l": ("delta", 0.5), "carbs_g": 300.0}
    pd.testing.assert_frame_equal(what_if(restored, changes), what_if(planted_fit, changes))
    assert json.dumps(restored.to_json(), allow_nan=False) == text


def test_a_fit_without_state_cannot_be_restored(planted_fit):
    with pytest.raises(ValueError, match="holds no model state"):
        TreeFit.from_json(planted_fit.to_json(include_state=False))


def test_the_default_tree_round_trips_and_fits_the_sample_person(short_person):
    document = json.loads((REPO / "data" / "goals.json").read_text(encoding="utf-8"))
    tree = GoalTree.from_json(document)
    assert tree.to_json() == document
    assert tree.validate(short_person.daily) == []
    assert [n.name for n in tree.nodes] == ["Overall health", "VO₂ max", "Zone-5 time"]


def test_the_default_tree_is_data_goals_json_and_reads_back_from_its_text():
    document = json.loads((REPO / "data" / "goals.json").read_text(encoding="utf-8"))
    assert DEFAULT_GOALS_FILE == REPO / "data" / "goals.json"
    tree = default_tree()
    assert tree.to_json() == document
    assert [n.name for n in tree.nodes] == ["Overall health", "VO₂ max", "Zone-5 time"]
    assert read_tree(tree_text(tree)).to_json() == document


def test_a_missing_default_file_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"nowhere\.json: the default goal tree cannot be read"):
        default_tree(tmp_path / "nowhere.json")


@pytest.mark.parametrize(("text", "message"), [
    ('{"name": "H",\n "target": }', "the JSON: not valid JSON (line 2, column 12"),
    ('{"name": "H", "target": "x"}',
     "the JSON: goal tree: node 'H': the field 'inputs' is missing"),
    ('[1, 2]', "the JSON: goal tree: expected an object, got list"),
])  # fmt: skip
def test_reading_a_tree_names_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        read_tree(text, where="the JSON")
    if "not valid JSON" not in message:  # without a name, the tree's own words
        with pytest.raises(ValueError, match=f"^{re.escape(message.removeprefix('the JSON: '))}"):
            read_tree(text)


@pytest.mark.parametrize(("document", "message"), [
    ({"name": "H", "target": "x", "inputs": ["a"], "input": ["b"]},
     "node 'H': unknown field 'input' (expected name, target, inputs"),
    ({"name": "H", "inputs": ["a"]}, "node 'H': the field 'target' is missing"),
    ({"name": "H", "target": "x", "inputs": "a"}, "'inputs' must be a non-empty list"),
    ({"name": "H", "target": "x", "inputs": []}, "'inputs' must be a non-empty list"),
    ({"name": "H", "target": "x", "inputs": ["a"], "model": "forest"},
     "'model' must be one of linear, logistic, perceptron, got 'forest'"),
    ({"name": "H", "target": "x", "inputs": ["a"], "l2": -1}, "'l2' must be a number ≥ 0"),
    ({"name": "H", "target": "x", "inputs": ["a"], "children": {}}, "'children' must be a list"),
    ({"name": "H", "target": "x", "inputs": ["a"], "controllable": {"a": "yes"}},
     "'controllable' must map column names to true or false"),
    ({"name": "H", "target": "x", "inputs": ["a"], "children": [{"name": "C", "target": "a"}]},
     "goal tree: node 'H': node 'C': the field 'inputs' is missing"),
    (["H"], "goal tree: expected an object, got list"),
    ({"name": "H", "target": "x@lag1", "inputs": ["a"]},
     "'target' must be a column name (no @transform), got 'x@lag1'"),
    ({"name": "H", "target": "x", "inputs": ["a", "b", "a"]}, "the input 'a' is listed twice"),
    ({"name": "H", "target": "x", "inputs": ["asleep_min", " asleep_min"]},
     "node 'H': the input 'asleep_min' is listed twice (as 'asleep_min' and ' asleep_min')"),
])  # fmt: skip
def test_malformed_tree_json_names_the_node_and_field(document, message):
    with pytest.raises(ValueError, match="goal tree") as error:
        GoalTree.from_json(document)
    assert message in str(error.value)
