"""Goal trees against the planted chain of a synthetic person, scikit-learn and finite differences.

How the planted truth translates into a leverage (see data/README.md). A sustained change of
+1 L of water every day adds ``ZONE5_PER_HYDRATION_L`` zone-5 minutes on *workout* days only,
so ``ZONE5_PER_HYDRATION_L × p_w`` minutes a day on average (p_w: share of workout days); a
28-day sum of zone-5 minutes then moves 28 times that, VO₂ max ``VO2_PER_ZONE5_MIN_SUM28`` per
summed minute, and recovery ``RECOVERY_PER_VO2_MAX`` per mL/kg/min — scaled by the alcohol
factor on mornings after drinking, so on average by ``1 + ALCOHOL_PCT_CHANGE/100 × share of
mornings after drinking``. The strain of harder workouts also lowers the next morning's recovery,
but in the tree below strain is a measured input, not a sub-goal, so that path is not part of
what the tree estimates (nor of the truth it is compared with).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss
from sklearn.model_selection import TimeSeriesSplit
from sklearn.preprocessing import StandardScaler

from pga_core.data import DailyData, Variable
from pga_core.engine import block_bootstrap_counts
from pga_core.goals import GoalTree, TreeFit, fit_tree, leverage, what_if
from pga_core.goals import _tree as goals
from pga_core.sample import generate_person
from pga_core.sample._person import (
    ALCOHOL_PCT_CHANGE,
    RECOVERY_PER_VO2_MAX,
    VO2_PER_ZONE5_MIN_SUM28,
    ZONE5_PER_CARBS_G,
    ZONE5_PER_HYDRATION_L,
    ZONE5_WINDOW_DAYS,
)
from pga_core.words import signed

REPO = Path(__file__).resolve().parents[3]
L2 = 1e-3  # the linear and logistic goal models' default penalty

PLANTED = {
    "name": "Health",
    "target": "recovery_score",
    "inputs": ["asleep_min", "day_strain@lag1", "have_any_alcoholic_drinks@lag1", "vo2_max@mean7"],
    "children": [
        {
            "name": "VO2",
            "target": "vo2_max",
            "inputs": ["zone5_min@sum28"],
            "children": [
                {
                    "name": "Zone 5",
                    "target": "zone5_min",
                    "inputs": ["hydration_l", "carbs_g", "lactate_threshold_test"],
                }
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def person():
    return generate_person(1095, seed=1)


@pytest.fixture(scope="module")
def planted_fit(person):
    return fit_tree(GoalTree.from_json(PLANTED), person.daily)


@pytest.fixture(scope="module")
def short_person():
    return generate_person(400, seed=3)


def calendar(daily):
    """The day table on every calendar day, by plain pandas."""
    table = daily.table
    return table.reindex(pd.date_range(table.index.min(), table.index.max(), freq="D"))


def reference_rows(daily, target, inputs):
    """A node's complete days computed directly: {expression: series} → (X, y, dates)."""
    frame = pd.DataFrame({"y": calendar(daily)[target], **inputs}).dropna()
    return frame.drop(columns="y").to_numpy(), frame["y"].to_numpy(), frame.index


def lever(fit, column):
    return leverage(fit).set_index("input").loc[column]


def weight(fit, node, expression):
    table = fit.weights_table(node).set_index("input")
    return table.loc[expression]


# --- the planted chain ----------------------------------------------------------------------------
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


@pytest.mark.parametrize("failed", [10, 11])
def test_intervals_need_half_of_the_bootstrap_refits_to_succeed(short_person, monkeypatch, failed):
    """Resamples that put every day's weight on one day cannot be refitted: below half valid
    resamples a goal has no intervals and says why (as the behaviour statistics do)."""
    n_boot = 20
    real = block_bootstrap_counts

    def some_fail(n_samples, n_boot, block, random_state):
        counts = real(n_samples, n_boot, block, random_state)
        counts[:failed] = 0
        counts[:failed, 0] = n_samples  # one day, repeated: too few days to refit
        return counts

    monkeypatch.setattr(goals, "block_bootstrap_counts", some_fail)
    tree = GoalTree.from_json({"name": "Sleep", "target": "asleep_min",
                               "inputs": ["day_strain@lag1", "steps"]})  # fmt: skip
    fit = fit_tree(tree, short_person.daily, n_boot=n_boot)
    node = fit.fits["Sleep"]
    valid = node.effect_draws[~np.isnan(node.effect_draws).any(axis=1)]
    assert len(valid) == n_boot - failed
    table = fit.weights_table("Sleep")
    levers = leverage(fit).set_index("input")
    if n_boot - failed >= n_boot / 2:
        low, high = np.percentile(valid, [2.5, 97.5], axis=0)
        np.testing.assert_allclose(table["unit_ci_low"], low)
        np.testing.assert_allclose(table["unit_ci_high"], high)
        assert levers.loc["steps", "unit_ci_low"] == pytest.approx(low[1])
        assert node.notes == []
    else:
        assert table[["ci_low", "ci_high", "unit_ci_low", "unit_ci_high"]].isna().all().all()
        assert levers[["ci_low", "ci_high"]].isna().all().all()
        assert node.notes == [
            f"Only {n_boot - failed} of {n_boot} bootstrap resamples left 'Sleep' enough days to "
            "refit (at least 50 % are needed), so its weights have no intervals."
        ]


# --- against scikit-learn -------------------------------------------------------------------------
def test_weights_equal_ridge_on_standardised_inputs(person, planted_fit):
    days = calendar(person.daily)
    X, y, dates = reference_rows(person.daily, "recovery_score", {
        "asleep_min": days["asleep_min"],
        "strain": days["day_strain"].shift(1),
        "alcohol": days["have_any_alcoholic_drinks"].shift(1),
        "vo2": days["vo2_max"].rolling(7, min_periods=1).mean(),
    })  # fmt: skip
    scaler = StandardScaler().fit(X)
    ridge = Ridge(alpha=len(y) * L2).fit(scaler.transform(X), y)
    table = planted_fit.weights_table("Health")
    fit = planted_fit.fits["Health"]
    assert (fit.dates == dates).all()
    np.testing.assert_allclose(table["weight_sd"], ridge.coef_, rtol=1e-7)
    np.testing.assert_allclose(table["weight_unit"], ridge.coef_ / scaler.scale_, rtol=1e-7)
    np.testing.assert_allclose(fit.predicted, ridge.predict(scaler.transform(X)), rtol=1e-9)


def test_walk_forward_scores_equal_a_direct_time_series_split_loop(person, planted_fit):
    days = calendar(person.daily)
    window = days["zone5_min"].rolling(28, min_periods=21).mean() * 28
    X, y, dates = reference_rows(person.daily, "vo2_max", {"sum28": window})
    fit = planted_fit.fits["VO2"]
    assert fit.gap == 28
    assert fit.n_splits == 5
    predicted, baseline = np.full(len(y), np.nan), np.full(len(y), np.nan)
    for train, test in TimeSeriesSplit(n_splits=5, gap=28).split(X):
        assert (dates[test[0]] - dates[train[-1]]).days > 28  # the gap is honoured in days
        scaler = StandardScaler().fit(X[train])
        ridge = Ridge(alpha=len(train) * L2).fit(scaler.transform(X[train]), y[train])
        predicted[test] = ridge.predict(scaler.transform(X[test]))
        baseline[test] = y[train].mean()
    tested = ~np.isnan(predicted)
    sst = np.sum((y[tested] - y[tested].mean()) ** 2)
    np.testing.assert_allclose(fit.predicted_oos, predicted, rtol=1e-7)
    assert fit.score_oos == pytest.approx(1 - np.sum((y - predicted)[tested] ** 2) / sst)
    assert fit.score_baseline == pytest.approx(1 - np.sum((y - baseline)[tested] ** 2) / sst)


def test_a_yes_no_goal_is_logistic_with_average_marginal_effects(short_person):
    tree = GoalTree.from_json({
        "name": "Drinking", "target": "have_any_alcoholic_drinks",
        "inputs": ["have_any_caffeine", "meditate@lag1", "asleep_min@lag1"],
    })  # fmt: skip
    fit = fit_tree(tree, short_person.daily, n_boot=20)
    node = fit.fits["Drinking"]
    assert node.model == "logistic"
    assert node.score_name == "log_loss"
    days = calendar(short_person.daily)
    X, y, _ = reference_rows(short_person.daily, "have_any_alcoholic_drinks", {
        "caffeine": days["have_any_caffeine"], "meditate": days["meditate"].shift(1),
        "asleep": days["asleep_min"].shift(1),
    })  # fmt: skip
    scaler = StandardScaler().fit(X)
    Z = scaler.transform(X)
    reference = LogisticRegression(C=1 / (len(y) * L2), tol=1e-12, max_iter=1000).fit(Z, y)
    p = reference.predict_proba(Z)[:, 1]
    average_effect = np.mean(p * (1 - p)) * reference.coef_[0]
    # the ascent stops at a relative objective gap of 1e-10: weights agree to ~1e-5
    np.testing.assert_allclose(node.weight_sd, average_effect, rtol=1e-4)
    np.testing.assert_allclose(node.effect, average_effect / scaler.scale_, rtol=1e-4)
    # a bootstrap draw: the refit on resample weights, its average marginal effect weighted alike
    counts = block_bootstrap_counts(len(days), 20, 7, 0)[:, days.index.get_indexer(node.dates)]
    refit = LogisticRegression(C=1 / (counts[3].sum() * L2), tol=1e-12, max_iter=1000)
    refit.fit(Z, y, sample_weight=counts[3])
    q = refit.predict_proba(Z)[:, 1]
    expected = np.average(q * (1 - q), weights=counts[3]) * refit.coef_[0] / scaler.scale_
    np.testing.assert_allclose(node.effect_draws[3], expected, rtol=1e-3)  # refit tolerance
    # walk-forward log-loss against scikit-learn's, fold by fold
    chances, baseline, tested = [], [], []
    for train, test in TimeSeriesSplit(n_splits=5, gap=1).split(Z):
        s = StandardScaler().fit(X[train])
        model = LogisticRegression(C=1 / (len(train) * L2), tol=1e-12, max_iter=1000)
        model.fit(s.transform(X[train]), y[train])
        chances.append(model.predict_proba(s.transform(X[test]))[:, 1])
        baseline.append(np.full(len(test), y[train].mean()))
        tested.append(test)
    actual = y[np.concatenate(tested)]
    assert node.score_oos == pytest.approx(log_loss(actual, np.concatenate(chances)), rel=1e-6)
    assert node.score_baseline == pytest.approx(log_loss(actual, np.concatenate(baseline)))


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


def test_lever_sentences_speak_per_week_for_behaviours_and_per_round_step_otherwise(planted_fit):
    levers = leverage(planted_fit).set_index("input")
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


# --- validation -----------------------------------------------------------------------------------
def node(name, target, inputs, children=(), **extra):
    return {"name": name, "target": target, "inputs": list(inputs),
            "children": list(children), **extra}  # fmt: skip


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


def test_goals_the_data_cannot_support_are_left_out_and_the_rest_fitted(short_person):
    daily = short_person.daily
    table = daily.table.drop(columns="body_fat_pct")
    registry = {k: v for k, v in daily.registry.items() if k != "body_fat_pct"}
    tree = GoalTree.from_json(json.loads((REPO / "data" / "goals.json").read_text()))
    fit = fit_tree(tree, DailyData(table, registry), n_boot=10)
    assert list(fit.fits) == ["Overall health", "Zone-5 time"]
    assert [(p.node, p.kind, p.column) for p in fit.problems] == [
        ("VO₂ max", "unknown_column", "body_fat_pct@mean28")
    ]
    nodes = fit.nodes_table().set_index("node")
    assert nodes.loc["VO₂ max", "verdict"].startswith("Not fitted: goal 'VO₂ max': feature")
    assert "hydration_l" not in set(leverage(fit)["input"])  # no path through the missing goal
    with pytest.raises(ValueError, match="goal 'VO₂ max' was not fitted"):
        fit.weights_table("VO₂ max")


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
    assert vo2.note == (
        f"the goal 'VO₂ max' that predicts it could not be fitted ({vo2_problem.message}), so "
        "it counts as a lever itself and the effects of that goal's own inputs are unknown"
    )
    assert vo2.sentence.endswith(f"— not something you set directly. Note: {vo2.note}")
    assert (levers.drop(index="vo2_max")["note"] == "").all()
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
    assert water.note == (
        f"its path through the goal 'VO2' is left out: that goal could not be fitted ({why})"
    )
    changes = what_if(fit, {"hydration_l": ("delta", 1.0)})
    assert changes["node"].tolist() == ["Health"]  # no goal whose change goes nowhere
    assert changes["change"].iloc[-1] == pytest.approx(water.per_unit)
    with pytest.raises(ValueError, match="'carbs_g' reaches the top goal only through the goal"):
        what_if(fit, {"carbs_g": 100.0})


def test_no_fittable_goal_at_all_is_an_error(short_person):
    with pytest.raises(ValueError, match="no column named 'sleep_score'"):
        fit_tree(GoalTree.from_json(node("H", "sleep_score", ["steps"])), short_person.daily)


# --- JSON -----------------------------------------------------------------------------------------
CONTRACT_NODE = {"name", "target", "model", "n_rows", "score_oos", "score_baseline", "weights"}
EXTRA_NODE = {"score_name", "beats_baseline", "verdict", "gap_days", "n_splits", "notes"}
CONTRACT_WEIGHT = {"input", "weight_sd", "weight_unit", "ci_low", "ci_high"}
EXTRA_WEIGHT = {"unit_ci_low", "unit_ci_high"}
CONTRACT_LEVER = {"input", "per_unit", "per_sd", "ci_low", "ci_high"}
EXTRA_LEVER = {"label", "unit", "kind", "controllable", "unit_ci_low", "unit_ci_high", "sd",
               "typical", "observed_min", "observed_max", "goals", "note", "sentence"}  # fmt: skip


def test_to_json_has_the_contracts_keys(planted_fit):
    document = json.loads(json.dumps(planted_fit.to_json(include_state=False), allow_nan=False))
    assert set(document) == {"nodes", "leverage", "problems"}
    assert [n["name"] for n in document["nodes"]] == ["Health", "VO2", "Zone 5"]
    for entry in document["nodes"]:
        assert set(entry) == CONTRACT_NODE | EXTRA_NODE
        for w in entry["weights"]:
            assert set(w) == CONTRACT_WEIGHT | EXTRA_WEIGHT
            assert w["ci_low"] < w["weight_sd"] < w["ci_high"]  # the CI is on the per-SD scale
    assert document["nodes"][0]["n_rows"] == planted_fit.fits["Health"].n_rows
    for lever_entry in document["leverage"]:
        assert set(lever_entry) == CONTRACT_LEVER | EXTRA_LEVER
        assert lever_entry["ci_low"] < lever_entry["per_sd"] < lever_entry["ci_high"]
    per_sd = [abs(e["per_sd"]) for e in document["leverage"]]
    assert per_sd == sorted(per_sd, reverse=True)


def test_a_fit_restored_from_json_shows_the_same_results_without_refitting(planted_fit):
    text = json.dumps(planted_fit.to_json(), allow_nan=False)
    restored = TreeFit.from_json(json.loads(text))
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
