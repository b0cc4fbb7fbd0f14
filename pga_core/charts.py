"""Altair chart builders: pure functions from tables to ``alt.Chart``; pages only place them."""

from __future__ import annotations

import altair as alt
import pandas as pd

# --- Data page ------------------------------------------------------------------------------------
#: Height of one variable's row in the coverage heat-map, in pixels.
COVERAGE_ROW_PX = 18
COVERAGE_LABEL_LIMIT_PX = 280


def coverage_chart(coverage: pd.DataFrame) -> alt.Chart:
    """Which weeks each variable has values in: a heat-map of variables × weeks.

    Parameters
    ----------
    coverage : the table of :func:`pga_core.dashboard.weekly_coverage` (columns ``row``,
        ``week``, ``days``, ``days_in_data``, ``share``; one row per variable and week with data).

    Returns
    -------
    alt.Chart
        One rectangle per variable and week, from the Monday to the next, coloured by the share
        of that week's days with a value (0–1); weeks without any value stay blank. Variables
        keep the order of ``coverage``; each has a fixed row height.
    """
    rows = list(dict.fromkeys(coverage["row"]))
    data = coverage[["row", "week", "days", "days_in_data", "share"]]
    return (
        alt.Chart(data)
        .transform_calculate(week_end="timeOffset('day', datum.week, 7)")
        .mark_rect()
        .encode(
            x=alt.X("week:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0)),
            x2="week_end:T",
            y=alt.Y(
                "row:N",
                sort=rows,
                title=None,
                axis=alt.Axis(labelLimit=COVERAGE_LABEL_LIMIT_PX, labelOverlap=False),
            ),
            color=alt.Color(
                "share:Q",
                title="Days with a value",
                scale=alt.Scale(domain=[0, 1], scheme="blues"),
                legend=alt.Legend(format="%", orient="top"),
            ),
            tooltip=[
                alt.Tooltip("row:N", title="Variable"),
                alt.Tooltip("week:T", title="Week of", format="%Y-%m-%d"),
                alt.Tooltip("days:Q", title="Days with a value"),
                alt.Tooltip("days_in_data:Q", title="Days in that week"),
            ],
        )
        .properties(height=COVERAGE_ROW_PX * max(len(rows), 1))
    )
