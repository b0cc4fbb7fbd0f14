"""Power from the person's own outcome: the outcome model, the simulated trials, the promise."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pga_core.engine import block_length
from pga_core.experiments import (
    MAX_POWER_PAIRS,
    MIN_HISTORY_DAYS,
    MIN_PAIRS_FOR_SIGNIFICANCE,
    SIGNIFICANCE,
    TARGET_POWER,
    Design,
    design_power,
    null_differences,
    order_signs,
    outcome_history,
    outcome_model,
    plan_power,
    randomisation_p,
    simulated_intervals,
)
from tests.core.experiments.people import MEAN, OUTCOME, SD, START, ar1, history


def series(values: np.ndarray, start: str = "2023-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), name="date"))


def test_the_ar1_model_learns_mean_spread_and_memory() -> None:
    rng = np.random.default_rng(0)
    model = outcome_model(series(MEAN + ar1(rng, 5000, 0.6)))
    assert model.method == "ar1"
    assert model.mean == pytest.approx(MEAN, abs=1.0)
    assert model.sd == pytest.approx(SD, rel=0.05)
    assert model.phi == pytest.approx(0.6, abs=0.03)
    assert model.days == 5000


def test_the_memory_is_read_over_consecutive_days_only() -> None:
    rng = np.random.default_rng(1)
    values = MEAN + ar1(rng, 400, 0.7)
    every_other = series(values).iloc[::2]  # no two consecutive days left
    assert outcome_model(every_other).phi == 0.0
    gappy = series(values).drop(series(values).index[100:110])
    assert outcome_model(gappy).phi == pytest.approx(outcome_model(series(values)).phi, abs=0.05)


def test_too_little_or_flat_history_says_what_is_needed() -> None:
    with pytest.raises(ValueError, match=rf"at least {MIN_HISTORY_DAYS} are needed"):
        outcome_model(series(np.arange(MIN_HISTORY_DAYS - 1.0)))
    with pytest.raises(ValueError, match="never changed"):
        outcome_model(series(np.full(40, 5.0)))
    with pytest.raises(ValueError, match="method: expected one of ar1, resample"):
        outcome_model(series(np.arange(40.0)), method="bootstrap")


def test_simulated_ar1_outcomes_have_the_learnt_spread_and_memory() -> None:
    rng = np.random.default_rng(2)
    model = outcome_model(series(MEAN + ar1(rng, 3000, 0.5)))
    drawn = model.simulate(400, 300, np.random.default_rng(3))
    assert drawn.shape == (400, 300)
    assert drawn.std() == pytest.approx(model.sd, rel=0.03)
    lag1 = np.mean([np.corrcoef(row[:-1], row[1:])[0, 1] for row in drawn])
    assert lag1 == pytest.approx(model.phi, abs=0.02)
    assert drawn[:, 0].std() == pytest.approx(model.sd, rel=0.1)  # stationary from day one


def test_resampled_outcomes_are_the_persons_own_deviations_in_blocks() -> None:
    rng = np.random.default_rng(4)
    history = MEAN + ar1(rng, 365, 0.8)
    model = outcome_model(series(history), method="resample")
    assert model.block == block_length(history - history.mean()) > 1
    drawn = model.simulate(50, 100, np.random.default_rng(5))
    assert np.isin(drawn, model.residuals).all()
    # within a block, consecutive days are consecutive days of the history
    position = {value: i for i, value in enumerate(model.residuals)}
    steps = np.diff([[position[v] for v in row] for row in drawn], axis=1)
    assert (steps == 1).mean() >= 1 - 1 / model.block - 0.05


def test_power_from_the_intervals_is_the_tests_own_rejection_rate() -> None:
    """Rejecting at change δ is the null trial's interval shifted by δ missing zero: checked
    against the p-value of each simulated trial with δ added."""
    rng = np.random.default_rng(6)
    model = outcome_model(series(MEAN + ar1(rng, 365, 0.5)))
    design = Design(8, 4)
    null = null_differences(model, design, n_sim=300, random_state=1)
    low, high = simulated_intervals(null, random_state=1)
    signs = order_signs(8)
    for change in (2.0, 5.0, 9.0):
        up = (randomisation_p(null + change, signs) <= SIGNIFICANCE).mean()
        down = (randomisation_p(null - change, signs) <= SIGNIFICANCE).mean()
        assert design_power(low, high, change) == pytest.approx((up + down) / 2, abs=1 / 300)


def test_the_plans_promise_is_what_independent_trials_deliver() -> None:
    """A person with an AR(1) outcome (φ = 0.5): the power promised from a year of history is
    within a few points of the share of 1,000 fresh trials, with a 10 % change planted and run
    through the randomisation test, that find it."""
    rng = np.random.default_rng(7)
    design = Design(8, 4)
    report = plan_power(series(MEAN + ar1(rng, 365, 0.5)), design, random_state=2)
    trials = 1000
    outcome = np.stack([ar1(rng, design.days, 0.5) for _ in range(trials)])
    a_days = np.repeat(rng.random((trials, 8)) < 0.5, 8, axis=1)  # per pair: A first?
    in_a = np.where(a_days, np.tile(np.repeat([1, 0], 4), 8), np.tile(np.repeat([0, 1], 4), 8))
    outcome = outcome + in_a * 0.10 * MEAN
    means = outcome.reshape(trials, 8, 2, 4).mean(axis=-1)
    first_a = a_days[:, ::8]
    differences = np.where(first_a, 1.0, -1.0) * (means[..., 0] - means[..., 1])
    found = (randomisation_p(differences, order_signs(8)) <= SIGNIFICANCE).mean()
    assert report.power == pytest.approx(found, abs=0.08)
    assert report.change == pytest.approx(0.1 * report.model.mean)


def test_the_report_offers_shorter_and_longer_designs() -> None:
    rng = np.random.default_rng(8)
    report = plan_power(series(MEAN + ar1(rng, 200, 0.4)), Design(10, 4), change_pct=10)
    options = report.options.set_index("pairs")
    # every shorter design that can be significant, then a bisection towards the one needed
    assert options.index[: 10 - MIN_PAIRS_FOR_SIGNIFICANCE + 1].tolist() == list(
        range(MIN_PAIRS_FOR_SIGNIFICANCE, 11)
    )
    assert options.index.is_monotonic_increasing
    assert options.loc[10, "power"] == report.power < TARGET_POWER
    assert (options["days"] == options.index * 8).all()
    assert options.loc[report.pairs_needed, "power"] >= TARGET_POWER
    assert options.loc[report.pairs_needed - 1, "power"] < TARGET_POWER
    assert report.days_needed == report.pairs_needed * 8
    # the detectable change is found with the power asked, and a hair less is not (the
    # report's own trials: the first 10 pairs of the longest design, orders seeded by K)
    longest = null_differences(report.model, Design(MAX_POWER_PAIRS, 4), random_state=0)
    low_high = simulated_intervals(longest[:, :10], random_state=10)
    assert design_power(*low_high, report.detectable * (1 + 1e-6)) >= TARGET_POWER
    assert design_power(*low_high, report.detectable * (1 - 1e-6)) < TARGET_POWER
    assert report.detectable_pct == pytest.approx(report.detectable / report.model.mean * 100)
    assert options["detectable"].is_monotonic_decreasing


def test_the_history_is_the_outcome_on_every_day_before_the_start() -> None:
    daily = history(30)
    before = outcome_history(daily, OUTCOME, START - pd.Timedelta(days=10))
    assert len(before) == 20
    assert before.index[-1] == START - pd.Timedelta(days=11)
    np.testing.assert_array_equal(before.to_numpy(), daily.table[OUTCOME].to_numpy()[:20])
    assert outcome_history(daily, "nope", START).empty


def test_power_is_reproducible_and_can_be_asked_in_units() -> None:
    history = series(MEAN + ar1(np.random.default_rng(9), 120, 0.3))
    first = plan_power(history, Design(8, 3), random_state=4)
    again = plan_power(history, Design(8, 3), random_state=4)
    pd.testing.assert_frame_equal(first.options, again.options)
    in_units = plan_power(history, Design(8, 3), change=first.change, random_state=4)
    assert in_units.power == first.power
    with pytest.raises(ValueError, match="mean is not positive"):
        plan_power(history - 1000, Design(8, 3))
    negative = plan_power(history - 1000, Design(8, 3), change=5.0)
    assert math.isnan(negative.change_pct)


def test_a_design_too_short_to_find_anything_says_so() -> None:
    history = series(MEAN + ar1(np.random.default_rng(10), 120, 0.3))
    report = plan_power(history, Design(4, 3), change_pct=1, max_pairs=8)
    assert report.options["pairs"].tolist() == [4, 8]
    assert report.power == 0.0
    assert math.isinf(report.detectable)
    assert report.pairs_needed is None
    assert report.days_needed is None
