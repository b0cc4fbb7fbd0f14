"""One fitted goal against scikit-learn: weights, bootstrap refits, walk-forward scores."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss
from sklearn.model_selection import TimeSeriesSplit
from sklearn.preprocessing import StandardScaler

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
