"""The date range in words: the choices, the dates each stands for, and the statement."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pga_core import views
from pga_core.data import DailyData, Variable

LAST = date(2024, 12, 31)


def _daily(first: str, days: int) -> DailyData:
    index = pd.date_range(first, periods=days, freq="D", name="date")
    table = pd.DataFrame({"hrv": range(days)}, index=index, dtype=float)
    return DailyData(table, {"hrv": Variable("hrv", "HRV", "ms", "metric", "whoop")})


def test_all_days_leave_both_ends_open() -> None:
    assert views.chosen_range(views.ALL_DAYS, LAST) == (None, None)


def test_the_last_12_months_end_on_the_last_day_of_the_data() -> None:
    assert views.chosen_range(views.LAST_12_MONTHS, LAST) == (date(2024, 1, 1), LAST)
    assert views.chosen_range(views.LAST_12_MONTHS, date(2024, 2, 29)) == (
        date(2023, 3, 1),
        date(2024, 2, 29),
    )


def test_since_a_date_and_a_custom_range() -> None:
    since = date(2024, 6, 1)
    assert views.chosen_range(views.SINCE_A_DATE, LAST, since=since) == (since, None)
    start, end = date(2023, 1, 12), date(2024, 12, 28)
    assert views.chosen_range(views.CUSTOM_RANGE, LAST, start=start, end=end) == (start, end)


@pytest.mark.parametrize(
    ("choice", "dates", "message"),
    [
        (views.SINCE_A_DATE, {}, "choose the first day"),
        (views.CUSTOM_RANGE, {"start": date(2024, 1, 1)}, "both the first and the last day"),
        (
            views.CUSTOM_RANGE,
            {"start": date(2024, 2, 1), "end": date(2024, 1, 1)},
            "starts on 2024-02-01, after its end on 2024-01-01",
        ),
        ("Last week", {}, "unknown date range 'Last week'; expected one of All days"),
    ],
)
def test_a_choice_without_its_dates_is_refused(choice: str, dates: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        views.chosen_range(choice, LAST, **dates)


def test_the_chosen_dates_cut_the_data_as_stated() -> None:
    daily = _daily("2023-01-02", 730)
    first, last = views.chosen_range(views.LAST_12_MONTHS, daily.table.index[-1].date())
    year = daily.between(first, last)
    assert views.range_words(year) == "from 2024-01-01 to 2024-12-31, 366 days"
    assert views.days_in_use(year, views.LAST_12_MONTHS) == (
        "Days used: the last 12 months, from 2024-01-01 to 2024-12-31, 366 days."
    )
    assert (
        views.days_in_use(daily) == "Days used: all days, from 2023-01-02 to 2024-12-31, 730 days."
    )


def test_the_words_count_days_with_data_and_say_when_there_are_none() -> None:
    daily = _daily("2024-03-01", 3)
    gappy = DailyData(daily.table.drop(daily.table.index[1]), daily.registry)
    assert views.range_words(gappy) == "from 2024-03-01 to 2024-03-03, 2 days"
    assert views.range_words(daily.between(date(2030, 1, 1))) == "no days"
    assert views.range_words(_daily("2024-03-01", 1)) == "from 2024-03-01 to 2024-03-01, 1 day"


def test_parse_day_reads_iso_dates_and_quotes_anything_else() -> None:
    assert views.parse_day(" 2024-01-31 ") == date(2024, 1, 31)
    for text in ("2024-13-01", "31.01.2024", "yesterday", ""):
        with pytest.raises(ValueError, match=r"expected a date written as YYYY-MM-DD, got "):
            views.parse_day(text)
