"""Editing goal trees, and checking them against a synthetic person's data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pga_core.goals import GoalTree, default_tree
from pga_core.sample import generate_person
from pga_core.views import (
    AUTOMATIC,
    DEFAULT_TREE_NAME,
    add_goal,
    add_input,
    check_tree,
    column_choices,
    describe_input,
    edit_goal,
    input_expression,
    input_table,
    remove_goal,
    remove_input,
)

REPO = Path(__file__).resolve().parents[3]
DEFAULT_FILE = REPO / "data" / "goals.json"
ROOT, VO2, ZONE5 = "Overall health", "VO₂ max", "Zone-5 time"


@pytest.fixture(scope="module")
def daily():
    return generate_person(200, seed=4).daily


@pytest.fixture
def tree():
    return default_tree()


def inputs_of(tree, goal):
    return tree.node(goal).inputs


def goal_names(tree):
    return [node.name for node in tree.nodes]


def test_the_default_tree_is_data_goals_json_and_named_after_it(tree):
    assert tree.to_json() == json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    assert DEFAULT_TREE_NAME == "goals"
    assert goal_names(tree) == [ROOT, VO2, ZONE5]


def test_adding_an_input_appends_it_and_leaves_the_original_alone(tree):
    before = tree.to_json()
    edited = add_input(tree, VO2, "steps@mean7")
    assert isinstance(edited, GoalTree)
    assert inputs_of(edited, VO2) == (*inputs_of(tree, VO2), "steps@mean7")
    assert tree.to_json() == before
    # the goals above the edited one are new; the others are the same goals
    assert edited.root is not tree.root
    assert edited.node(ZONE5) is tree.node(ZONE5)


@pytest.mark.parametrize(("goal", "expression", "message"), [
    (VO2, "resting_hr", "goal 'VO₂ max' already has the input resting_hr"),
    (VO2, "vo2_max@lag1", "goal 'VO₂ max' predicts vo2_max; it cannot also be one of its inputs"),
    (VO2, "steps@week2", "unknown transform 'week'"),
    ("Nope", "steps", "no goal named 'Nope' in the tree (goals: Overall health, VO₂ max, "),
])  # fmt: skip
def test_adding_a_wrong_input_is_refused_with_the_reason(tree, goal, expression, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        add_input(tree, goal, expression)


def test_removing_an_input_takes_it_out(tree):
    edited = remove_input(tree, ROOT, "meditate@lag1")
    assert "meditate@lag1" not in inputs_of(edited, ROOT)
    assert len(inputs_of(edited, ROOT)) == len(inputs_of(tree, ROOT)) - 1


def test_the_last_input_and_a_sub_goals_only_link_cannot_be_removed(tree):
    single = GoalTree.from_json({"name": "H", "target": "recovery_score", "inputs": ["asleep_min"]})
    with pytest.raises(ValueError, match=r"only input of goal 'H'.*remove the goal instead"):
        remove_input(single, "H", "asleep_min")
    with pytest.raises(ValueError, match="modelled by the sub-goal 'VO₂ max'; remove that"):
        remove_input(tree, ROOT, "vo2_max@mean7")
    # with a second input from the same column the link stays, so either may go
    twice = add_input(tree, ROOT, "vo2_max@lag1")
    assert "vo2_max@mean7" not in inputs_of(remove_input(twice, ROOT, "vo2_max@mean7"), ROOT)


def test_a_sub_goal_of_a_column_not_yet_an_input_adds_it_to_the_parent(tree, daily):
    edited = add_goal(tree, ROOT, name="Sleep", target="asleep_min", inputs=["steps"])
    assert inputs_of(edited, ROOT) == inputs_of(tree, ROOT)  # asleep_min was there already
    edited = add_goal(edited, ZONE5, name="Workouts", target="workout_min", inputs=["steps@lag1"])
    assert inputs_of(edited, ZONE5) == (*inputs_of(tree, ZONE5), "workout_min")
    assert [n.name for n in edited.nodes] == [ROOT, VO2, ZONE5, "Workouts", "Sleep"]
    assert edited.parent_of("Workouts").name == ZONE5
    assert not [p for p in edited.validate(daily) if p.blocks_tree]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "VO₂ max", "target": "steps", "inputs": ["carbs_g"]},
     "there is already a goal called 'VO₂ max'"),
    ({"name": " ", "target": "steps", "inputs": ["carbs_g"]}, "a new goal needs a name"),
    ({"name": "Again", "target": "zone5_min", "inputs": ["carbs_g"]},
     "goal 'Zone-5 time' already predicts zone5_min"),
    ({"name": "Empty", "target": "steps", "inputs": []}, "goal 'Empty' needs at least one input"),
    ({"name": "Twice", "target": "steps", "inputs": ["carbs_g", "carbs_g"]},
     "goal 'Twice': the input 'carbs_g' is listed twice; keep one of them"),
    ({"name": "Lagged", "target": "steps@lag1", "inputs": ["carbs_g"]},
     "goal 'Lagged': a goal predicts a column (no @transform), got 'steps@lag1'"),
])  # fmt: skip
def test_a_wrong_sub_goal_is_refused_with_the_reason(tree, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        add_goal(tree, ROOT, **kwargs)


def test_removing_a_goal_drops_its_sub_goals_and_keeps_the_parents_input(tree):
    edited = remove_goal(tree, VO2)
    assert goal_names(edited) == [ROOT]
    assert inputs_of(edited, ROOT) == inputs_of(tree, ROOT)
    assert "children" not in edited.to_json()
    with pytest.raises(ValueError, match="'Overall health' is the top goal and cannot be removed"):
        remove_goal(tree, ROOT)


def test_a_goal_can_be_renamed_retargeted_and_given_a_model(tree):
    edited = edit_goal(tree, VO2, name="Fitness")
    assert goal_names(edited) == [ROOT, "Fitness", ZONE5]
    edited = edit_goal(edited, ZONE5, target="zone4_min")
    assert edited.node(ZONE5).target == "zone4_min"
    # the parent gets the new column as an input; its old one stays, now a plain input
    assert inputs_of(edited, "Fitness")[-1] == "zone4_min"
    assert "zone5_min@sum28" in inputs_of(edited, "Fitness")
    edited = edit_goal(edited, ROOT, model="perceptron")
    assert edited.root.model == "perceptron"
    assert "model" not in edit_goal(edited, ROOT, model=AUTOMATIC).to_json()
    # a rename alone leaves the parent's inputs as they are
    assert inputs_of(edit_goal(tree, ZONE5, name="Z5"), VO2) == inputs_of(tree, VO2)


@pytest.mark.parametrize(("goal", "kwargs", "message"), [
    (VO2, {"name": "Zone-5 time"}, "there is already a goal called 'Zone-5 time'"),
    (VO2, {"name": ""}, "goal 'VO₂ max': a goal needs a name"),
    (VO2, {"target": "zone5_min"}, "goal 'Zone-5 time' already predicts zone5_min"),
    (VO2, {"target": "resting_hr"}, "goal 'VO₂ max' has resting_hr among its inputs"),
    (VO2, {"model": "forest"}, "the model must be one of automatic, linear, logistic, perceptron"),
    (VO2, {"target": " "}, "goal 'VO₂ max': a goal predicts a column (no @transform), got ''"),
])  # fmt: skip
def test_a_wrong_goal_edit_is_refused_with_the_reason(tree, goal, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        edit_goal(tree, goal, **kwargs)


def test_an_edit_changes_the_goal_it_names_and_not_a_namesake():
    twins = GoalTree.from_json({
        "name": "H", "target": "recovery_score", "inputs": ["vo2_max", "resting_hr"],
        "children": [{"name": "A", "target": "vo2_max", "inputs": ["steps"]},
                     {"name": "A", "target": "resting_hr", "inputs": ["steps"]}],
    })  # fmt: skip
    edited = edit_goal(twins, "A", name="B")
    assert [(n.name, n.target) for n in edited.nodes] == [
        ("H", "recovery_score"), ("B", "vo2_max"), ("A", "resting_hr"),
    ]  # fmt: skip
    assert [n.name for n in remove_goal(edited, "A").nodes] == ["H", "B"]


@pytest.mark.parametrize(("args", "expected"), [
    (("steps",), "steps"),
    (("steps", "lag", 1), "steps@lag1"),
    (("zone5_min", "sum", 28), "zone5_min@sum28"),
    (("vo2_max", "mean", 7), "vo2_max@mean7"),
])  # fmt: skip
def test_an_input_expression_is_the_column_and_its_transform(args, expected):
    assert input_expression(*args) == expected


def test_a_wrong_transform_or_number_of_days_is_refused():
    with pytest.raises(ValueError, match="unknown transform 'median'"):
        input_expression("steps", "median", 3)
    with pytest.raises(ValueError, match="the number of days must be at least 1, got 0"):
        input_expression("steps", "lag", 0)


def test_inputs_are_described_in_words(daily):
    assert describe_input("have_any_alcoholic_drinks@lag1", daily) == (
        "Have any alcoholic drinks? — the day before"
    )
    assert describe_input("zone5_min@sum28", daily) == (
        "Time in HR zone 5 (min) — total of the 28 days up to the day"
    )
    assert describe_input("resting_hr@lag3", daily) == "Resting heart rate (bpm) — 3 days earlier"
    assert describe_input("vo2_max@mean7", daily).endswith("— mean of the 7 days up to the day")
    assert describe_input("nothing_like_it", daily) == "nothing_like_it — the day's value"


def test_the_input_table_names_the_sub_goal_that_models_an_input(tree, daily):
    table = input_table(tree, ROOT, daily)
    assert table["Input"].tolist() == list(tree.root.inputs)
    assert table.set_index("Input")["Modelled by"].to_dict() == {
        i: (VO2 if i == "vo2_max@mean7" else "") for i in tree.root.inputs
    }


def test_columns_are_offered_yes_no_first_then_habits_then_measurements(daily):
    choices = column_choices(daily)
    assert set(choices) == set(daily.registry)
    kinds = [daily.registry[c].kind for c in choices]
    assert kinds == sorted(kinds, key=["behaviour", "habit", "metric"].index)
    assert choices["resting_hr"] == "Resting heart rate (resting_hr) · measured"
    assert choices["hydration_l"] == "hydration_l · habit"


def test_the_default_tree_can_be_fitted_whole(tree, daily):
    check = check_tree(tree, daily)
    assert check.problems == ()
    assert check.fittable == (ROOT, VO2, ZONE5)
    assert check.headline == "All 3 goals can be fitted."
    assert check.table["Inputs"].tolist() == [7, 3, 3]
    assert check.table["Sub-goals"].tolist() == [1, 1, 0]


def test_an_unknown_column_stops_its_goal_only(tree, daily):
    edited = add_input(tree, ZONE5, "sleep_hours@lag1")
    check = check_tree(edited, daily)
    assert check.table.set_index("Goal")["Can be fitted"].to_dict() == {
        ROOT: "yes", VO2: "yes", ZONE5: "no"
    }  # fmt: skip
    assert [(p.node, p.kind, p.column) for p in check.problems] == [
        (ZONE5, "unknown_column", "sleep_hours@lag1")
    ]
    assert "no column named 'sleep_hours'" in check.problems[0].message
    assert check.headline.startswith("2 of 3 goals can be fitted")
    assert not check.blocked


def test_a_cycle_blocks_the_whole_tree(tree, daily):
    edited = add_input(tree, ZONE5, "recovery_score@lag1")
    check = check_tree(edited, daily)
    assert check.blocked
    assert check.fittable == ()
    assert check.headline == "The tree must be mended before any goal can be fitted:"
    assert [p.kind for p in check.problems] == ["cycle"]
