"""The daily table out: CSV a spreadsheet opens safely, JSON with each column's meaning."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from pga_core.data import DailyData, Variable
from pga_core.views import FORMULA_STARTS, days_csv, days_json, spreadsheet_safe


def _daily(**columns: list[float]) -> DailyData:
    index = pd.DatetimeIndex(["2024-03-04", "2024-03-05", "2024-03-07"], name="date")
    registry = {
        name: Variable(name, f"Label of {name}", "°C", "metric", "oura") for name in columns
    }
    return DailyData(pd.DataFrame(columns, index=index), registry)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_a_spreadsheet_would_run_gets_a_quote(start: str) -> None:
    assert spreadsheet_safe(f'{start}HYPERLINK("http://x")') == f'\'{start}HYPERLINK("http://x")'


@pytest.mark.parametrize("text", ["Sleep score", "recovery_score", "", "a=b", "'quoted"])
def test_other_text_is_left_as_it_is(text: str) -> None:
    assert spreadsheet_safe(text) == text


def test_the_csv_reads_back_into_the_same_table() -> None:
    daily = _daily(temperature_deviation=[-0.29, np.nan, 0.5], steps=[9120.0, 0.0, 1e5 / 3])
    text = days_csv(daily)
    assert text.splitlines()[:3] == [
        "date,temperature_deviation,steps",
        "2024-03-04,-0.29,9120.0",  # a negative number is a number, not quoted
        "2024-03-05,,0.0",  # a missing value is an empty cell
    ]
    back = pd.read_csv(io.StringIO(text), index_col="date", parse_dates=["date"])
    pd.testing.assert_frame_equal(back, daily.table, check_names=False, check_freq=False)


def test_column_names_written_like_formulas_are_quoted_in_the_header() -> None:
    daily = _daily(**{"=1+2": [1.0, 2.0, 3.0], "@SUM(A1)": [1.0, 1.0, 1.0], "-x": [0, 0, 0]})
    assert days_csv(daily).splitlines()[0] == "date,'=1+2,'@SUM(A1),'-x"


def test_json_has_each_columns_meaning_and_null_for_missing() -> None:
    daily = _daily(temperature_deviation=[-0.29, np.nan, 0.5])
    document = days_json(daily)
    assert document["columns"] == [
        {
            "name": "temperature_deviation",
            "label": "Label of temperature_deviation",
            "unit": "°C",
            "kind": "metric",
            "source": "oura",
        }
    ]
    assert document["rows"] == [
        {"date": "2024-03-04", "temperature_deviation": -0.29},
        {"date": "2024-03-05", "temperature_deviation": None},
        {"date": "2024-03-07", "temperature_deviation": 0.5},
    ]
    json.dumps(document, allow_nan=False)  # strict JSON


def test_an_empty_table_has_a_header_only() -> None:
    assert days_csv(DailyData.empty()) == "date\n"
    assert days_json(DailyData.empty()) == {"columns": [], "rows": []}
