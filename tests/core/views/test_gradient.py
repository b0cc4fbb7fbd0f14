"""The personal gradient for people: levers in words, sliders in days per week and own units,
changes up the tree."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData
from pga_core.goals import GoalTree, default_tree, fit_tree, lever_routes, leverage, what_if
from pga_core.sample import generate_person
from pga_core.views import (
    BEHAVIOUR_STEP,
    SLIDER_STEPS,
    controllable_overrides,
    controlled,
    level_text,
    lever_lines,
    levers_in_words,
    levers_table,
    root_change,
    slider_changes,
    what_if_sliders,
    what_if_table,
)
from pga_core.words import signed


@pytest.fixture(scope="module")
def person():
    return generate_person(400, seed=3)


@pytest.fixture(scope="module")
def fit(person):
    return fit_tree(default_tree(), person.daily, n_boot=20)


@pytest.fixture(scope="module")
def levers(fit):
    return leverage(fit)


@pytest.fixture(scope="module")
def worded(levers, fit):
    return levers_in_words(levers, fit)


@pytest.fixture(scope="module")
def sliders(levers):
    return {s.input: s for s in what_if_sliders(levers)}


def test_there_is_one_slider_per_controllable_lever_in_rank_order(levers, sliders):
    assert list(sliders) == levers.loc[levers["controllable"], "input"].tolist()
    assert "asleep_min" not in sliders  # measured, not set directly


def test_a_yes_no_behaviour_slides_in_days_per_week_from_its_typical_week(person, sliders):
    slider = sliders["have_any_alcoholic_drinks"]
    share = person.daily.table["have_any_alcoholic_drinks"].mean()  # share of logged yes days
    assert slider.per_week
    assert (slider.min_value, slider.max_value, slider.step) == (0.0, 7.0, BEHAVIOUR_STEP)
    assert slider.typical == pytest.approx(7 * share)
    assert slider.start == round(7 * share / BEHAVIOUR_STEP) * BEHAVIOUR_STEP
    assert slider.label == "Have any alcoholic drinks? (days per week)"
    assert slider.unit == "days per week"


def test_a_number_slides_over_its_observed_range_in_round_steps(person, sliders):
    slider = sliders["carbs_g"]
    values = person.daily.table["carbs_g"].dropna()
    low, high = values.min(), values.max()
    assert slider.min_value <= low < slider.min_value + slider.step
    assert slider.max_value - slider.step < high <= slider.max_value
    mantissa = slider.step / 10 ** math.floor(math.log10(slider.step))
    assert mantissa == pytest.approx(round(mantissa))
    assert round(mantissa) in (1, 2, 5)
    assert (high - low) / SLIDER_STEPS / 2.5 < slider.step <= (high - low) / SLIDER_STEPS
    assert abs(slider.start - values.mean()) <= slider.step / 2 + 1e-9
    assert slider.typical == pytest.approx(values.mean())


def test_a_lever_that_never_varied_gets_no_slider(levers):
    flat = levers.copy()
    flat.loc[flat["input"] == "carbs_g", "observed_max"] = flat.loc[
        flat["input"] == "carbs_g", "observed_min"
    ]
    assert "carbs_g" not in [s.input for s in what_if_sliders(flat)]


def test_sliders_at_their_start_change_nothing(sliders):
    values = {name: slider.start for name, slider in sliders.items()}
    assert slider_changes(list(sliders.values()), values) == {}
    assert slider_changes(list(sliders.values()), {}) == {}


def test_moved_sliders_become_deltas_of_the_daily_value(sliders):
    alcohol, carbs = sliders["have_any_alcoholic_drinks"], sliders["carbs_g"]
    changes = slider_changes(
        [alcohol, carbs],
        {"have_any_alcoholic_drinks": alcohol.start - 1, "carbs_g": carbs.start + 50},
    )
    assert changes == {
        "have_any_alcoholic_drinks": ("delta", pytest.approx(-1 / 7)),
        "carbs_g": ("delta", pytest.approx(50.0)),
    }


def test_one_fewer_drinking_day_a_week_moves_the_top_goal_by_its_leverage(fit, levers, sliders):
    alcohol = sliders["have_any_alcoholic_drinks"]
    changes = slider_changes([alcohol], {alcohol.input: alcohol.start - 1})
    table = what_if(fit, changes)
    per_unit = levers.set_index("input").loc["have_any_alcoholic_drinks", "per_unit"]
    # the top goal is linear: its change is the weight per unit times the change
    assert table["change"].iloc[-1] == pytest.approx(-per_unit / 7)
    headline = root_change(table, fit)
    assert headline.change == pytest.approx(-per_unit / 7)
    assert headline.value == f"{signed(-per_unit / 7)} points"
    before, after = table.iloc[-1][["before", "after"]]
    assert headline.sentence == (
        f"Recovery score: predicted average {before:.1f} % → {after:.1f} % "
        f"({signed(-per_unit / 7)} points), if the fitted relations hold for the change."
    )


def test_a_change_deep_in_the_tree_goes_up_goal_by_goal(fit, sliders):
    water = sliders["hydration_l"]
    table = what_if(fit, slider_changes([water], {"hydration_l": water.start + 0.5}))
    assert table["node"].tolist() == ["Zone-5 time", "VO₂ max", "Overall health"]
    zone5 = fit.fits["Zone-5 time"]
    weight = zone5.effect[zone5.inputs.index("hydration_l")]
    assert table["change"].iloc[0] == pytest.approx(0.5 * weight)
    vo2 = fit.fits["VO₂ max"]
    per_sum = vo2.effect[vo2.inputs.index("zone5_min@sum28")]
    assert table["change"].iloc[1] == pytest.approx(28 * per_sum * table["change"].iloc[0])
    shown = what_if_table(table)
    assert shown["Goal"].tolist() == table["node"].tolist()
    assert shown["Change"].tolist() == [signed(c) for c in table["change"]]
    assert shown["Predicts"].iloc[0] == "Time in HR zone 5 (min)"


@pytest.mark.parametrize(("value", "text"), [
    (58.04, "58.0"), (8.6827, "8.68"), (0.012345, "0.0123"), (1234.5, "1,234"), (-56.07, "-56.1"),
    (0.0, "0"),
])  # fmt: skip
def test_levels_keep_three_significant_figures_and_their_zeros(value, text):
    assert level_text(value) == text


def test_no_change_says_so(fit):
    headline = root_change(what_if(fit, {}), fit)
    assert headline.change == 0
    assert headline.value == "0 points"
    assert headline.sentence.endswith("Move a slider to see what a change would do.")


def test_a_yes_no_top_goal_changes_in_percentage_points(person):
    tree = GoalTree.from_json(
        {"name": "Drinking", "target": "have_any_alcoholic_drinks", "inputs": ["meditate", "steps"]}
    )
    fit = fit_tree(tree, person.daily, n_boot=5)
    table = what_if(fit, {"meditate": ("delta", 1 / 7)})
    headline = root_change(table, fit)
    assert headline.value == f"{signed(100 * table['change'].iloc[-1])} percentage points"
    assert "predicted chance of a yes" in headline.sentence


def test_a_slider_accepts_numbers_within_its_range(sliders):
    alcohol = sliders["have_any_alcoholic_drinks"]
    assert alcohol.accepts(0.0)
    assert alcohol.accepts(7)
    assert alcohol.accepts(alcohol.start)
    assert not alcohol.accepts(7.5)
    assert not alcohol.accepts(-0.5)
    assert not alcohol.accepts(None)
    assert not alcohol.accepts(True)


def test_the_controlled_levers_are_the_marked_ones_in_rank_order(levers):
    marked = [row.input for row in levers.itertuples() if row.controllable]
    assert controlled(levers) == marked
    assert "have_any_alcoholic_drinks" in marked
    assert "asleep_min" not in marked


def test_overrides_mark_exactly_the_chosen_levers(levers):
    overrides = controllable_overrides(levers, ["asleep_min", "meditate", "not_a_lever"])
    assert set(overrides) == set(levers["input"])
    assert {k for k, v in overrides.items() if v} == {"asleep_min", "meditate"}


def test_lever_lines_keep_the_overall_rank_and_split_by_control(worded):
    levers = worded
    yours = lever_lines(levers, controllable=True)
    others = lever_lines(levers, controllable=False)
    assert len(yours) + len(others) == len(levers)
    ranks = sorted(int(line.split(".")[0]) for line in yours + others)
    assert ranks == list(range(1, len(levers) + 1))
    first = levers.iloc[0]
    line = (yours if first["controllable"] else others)[0]
    assert line == f"1. {first['sentence']}"


def test_the_levers_table_shows_each_lever_with_its_interval(levers):
    table = levers_table(levers)
    assert table["Rank"].tolist() == list(range(1, len(levers) + 1))
    assert table["Lever"].tolist() == levers["label"].tolist()
    row, lever = table.iloc[0], levers.iloc[0]
    assert row["Per SD"] == signed(lever["per_sd"])
    assert row["95 % interval"] == f"{signed(lever['ci_low'])} to {signed(lever['ci_high'])}"
    assert (table["You control it"] == np.where(levers["controllable"], "yes", "no")).all()


def test_with_a_sub_goal_unfitted_every_slider_moves_the_top_goal_and_none_is_cut_off():
    person = generate_person(200, seed=19)  # VO₂ max and Zone-5 time cannot be fitted
    fit = fit_tree(default_tree(), person.daily, n_boot=5)
    levers = leverage(fit)
    everything = leverage(fit, controllable=controllable_overrides(levers, levers["input"]))
    sliders = what_if_sliders(everything)
    assert "vo2_max" in [s.input for s in sliders]  # if the person says they control it
    assert not {"hydration_l", "carbs_g", "zone5_min"} & {s.input for s in sliders}
    per_unit = everything.set_index("input")["per_unit"]
    for slider in sliders:
        moved = slider_changes([slider], {slider.input: slider.start + slider.step})
        table = what_if(fit, moved)
        assert table["change"].iloc[-1] == pytest.approx(per_unit[slider.input] * moved[
            slider.input][1])  # fmt: skip
    assert "vo2_max" not in controlled(levers)  # not the person's to set, unless they say so


def test_a_missing_top_goal_has_no_change(fit):
    with pytest.raises(ValueError, match="was not fitted"):
        root_change(pd.DataFrame(columns=["node", "before", "after", "change"]), fit)


# --- levers in words ------------------------------------------------------------------------------
def test_levers_in_words_add_a_note_and_a_sentence_to_the_numbers(fit, levers, worded):
    assert list(worded.columns) == [*levers.columns, "note", "trade", "sentence"]
    pd.testing.assert_frame_equal(worded[levers.columns], levers)
    assert (worded["note"] == "").all()  # every goal was fitted
    assert (worded["trade"] == "").all()  # every lever reaches the top goal by one route
    pairs = zip(levers["label"], worded["sentence"], strict=True)
    assert all(sentence.startswith(f"{label}: ") for label, sentence in pairs)
    empty = levers_in_words(levers.iloc[:0], fit)
    assert empty.empty
    assert list(empty.columns) == list(worded.columns)


def test_lever_sentences_speak_per_week_for_behaviours_and_per_round_step_otherwise(worded):
    levers = worded.set_index("input")
    alcohol = levers.loc["have_any_alcoholic_drinks"]
    weekly = -alcohol.per_unit / 7
    assert alcohol.sentence.startswith(
        f"Have any alcoholic drinks?: yes on one fewer day a week → +{weekly:.1f} points of "
        "Recovery score on average (95 % CI +"
    )
    sleep = levers.loc["asleep_min"].sentence
    assert sleep.startswith("Asleep duration: 50 min more every day → +")
    assert sleep.endswith("— not something you set directly")


def test_signed_numbers_use_a_real_minus_and_say_n_a_when_missing():
    assert signed(-0.01234) == "−0.012"
    assert signed(None) == "n/a"


def test_a_lever_standing_in_for_an_unfitted_goal_says_why_in_its_note_and_sentence():
    person = generate_person(200, seed=19)  # too few VO₂ max days; lactate tests never vary
    fit = fit_tree(default_tree(), person.daily, n_boot=20)
    (vo2_problem,) = [p for p in fit.problems if p.node == "VO₂ max"]
    levers = levers_in_words(leverage(fit), fit).set_index("input")
    vo2 = levers.loc["vo2_max"]
    assert vo2.note == (
        f"the goal 'VO₂ max' that predicts it could not be fitted ({vo2_problem.message}), so "
        "it counts as a lever itself and the effects of that goal's own inputs are unknown"
    )
    assert vo2.sentence.endswith(f"— not something you set directly. Note: {vo2.note}")
    assert (levers.drop(index="vo2_max")["note"] == "").all()


def test_a_lever_whose_path_through_an_unfitted_goal_is_left_out_says_so(person):
    daily = person.daily
    table = daily.table.drop(columns="body_fat_pct")
    registry = {k: v for k, v in daily.registry.items() if k != "body_fat_pct"}
    tree = GoalTree.from_json({
        "name": "Health", "target": "recovery_score",
        "inputs": ["asleep_min", "hydration_l@mean7", "vo2_max@mean7"],
        "children": [{
            "name": "VO2", "target": "vo2_max",
            "inputs": ["zone5_min@sum28", "body_fat_pct@mean28"],
            "children": [{"name": "Zone 5", "target": "zone5_min",
                          "inputs": ["hydration_l", "carbs_g"]}],
        }],
    })  # fmt: skip
    fit = fit_tree(tree, DailyData(table, registry), n_boot=10)
    (why,) = [p.message for p in fit.problems]
    levers = levers_in_words(leverage(fit), fit).set_index("input")
    water = levers.loc["hydration_l"]
    assert water.note == (
        f"its path through the goal 'VO2' is left out: that goal could not be fitted ({why})"
    )
    assert water.sentence.endswith(f". Note: {water.note}")
    assert levers.loc["vo2_max", "note"].startswith("the goal 'VO2' that predicts it could not")
    assert levers.loc["asleep_min", "note"] == ""


def test_a_lever_whose_routes_pull_apart_is_said_to_be_a_trade_off(person):
    tree = GoalTree.from_json({
        "name": "Health", "target": "recovery_score",
        "inputs": ["day_strain@lag1", "vo2_max@mean7"],
        "children": [
            {"name": "Strain", "target": "day_strain", "inputs": ["zone5_min"]},
            {"name": "VO2", "target": "vo2_max", "inputs": ["zone5_min@sum28"]},
        ],
    })  # fmt: skip
    fit = fit_tree(tree, person.daily, n_boot=50)
    worded = levers_in_words(leverage(fit), fit).set_index("input")
    routes = lever_routes(fit).set_index(["input", "route"])["per_unit"]
    strain = routes[("zone5_min", "day_strain@lag1")]
    vo2 = routes[("zone5_min", "vo2_max@mean7")]
    assert strain < 0 < vo2  # the planted truth: harder days cost tomorrow, build fitness
    step = 10.0  # the round step near the SD of daily zone-5 minutes
    assert worded.loc["zone5_min", "trade"] == (
        f"a trade-off: through Day strain (the day before) it lowers Recovery score "
        f"({signed(step * strain)}), through VO₂ max, mean of 7 days it raises Recovery score "
        f"({signed(step * vo2)})"
    )
    assert worded.loc["zone5_min", "sentence"].endswith(worded.loc["zone5_min", "trade"])
