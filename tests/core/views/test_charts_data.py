"""The Data page's charts, checked through the Vega-Lite spec they produce."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pga_core.data import DailyData, Variable
from pga_core.views import _charts as charts
from pga_core.views import _data as dashboard


def _coverage() -> pd.DataFrame:
    days = pd.date_range("2024-03-06", periods=14, freq="D", name="date")
    table = pd.DataFrame(
        {
            "recovery_score": [60.0] * 14,
            "meditate": [np.nan] * 7 + [1.0, 0.0, np.nan, 1.0, 1.0, 1.0, 1.0],
        },
        index=days,
    )
    registry = {
        "recovery_score": Variable("recovery_score", "Recovery score", "%", "metric", "whoop"),
        "meditate": Variable("meditate", "Meditate?", "", "behaviour", "whoop"),
    }
    return dashboard.weekly_coverage(DailyData(table, registry))


def _spec_and_values(coverage: pd.DataFrame) -> tuple[dict, list[dict]]:
    spec = charts.coverage_chart(coverage).to_dict()
    return spec, spec["datasets"][spec["data"]["name"]]


def test_coverage_is_a_heat_map_of_variables_by_week() -> None:
    spec, _ = _spec_and_values(_coverage())
    assert spec["mark"]["type"] == "rect"
    encoding = spec["encoding"]
    assert encoding["x"]["field"] == "week"
    assert encoding["x"]["type"] == "temporal"
    assert encoding["x2"]["field"] == "week_end"
    assert encoding["y"]["field"] == "row"
    assert encoding["y"]["type"] == "nominal"
    assert encoding["y"]["sort"] == ["Recovery score · WHOOP", "Meditate? · WHOOP"]
    assert encoding["color"]["field"] == "share"
    assert encoding["color"]["type"] == "quantitative"
    assert encoding["color"]["scale"]["domain"] == [0, 1]
    assert [t["field"] for t in encoding["tooltip"]] == ["row", "week", "days", "days_in_data"]
    assert spec["transform"] == [
        {"calculate": "timeOffset('day', datum.week, 7)", "as": "week_end"}
    ]
    assert spec["height"] == 2 * charts.COVERAGE_ROW_PX


def test_coverage_chart_carries_each_weeks_counts() -> None:
    coverage = _coverage()
    _, values = _spec_and_values(coverage)
    assert len(values) == len(coverage) == 3 + 2  # meditate has no value in its first week
    by_key = {(v["row"], v["week"][:10]): v for v in values}
    first = by_key[("Recovery score · WHOOP", "2024-03-04")]
    assert (first["days"], first["days_in_data"], first["share"]) == (5, 5, 1.0)
    meditate = by_key[("Meditate? · WHOOP", "2024-03-11")]
    assert (meditate["days"], meditate["days_in_data"]) == (4, 7)  # 13th–17th, one unlogged
    assert meditate["share"] == 4 / 7
    assert ("Meditate? · WHOOP", "2024-03-04") not in by_key
    assert set(values[0]) == {"row", "week", "days", "days_in_data", "share"}
