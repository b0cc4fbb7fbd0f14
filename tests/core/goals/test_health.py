"""The health index: its parts, its scale, and the rule that picks the parts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Variable
from pga_core.goals import (
    HEALTH_INDEX,
    MIN_PART_DAYS,
    health_parts,
    with_health_index,
)


def person(columns, days=200, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=days, freq="D", name="date")
    table = pd.DataFrame({c: rng.normal(50, 8, days) for c in columns}, index=index)
    registry = {c: Variable(c, c.replace("_", " "), source="whoop") for c in columns}
    return DailyData(table, registry)


def test_the_index_is_fifty_plus_ten_times_the_mean_standardised_part():
    daily = person(["recovery_score", "hrv_rmssd", "resting_hr", "sleep_performance", "steps"])
    table = daily.table
    z = lambda c: (table[c] - table[c].mean()) / table[c].std()  # noqa: E731
    expected = 50 + 10 * (z("recovery_score") + z("hrv_rmssd") - z("resting_hr")
                          + z("sleep_performance")) / 4  # fmt: skip
    indexed = with_health_index(daily)
    np.testing.assert_allclose(indexed.table[HEALTH_INDEX], expected, rtol=1e-12)
    variable = indexed.registry[HEALTH_INDEX]
    assert (variable.label, variable.unit, variable.higher_is_better) == (
        "Health index",
        "points",
        True,
    )
    assert variable.components == ("recovery_score", "hrv_rmssd", "resting_hr",
                                   "sleep_performance")  # fmt: skip
    assert indexed.table[HEALTH_INDEX].mean() == pytest.approx(50)


def test_vo2_max_counts_as_its_mean_of_seven_days_and_alternatives_stand_in():
    daily = person(["hrv_sdnn", "vo2_max"], days=100)
    table = daily.table.copy()
    table.loc[table.index[::3], "vo2_max"] = np.nan  # measured now and then
    daily = DailyData(table, daily.registry)
    assert [e for _, e in health_parts(daily)] == ["hrv_sdnn", "vo2_max@mean7"]
    vo2 = table["vo2_max"].rolling(7, min_periods=1).mean()
    z = lambda s: (s - s.mean()) / s.std()  # noqa: E731
    expected = 50 + 10 * (z(table["hrv_sdnn"]) + z(vo2)) / 2
    np.testing.assert_allclose(with_health_index(daily).table[HEALTH_INDEX], expected, rtol=1e-12)


def test_one_part_or_parts_with_too_few_days_make_no_index():
    daily = person(["recovery_score", "steps"])
    assert health_parts(daily) == []
    assert with_health_index(daily) is daily
    sparse = person(["recovery_score", "hrv_rmssd"])
    table = sparse.table.copy()
    table.iloc[MIN_PART_DAYS - 1 :, 1] = np.nan
    assert health_parts(DailyData(table, sparse.registry)) == []


def test_a_part_recorded_in_another_period_is_left_out():
    daily = person(["recovery_score", "hrv_rmssd", "resting_hr"], days=300)
    table = daily.table.copy()
    table.iloc[:200, 2] = np.nan  # resting heart rate only in the last 100 days
    table.iloc[200:, 1] = np.nan  # HRV only in the first 200
    parts = [e for _, e in health_parts(DailyData(table, daily.registry))]
    assert parts == ["recovery_score", "hrv_rmssd"]
