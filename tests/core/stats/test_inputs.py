"""Input checks, the weekday adjustment, the outcome on the calendar, seeds and circular pairs."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Variable
from pga_core.stats import (
    EFFECT_N_BOOT,
    EFFECT_N_PERM,
    behaviour_impact,
    check_column,
    check_days,
    check_lag,
    check_n_perm,
    check_settings,
    draw_base_seed,
    habit_effects,
    is_circular,
    lag_scan,
    lagged_correlations,
    outcome_on_calendar,
    rng_for_test,
    weekday_adjusted,
)
from tests.core.stats.synthetic_days import OUTCOME, make_daily


# --- settings -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("min_days", "n_boot", "message"),
    [
        (0, 10, "min_days must be a positive whole number of days, got 0"),
        (2.5, 10, "min_days must be a positive whole number of days, got 2.5"),
        (5, 0, "n_boot must be a positive number of resamples, got 0"),
        (5, "100", "n_boot must be a positive number of resamples, got '100'"),
    ],
)
def test_settings_must_be_positive_whole_numbers(min_days, n_boot, message) -> None:
    with pytest.raises(ValueError, match=message):
        check_settings(min_days, n_boot)


def test_good_settings_pass_and_n_perm_may_be_none() -> None:
    check_settings(np.int64(5), 1)
    check_n_perm(None)
    check_n_perm(np.int32(7))
    with pytest.raises(ValueError, match="n_perm must be a positive number of rotations or None"):
        check_n_perm(0)


def test_the_statistics_share_the_named_resample_counts() -> None:
    for function in (behaviour_impact, lag_scan, habit_effects):
        assert inspect.signature(function).parameters["n_boot"].default == EFFECT_N_BOOT
    for function in (behaviour_impact, lag_scan, lagged_correlations):
        assert inspect.signature(function).parameters["n_perm"].default == EFFECT_N_PERM
    assert EFFECT_N_BOOT >= 1000  # enough resamples for stable 2.5th and 97.5th percentiles


@pytest.mark.parametrize(
    ("lag", "message"),
    [
        (-1, "lag must be 0 or more days"),
        (1.0, "lag must be a whole number of days, got 1.0"),
        (False, "lag must be a whole number of days, got False"),
        (30, "lag of 30 day.* needs more than 30 days of data; the table covers 30"),
    ],
)
def test_lags_must_be_whole_days_shorter_than_the_history(lag, message) -> None:
    with pytest.raises(ValueError, match=message):
        check_lag(lag, 30)


def test_a_good_lag_comes_back_as_an_int() -> None:
    assert check_lag(np.int64(3), 30) == 3
    assert type(check_lag(np.int64(3), 30)) is int


def test_an_unknown_column_is_named_with_the_columns_there_are() -> None:
    daily = make_daily({OUTCOME: np.arange(5.0), "b_x": np.ones(5)})
    check_column(daily, "b_x", "habit")
    with pytest.raises(ValueError, match=r"^habit 'steps' is not a column of the data; columns: "):
        check_column(daily, "steps", "habit")
    with pytest.raises(ValueError, match="columns: none"):
        check_column(DailyData.empty(), "steps", "outcome")
    with pytest.raises(ValueError, match="the data has no days"):
        check_days(DailyData.empty())
    check_days(daily)


# --- the weekday adjustment -----------------------------------------------------------------------
def test_the_weekday_adjustment_takes_out_each_weekdays_mean_and_keeps_the_level() -> None:
    rng = np.random.default_rng(2)
    index = pd.date_range("2024-01-01", periods=120, name="date")
    values = 60 + rng.normal(0, 5, 120) - 12 * (index.day_of_week == 5)
    values[rng.random(120) < 0.2] = np.nan
    series = pd.Series(values, index=index)
    adjusted = weekday_adjusted(series)
    # written out: every day minus the mean of its weekday's logged days, plus the overall mean
    known = ~np.isnan(values)
    weekday = index.day_of_week.to_numpy()
    expected = np.full(120, np.nan)
    for day in range(7):
        same = weekday == day
        expected[same] = values[same] - values[same & known].mean() + values[known].mean()
    np.testing.assert_allclose(adjusted.to_numpy(), expected, rtol=1e-12)
    assert adjusted.index.equals(index)
    assert adjusted.mean() == pytest.approx(series.mean())
    means = adjusted.groupby(index.day_of_week).mean()
    np.testing.assert_allclose(means, series.mean(), rtol=1e-12)
    with pytest.raises(TypeError, match="indexed by days"):
        weekday_adjusted(pd.Series([1.0, 2.0]))


# --- the outcome on the calendar ------------------------------------------------------------------
def test_the_outcome_is_on_every_calendar_day_with_gaps_missing() -> None:
    daily = make_daily({OUTCOME: np.arange(20.0) % 6 + 50, "b_x": np.ones(20)})
    holey = DailyData(daily.table.drop(daily.table.index[5:8]), daily.registry)
    calendar = holey.calendar()
    values = outcome_on_calendar(holey, calendar, OUTCOME, adjust_weekday=False)
    assert values.shape == (20,)
    assert np.isnan(values[5:8]).all()
    np.testing.assert_array_equal(values[~np.isnan(values)], holey.table[OUTCOME].to_numpy())
    adjusted = outcome_on_calendar(holey, calendar, OUTCOME, adjust_weekday=True)
    np.testing.assert_allclose(adjusted, weekday_adjusted(calendar[OUTCOME]).to_numpy())


def test_an_outcome_that_never_changes_is_refused() -> None:
    daily = make_daily({OUTCOME: np.r_[55.0, 55.0, np.full(8, np.nan)], "b_x": np.ones(10)})
    with pytest.raises(ValueError, match=r"'recovery_score' has 2 logged day\(s\) and no var"):
        outcome_on_calendar(daily, daily.calendar(), OUTCOME, adjust_weekday=False)
    with pytest.raises(ValueError, match="outcome 'mood' is not a column"):
        outcome_on_calendar(daily, daily.calendar(), "mood", adjust_weekday=False)


# --- seeds ----------------------------------------------------------------------------------------
def test_each_test_has_its_own_generator_from_the_seed_and_its_identity() -> None:
    base = draw_base_seed(7)
    assert base == draw_base_seed(7) != draw_base_seed(8)
    assert draw_base_seed(np.random.default_rng(7)) == base

    def draws(*identity: object) -> np.ndarray:
        return rng_for_test(base, *identity).random(5)  # type: ignore[arg-type]

    np.testing.assert_array_equal(draws("b_drink", OUTCOME, 1), draws("b_drink", OUTCOME, 1))
    for other in [("b_null", OUTCOME, 1), ("b_drink", "hrv", 1), ("b_drink", OUTCOME, 2)]:
        assert not np.array_equal(draws("b_drink", OUTCOME, 1), draws(*other))
    assert not np.array_equal(
        rng_for_test(base + 1, "b_drink", OUTCOME, 1).random(5), draws("b_drink", OUTCOME, 1)
    )


# --- circular pairs -------------------------------------------------------------------------------
def test_circular_pairs_follow_components_through_other_variables() -> None:
    registry = {
        "recovery": Variable("recovery", "Recovery", components=("sleep_score", "hrv")),
        "sleep_score": Variable("sleep_score", "Sleep score", components=("slept_well",)),
        "slept_well": Variable("slept_well", "Slept well?", kind="behaviour"),
        "hrv": Variable("hrv", "HRV"),
        "coffee": Variable("coffee", "Coffee?", kind="behaviour"),
        "loop_a": Variable("loop_a", "A", components=("loop_b",)),
        "loop_b": Variable("loop_b", "B", components=("loop_a",)),
    }
    assert is_circular(registry, "slept_well", "recovery")
    assert is_circular(registry, "recovery", "slept_well")
    assert is_circular(registry, "hrv", "recovery")
    assert is_circular(registry, "coffee", "coffee")
    assert not is_circular(registry, "coffee", "recovery")
    assert not is_circular(registry, "hrv", "sleep_score")
    assert is_circular(registry, "loop_a", "loop_b")  # a loop in the registry ends
    assert not is_circular(registry, "unknown", "coffee")
