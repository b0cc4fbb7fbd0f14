"""The personal gradient: the chain rule through the fitted tree, against the planted chain,
its own weights and finite differences of what-if."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.linear_model import Ridge

from pga_core.data import DailyData
from pga_core.engine import block_bootstrap_counts
from pga_core.goals import GoalTree, TreeFit, fit_tree, leverage, what_if
from pga_core.sample import generate_person
from pga_core.sample._person import (
    ALCOHOL_PCT_CHANGE,
    RECOVERY_PER_VO2_MAX,
    VO2_PER_ZONE5_MIN_SUM28,
    ZONE5_PER_CARBS_G,
    ZONE5_PER_HYDRATION_L,
    ZONE5_WINDOW_DAYS,
)
from tests.core.goals.trees import L2, REPO, calendar, lever, node, weight


# --- the planted chain ----------------------------------------------------------------------------
@pytest.mark.parametrize(("habit", "zone5_per_unit"), [
    ("hydration_l", ZONE5_PER_HYDRATION_L), ("carbs_g", ZONE5_PER_CARBS_G),
])  # fmt: skip
def test_the_leverage_of_a_planted_habit_lies_within_its_interval(
    person, planted_fit, habit, zone5_per_unit
):
    workout_share = person.latent.loc[planted_fit.fits["Zone 5"].dates, "workout"].mean()
    after_drinking = person.latent.loc[planted_fit.fits["Health"].dates, "drank_day_before"]
    alcohol_factor = 1 + ALCOHOL_PCT_CHANGE / 100 * after_drinking.mean()
    planted = (
        zone5_per_unit * workout_share  # zone-5 minutes a day
        * ZONE5_WINDOW_DAYS  # the 28-day sum moves 28 times as much
        * VO2_PER_ZONE5_MIN_SUM28
        * RECOVERY_PER_VO2_MAX * alcohol_factor
    )  # fmt: skip
    row = lever(planted_fit, habit)
    assert row.unit_ci_low < planted < row.unit_ci_high
    assert row.unit_ci_low > 0  # and the data are enough to tell it from no effect
    assert row.controllable


def test_leverage_multiplies_weights_and_sustained_factors_along_the_path(planted_fit):
    root = weight(planted_fit, "Health", "vo2_max@mean7").weight_unit
    vo2 = weight(planted_fit, "VO2", "zone5_min@sum28").weight_unit
    for habit in ("hydration_l", "carbs_g", "lactate_threshold_test"):
        zone5 = weight(planted_fit, "Zone 5", habit).weight_unit
        assert lever(planted_fit, habit).per_unit == pytest.approx(root * 1 * vo2 * 28 * zone5)
    # a root input is its own weight; intermediate goals are never levers
    assert lever(planted_fit, "asleep_min").per_unit == pytest.approx(
        weight(planted_fit, "Health", "asleep_min").weight_unit
    )
    assert set(leverage(planted_fit)["input"]) == {
        "asleep_min", "day_strain", "have_any_alcoholic_drinks", "hydration_l", "carbs_g",
        "lactate_threshold_test",
    }  # fmt: skip


def test_leverage_is_the_product_along_the_chain_of_fitted_goals(planted_fit):
    """Health ← VO2 ← Zone 5: a Zone-5 input's effect on the top goal is the product of each
    fitted goal's effect along the chain (and of the 28-day sum's factor), for the estimate and
    for every bootstrap draw alike, so its interval is that of the products."""
    health = planted_fit.top
    (vo2,) = health.children
    (zone5,) = vo2.children

    def effects(goal, expression):
        j = goal.fit.inputs.index(expression)
        return np.concatenate([[goal.fit.effect[j]], goal.fit.effect_draws[:, j]])

    chain = effects(health, "vo2_max@mean7") * 1 * effects(vo2, "zone5_min@sum28") * 28
    levers = leverage(planted_fit).set_index("input")
    for habit in zone5.fit.inputs:
        product = chain * effects(zone5, habit)
        row = levers.loc[habit]
        assert row.per_unit == pytest.approx(product[0])
        assert (row.unit_ci_low, row.unit_ci_high) == pytest.approx(
            tuple(np.percentile(product[1:], [2.5, 97.5]))
        )
        assert row.goals == "Zone 5"


def test_intervals_come_from_one_block_draw_of_calendar_days_shared_by_every_goal(
    person, planted_fit
):
    n_days = len(calendar(person.daily))
    counts = block_bootstrap_counts(n_days, 200, 7, 0)
    fits = planted_fit.fits
    days = pd.date_range(person.daily.table.index.min(), periods=n_days, freq="D")
    draws = {}
    for name, expression in (("Health", "vo2_max@mean7"), ("VO2", "zone5_min@sum28"),
                             ("Zone 5", "hydration_l")):  # fmt: skip
        fit = fits[name]
        rows = days.get_indexer(fit.dates)
        j = fit.inputs.index(expression)
        X = (fit.X - fit.mean) / fit.scale
        coefs = np.array([
            Ridge(alpha=c[rows].sum() * L2).fit(X, fit.y, sample_weight=c[rows]).coef_[j]
            for c in counts[:5]
        ])  # fmt: skip
        # the refits stop at a relative objective gap of 1e-10: weights agree to ~1e-4
        np.testing.assert_allclose(fit.effect_draws[:5, j] * fit.scale[j], coefs, rtol=1e-3)
        draws[name] = fit.effect_draws[:, j]
    product = draws["Health"] * draws["VO2"] * 28 * draws["Zone 5"]
    low, high = np.percentile(product, [2.5, 97.5])
    row = lever(planted_fit, "hydration_l")
    assert (row.unit_ci_low, row.unit_ci_high) == pytest.approx((low, high))


def test_a_perceptron_goals_leverage_is_the_numerical_derivative_averaged_over_its_days(
    short_person,
):
    tree = GoalTree.from_json({
        "name": "Recovery", "target": "recovery_score", "model": "perceptron",
        "inputs": ["asleep_min", "day_strain@lag1", "hydration_l@mean7"],
    })  # fmt: skip
    fit = fit_tree(tree, short_person.daily, n_boot=0)
    node = fit.fits["Recovery"]
    assert node.model == "perceptron"
    levers = leverage(fit).set_index("input")
    for j, column in enumerate(["asleep_min", "day_strain", "hydration_l"]):
        step = np.zeros(3)
        step[j] = 1e-4 * node.scale[j]
        slope = (node.predict(node.X + step) - node.predict(node.X - step)) / (2 * step[j])
        assert levers.loc[column, "per_unit"] == pytest.approx(slope.mean(), rel=1e-5)
        np.testing.assert_allclose(node.input_gradient(node.X)[:, j], slope, rtol=1e-4)
    restored = TreeFit.from_json(json.loads(json.dumps(fit.to_json())))
    np.testing.assert_allclose(restored.fits["Recovery"].predict(node.X), node.predict(node.X))


# --- what-if --------------------------------------------------------------------------------------
@pytest.mark.parametrize("delta", [1.0, -0.37])
def test_linear_leverage_equals_the_what_if_finite_difference(planted_fit, delta):
    for row in leverage(planted_fit).itertuples():
        changes = what_if(planted_fit, {row.input: ("delta", delta)})
        assert changes["node"].iloc[-1] == "Health"
        assert changes["change"].iloc[-1] == pytest.approx(row.per_unit * delta, abs=1e-9)


def test_what_if_goes_node_by_node_up_to_the_top_goal(planted_fit):
    changes = what_if(planted_fit, {"hydration_l": ("delta", 0.5), "asleep_min": ("delta", 30)})
    assert changes["node"].tolist() == ["Zone 5", "VO2", "Health"]
    zone5 = 0.5 * weight(planted_fit, "Zone 5", "hydration_l").weight_unit
    vo2 = 28 * zone5 * weight(planted_fit, "VO2", "zone5_min@sum28").weight_unit
    health = (
        vo2 * weight(planted_fit, "Health", "vo2_max@mean7").weight_unit
        + 30 * weight(planted_fit, "Health", "asleep_min").weight_unit
    )
    assert changes["change"].tolist() == pytest.approx([zone5, vo2, health])
    assert (changes["after"] - changes["before"]).tolist() == pytest.approx([zone5, vo2, health])


def test_what_if_with_a_new_value_holds_it_on_every_day(planted_fit):
    fit = planted_fit.fits["Zone 5"]
    j = fit.inputs.index("carbs_g")
    changes = what_if(planted_fit, {"carbs_g": 300.0}).set_index("node")
    expected = (300.0 - fit.X[:, j].mean()) * fit.effect[j]
    assert changes.loc["Zone 5", "change"] == pytest.approx(expected)
    assert what_if(planted_fit, {"carbs_g": ("set", 300.0)}).equals(
        what_if(planted_fit, {"carbs_g": 300.0})
    )


@pytest.mark.parametrize(("changes", "message"), [
    ({"vo2_max": ("delta", 1.0)}, "'vo2_max' is the goal 'VO2', not a lever"),
    ({"steps": 1.0}, "'steps' is not an input of the tree; levers: asleep_min"),
    ({"carbs_g": ("add", 1.0)}, "must be a number, ('set', value) or ('delta', amount)"),
    ({"carbs_g": float("nan")}, "must be a finite number"),
])  # fmt: skip
def test_what_if_refuses_what_is_not_a_lever(planted_fit, changes, message):
    with pytest.raises(ValueError, match="what-if: ") as error:
        what_if(planted_fit, changes)
    assert message in str(error.value)


# --- tree shapes ----------------------------------------------------------------------------------
def test_a_column_entering_several_goals_sums_its_paths(person):
    tree = GoalTree.from_json({
        "name": "Health", "target": "recovery_score",
        "inputs": ["asleep_min", "hydration_l@mean7", "vo2_max@mean7"],
        "children": [{"name": "VO2", "target": "vo2_max",
                      "inputs": ["zone5_min@sum28", "hydration_l"]}],
    })  # fmt: skip
    fit = fit_tree(tree, person.daily, n_boot=20)
    direct = weight(fit, "Health", "hydration_l@mean7").weight_unit
    through = (
        weight(fit, "Health", "vo2_max@mean7").weight_unit
        * weight(fit, "VO2", "hydration_l").weight_unit
    )
    row = lever(fit, "hydration_l")
    assert row.per_unit == pytest.approx(direct + through)
    assert row.goals == "Health, VO2"
    assert lever(fit, "zone5_min").per_unit == pytest.approx(
        28 * weight(fit, "Health", "vo2_max@mean7").weight_unit
        * weight(fit, "VO2", "zone5_min@sum28").weight_unit
    )  # fmt: skip


def test_a_single_goal_tree_has_its_weights_as_levers(short_person):
    tree = GoalTree.from_json({
        "name": "Sleep", "target": "asleep_min",
        "inputs": ["have_any_caffeine@lag1", "day_strain@lag1", "steps"],
    })  # fmt: skip
    fit = fit_tree(tree, short_person.daily, n_boot=30)
    weights = fit.weights_table("Sleep").set_index("input")
    levers = leverage(fit).set_index("input")
    sd = calendar(short_person.daily)[["have_any_caffeine", "day_strain", "steps"]].std()
    for expression, column in (("have_any_caffeine@lag1", "have_any_caffeine"),
                               ("day_strain@lag1", "day_strain"), ("steps", "steps")):  # fmt: skip
        w, lv = weights.loc[expression], levers.loc[column]
        assert lv.per_unit == pytest.approx(w.weight_unit)
        assert lv.per_sd == pytest.approx(w.weight_unit * sd[column])
        assert (lv.ci_low, lv.ci_high) == pytest.approx(
            (w.unit_ci_low * sd[column], w.unit_ci_high * sd[column])
        )
    ranked = leverage(fit)["per_sd"].abs().tolist()
    assert ranked == sorted(ranked, reverse=True)
    assert levers.loc["have_any_caffeine", "controllable"]
    assert levers.loc["steps", "controllable"]  # a habit in the readers' registry
    assert not levers.loc["day_strain", "controllable"]
    overridden = leverage(fit, controllable={"day_strain": True}).set_index("input")
    assert overridden.loc["day_strain", "controllable"]


def test_a_logistic_sub_goal_chains_through_the_chance_of_a_yes(short_person):
    tree = GoalTree.from_json(node(
        "Health", "recovery_score", ["asleep_min", "have_any_alcoholic_drinks@lag1"],
        [node("Drinking", "have_any_alcoholic_drinks", ["have_any_caffeine", "meditate"])],
    ))  # fmt: skip
    fit = fit_tree(tree, short_person.daily, n_boot=10)
    drinking = fit.fits["Drinking"]
    rows = (drinking.X - drinking.mean) / drinking.scale
    p = expit(rows @ drinking.estimator.coef_ + drinking.estimator.intercept_)
    chance = np.mean(p * (1 - p)) * drinking.estimator.coef_ / drinking.scale
    alcohol = weight(fit, "Health", "have_any_alcoholic_drinks@lag1").weight_unit
    assert lever(fit, "have_any_caffeine").per_unit == pytest.approx(alcohol * chance[0])
    assert lever(fit, "meditate").per_unit == pytest.approx(alcohol * chance[1])


# --- goals that could not be fitted -------------------------------------------------------------
def test_an_unfitted_sub_goal_leaves_its_target_as_a_lever_that_says_why():
    person = generate_person(200, seed=19)  # too few VO₂ max days; lactate tests never vary
    tree = GoalTree.from_json(json.loads((REPO / "data" / "goals.json").read_text()))
    fit = fit_tree(tree, person.daily, n_boot=20)
    assert list(fit.fits) == ["Overall health"]
    (vo2_problem,) = [p for p in fit.problems if p.node == "VO₂ max"]
    assert vo2_problem.kind == "too_few_rows"
    levers = leverage(fit).set_index("input")
    root = fit.fits["Overall health"]
    j = root.inputs.index("vo2_max@mean7")
    vo2 = levers.loc["vo2_max"]
    assert vo2.per_unit == pytest.approx(root.effect[j])  # a 7-day mean moves 1 for 1
    low, high = np.percentile(root.effect_draws[:, j], [2.5, 97.5])
    assert (vo2.unit_ci_low, vo2.unit_ci_high) == pytest.approx((low, high))
    assert vo2.goals == "Overall health"
    assert not vo2.controllable
    # the goal it stands in for (the views say it in words, with why it was not fitted)
    assert (vo2.stands_in_for, vo2.left_out_through) == ("VO₂ max", "")
    others = levers.drop(index="vo2_max")
    assert (others["stands_in_for"] == "").all()
    assert (others["left_out_through"] == "").all()
    below = {"zone5_min", "resting_hr", "body_fat_pct", "hydration_l", "carbs_g",
             "lactate_threshold_test"}  # fmt: skip
    assert not below & set(levers.index)
    # the top goal's model answers for its own input ...
    table = what_if(fit, {"vo2_max": ("delta", 1.0)})
    assert table["node"].tolist() == ["Overall health"]
    assert table["change"].iloc[-1] == pytest.approx(vo2.per_unit)
    # ... but nothing answers for the inputs below the goal that could not be fitted
    for column in below:
        with pytest.raises(ValueError, match="could not be fitted") as error:
            what_if(fit, {column: ("delta", 1.0)})
        assert str(error.value).startswith(
            f"what-if: {column!r} reaches the top goal only through the goal 'VO₂ max', which "
            f"could not be fitted ({vo2_problem.message}); the effect of changing it is unknown"
        )


def test_a_lever_that_also_enters_an_unfitted_goal_says_that_path_is_left_out(short_person):
    daily = short_person.daily
    table = daily.table.drop(columns="body_fat_pct")
    registry = {k: v for k, v in daily.registry.items() if k != "body_fat_pct"}
    tree = GoalTree.from_json(node(
        "Health", "recovery_score", ["asleep_min", "hydration_l@mean7", "vo2_max@mean7"],
        [node("VO2", "vo2_max", ["zone5_min@sum28", "body_fat_pct@mean28"],
              [node("Zone 5", "zone5_min", ["hydration_l", "carbs_g"])])],
    ))  # fmt: skip
    fit = fit_tree(tree, DailyData(table, registry), n_boot=10)
    assert list(fit.fits) == ["Health", "Zone 5"]
    (why,) = [p.message for p in fit.problems]
    levers = leverage(fit).set_index("input")
    assert set(levers.index) == {"asleep_min", "hydration_l", "vo2_max"}
    water = levers.loc["hydration_l"]
    assert water.per_unit == pytest.approx(weight(fit, "Health", "hydration_l@mean7").weight_unit)
    assert water.goals == "Health"
    assert (water.stands_in_for, water.left_out_through) == ("", "VO2")
    assert why.startswith("goal 'VO2': ")
    changes = what_if(fit, {"hydration_l": ("delta", 1.0)})
    assert changes["node"].tolist() == ["Health"]  # no goal whose change goes nowhere
    assert changes["change"].iloc[-1] == pytest.approx(water.per_unit)
    with pytest.raises(ValueError, match="'carbs_g' reaches the top goal only through the goal"):
        what_if(fit, {"carbs_g": 100.0})
