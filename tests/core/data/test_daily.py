"""DailyData, Variable, slugify and merge_daily."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Variable, merge_daily, slugify

DAYS = pd.date_range("2024-03-04", periods=4, freq="D")


def _daily(source: str, **columns: list[float]) -> DailyData:
    table = pd.DataFrame(columns, index=DAYS[: len(next(iter(columns.values())))])
    registry = {n: Variable(n, n.title(), "ms", "metric", source) for n in columns}
    return DailyData(table, registry)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Have any alcoholic drinks?", "have_any_alcoholic_drinks"),
        ("Have any caffeine? ", "have_any_caffeine"),
        ("Read (non-screened device) while in bed?", "read_non_screened_device_while_in_bed"),
        ("Café – Größe", "cafe_groe"),
        ("7 hours sleep", "v_7_hours_sleep"),
        ("recovery_score_%", "recovery_score"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugify_refuses_text_without_letters() -> None:
    with pytest.raises(ValueError, match=r"cannot make a column name from '\?!'"):
        slugify("?!")


def test_variable_checks_kind_and_aggregation() -> None:
    assert Variable("alcohol", "Alcohol", kind="behaviour").controllable
    assert not Variable("resting_hr", "Resting HR").controllable
    with pytest.raises(ValueError, match=r"kind must be one of"):
        Variable("x", "x", kind="mood")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"aggregation must be one of"):
        Variable("x", "x", aggregation="median")


def test_table_is_sorted_float_and_keeps_registry_order_of_columns() -> None:
    table = pd.DataFrame({"b": [2, 1], "a": ["1.5", "2.5"]}, index=DAYS[[1, 0]])
    registry = {"a": Variable("a", "A"), "b": Variable("b", "B"), "unused": Variable("u", "U")}
    daily = DailyData(table, registry)
    assert daily.table.index.tolist() == [DAYS[0], DAYS[1]]
    assert daily.table.index.name == "date"
    assert (daily.table.dtypes == np.float64).all()
    assert daily.table["a"].tolist() == [2.5, 1.5]
    assert list(daily.registry) == ["b", "a"]
    assert daily.days == 2
    assert daily.names() == ["b", "a"]
    assert daily.names("metric") == ["b", "a"]
    assert daily.names("habit") == []


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (pd.DatetimeIndex(["2024-03-04", "2024-03-04"]), "duplicate days: 2024-03-04"),
        (pd.DatetimeIndex(["2024-03-04 08:00"]), "calendar days at midnight"),
        (pd.DatetimeIndex(["2024-03-04"]).tz_localize("UTC"), "without a time zone"),
        (pd.DatetimeIndex([pd.NaT]), r"missing dates \(NaT\)"),
    ],
)
def test_bad_indexes_are_refused(index: pd.DatetimeIndex, message: str) -> None:
    table = pd.DataFrame({"x": np.ones(len(index))}, index=index)
    with pytest.raises(ValueError, match=message):
        DailyData(table, {"x": Variable("x", "X")})


def test_non_dates_columns_without_registry_and_duplicate_columns_are_refused() -> None:
    with pytest.raises(TypeError, match=r"DatetimeIndex"):
        DailyData(pd.DataFrame({"x": [1.0]}), {"x": Variable("x", "X")})
    with pytest.raises(ValueError, match=r"columns without a registry entry: y"):
        DailyData(pd.DataFrame({"y": [1.0]}, index=DAYS[:1]), {})
    table = pd.DataFrame([[1.0, 2.0]], columns=["x", "x"], index=DAYS[:1])
    with pytest.raises(ValueError, match=r"duplicate columns: x"):
        DailyData(table, {"x": Variable("x", "X")})


def test_with_kind_reclassifies_a_copy() -> None:
    daily = _daily("csv", mood=[1.0, 2.0])
    habit = daily.with_kind("mood", "habit")
    assert habit.registry["mood"].kind == "habit"
    assert daily.registry["mood"].kind == "metric"
    with pytest.raises(ValueError, match=r"no variable named 'sleep'"):
        daily.with_kind("sleep", "habit")


def test_coverage_counts_days_with_a_value() -> None:
    daily = _daily("whoop", hrv=[np.nan, 50.0, np.nan, 60.0])
    (row,) = daily.coverage().to_dict("records")
    assert row["variable"] == "hrv"
    assert row["first_day"] == DAYS[1]
    assert row["last_day"] == DAYS[3]
    assert row["days"] == 2
    assert DailyData.empty().coverage().columns.tolist() == [
        "variable",
        "label",
        "kind",
        "source",
        "unit",
        "first_day",
        "last_day",
        "days",
    ]


def test_the_calendar_has_every_day_from_the_first_to_the_last() -> None:
    days = pd.DatetimeIndex(["2024-03-04", "2024-03-05", "2024-03-09", "2024-03-12"], name="date")
    table = pd.DataFrame({"hrv": [50.0, np.nan, 60.0, 70.0], "rhr": [1.0, 2.0, 3.0, 4.0]}, days)
    daily = DailyData(table, {n: Variable(n, n.title()) for n in table.columns})
    calendar = daily.calendar()
    every_day = pd.date_range("2024-03-04", "2024-03-12", freq="D", name="date")
    pd.testing.assert_frame_equal(calendar, table.reindex(every_day))
    pd.testing.assert_frame_equal(calendar, table.asfreq("D"), check_freq=False)
    assert calendar["rhr"].isna().sum() == len(every_day) - len(days)
    calendar.iloc[0, 0] = -1.0
    assert daily.table.iloc[0, 0] == 50.0  # a new table: the day table is left alone


def test_the_calendar_of_no_days_is_empty() -> None:
    calendar = DailyData.empty().calendar()
    assert calendar.empty
    assert isinstance(calendar.index, pd.DatetimeIndex)
    one = _daily("csv", mood=[3.0]).calendar()
    assert one.index.tolist() == [DAYS[0]]
    assert one["mood"].tolist() == [3.0]


def test_merge_keeps_the_first_value_and_reports_disagreements() -> None:
    whoop = _daily("whoop", hrv=[50.0, np.nan, 70.0], rhr=[50.0, 51.0, 52.0])
    apple = _daily("apple_health", hrv=[52.0, 60.0, 70.0, 80.0], vo2=[40.0, 41.0, 42.0, 43.0])
    merged = merge_daily([whoop, apple])
    expected = whoop.table.combine_first(apple.table)
    pd.testing.assert_frame_equal(merged.table, expected[["hrv", "rhr", "vo2"]])
    assert merged.table["hrv"].tolist() == [50.0, 60.0, 70.0, 80.0]
    assert merged.registry["hrv"].source == "whoop"
    assert merged.registry["vo2"].source == "apple_health"
    assert merged.warnings == [
        "hrv: whoop and apple_health disagree on 1 day(s) (median difference 2 ms); "
        "kept whoop's values"
    ]


def test_merge_of_nothing_or_one_part() -> None:
    assert merge_daily([]).days == 0
    single = _daily("csv", mood=[1.0])
    assert merge_daily([single]).table.equals(single.table)


def test_between_keeps_the_days_of_the_range_both_ends_included() -> None:
    daily = _daily("whoop", hrv=[50.0, 51.0, 52.0, 53.0])
    inside = daily.between(date(2024, 3, 5), date(2024, 3, 6))
    assert list(inside.table.index.strftime("%Y-%m-%d")) == ["2024-03-05", "2024-03-06"]
    assert inside.table["hrv"].tolist() == [51.0, 52.0]
    assert inside.registry == daily.registry
    assert daily.days == 4  # the original is left as it was


def test_between_with_an_open_end_and_a_range_beyond_the_data() -> None:
    daily = _daily("whoop", hrv=[50.0, 51.0, 52.0, 53.0])
    assert daily.between(first=date(2024, 3, 6)).table["hrv"].tolist() == [52.0, 53.0]
    assert daily.between(last=pd.Timestamp("2024-03-04")).table["hrv"].tolist() == [50.0]
    assert daily.between().table.equals(daily.table)
    assert daily.between(date(2020, 1, 1), date(2030, 1, 1)).days == 4
    nothing = daily.between(date(2025, 1, 1))
    assert nothing.days == 0
    assert list(nothing.registry) == ["hrv"]


def test_between_refuses_a_range_that_ends_before_it_starts() -> None:
    daily = _daily("whoop", hrv=[50.0, 51.0])
    with pytest.raises(ValueError, match="starts on 2024-03-05, after its end on 2024-03-04"):
        daily.between(date(2024, 3, 5), date(2024, 3, 4))
