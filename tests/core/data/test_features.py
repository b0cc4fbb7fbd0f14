"""Feature expressions against a day-by-day reference written with plain Python loops."""

import math

import numpy as np
import pandas as pd
import pytest

from pga_core.data import (
    SUM_MIN_SHARE,
    DailyData,
    Feature,
    Variable,
    feature_frame,
    max_lag_window,
    parse_feature,
    sustained_factor,
)

COLUMNS = ["zone5_min", "hydration_l", "have_any_alcoholic_drinks"]


def table_with_gaps(seed=0, days=120):
    """Daily values with NaNs and whole days absent from the index (strap off)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=days, freq="D", name="date")
    values = pd.DataFrame(
        {
            "zone5_min": np.where(rng.random(days) < 0.5, rng.uniform(5, 30, days), 0.0),
            "hydration_l": rng.uniform(1.5, 3.5, days).round(1),
            "have_any_alcoholic_drinks": (rng.random(days) < 0.3).astype(float),
        },
        index=index,
    )
    values = values.mask(rng.random(values.shape) < 0.1)
    absent = rng.choice(np.arange(5, days - 5), size=8, replace=False)
    values = values.drop(index[absent])
    registry = {c: Variable(c, c) for c in values.columns}
    return DailyData(values, registry)


def reference(daily, name, transform, k):
    """The feature day by day: dates looked up one by one, windows summed in Python."""
    known = {d: v for d, v in daily.table[name].items() if not math.isnan(v)}
    days = pd.date_range(daily.table.index.min(), daily.table.index.max(), freq="D")
    out = []
    for day in days:
        if transform == "":
            out.append(known.get(day, math.nan))
        elif transform == "lag":
            out.append(known.get(day - pd.Timedelta(days=k), math.nan))
        else:
            window = [day - pd.Timedelta(days=i) for i in range(k)]
            present = [known[d] for d in window if d in known]
            if transform == "mean":
                out.append(sum(present) / len(present) if present else math.nan)
            elif len(present) >= math.ceil(SUM_MIN_SHARE * k):
                out.append(k * sum(present) / len(present))
            else:
                out.append(math.nan)
    return np.array(out)


@pytest.mark.parametrize(
    ("expression", "transform", "k"),
    [
        ("zone5_min", "", 0),
        ("have_any_alcoholic_drinks@lag1", "lag", 1),
        ("hydration_l@lag3", "lag", 3),
        ("hydration_l@mean7", "mean", 7),
        ("zone5_min@sum28", "sum", 28),
        ("zone5_min@sum4", "sum", 4),
        ("zone5_min@sum1", "sum", 1),
    ],
)
def test_features_match_a_day_by_day_reference(expression, transform, k):
    daily = table_with_gaps()
    frame = feature_frame(daily, [expression])
    name = expression.split("@")[0]
    expected = reference(daily, name, transform, k)
    np.testing.assert_allclose(frame[expression].to_numpy(), expected, rtol=1e-12)
    assert frame[expression].notna().sum() > 0


def test_the_frame_has_every_calendar_day_and_one_column_per_expression():
    daily = table_with_gaps()
    frame = feature_frame(daily, ["zone5_min@sum28", "hydration_l", "zone5_min@sum28"])
    assert list(frame.columns) == ["zone5_min@sum28", "hydration_l"]
    assert len(frame) == 120 > daily.days
    assert (frame.index.to_series().diff().dropna() == pd.Timedelta(days=1)).all()
    assert frame.index.name == "date"


def test_a_lag_counts_calendar_days_across_days_the_table_lacks():
    index = pd.DatetimeIndex(["2024-03-01", "2024-03-02", "2024-03-05"], name="date")
    daily = DailyData(pd.DataFrame({"x": [1.0, 2.0, 5.0]}, index=index), {"x": Variable("x", "x")})
    frame = feature_frame(daily, ["x@lag3", "x@sum2", "x@mean3"])
    assert frame["x@lag3"].tolist()[3:] == [1.0, 2.0]
    assert frame.loc["2024-03-02", "x@sum2"] == 3.0
    assert frame["x@sum2"].isna().sum() == 4  # first day, 03-03, 03-04 and 03-05 lack a day
    assert frame["x@mean3"].tolist() == [1.0, 1.5, 1.5, 2.0, 5.0]  # means of the days present


def test_a_sum_with_too_many_missing_days_is_missing_and_otherwise_scaled_to_k_days():
    index = pd.date_range("2024-01-01", periods=8, freq="D", name="date")
    x = pd.Series([1.0, 1.0, np.nan, 1.0, np.nan, np.nan, 1.0, 1.0], index=index)
    daily = DailyData(pd.DataFrame({"x": x}), {"x": Variable("x", "x")})
    sums = feature_frame(daily, ["x@sum4"])["x@sum4"]
    # 4-day windows need 3 days with a value; a window with 3 ones sums to 4 (filled at the mean)
    assert sums.isna().tolist() == [True, True, True, False, True, True, True, True]
    assert sums.iloc[3] == 4.0


@pytest.mark.parametrize(
    ("expression", "factor"),
    [("x", 1.0), ("x@lag1", 1.0), ("x@mean7", 1.0), ("x@sum28", 28.0), ("x@sum3", 3.0)],
)
def test_sustained_factor_is_how_far_the_feature_moves_when_every_day_moves_by_one(
    expression, factor
):
    assert sustained_factor(expression) == factor
    daily = table_with_gaps(seed=3)
    moved = DailyData(daily.table + 1.0, daily.registry)
    name = expression.replace("x", "hydration_l")
    shift = feature_frame(moved, [name]) - feature_frame(daily, [name])
    np.testing.assert_allclose(shift.dropna().to_numpy(), factor, rtol=1e-12)


def test_max_lag_window_is_the_longest_lag_or_window():
    assert max_lag_window(["a", "b@lag1", "c@sum28", "d@mean7"]) == 28
    assert max_lag_window(["a", "b@lag2"]) == 2
    assert max_lag_window(["a"]) == 0
    assert max_lag_window([]) == 0


def test_parse_reads_name_transform_and_days():
    assert parse_feature("zone5_min@sum28") == Feature("zone5_min@sum28", "zone5_min", "sum", 28)
    assert parse_feature(" hydration_l ") == Feature("hydration_l", "hydration_l")
    assert parse_feature("x@LAG2").transform == "lag"


def test_an_unknown_column_lists_close_matches():
    with pytest.raises(ValueError, match="no column named 'hydration_I'") as error:
        parse_feature("hydration_I@mean7", COLUMNS)
    assert "did you mean hydration_l?" in str(error.value)
    with pytest.raises(ValueError, match=r"no column named 'sleep' in the data$"):
        parse_feature("sleep", COLUMNS)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("zone5_min@avg7", "unknown transform 'avg'; expected lagK, meanK or sumK"),
        ("zone5_min@lag0", "the number of days must be at least 1, got 0"),
        ("zone5_min@sum-3", "the number of days must be at least 1, got -3"),
        ("zone5_min@mean", "@mean needs a number of days, e.g. @mean7"),
        ("zone5_min@7", "unknown transform ''"),
        ("zone5 min", "expected a column name, optionally followed by @lagK"),
        ("a@b@lag1", "expected a column name"),
        ("zone5_min@lag99999", "longer than the 3650 days accepted"),
    ],
)
def test_malformed_expressions_say_what_was_expected(expression, message):
    with pytest.raises(ValueError, match="feature ") as error:
        parse_feature(expression, COLUMNS)
    assert message in str(error.value)
    assert repr(expression) in str(error.value)
