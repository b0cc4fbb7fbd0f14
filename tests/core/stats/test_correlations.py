"""Lagged correlations against pandas, SciPy and a loop over every rotation."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pga_core.data import DailyData
from pga_core.stats import lagged_correlations
from tests.core.stats.synthetic_days import make_daily

OUTCOME = "recovery_score"


def test_lagged_correlations_match_pandas_and_scipy() -> None:
    rng = np.random.default_rng(16)
    n_days = 300
    strain = rng.gamma(4, 3, n_days)
    sleep = rng.normal(450, 40, n_days)
    outcome = np.r_[60, 80 - 0.8 * strain[:-1]] + rng.normal(0, 5, n_days)
    sleep[rng.random(n_days) < 0.1] = np.nan
    daily = make_daily({OUTCOME: outcome, "day_strain": strain, "asleep_min": sleep})
    names = ["day_strain", "asleep_min", OUTCOME]
    result = lagged_correlations(daily, names, lag=1, n_perm=200)
    shifted = daily.table.shift(-1)
    for x in names:
        assert math.isnan(result.r.loc[x, x])
        for y in names:
            if x != y:
                expected = daily.table[x].corr(shifted[y])
                assert result.r.loc[x, y] == pytest.approx(expected, rel=1e-10)
    assert result.p_value.loc["day_strain", OUTCOME] < 0.01
    assert len(result.table) == 6
    np.testing.assert_allclose(
        result.table["q_value"], stats.false_discovery_control(result.table["p_value"])
    )
    same_day = lagged_correlations(daily, ["day_strain", OUTCOME], method="spearman")
    rho = stats.spearmanr(strain, outcome).statistic
    assert same_day.r.loc["day_strain", OUTCOME] == pytest.approx(rho, rel=1e-10)
    assert same_day.r.loc[OUTCOME, "day_strain"] == same_day.r.loc["day_strain", OUTCOME]
    assert len(same_day.table) == 1


def test_correlation_p_value_is_a_rotation_test() -> None:
    # Two independent random walks correlate strongly by chance: a textbook test calls it
    # significant, the rotation test does not.
    rng = np.random.default_rng(17)
    n_days = 400
    first = np.cumsum(rng.normal(size=n_days))
    second = np.cumsum(rng.normal(size=n_days))
    daily = make_daily({"first": first, "second": second})
    result = lagged_correlations(daily, ["first", "second"], n_perm=None)
    r = result.r.loc["first", "second"]
    assert stats.pearsonr(first, second).pvalue < 1e-6
    reference = [abs(np.corrcoef(np.roll(first, k), second)[0, 1]) for k in range(1, n_days)]
    expected = (1 + np.sum(np.array(reference) >= abs(r) * (1 - 1e-9))) / n_days
    assert result.p_value.loc["first", "second"] == pytest.approx(expected)
    assert result.p_value.loc["first", "second"] > 0.01


@pytest.mark.parametrize("method", ["pearson", "spearman"])
@pytest.mark.parametrize("lag", [0, 1])
def test_a_pair_without_variation_on_its_shared_days_is_nan_without_a_warning(
    lag: int, method: str
) -> None:
    # A metric logged every fifth day and a yes/no test done only on other days: on the days
    # both are known the test is always the same, so their correlation does not exist.
    rng = np.random.default_rng(19)
    n_days = 120
    rare = np.full(n_days, np.nan)
    rare[::5] = rng.normal(20, 1, n_days // 5)
    test = np.zeros(n_days)
    test[1::5] = 1.0
    daily = make_daily({"rare": rare, "test": test, "hrv": rng.normal(60, 8, n_days)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lagged_correlations(
            daily, ["rare", "test", "hrv"], lag=lag, method=method, n_perm=200
        )
    shifted = daily.table.shift(-lag)
    flat = [("rare", "test"), ("test", "rare")] if lag else [("rare", "test")]
    cells = result.table.set_index(["x", "y"])
    for x, y in flat:
        shared = pd.DataFrame({"x": daily.table[x], "y": shifted[y]}).dropna()
        with pytest.warns(stats.ConstantInputWarning):
            assert math.isnan(stats.pearsonr(shared["x"], shared["y"]).statistic)
        cell = cells.loc[(x, y)]
        assert cell["n_pairs"] == len(shared)
        assert math.isnan(cell["r"])
        assert math.isnan(cell["p_value"])
        assert math.isnan(cell["q_value"])
        assert not cell["tested"]
        assert math.isnan(result.r.loc[x, y])
    others = cells.drop(flat)
    assert others["tested"].all()
    assert np.isfinite(others["r"]).all()
    if method == "pearson":
        expected = daily.table["rare"].corr(shifted["hrv"])
        assert cells.loc[("rare", "hrv"), "r"] == pytest.approx(expected, rel=1e-10)


# ------------------------------------------------------------------------------ bad input


@pytest.fixture
def small() -> DailyData:
    rng = np.random.default_rng(18)
    return make_daily({OUTCOME: rng.normal(60, 10, 60), "b_drink": rng.integers(0, 2, 60) * 1.0})


def test_bad_correlation_requests_are_refused(small: DailyData) -> None:
    with pytest.raises(ValueError, match="method must be"):
        lagged_correlations(small, [OUTCOME, "b_drink"], method="kendall")
    with pytest.raises(ValueError, match="at least two"):
        lagged_correlations(small, [OUTCOME, OUTCOME])
    with pytest.raises(ValueError, match=r"column 'hrv' is not a column"):
        lagged_correlations(small, [OUTCOME, "hrv"])
    with pytest.raises(ValueError, match="min_pairs must be an integer of at least 3, got 2"):
        lagged_correlations(small, [OUTCOME, "b_drink"], min_pairs=2)
    for n_perm in (0, 2.5):
        with pytest.raises(ValueError, match="n_perm must be a positive number of rotations"):
            lagged_correlations(small, [OUTCOME, "b_drink"], n_perm=n_perm)
