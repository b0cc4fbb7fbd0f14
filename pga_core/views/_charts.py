"""Altair chart builders: pure functions from tables to charts; pages only place them.

Names a person or an export chose (goal names, column names, journal questions) enter a chart
only as data values — never in a title, where a renderer might read them as Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import altair as alt
import pandas as pd

from pga_core.data import parse_feature
from pga_core.goals import GoalNode, GoalTree, TreeFit, input_words
from pga_core.views._behaviours import (
    BUILT_IN,
    HABIT_CLEAR_HIGHER,
    HABIT_CLEAR_LOWER,
    HABIT_UNCLEAR,
    LIKELY_HIGHER,
    LIKELY_LOWER,
    NOT_CLEAR,
    NOT_ENOUGH,
)
from pga_core.words import lag_phrase

__all__ = [
    "climb_chart",
    "correlation_heatmap",
    "coverage_chart",
    "goal_tree_chart",
    "goal_tree_layout",
    "habit_effects_chart",
    "impact_chart",
    "lag_scan_chart",
    "levers_chart",
    "predicted_actual_chart",
    "weights_chart",
    "what_if_chart",
    "yes_no_chart",
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


def _zero_rule(axis: str) -> alt.Chart:
    """A grey line at zero across the chart, on the ``x`` or ``y`` axis."""
    data = pd.DataFrame({"zero": [0.0]})
    return alt.Chart(data).mark_rule(color=NEUTRAL_COLOUR).encode(**{axis: "zero:Q"})


def _estimates_with_intervals(
    data: pd.DataFrame,
    *,
    row: str,
    estimate: str,
    x_title: str,
    colour: alt.Color,
    point_size: int,
    tooltip: list,
    title: str,
) -> alt.LayerChart:
    """One row per estimate, in the order of ``data``: its ``ci_low``–``ci_high`` interval as a
    whisker, the estimate as a point, and a line at zero."""
    y = alt.Y(row, sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    base = alt.Chart(data)
    whiskers = base.mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q", color=colour
    )
    points = base.mark_point(filled=True, size=point_size).encode(
        y=y, x=estimate, color=colour, tooltip=tooltip
    )
    return (_zero_rule("x") + whiskers + points).properties(
        width=WIDTH, height=alt.Step(ROW_HEIGHT), title=title
    )


# --- goal tree ------------------------------------------------------------------------------------
def _input_label(expression: str, labels: Mapping[str, str]) -> str:
    """An input in words, or as written when it cannot be read."""
    try:
        return input_words(expression, labels)
    except ValueError:
        return expression


def goal_tree_layout(
    tree: GoalTree | TreeFit, labels: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions of the goals and their leaf inputs, root on the left, for drawing the tree.

    Parameters
    ----------
    tree : the tree, or a fitted tree.
    labels : column → label, to name inputs in words (a fitted tree's own ``variables`` are used
        when not given; without either, inputs are named as written).

    Returns
    -------
    nodes : DataFrame — ``id, label`` (a goal's name; an input in words, ``Have any alcoholic
        drinks? (the day before)``), ``detail`` (what a goal predicts; an input's expression),
        ``kind`` (``goal``/``input``), ``x, y`` (level and row), ``verdict`` (empty unless
        fitted).
    edges : DataFrame — ``x, y, x2, y2`` (child to parent), ``input``, ``weight_sd`` (NaN
        unless fitted), ``direction``.
    """
    fit = tree if isinstance(tree, TreeFit) else None
    goal_tree = tree.tree if isinstance(tree, TreeFit) else tree
    worded = labels is not None or fit is not None
    if labels is None:
        variables = fit.variables if fit is not None else {}
        labels = {name: str(info.get("label", name)) for name, info in variables.items()}
    names = labels
    nodes: list[dict] = []
    edges: list[dict] = []
    next_row = [0.0]

    def weight(goal: str, expression: str) -> float:
        if fit is None or goal not in fit.fits:
            return float("nan")
        node_fit = fit.fits[goal]
        if expression not in node_fit.inputs:  # left out of the fit as a combination
            return float("nan")
        return float(node_fit.weight_sd[node_fit.inputs.index(expression)])

    def place(node: GoalNode, level: int) -> float:
        """Place a goal's inputs (sub-goals recursively) and then the goal; returns its row."""
        own_edges: list[dict[str, Any]] = []
        for expression in node.inputs:
            column = parse_feature(expression).name
            child = node.child_for(column)
            if child is not None:
                row = place(child, level + 1)
            else:
                row = next_row[0]
                next_row[0] += 1
                nodes.append({"id": f"{node.name}/{expression}",
                              "label": _input_label(expression, names) if worded else expression,
                              "detail": expression,
                              "kind": "input", "x": level + 1, "y": row,
                              "verdict": ""})  # fmt: skip
            own_edges.append({"x": level + 1, "y": row, "x2": level, "input": expression,
                              "weight_sd": weight(node.name, expression),
                              "goal": node.name})  # fmt: skip
        own = sum(e["y"] for e in own_edges) / len(own_edges)
        edges.extend({**e, "y2": own} for e in own_edges)
        node_fit = fit.fits.get(node.name) if fit is not None else None
        nodes.append({"id": node.name, "label": node.name,
                      "detail": f"predicts {names.get(node.target, node.target)}", "kind": "goal",
                      "x": level, "y": own,
                      "verdict": node_fit.verdict if node_fit is not None else ""})  # fmt: skip
        return own

    place(goal_tree.root, 0)
    edge_table = pd.DataFrame(edges)
    edge_table["direction"] = _direction(edge_table["weight_sd"].fillna(0.0))
    return pd.DataFrame(nodes), edge_table


def goal_tree_chart(
    tree: GoalTree | TreeFit, labels: Mapping[str, str] | None = None
) -> alt.LayerChart:
    """The goal tree: goals (blue) and their leaf inputs (grey, in words; the expression in the
    tooltip), the top goal on the left; ``labels`` as in :func:`goal_tree_layout`.

    Given a :class:`~pga_core.goals.TreeFit`, each edge is coloured by the sign of the input's
    standardised weight and drawn as wide as its size, and each goal's tooltip gives its
    walk-forward verdict.
    """
    nodes, edges = goal_tree_layout(tree, labels)
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
    layers: tuple[tuple[str, Literal["bold", "normal"], int, dict[str, Any]], ...] = (
        ("goal", "bold", -11, {"stroke": "white", "strokeWidth": 4}),
        ("goal", "bold", -11, {}),
        ("input", "normal", 0, {}),
    )
    halo, goal_labels, input_labels = (
        alt.Chart(nodes)
        .transform_filter(alt.datum.kind == kind)
        .mark_text(align="left", dx=9, dy=dy, fontSize=12, fontWeight=weight, **outline)
        .encode(x=x, y=y, text="label:N")
        for kind, weight, dy, outline in layers
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
        ``goal · input``); with a ``label`` column (the input in words), rows are named by it
        and the expression is in the tooltip.
    """
    data = weights.copy()
    several = "node" in data and len(set(data["node"])) > 1
    named = data["label"] if "label" in data else data["input"]
    data["row"] = data["node"] + " · " + named if several else named
    data["direction"] = _direction(data["weight_sd"])
    return _estimates_with_intervals(
        data,
        row="row:N",
        estimate="weight_sd:Q",
        x_title="change in the goal per SD of the input, over all your days (95 % interval)",
        colour=alt.Color("direction:N", scale=_SIGN_SCALE, legend=None),
        point_size=70,
        tooltip=[
            alt.Tooltip("row:N", title="input"),
            alt.Tooltip("input:N", title="expression"),
            alt.Tooltip("weight_sd:Q", format="+.3g", title="per SD"),
            alt.Tooltip("weight_unit:Q", format="+.3g", title="per unit"),
            alt.Tooltip("ci_low:Q", format="+.3g"),
            alt.Tooltip("ci_high:Q", format="+.3g"),
        ],
        title="Weights",
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
    levers : :func:`pga_core.views.levers_in_words` — ``label, per_sd, ci_low, ci_high,
        controllable, sentence, …``.
    """
    data = levers.copy()
    data["who"] = data["controllable"].map({True: "you control it", False: "not directly"})
    colour = alt.Color(
        "who:N",
        scale=alt.Scale(domain=["you control it", "not directly"],
                        range=[GOAL_COLOUR, NEUTRAL_COLOUR]),
        title=None,
    )  # fmt: skip
    return _estimates_with_intervals(
        data,
        row="label:N",
        estimate="per_sd:Q",
        x_title="change in the top goal per SD, sustained (95 % interval)",
        colour=colour,
        point_size=80,
        tooltip=[
            "sentence:N",
            alt.Tooltip("per_sd:Q", format="+.3g", title="per SD"),
            alt.Tooltip("per_unit:Q", format="+.3g", title="per unit"),
            "input:N",
            "goals:N",
        ],
        title="Levers",
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
    coverage : the table of :func:`pga_core.views.weekly_coverage` (columns ``row``,
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


# --- Behaviours page ------------------------------------------------------------------------------
#: How each behaviour estimate is coloured: likely effects by direction, the rest muted.
MUTED_COLOUR = "#b8b8b8"
BUILT_IN_COLOUR = "#dfc27d"
FINDING_COLOURS = {
    LIKELY_LOWER: DOWN_COLOUR,
    LIKELY_HIGHER: UP_COLOUR,
    NOT_CLEAR: MUTED_COLOUR,
    BUILT_IN: BUILT_IN_COLOUR,
    NOT_ENOUGH: "#e8e8e8",
}
#: Habit estimates: where the 95 % interval lies (habits get no q-values).
HABIT_FINDING_COLOURS = {
    HABIT_CLEAR_LOWER: DOWN_COLOUR,
    HABIT_CLEAR_HIGHER: UP_COLOUR,
    HABIT_UNCLEAR: MUTED_COLOUR,
    BUILT_IN: BUILT_IN_COLOUR,
}
#: Marked as discoveries (q at or below the discovery threshold).
LIKELY_FINDINGS = (LIKELY_LOWER, LIKELY_HIGHER)
#: Plot height of the yes-vs-no and lag-scan charts, in pixels. Streamlit fits a chart of fixed
#: height into that height, titles and legends included; fitting the width alone keeps the plot
#: this tall while it spans the page.
SMALL_HEIGHT = 240
_PLOT_HEIGHT_KEPT = alt.AutoSizeParams(type="fit-x", contains="padding")
#: Yes-vs-no histograms: the most bins, and each group's colour.
HISTOGRAM_BINS = 30
YES_COLOUR = GOAL_COLOUR
NO_COLOUR = "#999999"
#: Interval whiskers, rings and labels drawn over coloured marks.
INK_COLOUR = "#222222"
#: Pixels per cell of the correlation heat-map.
HEATMAP_CELL = 46


def _finding_colour(colours: dict[str, str], present: pd.Series) -> alt.Color:
    """Colour by ``finding``, over the findings that occur in the fixed order of ``colours``."""
    domain = [name for name in colours if name in set(present)]
    return alt.Color(
        "finding:N",
        scale=alt.Scale(domain=domain, range=[colours[name] for name in domain]),
        title=None,
        legend=alt.Legend(orient="top"),
    )


def _interval_whiskers(base: alt.Chart, **position: object) -> alt.Chart:
    """Each row's 95 % interval as a dark whisker with end ticks."""
    return base.mark_errorbar(ticks=True, color=INK_COLOUR, thickness=1.5).encode(**position)


def _effect_tooltip() -> list[alt.Tooltip]:
    """A behaviour effect's change, interval, days with and without, and q-value."""
    return [
        alt.Tooltip("effect:Q", format="+.1f", title="change"),
        alt.Tooltip("effect_low:Q", format="+.1f", title="interval from"),
        alt.Tooltip("effect_high:Q", format="+.1f", title="interval to"),
        alt.Tooltip("n_yes:Q", title="days with"),
        alt.Tooltip("n_no:Q", title="days without"),
        alt.Tooltip("q_value:Q", format=".2g", title="q"),
    ]


def _effect_title(unit: str) -> str:
    """Axis title of a behaviour effect (never names a variable)."""
    if unit == "%":
        return "% change after yes vs after no (95 % interval)"
    return "difference after yes vs after no, outcome units (95 % interval)"


def impact_chart(
    rows: pd.DataFrame, waiting: pd.DataFrame | None = None, *, unit: str = "%"
) -> alt.LayerChart | alt.VConcatChart:
    """Each behaviour's effect on the outcome as a bar with its 95 % interval.

    Bars keep the order of ``rows`` (sorted by effect), are coloured by their finding — likely
    effects (q ≤ 0.10) in red (lower) or green (higher) and labelled with their q-value, no
    clear effect in grey, built-in pairs in sand and labelled "built in". Behaviours without
    enough days are listed below the bars with their counts.

    Parameters
    ----------
    rows : :attr:`pga_core.views.ImpactView.chart` — ``row, effect, effect_low,
        effect_high, finding, n_yes, n_no, q_value, explanation``.
    waiting : :attr:`~pga_core.views.ImpactView.waiting` — ``row, n_yes, n_no,
        needed``; None or empty for no list.
    unit : ``%`` for percent changes, else the effects are differences in outcome units.
    """
    data = rows.copy()
    likely = data["finding"].isin(LIKELY_FINDINGS)
    built_in = data["finding"] == BUILT_IN
    data["badge"] = [
        f"likely · q = {q:.2g}" if is_likely else "built in" if is_built_in else ""
        for q, is_likely, is_built_in in zip(data["q_value"], likely, built_in, strict=True)
    ]
    data["badge_x"] = data[["effect", "effect_high"]].max(axis=1).clip(lower=0.0)
    order = data["row"].tolist()
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    base = alt.Chart(data)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        y=y,
        x=alt.X("effect:Q", title=_effect_title(unit)),
        color=_finding_colour(FINDING_COLOURS, data["finding"]),
        tooltip=[
            alt.Tooltip("row:N", title="behaviour"),
            *_effect_tooltip(),
            alt.Tooltip("finding:N"),
        ],
    )
    whiskers = _interval_whiskers(
        base, y=y, x=alt.X("effect_low:Q", title=_effect_title(unit)), x2="effect_high:Q"
    )
    badges = base.mark_text(align="left", dx=6, fontSize=11, color=INK_COLOUR).encode(
        y=y, x="badge_x:Q", text="badge:N"
    )
    main = (_zero_rule("x") + bars + whiskers + badges).properties(
        width=WIDTH, height=alt.Step(ROW_HEIGHT), title="Change in the outcome after yes vs no"
    )
    if waiting is None or waiting.empty:
        return main
    listed = waiting.assign(
        detail=[
            f"{yes} yes and {no} no days so far (needs {needed} of each)"
            for yes, no, needed in zip(
                waiting["n_yes"], waiting["n_no"], waiting["needed"], strict=True
            )
        ]
    )
    waiting_rows = listed["row"].tolist()
    panel = (
        alt.Chart(listed)
        .mark_text(align="left", fontSize=12, color=NEUTRAL_COLOUR)
        .encode(
            y=alt.Y("row:N", sort=waiting_rows, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            text="detail:N",
            tooltip=[alt.Tooltip("row:N", title="behaviour"), "detail:N"],
        )
        .properties(width=WIDTH, height=alt.Step(ROW_HEIGHT), title="Not enough data yet")
    )
    return alt.vconcat(main, panel).resolve_scale(y="independent")


def yes_no_chart(values: pd.DataFrame) -> alt.LayerChart:
    """How the outcome was spread after yes days and after no days, and the two means.

    Parameters
    ----------
    values : :func:`pga_core.views.yes_no_values` — ``date, outcome_date, answer,
        value``.

    Returns
    -------
    alt.LayerChart
        Two see-through histograms on the same bins, each as a share of its own days (so a
        group with fewer days is not drawn smaller), and a vertical line at each group's mean —
        the two numbers the impact table compares.
    """
    groups = ["after yes", "after no"]
    colour = alt.Color(
        "answer:N",
        scale=alt.Scale(domain=groups, range=[YES_COLOUR, NO_COLOUR]),
        title=None,
        legend=alt.Legend(orient="top"),
    )
    x_title = "outcome"
    base = alt.Chart(values)
    bars = (
        base.transform_bin(
            as_=["bin_start", "bin_end"], field="value", bin=alt.Bin(maxbins=HISTOGRAM_BINS)
        )
        .transform_aggregate(days="count()", groupby=["answer", "bin_start", "bin_end"])
        .transform_joinaggregate(group_days="sum(days)", groupby=["answer"])
        .transform_calculate(share="datum.days / datum.group_days")
        .mark_bar(opacity=0.5, binSpacing=0)
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title=x_title),
            x2="bin_end:Q",
            y=alt.Y(
                "share:Q", title="share of the group's days", stack=None, axis=alt.Axis(format="%")
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("answer:N", title="days"),
                alt.Tooltip("bin_start:Q", format=".3g", title="from"),
                alt.Tooltip("bin_end:Q", format=".3g", title="to"),
                alt.Tooltip("days:Q", title="days in this range"),
                alt.Tooltip("share:Q", format=".0%", title="share of the group"),
            ],
        )
    )
    means = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("mean(value):Q", title=x_title),
        color=colour,
        tooltip=[
            alt.Tooltip("answer:N", title="days"),
            alt.Tooltip("mean(value):Q", format=".3g", title="mean"),
            alt.Tooltip("count():Q", title="days"),
        ],
    )
    return (bars + means).properties(
        width=WIDTH,
        height=SMALL_HEIGHT,
        title="The outcome after yes days and after no days",
        autosize=_PLOT_HEIGHT_KEPT,
    )


def lag_scan_chart(scan: pd.DataFrame, *, chosen_lag: int | None = None) -> alt.LayerChart:
    """One behaviour's effect on the outcome 0, 1, …, 7 days later, with 95 % intervals.

    Parameters
    ----------
    scan : :func:`pga_core.views.lag_scan_view` — ``lag, when, effect, effect_low,
        effect_high, unit, finding, n_yes, n_no, q_value``.
    chosen_lag : the lag of the main table, drawn with a ring.
    """
    data = scan.copy()
    data["chosen"] = data["lag"] == chosen_lag
    unit = str(data["unit"].iloc[0]) if len(data) else "%"
    lags = data["lag"].astype(int).tolist()
    x = alt.X(
        "lag:O",
        title="days from the behaviour to the outcome",
        scale=alt.Scale(domain=lags),
        axis=alt.Axis(labelAngle=0),
    )
    base = alt.Chart(data)
    whiskers = _interval_whiskers(
        base, x=x, y=alt.Y("effect_low:Q", title=_effect_title(unit)), y2="effect_high:Q"
    )
    points = base.mark_point(filled=True, size=110, opacity=1).encode(
        x=x,
        y=alt.Y("effect:Q", title=_effect_title(unit)),
        color=_finding_colour(FINDING_COLOURS, data["finding"]),
        tooltip=[
            "when:N",
            *_effect_tooltip(),
        ],
    )
    ring = (
        base.transform_filter(alt.datum.chosen)
        .mark_point(size=380, color=INK_COLOUR, strokeWidth=1.5)
        .encode(x=x, y="effect:Q")
    )
    return (_zero_rule("y") + whiskers + points + ring).properties(
        width=WIDTH, height=SMALL_HEIGHT, title="Lag scan", autosize=_PLOT_HEIGHT_KEPT
    )


def habit_effects_chart(habits: pd.DataFrame) -> alt.LayerChart:
    """Each numeric habit's effect per standard deviation, with its 95 % interval.

    Parameters
    ----------
    habits : :func:`pga_core.views.habit_view` — ``row, per_sd, per_sd_ci_low,
        per_sd_ci_high, per_unit, n_days, enough_data, finding``; rows without enough data are
        left out, the others keep their order.
    """
    data = habits[habits["enough_data"].astype(bool)].copy()
    order = data["row"].tolist()
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    title = "change in the outcome per SD more of the habit (95 % interval)"
    base = alt.Chart(data)
    whiskers = _interval_whiskers(
        base, y=y, x=alt.X("per_sd_ci_low:Q", title=title), x2="per_sd_ci_high:Q"
    )
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        y=y,
        x=alt.X("per_sd:Q", title=title),
        color=_finding_colour(HABIT_FINDING_COLOURS, data["finding"]),
        tooltip=[
            alt.Tooltip("row:N", title="habit"),
            alt.Tooltip("per_sd:Q", format="+.3g", title="per SD"),
            alt.Tooltip("per_sd_ci_low:Q", format="+.3g", title="interval from"),
            alt.Tooltip("per_sd_ci_high:Q", format="+.3g", title="interval to"),
            alt.Tooltip("per_unit:Q", format="+.3g", title="per unit"),
            alt.Tooltip("n_days:Q", title="days used"),
        ],
    )
    return (_zero_rule("x") + whiskers + points).properties(
        width=WIDTH, height=alt.Step(ROW_HEIGHT), title="Numeric habits"
    )


def correlation_heatmap(cells: pd.DataFrame, *, lag: int = 0) -> alt.LayerChart:
    """Correlations of each variable on day t (rows) with each on day t + lag (columns).

    Parameters
    ----------
    cells : :func:`pga_core.views.correlation_cells` — ``x_label, y_label,
        x_position, y_position, r, n_pairs, p_value, q_value, likely, circular, text``.
    lag : days between the row and the column variable (for the axis title only).

    Returns
    -------
    alt.LayerChart
        Cells coloured from −1 (red) to +1 (blue) with r written in them; a black frame marks
        likely links (q ≤ 0.10), a dashed frame pairs computed one from the other.
    """
    data = cells.copy()
    rows = data.sort_values("x_position")["x_label"].drop_duplicates().tolist()
    columns = data.sort_values("y_position")["y_label"].drop_duplicates().tolist()
    x = alt.X(
        "y_label:N",
        sort=columns,
        title=f"variable {lag_phrase(lag)}",
        axis=alt.Axis(labelAngle=-40, labelLimit=LABEL_LIMIT // 2, labelOverlap=False),
    )
    y = alt.Y(
        "x_label:N",
        sort=rows,
        title="variable on day t",
        axis=alt.Axis(labelLimit=LABEL_LIMIT // 2),
    )
    tooltip = [
        alt.Tooltip("x_label:N", title="day t"),
        alt.Tooltip("y_label:N", title="later"),
        alt.Tooltip("r:Q", format="+.2f"),
        alt.Tooltip("n_pairs:Q", title="days"),
        alt.Tooltip("p_value:Q", format=".2g", title="p"),
        alt.Tooltip("q_value:Q", format=".2g", title="q"),
        alt.Tooltip("circular:N", title="built in"),
    ]
    base = alt.Chart(data)
    cells_layer = base.mark_rect().encode(
        x=x,
        y=y,
        color=alt.Color(
            "r:Q",
            scale=alt.Scale(domain=[-1, 1], scheme="redblue"),
            title="r",
            legend=alt.Legend(orient="top"),
        ),
        tooltip=tooltip,
    )
    text = base.mark_text(fontSize=11).encode(x=x, y=y, text="text:N", tooltip=tooltip)
    likely = (
        base.transform_filter(alt.datum.likely)
        .mark_rect(filled=False, stroke="black", strokeWidth=2.5)
        .encode(x=x, y=y)
    )
    built_in = (
        base.transform_filter(alt.datum.circular)
        .mark_rect(filled=False, stroke="#333333", strokeWidth=2, strokeDash=[4, 3])
        .encode(x=x, y=y)
    )
    return (cells_layer + text + built_in + likely).properties(
        width=alt.Step(HEATMAP_CELL), height=alt.Step(HEATMAP_CELL), title="Correlations"
    )
