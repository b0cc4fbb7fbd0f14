"""Goal trees shared by the goal tests: the planted chain, tree documents and plain-pandas rows.

How the planted truth translates into a leverage (see data/README.md). A sustained change of
+1 L of water every day adds ``ZONE5_PER_HYDRATION_L`` zone-5 minutes on *workout* days only,
so ``ZONE5_PER_HYDRATION_L × p_w`` minutes a day on average (p_w: share of workout days); a
28-day sum of zone-5 minutes then moves 28 times that, VO₂ max ``VO2_PER_ZONE5_MIN_SUM28`` per
summed minute, and recovery ``RECOVERY_PER_VO2_MAX`` per mL/kg/min — scaled by the alcohol
factor on mornings after drinking, so on average by ``1 + ALCOHOL_PCT_CHANGE/100 × share of
mornings after drinking``. The strain of harder workouts also lowers the next morning's recovery,
but in the tree below strain is a measured input, not a sub-goal, so that path is not part of
what the tree estimates (nor of the truth it is compared with).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pga_core.goals import leverage

REPO = Path(__file__).resolve().parents[3]
L2 = 1e-3  # the linear and logistic goal models' default penalty

PLANTED = {
    "name": "Health",
    "target": "recovery_score",
    "inputs": ["asleep_min", "day_strain@lag1", "have_any_alcoholic_drinks@lag1", "vo2_max@mean7"],
    "children": [
        {
            "name": "VO2",
            "target": "vo2_max",
            "inputs": ["zone5_min@sum28"],
            "children": [
                {
                    "name": "Zone 5",
                    "target": "zone5_min",
                    "inputs": ["hydration_l", "carbs_g", "lactate_threshold_test"],
                }
            ],
        }
    ],
}


def node(name, target, inputs, children=(), **extra):
    """A goal's JSON object."""
    return {"name": name, "target": target, "inputs": list(inputs),
            "children": list(children), **extra}  # fmt: skip


def calendar(daily):
    """The day table on every calendar day, by plain pandas."""
    table = daily.table
    return table.reindex(pd.date_range(table.index.min(), table.index.max(), freq="D"))


def reference_rows(daily, target, inputs):
    """A node's complete days computed directly: {expression: series} → (X, y, dates)."""
    frame = pd.DataFrame({"y": calendar(daily)[target], **inputs}).dropna()
    return frame.drop(columns="y").to_numpy(), frame["y"].to_numpy(), frame.index


def lever(fit, column):
    """One lever's row of the fit's leverage."""
    return leverage(fit).set_index("input").loc[column]


def weight(fit, node, expression):
    """One input's row of a goal's weights."""
    table = fit.weights_table(node).set_index("input")
    return table.loc[expression]
