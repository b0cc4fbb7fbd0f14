"""One fitted goal against scikit-learn: weights, bootstrap refits, walk-forward scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss
from sklearn.model_selection import TimeSeriesSplit
from sklearn.preprocessing import StandardScaler

from pga_core.data import DailyData, Variable
from pga_core.engine import block_bootstrap_counts
from pga_core.goals import GoalTree, fit_tree, leverage
from pga_core.goals import _tree as goals
from tests.core.goals.trees import L2, calendar, reference_rows


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
    np.testing.assert_allclose(table["weight_unit"], ridge.coef_ / scaler.scale_, rtol=1e-7)
    # per SD: one standard deviation of the input over every day it has a value (the one basis
    # of weights and levers), not only over the goal's own days
    every_day = np.array([
        days["asleep_min"].std(), days["day_strain"].shift(1).std(),
        days["have_any_alcoholic_drinks"].shift(1).std(),
        days["vo2_max"].rolling(7, min_periods=1).mean().std(),
    ])  # fmt: skip
    np.testing.assert_allclose(table["weight_sd"], ridge.coef_ / scaler.scale_ * every_day,
                               rtol=1e-7)  # fmt: skip
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
    np.testing.assert_allclose(node.effect, average_effect / scaler.scale_, rtol=1e-4)
    every_day = np.array([days["have_any_caffeine"].std(), days["meditate"].shift(1).std(),
                          days["asleep_min"].shift(1).std()])  # fmt: skip
    np.testing.assert_allclose(node.weight_sd, average_effect / scaler.scale_ * every_day,
                               rtol=1e-4)  # fmt: skip
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


# --- inputs that are combinations of others -----------------------------------------------------
ZONES = [f"zone{i}_min" for i in range(1, 6)]


def training_days(days=400, seed=0):
    """Minutes in five heart-rate zones, workout minutes exactly their sum, and a strain."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=days, freq="D", name="date")
    zones = rng.gamma(2.0, 6.0, size=(days, 5))
    table = pd.DataFrame(zones, index=index, columns=ZONES)
    table["workout_min"] = zones.sum(axis=1)
    table["day_strain"] = 6 + zones @ [0.02, 0.03, 0.05, 0.08, 0.12] + rng.normal(0, 1, days)
    table["recovery_score"] = 70 - 1.5 * table["day_strain"] + rng.normal(0, 8, days)
    table["strain_copy"] = 2 * table["day_strain"]
    registry = {c: Variable(c, c, kind="habit" if c.endswith("_min") else "metric")
                for c in table.columns}  # fmt: skip
    return DailyData(table, registry)


def test_an_input_that_is_the_sum_of_others_is_left_out_of_the_joint_fit():
    data = training_days()
    tree = {"name": "Strain", "target": "day_strain", "inputs": [*ZONES, "workout_min"]}
    fit = fit_tree(GoalTree.from_json(tree), data, n_boot=20).fits["Strain"]
    (left,) = fit.left_out
    assert left.input == "workout_min"
    assert set(left.explained_by) == set(ZONES)
    assert left.r2 == pytest.approx(1.0)
    assert np.isinf(left.vif)
    # no "holding the others fixed" weight for it: the fit is the fit without it
    assert fit.inputs == ZONES
    without = fit_tree(GoalTree.from_json(dict(tree, inputs=ZONES)), data, n_boot=20)
    np.testing.assert_allclose(fit.weight_sd, without.fits["Strain"].weight_sd, rtol=1e-12)
    np.testing.assert_allclose(fit.effect_draws, without.fits["Strain"].effect_draws, rtol=1e-12)
    levers = leverage(fit_tree(GoalTree.from_json(tree), data, n_boot=0))
    assert "workout_min" not in set(levers["input"])
    document = fit.to_json(include_state=False)
    assert document["left_out"] == [
        {"input": "workout_min", "explained_by": list(left.explained_by),
         "r2": pytest.approx(1.0), "vif": None}
    ]  # fmt: skip


def test_an_input_a_sub_goal_models_is_never_the_one_left_out():
    data = training_days()
    tree = GoalTree.from_json({
        "name": "Health", "target": "recovery_score", "inputs": ["strain_copy", "day_strain"],
        "children": [{"name": "Strain", "target": "day_strain", "inputs": ZONES}],
    })  # fmt: skip
    fit = fit_tree(tree, data, n_boot=0)
    assert [c.input for c in fit.fits["Health"].left_out] == ["strain_copy"]
    assert fit.fits["Health"].inputs == ["day_strain"]
    assert set(leverage(fit)["input"]) == set(ZONES)  # the chain through the sub-goal holds
