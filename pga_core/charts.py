"""Altair chart builders: pure functions from tables to charts; pages only place them.

Names a person or an export chose (goal names, column names, journal questions) enter a chart
only as data values — never in a title, where a renderer might read them as Markdown.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pga_core.features import parse_feature
from pga_core.goals import GoalTree, TreeFit

__all__ = [
    "climb_chart",
    "coverage_chart",
    "goal_tree_chart",
    "goal_tree_layout",
    "levers_chart",
    "predicted_actual_chart",
    "weights_chart",
    "what_if_chart",
]

#: Colours: effects that raise the prediction, that lower it, and neutral marks.
UP_COLOUR = "#1b7837"
DOWN_COLOUR = "#b2182b"
NEUTRAL_COLOUR = "#777777"
GOAL_COLOUR = "#2166ac"
#: Pixels per row of a horizontal bar or interval chart; the widest row label; the smallest
#: height of the goal tree.
ROW_HEIGHT = 26
LABEL_LIMIT = 320
MIN_HEIGHT = 120
#: Goal-tree layout: pixels per level (left to right) and per leaf (top to bottom).
LEVEL_WIDTH = 230
LEAF_HEIGHT = 34
WIDTH = 520
_SIGN_SCALE = alt.Scale(domain=["raises", "lowers"], range=[UP_COLOUR, DOWN_COLOUR])


def _direction(values: pd.Series) -> pd.Series:
    return values.ge(0).map({True: "raises", False: "lowers"})


# --- goal tree ------------------------------------------------------------------------------------
def goal_tree_layout(tree: GoalTree | TreeFit) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions of the goals and their leaf inputs, root on the left, for drawing the tree.

    Returns
    -------
    nodes : DataFrame — ``id, label, detail, kind`` (``goal``/``input``), ``x, y`` (level and
        row), ``verdict`` (empty unless fitted).
    edges : DataFrame — ``x, y, x2, y2`` (child to parent), ``input``, ``weight_sd`` (NaN
        unless fitted), ``direction``.
    """
    fit = tree if isinstance(tree, TreeFit) else None
    goal_tree = tree.tree if isinstance(tree, TreeFit) else tree
    nodes: list[dict] = []
    edges: list[dict] = []
    next_row = [0.0]

    def weight(goal: str, expression: str) -> float:
        if fit is None or goal not in fit.fits:
            return float("nan")
        node_fit = fit.fits[goal]
        return float(node_fit.weight_sd[node_fit.inputs.index(expression)])

    def place(node, level: int) -> float:
        """Place a goal's inputs (sub-goals recursively) and then the goal; returns its row."""
        own_edges = []
        for expression in node.inputs:
            column = parse_feature(expression).name
            child = node.child_for(column)
            if child is not None:
                row = place(child, level + 1)
            else:
                row = next_row[0]
                next_row[0] += 1
                nodes.append({"id": f"{node.name}/{expression}", "label": expression,
                              "detail": "", "kind": "input", "x": level + 1, "y": row,
                              "verdict": ""})  # fmt: skip
            own_edges.append({"x": level + 1, "y": row, "x2": level, "input": expression,
                              "weight_sd": weight(node.name, expression),
                              "goal": node.name})  # fmt: skip
        own = sum(e["y"] for e in own_edges) / len(own_edges)
        edges.extend({**e, "y2": own} for e in own_edges)
        node_fit = fit.fits.get(node.name) if fit is not None else None
        nodes.append({"id": node.name, "label": node.name, "detail": node.target, "kind": "goal",
                      "x": level, "y": own,
                      "verdict": node_fit.verdict if node_fit is not None else ""})  # fmt: skip
        return own

    place(goal_tree.root, 0)
    edge_table = pd.DataFrame(edges)
    edge_table["direction"] = _direction(edge_table["weight_sd"].fillna(0.0))
    return pd.DataFrame(nodes), edge_table


def goal_tree_chart(tree: GoalTree | TreeFit) -> alt.LayerChart:
    """The goal tree: goals (blue) and their leaf inputs (grey), the top goal on the left.

    Given a :class:`~pga_core.goals.TreeFit`, each edge is coloured by the sign of the input's
    standardised weight and drawn as wide as its size, and each goal's tooltip gives its
    walk-forward verdict.
    """
    nodes, edges = goal_tree_layout(tree)
    levels = int(nodes["x"].max()) + 1
    leaves = int((nodes["kind"] == "input").sum())
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.2, levels - 0.3]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[leaves - 0.5, -0.5]))
    fitted = edges["weight_sd"].notna().any()
    rule = alt.Chart(edges).mark_rule(opacity=0.7).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q",
        color=alt.Color("direction:N", scale=_SIGN_SCALE, title="weight")
        if fitted else alt.value(NEUTRAL_COLOUR),
        strokeWidth=alt.StrokeWidth("abs_weight:Q", scale=alt.Scale(range=[1, 6]),
                                    title="|weight per SD|")
        if fitted else alt.value(1.5),
        tooltip=["goal:N", "input:N", alt.Tooltip("weight_sd:Q", format="+.3g")],
    ).transform_calculate(abs_weight="abs(datum.weight_sd)")  # fmt: skip
    points = alt.Chart(nodes).mark_circle(size=90, opacity=1).encode(
        x=x, y=y,
        color=alt.condition(alt.datum.kind == "goal", alt.value(GOAL_COLOUR),
                            alt.value(NEUTRAL_COLOUR)),
        tooltip=["label:N", "detail:N", "verdict:N"],
    )  # fmt: skip
    # goal names sit on the edges: a white outline under the text keeps them readable
    halo, goal_labels, input_labels = (
        alt.Chart(nodes)
        .transform_filter(alt.datum.kind == kind)
        .mark_text(align="left", dx=9, dy=dy, fontSize=12, fontWeight=weight, **outline)
        .encode(x=x, y=y, text="label:N")
        for kind, weight, dy, outline in (
            ("goal", "bold", -11, {"stroke": "white", "strokeWidth": 4}),
            ("goal", "bold", -11, {}),
            ("input", "normal", 0, {}),
        )
    )
    return (rule + points + halo + goal_labels + input_labels).properties(
        width=LEVEL_WIDTH * levels, height=max(MIN_HEIGHT, LEAF_HEIGHT * leaves), title="Goal tree"
    )


# --- one goal -------------------------------------------------------------------------------------
def weights_chart(weights: pd.DataFrame) -> alt.LayerChart:
    """Weights per standard deviation of each input with their 95 % intervals.

    Parameters
    ----------
    weights : :meth:`TreeFit.weights_table` (one goal, or several: then rows are labelled
        ``goal · input``).
    """
    data = weights.copy()
    several = "node" in data and len(set(data["node"])) > 1
    data["row"] = data["node"] + " · " + data["input"] if several else data["input"]
    data["direction"] = _direction(data["weight_sd"])
    y = alt.Y("row:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    base = alt.Chart(data)
    whiskers = base.mark_rule(strokeWidth=2).encode(
        y=y,
        x=alt.X("ci_low:Q", title="change in the goal per SD of the input (95 % interval)"),
        x2="ci_high:Q",
        color=alt.Color("direction:N", scale=_SIGN_SCALE, legend=None),
    )
    points = base.mark_point(filled=True, size=70).encode(
        y=y,
        x="weight_sd:Q",
        color=alt.Color("direction:N", scale=_SIGN_SCALE, legend=None),
        tooltip=[
            alt.Tooltip("row:N", title="input"),
            alt.Tooltip("weight_sd:Q", format="+.3g", title="per SD"),
            alt.Tooltip("weight_unit:Q", format="+.3g", title="per unit"),
            alt.Tooltip("ci_low:Q", format="+.3g"),
            alt.Tooltip("ci_high:Q", format="+.3g"),
        ],
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=NEUTRAL_COLOUR).encode(x="zero:Q")
    )
    return (zero + whiskers + points).properties(
        width=WIDTH, height=alt.Step(ROW_HEIGHT), title="Weights"
    )


def climb_chart(history: pd.DataFrame) -> alt.Chart:
    """The climb: the objective after each iteration of the gradient ascent.

    Parameters
    ----------
    history : :meth:`TreeFit.history_table` — ``iteration, objective``.
    """
    return (
        alt.Chart(history)
        .mark_line(point=True, color=GOAL_COLOUR)
        .encode(
            x=alt.X(
                "iteration:Q",
                title="iteration of the gradient ascent (it climbs: higher is better)",
                axis=alt.Axis(tickMinStep=1),
            ),
            y=alt.Y("objective:Q", title="objective", scale=alt.Scale(zero=False)),
            tooltip=["iteration:Q", alt.Tooltip("objective:Q", format=".6g")],
        )
        .properties(width=WIDTH, height=220, title="The climb")
    )


def predicted_actual_chart(predictions: pd.DataFrame) -> alt.LayerChart:
    """Actual values against predictions: in-sample and walk-forward (days not trained on).

    Parameters
    ----------
    predictions : :meth:`TreeFit.predictions_table` — ``date, actual, predicted,
        predicted_oos``.
    """
    data = predictions.rename(columns={"predicted": "in-sample", "predicted_oos": "walk-forward"})
    low = float(min(data["actual"].min(), data["in-sample"].min()))
    high = float(max(data["actual"].max(), data["in-sample"].max()))
    points = (
        alt.Chart(data)
        .transform_fold(["in-sample", "walk-forward"], as_=["prediction", "value"])
        .transform_filter("isValid(datum.value)")
        .mark_circle(size=18, opacity=0.5)
        .encode(
            x=alt.X("value:Q", title="predicted", scale=alt.Scale(zero=False)),
            y=alt.Y("actual:Q", title="actual", scale=alt.Scale(zero=False)),
            color=alt.Color("prediction:N", title="prediction"),
            tooltip=[alt.Tooltip("date:T"), "actual:Q", alt.Tooltip("value:Q", format=".3g")],
        )
    )
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [low], "y": [low], "x2": [high], "y2": [high]}))
        .mark_rule(color=NEUTRAL_COLOUR, strokeDash=[4, 4])
        .encode(x="x:Q", y="y:Q", x2="x2:Q", y2="y2:Q")
    )
    return (diagonal + points).properties(width=WIDTH, height=WIDTH * 3 // 4,
                                          title="Predicted vs actual")  # fmt: skip


# --- the personal gradient ------------------------------------------------------------------------
def levers_chart(levers: pd.DataFrame) -> alt.LayerChart:
    """Levers ranked as given, with the 95 % interval of the effect per SD on the top goal.

    Parameters
    ----------
    levers : :func:`pga_core.goals.leverage` — ``label, per_sd, ci_low, ci_high,
        controllable, sentence, …``.
    """
    data = levers.copy()
    data["who"] = data["controllable"].map({True: "you control it", False: "not directly"})
    y = alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    colour = alt.Color(
        "who:N",
        scale=alt.Scale(domain=["you control it", "not directly"],
                        range=[GOAL_COLOUR, NEUTRAL_COLOUR]),
        title=None,
    )  # fmt: skip
    base = alt.Chart(data)
    whiskers = base.mark_rule(strokeWidth=2).encode(
        y=y,
        x=alt.X("ci_low:Q", title="change in the top goal per SD, sustained (95 % interval)"),
        x2="ci_high:Q",
        color=colour,
    )
    points = base.mark_point(filled=True, size=80).encode(
        y=y,
        x="per_sd:Q",
        color=colour,
        tooltip=[
            "sentence:N",
            alt.Tooltip("per_sd:Q", format="+.3g", title="per SD"),
            alt.Tooltip("per_unit:Q", format="+.3g", title="per unit"),
            "input:N",
            "goals:N",
        ],
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=NEUTRAL_COLOUR).encode(x="zero:Q")
    )
    return (zero + whiskers + points).properties(
        width=WIDTH, height=alt.Step(ROW_HEIGHT), title="Levers"
    )


def what_if_chart(changes: pd.DataFrame) -> alt.Chart:
    """Predicted change at each goal, sub-goals first and the top goal last.

    Parameters
    ----------
    changes : :func:`pga_core.goals.what_if` — ``node, target, unit, before, after, change``.
    """
    data = changes.copy()
    data["direction"] = _direction(data["change"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("node:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("change:Q", title="predicted change (in each goal's own unit)"),
            color=alt.Color("direction:N", scale=_SIGN_SCALE, legend=None),
            tooltip=[
                "node:N",
                "target:N",
                "unit:N",
                alt.Tooltip("before:Q", format=".4g"),
                alt.Tooltip("after:Q", format=".4g"),
                alt.Tooltip("change:Q", format="+.3g"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(ROW_HEIGHT), title="What if")
    )


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
