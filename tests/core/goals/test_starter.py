"""The starter tree: built from what each kind of person's data hold, and fitted on them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Variable, feature_frame
from pga_core.data.readers import read_exports
from pga_core.goals import (
    HEALTH_INDEX,
    MIN_STARTER_DAYS,
    MIN_STARTER_SHARE,
    STARTER_NAME,
    fit_tree,
    input_words,
    lever_routes,
    leverage,
    starter_tree,
    with_health_index,
)
from pga_core.sample import generate_person, write_sample

#: The sample person's journal questions, each a yes/no input the evening before.
JOURNAL = 12


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """A synthetic person's exports as written (WHOOP zip, Apple zip, habit sheet)."""
    folder = tmp_path_factory.mktemp("person")
    write_sample(generate_person(500, seed=7), folder)
    return {
        "whoop": folder / "whoop_export.zip",
        "apple": folder / "apple_health" / "export.zip",
        "sheet": folder / "habits.csv",
    }


def read(exports, *sources):
    return read_exports([exports[s] for s in sources])


def shape(node):
    """A tree as {goal: (target, inputs, sub-goals)}, nested."""
    return {node.name: (node.target, list(node.inputs), [shape(c) for c in node.children])}


def test_a_whoop_only_person_gets_a_tree_that_fits(exports):
    daily = read(exports, "whoop")
    starter = starter_tree(daily)
    root = starter.tree.root
    assert (root.name, root.target) == (STARTER_NAME, HEALTH_INDEX)
    behaviours = [f"{n}@lag1" for n in daily.names("behaviour")]
    assert len(behaviours) == JOURNAL
    assert root.inputs == (*behaviours, "nap_min@lag1", "asleep_min", "day_strain@lag1",
                           "day_strain@mean28")  # fmt: skip
    (strain,) = root.children
    assert (strain.name, strain.target) == ("Day strain", "day_strain")
    # workout minutes are the sum of the zone minutes: left out as a combination of them
    assert strain.inputs == ("zone1_min", "zone2_min", "zone3_min", "zone4_min", "zone5_min")
    (left,) = starter.left_out
    assert (left.goal, left.expression, left.kind) == ("Day strain", "workout_min", "collinear")
    assert left.message.startswith("Workout duration was left out of 'Day strain': Time in HR")
    assert "explain all of its day-to-day variation" in left.message
    fit = fit_tree(starter.tree, daily, n_boot=20)
    assert fit.problems == []
    assert list(fit.fits) == ["Overall health", "Day strain"]
    levers = leverage(fit)
    assert "have_any_alcoholic_drinks" in set(levers["input"])
    # training reaches the top goal through tomorrow's strain and through 28 days of strain
    assert levers.set_index("input").loc["zone5_min", "goals"] == "Day strain"
    routes = lever_routes(fit)
    zone5 = routes[routes["input"] == "zone5_min"].set_index("route")["per_unit"]
    assert sorted(zone5.index) == ["day_strain@lag1", "day_strain@mean28"]
    assert zone5.sum() == pytest.approx(levers.set_index("input").loc["zone5_min", "per_unit"])


def test_an_apple_only_person_gets_vo2_max_as_a_sub_goal(exports):
    daily = read(exports, "apple")
    starter = starter_tree(daily)
    assert shape(starter.tree.root) == {STARTER_NAME: (
        HEALTH_INDEX,
        ["steps@lag1", "workout_min@lag1", "workout_count@lag1", "vo2_max@mean7"],
        [{"VO₂ max": ("vo2_max", ["workout_min@sum28", "resting_hr", "body_fat_pct@mean28"],
                      [])}],
    )}  # fmt: skip
    assert fit_tree(starter.tree, daily, n_boot=20).problems == []


def test_a_habit_sheet_with_a_wearable_feeds_the_training_goal(exports):
    whoop = read(exports, "whoop", "sheet")
    starter = starter_tree(whoop)
    root = starter.tree.root
    (strain,) = root.children
    assert strain.name == "Day strain"
    # without VO₂ max, the sheet's habits feed zone-5 time, which feeds the day strain
    (zone5,) = strain.children
    assert (zone5.name, zone5.target) == ("Zone-5 time", "zone5_min")
    assert zone5.inputs == ("hydration_l", "carbs_g", "lactate_threshold_test")
    assert {"day_strain@lag1", "day_strain@mean28"} <= set(root.inputs)
    # each habit enters once: the sheet's through zone-5 time
    assert not {"hydration_l@lag1", "carbs_g@lag1"} & set(root.inputs)
    assert fit_tree(starter.tree, whoop, n_boot=20).problems == []

    apple = read(exports, "apple", "sheet")
    tree = starter_tree(apple).tree
    vo2 = tree.node("VO₂ max")
    assert [c.name for c in vo2.children] == ["Workout time"]
    assert vo2.child_for("workout_min").inputs == (
        "hydration_l",
        "carbs_g",
        "lactate_threshold_test",
    )
    assert fit_tree(tree, apple, n_boot=20).problems == []


def test_the_whole_sample_person_gets_the_three_level_chain(exports):
    daily = read(exports, "whoop", "apple", "sheet")
    tree = starter_tree(daily).tree
    assert [n.name for n in tree.nodes] == [STARTER_NAME, "Day strain", "VO₂ max", "Zone-5 time"]
    assert tree.node("VO₂ max").inputs == ("zone5_min@sum28", "resting_hr", "body_fat_pct@mean28")
    assert "vo2_max@mean7" in tree.root.inputs
    fit = fit_tree(tree, daily, n_boot=20)
    assert fit.problems == []
    assert leverage(fit).set_index("input").loc["hydration_l", "goals"] == "Zone-5 time"


def test_a_chosen_top_goal_replaces_the_health_index(exports):
    daily = read(exports, "whoop")
    tree = starter_tree(daily, top="recovery_score").tree
    assert tree.root.target == "recovery_score"
    assert fit_tree(tree, daily, n_boot=0).root is not None
    with pytest.raises(ValueError, match="did you mean recovery_score"):
        starter_tree(daily, top="recovery_scor")


def test_only_habits_make_no_goal(exports):
    with pytest.raises(ValueError, match="no starter goal tree: the data hold no measurement"):
        starter_tree(read(exports, "sheet"))


# --- inputs the days cannot support ---------------------------------------------------------------
def journal_person(days=730, seed=0):
    """A recovery score every day and four journal questions: one asked all along, two asked in
    different years, one answered yes twice."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2023-01-01", periods=days, freq="D", name="date")
    first_year = index.year == index.year[0]
    table = pd.DataFrame({
        "recovery_score": rng.normal(60, 10, days),
        "drinks": rng.integers(0, 2, days).astype(float),
        "meditate": np.where(first_year, rng.integers(0, 2, days), np.nan),
        "screen": np.where(~first_year, rng.integers(0, 2, days), np.nan),
        "sleep_pill": np.where(np.arange(days) < 2, 1.0, 0.0),
    }, index=index)  # fmt: skip
    labels = {"drinks": "Drinks?", "meditate": "Meditate?", "screen": "Viewed a screen in bed?",
              "sleep_pill": "Sleep pill?"}  # fmt: skip
    registry = {"recovery_score": Variable("recovery_score", "Recovery score", "%",
                                           source="whoop", higher_is_better=True)}  # fmt: skip
    registry |= {n: Variable(n, label, kind="behaviour", source="whoop")
                 for n, label in labels.items()}  # fmt: skip
    return DailyData(table, registry)


def test_questions_answered_in_different_years_are_not_both_kept():
    daily = journal_person()
    starter = starter_tree(daily)
    assert starter.tree.root.target == "recovery_score"  # one part only: no health index
    assert starter.tree.root.inputs == ("drinks@lag1", "meditate@lag1")
    reasons = {left.expression: left for left in starter.left_out}
    assert set(reasons) == {"screen@lag1", "sleep_pill@lag1"}
    screen = reasons["screen@lag1"]
    assert screen.kind == "no_overlap"
    assert screen.others == ("meditate@lag1",)
    needed = max(MIN_STARTER_DAYS, math.ceil(MIN_STARTER_SHARE * 730))  # 730 recovery days
    assert screen.message == (
        "Viewed a screen in bed? (the day before) was left out of 'Overall health': Meditate? "
        "(the day before) and Viewed a screen in bed? (the day before) were answered in "
        f"different years (2023 and 2024), and a goal needs at least {needed} days with every "
        "one of its inputs"
    )
    pill = reasons["sleep_pill@lag1"]
    assert pill.kind == "one_sided"
    assert "answered yes on only 2 days (at least 5 yes and 5 no days needed)" in pill.message
    fit = fit_tree(starter.tree, daily, n_boot=0)
    assert fit.root is not None
    assert fit.root.n_rows >= MIN_STARTER_DAYS


def test_inputs_are_kept_in_order_of_coverage_while_enough_days_remain():
    daily = journal_person()
    table = daily.table.copy()
    asked = np.arange(len(table))
    answers = np.random.default_rng(1).integers(0, 2, len(table)).astype(float)
    table["meditate"] = np.where(asked < 300, answers, np.nan)
    table["screen"] = np.where(asked >= 300, answers, np.nan)
    starter = starter_tree(DailyData(table, daily.registry))
    # the question asked longer goes first; the one asked before it was added cannot join it
    assert starter.tree.root.inputs == ("drinks@lag1", "screen@lag1")
    (meditate,) = [left for left in starter.left_out if left.expression == "meditate@lag1"]
    assert meditate.others == ("screen@lag1",)
    assert (
        "were answered in different periods (2023-10-28 to 2024-12-30 and 2023-01-01 to "
        "2023-10-27)" in meditate.message
    )
    days = feature_frame(DailyData(table, daily.registry), ["meditate@lag1", "screen@lag1"])
    assert days["screen@lag1"].count() > days["meditate@lag1"].count()


def test_inputs_are_named_by_label_and_transform():
    labels = {"have_any_alcoholic_drinks": "Have any alcoholic drinks?", "vo2_max": "VO₂ max",
              "zone5_min": "Time in HR zone 5"}  # fmt: skip
    assert input_words("have_any_alcoholic_drinks@lag1", labels) == (
        "Have any alcoholic drinks? (the day before)"
    )
    assert input_words("vo2_max@mean7", labels) == "VO₂ max, mean of 7 days"
    assert input_words("zone5_min@sum28", labels) == "Time in HR zone 5 over 28 days"
    assert input_words("zone5_min@lag3", labels) == "Time in HR zone 5 (3 days before)"
    assert input_words("steps", labels) == "steps"


def test_the_health_index_is_added_once(exports):
    daily = with_health_index(read(exports, "whoop"))
    assert with_health_index(daily) is daily
    assert starter_tree(daily).tree.root.target == HEALTH_INDEX
